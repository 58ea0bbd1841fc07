"""`byway connect --transport auto` end to end in the lab: the built-in bridges refreshed from the
lab's Moat server, pre-checks and the advisor choose, tor bootstraps, the SOCKS port carries a GET."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from byway.lab import addresses, control, namespaces

pytestmark = pytest.mark.lab


def _inside(argv):
    return subprocess.Popen(
        namespaces.in_ns(addresses.NS_INSIDE, argv),
        env=control.client_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_auto_connect_under_the_classic_tor_block(scenario, tmp_path):
    scenario.switch("tor-blocked")
    stick = str(tmp_path / "stick")
    moat = scenario.info.moat_url
    refresh = scenario.byway("--portable", stick, "bridges", "refresh", "--moat-url", moat)
    assert refresh.returncode == 0, refresh.stderr

    proc = _inside(
        [
            sys.executable,
            "-m",
            "byway",
            "--portable",
            stick,
            "connect",
            "--transport",
            "auto",
            "--moat-url",
            moat,
        ]
    )
    stderr_lines: list[str] = []
    reader = threading.Thread(target=lambda: stderr_lines.extend(proc.stderr), daemon=True)
    reader.start()
    socks = None
    deadline = time.monotonic() + 120
    try:
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            match = re.match(r"SOCKS5 (\S+):(\d+)", line.strip())
            if match:
                socks = (match.group(1), int(match.group(2)))
                break
        assert socks is not None, "".join(stderr_lines)
        plan_text = "".join(stderr_lines)
        first = re.search(r"^\s+1\. (\S+)", plan_text, re.MULTILINE)
        assert first is not None and first.group(1) == "obfs4", plan_text
        # The SOCKS port is inside the client namespace: fetch through it from there.
        fetch = scenario.exec_inside(
            [
                sys.executable,
                "-c",
                "import httpx,sys; r=httpx.get('http://www.byway.test/', "
                f"proxy='socks5://{socks[0]}:{socks[1]}', timeout=30); print(r.status_code)",
            ],
            timeout_s=60,
        )
        assert fetch.stdout.strip() == "200", fetch.stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
    # Nothing of that connection outlives it.
    time.sleep(1)
    leftovers = [pid for pid in os.listdir("/proc") if pid.isdigit() and stick.encode() in _cmdline(pid)]
    assert not leftovers


def _cmdline(pid: str) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    except OSError:
        return b""
