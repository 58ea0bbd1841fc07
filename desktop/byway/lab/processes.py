"""Long-lived lab processes: started detached inside a namespace, remembered by pid file.

``byway lab up`` returns while the world keeps running, so each server is its own session leader
with its output in a log file under the state directory. ``down`` still finds them through
``ip netns pids`` even when the pid files are gone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from byway.lab import addresses as a
from byway.lab.namespaces import in_ns, is_alive, kill_pids


@dataclass(frozen=True)
class LabProcess:
    """A named process of the lab and where its pid and log live."""

    name: str
    pid: int
    log: Path


def pid_dir() -> Path:
    return a.STATE_DIR / "pids"


def log_dir() -> Path:
    return a.STATE_DIR / "logs"


def spawn(name: str, ns: str, argv: Sequence[str], *, env: Mapping[str, str] | None = None) -> LabProcess:
    """Start ``argv`` inside ``ns`` detached from us, with its output in ``logs/<name>.log``."""
    pid_dir().mkdir(parents=True, exist_ok=True)
    log_dir().mkdir(parents=True, exist_ok=True)
    log = log_dir() / f"{name}.log"
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            in_ns(ns, argv),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=full_env,
        )
    (pid_dir() / f"{name}.pid").write_text(f"{proc.pid}\n")
    return LabProcess(name, proc.pid, log)


def python_module(module: str, *args: str) -> list[str]:
    """The argv that runs one of Byway's own modules with this interpreter."""
    return [sys.executable, "-m", module, *args]


def known() -> list[LabProcess]:
    """Every process with a pid file, alive or not."""
    found: list[LabProcess] = []
    if not pid_dir().is_dir():
        return found
    for pid_file in sorted(pid_dir().glob("*.pid")):
        try:
            pid = int(pid_file.read_text().strip())
        except ValueError:
            continue
        found.append(LabProcess(pid_file.stem, pid, log_dir() / f"{pid_file.stem}.log"))
    return found


def is_running(proc: LabProcess) -> bool:
    return is_alive(proc.pid)


def stop(name: str) -> None:
    """Stop one named process (used when a scenario swaps the censor's helpers)."""
    pid_file = pid_dir() / f"{name}.pid"
    if not pid_file.exists():
        return
    try:
        pid = int(pid_file.read_text().strip())
    except ValueError:
        pid = 0
    if pid > 0 and is_alive(pid):
        kill_pids([pid], grace_s=2.0)
    pid_file.unlink(missing_ok=True)
