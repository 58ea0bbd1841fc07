"""Drive the real window through the whole flow inside the lab, offscreen, and print JSON results.

Run *inside* the lab's client namespace (the test and the benchmark start it with
``LabHandle.exec_inside``/``byway.lab.control.exec_inside``), so the diagnosis, the pre-checks, Moat
and tor's bootstrap all cross the lab's real censor::

    python tests/ui/lab_driver.py HOME_DIR [--deadline 240]

It clicks through Test -> results -> See the way out -> Connect, fetches http://www.byway.test/
through the SOCKS address the window shows, presses Disconnect, and waits until the connector has
stopped tor. A 2 ms timer on the GUI thread records the longest stall of each phase. The last line
printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "desktop"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("BYWAY_LANG", "en")
TICK_MS = 2
WORLD_URL = "http://www.byway.test/"


def fetch(socks: str) -> dict[str, Any]:
    import httpx

    try:
        with httpx.Client(proxy=f"socks5://{socks}", timeout=20, trust_env=False) as client:
            response = client.get(WORLD_URL)
        return {"status": response.status_code, "reached": "www.byway.test" in response.text}
    except Exception as error:  # the JSON says what went wrong
        return {"status": 0, "reached": False, "error": f"{type(error).__name__}: {error}"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("home", type=Path)
    parser.add_argument("--deadline", type=float, default=240.0)
    args = parser.parse_args()

    from PySide6.QtCore import QElapsedTimer, QTimer

    from byway.lab.info import load_info
    from byway.store.locations import Locations
    from byway.store.secrets import MemorySecretStore
    from byway.ui.app import build, leave
    from byway.ui.lab_world import lab_collaborators
    from byway.ui.window import State

    info = load_info()
    if info is None:
        print(json.dumps({"error": "the lab is not up"}))
        return 2
    home: Path = args.home
    locations = Locations(home / "config", home / "data", home / "cache", home / "logs", False, None)
    running = build(
        locations,
        collaborators=lab_collaborators(locations, info),
        secrets=MemorySecretStore(),
    )
    window, app = running.window, running.app
    window.show()
    result: dict[str, Any] = {"errors": []}
    clock = QElapsedTimer()
    stalls = {"diagnosis": 0.0, "advice": 0.0, "bootstrap": 0.0}
    started = {"diagnosis": 0.0, "advice": 0.0, "bootstrap": 0.0}
    phase = ["idle"]
    last = [0]

    def tick() -> None:
        now = clock.elapsed()
        if phase[0] in stalls:
            stalls[phase[0]] = max(stalls[phase[0]], now - last[0] - TICK_MS)
        last[0] = now

    def enter(name: str) -> None:
        phase[0] = name
        if name in started:
            started[name] = time.monotonic()

    def took(name: str) -> None:
        result[f"{name}_s"] = round(time.monotonic() - started[name], 2)

    def drive() -> None:
        current = window.stack.currentWidget()
        if phase[0] == "idle" and window.warmed:  # as a person would: after the window settled
            window.welcome.consent.setChecked(True)
            enter("diagnosis")
            window.welcome.start_button.click()
        elif phase[0] == "diagnosis" and current is window.results:
            took("diagnosis")
            result["headline"] = window.results.headline.text()
            enter("advice")
            window.results.advise_button.click()
        elif phase[0] == "diagnosis" and current is window.welcome:
            result["errors"].append("diagnosis: " + window.welcome.message.text())
            app.quit()
        elif phase[0] == "advice" and window.plan is not None and window.advice_made is not None:
            took("advice")
            result["plan"] = [option.way.value for option in window.plan.options]
            result["plan_summary"] = window.plan.summary
            result["checks"] = [
                [c.way.value, c.reachable, c.method, c.failure] for c in window.advice_made.request.checks
            ]
            result["moat_reached"] = window.advice_made.request.moat is not None
            result["network_id"] = window.advice_made.network_id
            if not window.advice.connect_button.isVisible():
                result["errors"].append("advice: nothing to connect with")
                app.quit()
                return
            enter("bootstrap")
            window.advice.connect_button.click()
        elif phase[0] == "bootstrap" and window.state == State.CONNECTED and window.session is not None:
            took("bootstrap")
            enter("connected")
            result["connected_way"] = window.session.option.way.value
            result["socks_text"] = window.connected.address.text()
            result["http"] = fetch(str(window.session.socks))
            result["remembered"] = dict(window.prefs.settings.last_working_transport)
            enter("disconnecting")
            window.connected.disconnect_button.click()
            result["state_after_disconnect"] = window.state
        elif phase[0] == "bootstrap" and window.connecting.back_button.isVisible():
            result["errors"].append("connect: " + window.connecting.problem.text())
            app.quit()
        elif phase[0] == "disconnecting" and window.slot.current is None:
            enter("done")
            QTimer.singleShot(1500, app.quit)  # let tor's exit be reaped before the process leaves

    clock.start()
    ticker = QTimer()
    ticker.setInterval(TICK_MS)
    ticker.timeout.connect(tick)
    ticker.start()
    driver = QTimer()
    driver.setInterval(50)
    driver.timeout.connect(drive)
    driver.start()

    def too_long() -> None:
        result["errors"].append(f"deadline: stuck in phase {phase[0]}")
        app.quit()

    QTimer.singleShot(int(args.deadline * 1000), too_long)
    app.exec()
    result["stalls_ms"] = {name: round(value, 1) for name, value in stalls.items()}
    result["completed"] = phase[0] == "done"
    print(json.dumps(result), flush=True)
    return leave(running, 0 if result["completed"] else 1)


if __name__ == "__main__":
    raise SystemExit(main())
