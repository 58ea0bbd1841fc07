"""Run the real window on an X display that has a real system tray (``trayer``), and print JSON.

Started by ``tests/ui/test_tray_on_a_desktop.py`` under ``xvfb-run``::

    python tests/ui/tray_driver.py HOME_DIR SCREENSHOT.png

It starts ``trayer`` (an XEmbed system tray), waits until Qt sees a tray, builds Byway as ``byway``
does (demo mode, so nothing is sent), and reports whether the tray icon was added and embedded
(it has a place on the screen), its tooltip before and after a demo connection, and after
Disconnect from the tray's own menu. The last line printed is one JSON object.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "desktop"))


def wait(app: Any, condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.02)
    return bool(condition())


ICON_COLOURS = {"idle": (0x6B, 0x6F, 0x76), "busy": (0xB0, 0x7A, 0x00), "connected": (0x1E, 0x6B, 0x3A)}


def icon_on_screen(app: Any, tray: Any) -> str:
    """Which of the tray icons is drawn where the tray embedded ours: the colour most of its pixels
    are closest to (after letting the tray repaint)."""
    from PySide6.QtGui import QGuiApplication

    wait(app, lambda: False, 0.5)
    rect = tray.geometry()
    image = QGuiApplication.primaryScreen().grabWindow(0).toImage()
    votes = dict.fromkeys(ICON_COLOURS, 0)
    for x in range(rect.x(), rect.x() + rect.width()):
        for y in range(rect.y(), rect.y() + rect.height()):
            pixel = image.pixelColor(x, y)
            rgb = (pixel.red(), pixel.green(), pixel.blue())
            for name, colour in ICON_COLOURS.items():
                if sum(abs(a - b) for a, b in zip(rgb, colour, strict=True)) < 60:
                    votes[name] += 1
    return max(votes, key=lambda name: votes[name]) if any(votes.values()) else "none"


def observe(app: Any, window: Any, tray: Any, result: dict[str, Any], screenshot: Path) -> None:
    """The tray icon through a demo connection and the tray's own Disconnect, into ``result``."""
    from PySide6.QtGui import QGuiApplication

    from byway.ui.window import State

    result["tray_visible"] = wait(app, tray.isVisible, 5)
    embedded = wait(app, lambda: not tray.geometry().isEmpty(), 5)
    geometry = tray.geometry()
    result["tray_geometry"] = [geometry.x(), geometry.y(), geometry.width(), geometry.height()]
    result["embedded"] = embedded
    result["tooltip_idle"] = tray.toolTip()
    result["icon_idle"] = icon_on_screen(app, tray)
    window.welcome.consent.setChecked(True)
    window.welcome.start_button.click()
    wait(app, lambda: window.stack.currentWidget() is window.results, 15)
    window.results.advise_button.click()
    wait(app, lambda: window.advice.connect_button.isVisible(), 15)
    window.advice.connect_button.click()
    result["connected"] = wait(app, lambda: window.state == State.CONNECTED, 20)
    result["tooltip_connected"] = tray.toolTip()
    result["icon_connected"] = icon_on_screen(app, tray)
    QGuiApplication.primaryScreen().grabWindow(0).save(str(screenshot))
    tray.disconnect_action.trigger()
    result["idle_after_tray_disconnect"] = window.state == State.IDLE
    result["tooltip_after"] = tray.toolTip()
    result["icon_after"] = icon_on_screen(app, tray)


def main() -> int:
    # Set here, not at import: pytest imports every module under tests/ (doctests), and the other
    # tests draw offscreen.
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ.setdefault("BYWAY_LANG", "en")
    home, screenshot = Path(sys.argv[1]), Path(sys.argv[2])
    from PySide6.QtWidgets import QSystemTrayIcon

    from byway.store.locations import Locations
    from byway.store.secrets import MemorySecretStore
    from byway.ui.app import application, build

    app = application()
    tray_host = subprocess.Popen(
        ["trayer", "--expand", "false", "--width", "10", "--height", "32", "--align", "right"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    result: dict[str, Any] = {}
    try:
        result["tray_available"] = wait(app, QSystemTrayIcon.isSystemTrayAvailable, 10)
        locations = Locations(home / "c", home / "d", home / "ca", home / "l", False, None)
        running = build(locations, demo="iran-2022", secrets=MemorySecretStore(), time_scale=0.002)
        window = running.window
        window.show()
        result["tray_added"] = wait(app, lambda: running.tray is not None, 5)
        tray = running.tray
        if tray is not None:
            observe(app, window, tray, result, screenshot)
        running.worker.stop()
    finally:
        tray_host.terminate()
        tray_host.wait(5)
    print(json.dumps(result), flush=True)
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
