"""A typed handle on a running lab for tests: the lab's description plus ways to act inside it.

``tests/integration/lab/conftest.py`` hands one out as the session fixture ``lab``; suites built on
the lab (the diagnosis engine's) use the same methods: ``switch``, ``exec_inside``, ``probe`` (the
plain probes of :mod:`byway.lab.probe`, independent of Byway's measurement code) and ``bootstrap``
(a real tor client inside, watched until 100% or a deadline).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from byway.lab import addresses as plan
from byway.lab import control, namespaces
from byway.lab.info import LabInfo


@dataclass(frozen=True)
class Bootstrap:
    """How far a tor client inside the lab got, and when it reached 100% (if it did)."""

    percent: int
    seconds_to_done: float | None
    last_line: str


@dataclass(frozen=True)
class LabHandle:
    """What a test gets: the lab's description plus ways to act inside it."""

    info: LabInfo
    started_here: bool

    def switch(self, scenario: str) -> None:
        control.switch_scenario(scenario)

    def exec_inside(
        self, argv: Sequence[str], *, timeout_s: float = 60.0
    ) -> subprocess.CompletedProcess[str]:
        return control.exec_inside(argv, timeout_s=timeout_s)

    def byway(self, *args: str, timeout_s: float = 120.0) -> subprocess.CompletedProcess[str]:
        """Run Byway's own CLI inside the client (e.g. ``lab.byway("diagnose", "--json")``)."""
        return self.exec_inside([sys.executable, "-m", "byway", *args], timeout_s=timeout_s)

    def probe(self, *args: object) -> dict[str, object]:
        """Run one probe of :mod:`byway.lab.probe` inside the client namespace and return its JSON."""
        proc = self.exec_inside([sys.executable, "-m", "byway.lab.probe", *(str(arg) for arg in args)])
        assert proc.returncode == 0, proc.stderr
        result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
        return result

    def bootstrap(self, bridges: tuple[str, ...] = (), *, watch_s: float = 30.0) -> Bootstrap:
        """Start a tor client inside, watch its bootstrap for up to ``watch_s``, then stop it."""
        with tempfile.TemporaryDirectory(dir=plan.STATE_DIR) as tmp:
            folder = Path(tmp)
            torrc = folder / "torrc"
            torrc.write_text(self.info.client_torrc(folder / "data", bridges=bridges))
            start = time.monotonic()
            proc = subprocess.Popen(
                namespaces.in_ns(plan.NS_INSIDE, ["tor", "-f", str(torrc)]),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            timer = threading.Timer(watch_s, proc.terminate)
            timer.start()
            percent, done, last = 0, None, ""
            try:
                assert proc.stdout is not None
                for line in proc.stdout:
                    if "Bootstrapped " in line:
                        last = line.strip()
                        percent = int(line.split("Bootstrapped ", 1)[1].split("%", 1)[0])
                        if percent == 100:
                            done = time.monotonic() - start
                            break
            finally:
                timer.cancel()
                proc.terminate()
                proc.wait(timeout=10)
        return Bootstrap(percent, done, last)
