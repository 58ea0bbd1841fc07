"""Finding tor and transport processes a test may have left behind, from /proc.

A tor Byway started has ``/byway-tor-`` (its private runtime folder) in its command line; a transport
tor started has ``TOR_PT_STATE_LOCATION`` under the test's data folder in its environment, or under a
runtime folder when the option's bridges are secret (its DataDirectory is ephemeral, in RAM). Zombies
do not count: they hold no socket and no memory.
"""

from __future__ import annotations

import time
from pathlib import Path

NAMES = frozenset({"tor", "obfs4proxy", "lyrebird", "snowflake-client"})


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _state(pid: str) -> str:
    stat = _read(Path(f"/proc/{pid}/stat")).decode(errors="replace")
    return stat.rsplit(")", 1)[-1].split()[0] if ")" in stat else "X"


def byway_processes(data_root: Path, *, ignore: frozenset[int] = frozenset()) -> list[tuple[int, str]]:
    """Live tor/PT processes started by Byway (any tor with a Byway runtime folder; PTs under data_root)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in ignore:
            continue
        name = _read(entry / "comm").decode(errors="replace").strip()
        if name not in NAMES or _state(entry.name) in ("Z", "X"):
            continue
        cmdline = _read(entry / "cmdline")
        environ = _read(entry / "environ")
        state = next((v for v in environ.split(b"\0") if v.startswith(b"TOR_PT_STATE_LOCATION=")), b"")
        if (
            b"/byway-tor-" in cmdline
            or state.startswith(f"TOR_PT_STATE_LOCATION={data_root}".encode())
            or b"/byway-tor-" in state
        ):
            found.append((int(entry.name), name))
    return found


def wait_gone(
    data_root: Path, timeout_s: float, *, ignore: frozenset[int] = frozenset()
) -> list[tuple[int, str]]:
    """Wait up to ``timeout_s`` for every such process to exit; return those still there."""
    deadline = time.monotonic() + timeout_s
    left = byway_processes(data_root, ignore=ignore)
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = byway_processes(data_root, ignore=ignore)
    return left


def snapshot(data_root: Path) -> frozenset[int]:
    """Processes already running before a test (another test's, or another engineer's)."""
    return frozenset(pid for pid, _ in byway_processes(data_root))
