"""The whole window flow against the censorship lab, with the real collaborators, not mocked.

The window runs in a subprocess inside the lab's client namespace (``tests/ui/lab_driver.py``), so
the diagnosis, the pre-checks, Moat and tor's bootstrap cross the lab's real censor. Scenario
``tor-blocked``: the results say the network blocks Tor, the advisor puts obfs4 first, the window
connects over obfs4, an HTTP GET through the SOCKS address it shows reaches the lab's web server,
and after Disconnect no tor or obfs4proxy is left running.

    flock /tmp/byway-lab-dev.lock .venv/bin/pytest tests/ui/test_lab_flow.py -m "lab and not lab_teardown"
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from byway.lab.testing import LabHandle
from tests.unit.tor.procs import snapshot, wait_gone

pytestmark = [pytest.mark.lab, pytest.mark.tor]
DRIVER = Path(__file__).with_name("lab_driver.py")


def run_driver(lab: LabHandle, home: Path) -> dict[str, object]:
    proc = lab.exec_inside([sys.executable, str(DRIVER), str(home)], timeout_s=300)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no result from the driver (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
    result: dict[str, object] = json.loads(lines[-1])
    print(json.dumps(result, indent=1))
    return result


def test_tor_blocked_diagnose_advise_connect_over_obfs4_fetch_and_disconnect(
    scenario: LabHandle, tmp_path: Path
) -> None:
    scenario.switch("tor-blocked")
    before = snapshot(tmp_path)
    result = run_driver(scenario, tmp_path / "home")
    assert result["errors"] == [], result
    assert "blocks Tor" in str(result["headline"])
    plan = result["plan"]
    assert isinstance(plan, list) and plan[0] == "obfs4", plan
    assert result["connected_way"] == "obfs4"
    assert str(result["socks_text"]).startswith("socks5://127.0.0.1:")
    assert result["http"] == {"status": 200, "reached": True}
    assert result["state_after_disconnect"] == "idle"
    remembered = result["remembered"]
    assert isinstance(remembered, dict) and list(remembered.values()) == ["obfs4"]
    assert result["completed"] is True
    assert wait_gone(tmp_path, 10.0, ignore=before) == []
