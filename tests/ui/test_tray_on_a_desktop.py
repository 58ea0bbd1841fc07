"""The tray icon on a real X display with a real system tray (``trayer`` under Xvfb): Byway adds
its icon where the desktop has a tray, the tray embeds it, and it follows the connection.

The other tray tests drive the ``Tray`` object offscreen, where no tray exists; this one shows that
``build`` really puts it in a tray. Nothing is sent: the window runs in demo mode.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DRIVER = Path(__file__).with_name("tray_driver.py")
NEEDED = ("xvfb-run", "Xvfb", "trayer")


@pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in NEEDED),
    reason="SKIPPED LOUDLY: needs xvfb-run, Xvfb and trayer (scripts/setup installs them)",
)
def test_the_icon_is_embedded_in_a_real_tray_and_follows_the_state(tmp_path: Path) -> None:
    screenshot = tmp_path / "desktop.png"
    proc = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1280x800x24",
            sys.executable,
            str(DRIVER),
            str(tmp_path),
            str(screenshot),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, proc.stderr[-3000:]
    result = json.loads(lines[-1])
    assert result["tray_available"] and result["tray_added"], result
    assert result["tray_visible"] and result["embedded"], result
    x, y, width, height = result["tray_geometry"]
    assert width > 0 and height > 0 and 0 <= x < 1280 and 0 <= y < 800, result
    assert result["tooltip_idle"] == "Byway: not connected"
    assert result["connected"] and result["tooltip_connected"] == "Byway: connected"
    assert result["idle_after_tray_disconnect"] and result["tooltip_after"] == "Byway: not connected"
    # What is drawn in the tray, read back from the screen: grey, then green, then grey again.
    assert (result["icon_idle"], result["icon_connected"], result["icon_after"]) == (
        "idle",
        "connected",
        "idle",
    )
    assert screenshot.stat().st_size > 0
