#!/usr/bin/env python3
"""Smoke-test a built portable bundle the way a USB-stick user meets it.

    .venv/bin/python packaging/smoke_test.py [dist/byway | dist/byway-<version>-linux-<arch>.tar.gz]

1. Copies the bundle folder into a fresh temporary folder (as if onto a stick).
2. Runs ``<copy>/byway --self-test`` with ``HOME``, every ``XDG_*`` folder, ``TMPDIR`` and the
   working directory pointed at empty temporary folders, no display, and a ``PATH`` that *does*
   contain the system's tor and transports (so the self-test proves the bundle's own copies win).
3. Checks the exit status and the report, that those folders are still empty, and lists what changed
   inside the copy (only there may anything change).

Exit status 0 when every check holds. :func:`smoke_test` is what ``tests/packaging`` calls.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 180.0
EMPTY_PLACES = ("home", "config", "data", "cache", "state", "runtime", "tmp", "cwd")
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

Snapshot = dict[str, tuple[int, int, int]]  # relative path -> (size, mtime_ns, mode)


@dataclass
class SmokeResult:
    returncode: int
    output: str
    seconds: float
    problems: list[str] = field(default_factory=list)
    changed_in_bundle: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def snapshot(folder: Path) -> Snapshot:
    found: Snapshot = {}
    for path in folder.rglob("*"):
        info = path.lstat()
        found[str(path.relative_to(folder))] = (info.st_size, info.st_mtime_ns, info.st_mode)
    return found


def differences(before: Snapshot, after: Snapshot) -> list[str]:
    changes = [f"+ {name}" for name in sorted(after.keys() - before.keys())]
    changes += [f"- {name}" for name in sorted(before.keys() - after.keys())]
    changes += [f"~ {name}" for name in sorted(before.keys() & after.keys()) if before[name] != after[name]]
    return changes


def clean_environment(places: dict[str, Path]) -> dict[str, str]:
    """Nothing from the build machine's session: no display, no virtualenv, no Byway or Qt knobs."""
    env = {k: v for k, v in os.environ.items() if k == "TZ"}
    env.update(
        LANG="C.UTF-8",  # the report is checked in English
        BYWAY_LANG="en",
        PATH=SYSTEM_PATH,
        HOME=str(places["home"]),
        XDG_CONFIG_HOME=str(places["config"]),
        XDG_DATA_HOME=str(places["data"]),
        XDG_CACHE_HOME=str(places["cache"]),
        XDG_STATE_HOME=str(places["state"]),
        XDG_RUNTIME_DIR=str(places["runtime"]),
        TMPDIR=str(places["tmp"]),
    )
    return env


def unpack(source: Path, stick: Path) -> Path:
    """Copy the bundle folder onto the "stick", or unpack the released ``.tar.gz`` there."""
    if source.is_dir():
        copy = stick / source.name
        shutil.copytree(source, copy, symlinks=True)
        return copy
    with tarfile.open(source) as tar:
        tar.extractall(stick, filter="tar")  # "tar": keep the executable bits, refuse odd paths
    folders = [p for p in stick.iterdir() if p.is_dir()]
    if len(folders) != 1:
        raise ValueError(f"{source} should hold one folder, not {[p.name for p in folders]}")
    return folders[0]


def smoke_test(bundle: Path, *, keep: bool = False) -> SmokeResult:
    """``bundle`` is the ``dist/byway`` folder or the ``byway-*.tar.gz`` made from it."""
    bundle = bundle.resolve()
    work = Path(tempfile.mkdtemp(prefix="byway-smoke-"))
    try:
        stick = work / "stick"
        stick.mkdir()
        copy = unpack(bundle, stick)
        places = {name: work / name for name in EMPTY_PLACES}
        for folder in places.values():
            folder.mkdir(mode=0o700)
        before = snapshot(copy)
        started = time.monotonic()
        try:
            run = subprocess.run(
                [str(copy / "byway"), "--self-test"],
                cwd=places["cwd"],
                env=clean_environment(places),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
            )
            returncode, output = run.returncode, run.stdout + run.stderr
        except subprocess.TimeoutExpired as expired:
            returncode = -1
            partial = [
                part.decode(errors="replace") if isinstance(part, bytes) else part or ""
                for part in (expired.stdout, expired.stderr)
            ]
            output = f"timed out after {TIMEOUT_S:.0f} s\n" + "".join(partial)
        result = SmokeResult(returncode, output, time.monotonic() - started)
        if returncode != 0:
            result.problems.append(f"--self-test exited with {returncode}")
        if "Self-test passed." not in output:
            result.problems.append("the report does not say 'Self-test passed.'")
        for name, folder in places.items():
            written = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
            if written:
                result.problems.append(f"wrote outside the bundle, in {name}: {', '.join(written[:10])}")
        for line in output.splitlines():
            # Every file the report names must be the copy's, not the original build's nor the system's.
            for path in re.findall(r"(?:^|\s)(/\S+)", line):
                if not Path(path).is_relative_to(copy):
                    result.problems.append(f"a path outside the copied bundle: {line.strip()}")
        result.changed_in_bundle = differences(before, snapshot(copy))
        return result
    finally:
        if keep:
            print(f"smoke test: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str]) -> int:
    bundle = Path(argv[1]) if len(argv) > 1 else ROOT / "dist" / "byway"
    if not ((bundle / "byway").is_file() or (bundle.name.endswith(".tar.gz") and bundle.is_file())):
        print(f"smoke test: no bundle at {bundle}: run 'make bundle' first", file=sys.stderr)
        return 2
    print(f"smoke test: {bundle}")
    result = smoke_test(bundle, keep=os.environ.get("BYWAY_SMOKE_KEEP") == "1")
    print(result.output.rstrip())
    print(f"smoke test: --self-test took {result.seconds:.1f} s")
    print("smoke test: changed inside the copied bundle:", ", ".join(result.changed_in_bundle) or "nothing")
    for problem in result.problems:
        print(f"smoke test: FAIL: {problem}", file=sys.stderr)
    if result.ok:
        print("smoke test: passed (nothing written outside the bundle's folder)")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
