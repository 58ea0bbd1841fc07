"""Byway killed with SIGKILL (no cleanup code runs at all): tor and its transport must still exit,
because tor's owning control connection closes with the process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from byway.lab.testing import LabHandle
from tests.unit.tor.procs import byway_processes, snapshot, wait_gone

pytestmark = [pytest.mark.lab, pytest.mark.tor]
RUN_CONNECT = Path(__file__).with_name("run_connect.py")
REPO = Path(__file__).resolve().parents[3]


def test_sigkill_of_byway_leaves_no_tor_or_transport(lab: LabHandle, tmp_path: Path) -> None:
    network = tmp_path / "network.json"
    network.write_text(
        json.dumps(
            {
                "authorities": [
                    {
                        "nickname": a.nickname,
                        "ip": a.ip,
                        "or_port": a.or_port,
                        "dir_port": a.dir_port,
                        "v3ident": a.v3ident,
                        "fingerprint": a.fingerprint,
                    }
                    for a in lab.info.authorities
                ]
            }
        )
    )
    env = {**os.environ, "BYWAY_TOR_TEST_NETWORK": str(network), "PYTHONPATH": str(REPO)}
    before = snapshot(tmp_path)
    argv = [sys.executable, str(RUN_CONNECT), "--portable", str(tmp_path / "byway"), "connect"]
    argv += ["--transport", "obfs4", "--bridge", lab.info.obfs4_bridges[0]]
    byway = subprocess.Popen(
        ["ip", "netns", "exec", "byway-lab-inside", *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert byway.stdout is not None
        line = byway.stdout.readline()
        assert line.startswith("SOCKS5 127.0.0.1:"), byway.stderr.read() if byway.stderr else line
        running = byway_processes(tmp_path, ignore=before)
        assert {name for _, name in running} == {"tor", "obfs4proxy"}, running
        killed_at = time.monotonic()
        byway.send_signal(signal.SIGKILL)
        byway.wait(5)
        left = wait_gone(tmp_path, 5.0, ignore=before)
        gone_after = time.monotonic() - killed_at
    finally:
        if byway.poll() is None:
            byway.kill()
            byway.wait()
    print(f"SIGKILL: tor and obfs4proxy gone {gone_after:.2f} s after Byway died")
    assert left == []
    assert gone_after < 3.0
