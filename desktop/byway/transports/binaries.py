"""Finding tor and the pluggable-transport programs: next to the app first, then on PATH.

A portable Byway carries its own tor and lyrebird, tested together; a system install relies on the
distribution's packages (Debian 12 ships obfs4proxy and snowflake-client, not lyrebird). So each
program is looked for beside the application first and on ``PATH`` second, and each candidate must be
a regular, executable file that actually starts. Candidates that fail are remembered with the reason,
so "webtunnel is unavailable" can say *why* (see :mod:`byway.transports.transport_support`).

This module starts processes (``-version``) and so blocks: call it through ``asyncio.to_thread``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from byway.i18n import translate

VERSION_TIMEOUT_S = 3.0
_VERSION = re.compile(r"(\d+\.\d+(?:\.\d+)*)", re.ASCII)


class BinaryName(StrEnum):
    """The programs Byway can drive, by their file name (without ``.exe``)."""

    TOR = "tor"
    LYREBIRD = "lyrebird"
    OBFS4PROXY = "obfs4proxy"
    SNOWFLAKE_CLIENT = "snowflake-client"
    CONJURE_CLIENT = "conjure-client"


PLUGGABLE_TRANSPORT_BINARIES = (
    BinaryName.LYREBIRD,
    BinaryName.OBFS4PROXY,
    BinaryName.SNOWFLAKE_CLIENT,
    BinaryName.CONJURE_CLIENT,
)


class Origin(StrEnum):
    """Where a program was found: shipped beside Byway, or installed on the system (``PATH``)."""

    BESIDE_APP = "beside_app"
    PATH = "path"


@dataclass(frozen=True)
class FoundBinary:
    """A program that exists, is executable and starts. ``version`` is ``None`` when it did not say."""

    name: BinaryName
    path: Path
    origin: Origin
    version: str | None = None

    def describe(self) -> str:
        """``obfs4proxy 0.0.14`` (or just ``obfs4proxy`` when the version is unknown)."""
        return f"{self.name.value} {self.version}" if self.version else self.name.value


@dataclass(frozen=True)
class RejectedCandidate:
    """A file with the right name that cannot be used, and why (a translated sentence)."""

    name: BinaryName
    path: Path
    why: str


@dataclass(frozen=True)
class BinarySearch:
    """The outcome of looking for one program: what was found (if anything) and what was set aside."""

    name: BinaryName
    found: FoundBinary | None
    rejected: tuple[RejectedCandidate, ...] = ()


def default_search_dirs(
    executable: Path | None = None, portable_root: Path | None = None
) -> tuple[Path, ...]:
    """The folders "next to the app", most specific first.

    ``executable`` is the running program (``sys.executable``: the app itself in a bundle), and
    ``portable_root`` the root of a portable installation, if any. Under each, the layouts of Byway's
    bundle (``bin/``, ``tor/``), the Tor Expert Bundle (``tor/pluggable_transports/``) and Tor Browser
    (``TorBrowser/Tor/PluggableTransports``) are tried, then the folder itself.

    >>> [p.as_posix() for p in default_search_dirs(Path("/opt/byway/byway"))][:2]
    ['/opt/byway/bin', '/opt/byway/tor']
    """
    roots: list[Path] = []
    if portable_root is not None:
        roots.append(portable_root)
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and isinstance(bundle, str):
        roots.append(Path(bundle))
    roots.append(Path(executable or sys.executable).absolute().parent)
    layouts = (
        "bin",
        "tor",
        "tor/pluggable_transports",
        "pluggable_transports",
        "TorBrowser/Tor/PluggableTransports",
    )
    folders: list[Path] = []
    for root in roots:
        for folder in [*(root / layout for layout in layouts), root]:
            if folder not in folders:
                folders.append(folder)
    return tuple(folders)


def _file_names(name: BinaryName) -> tuple[str, ...]:
    return (f"{name.value}.exe", name.value) if os.name == "nt" else (name.value,)


def _path_dirs(path_env: str | None) -> list[Path]:
    value = os.environ.get("PATH", "") if path_env is None else path_env
    return [Path(entry) for entry in value.split(os.pathsep) if entry]


def _unusable_because(path: Path) -> str | None:
    """Why this existing path cannot be run (``None`` if it can)."""
    if not path.is_file():
        return translate("Transports", "{path} is not a regular file").format(path=path)
    if not os.access(path, os.X_OK):
        return translate("Transports", "{path} is not executable").format(path=path)
    return None


def read_version(name: BinaryName, path: Path, *, timeout_s: float = VERSION_TIMEOUT_S) -> str | None:
    """Ask the program for its version; ``None`` if it does not answer with one in time.

    Go transports take ``-version`` (obfs4proxy prints ``obfs4proxy-0.0.14``; snowflake-client prints
    its version on stderr); tor takes ``--version``. Raises ``OSError`` if the file cannot be started
    at all (a wrong architecture, a broken script), which disqualifies it.
    """
    flag = "--version" if name is BinaryName.TOR else "-version"
    try:
        answer = subprocess.run(
            [str(path), flag],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    text = (answer.stdout + answer.stderr).decode("utf-8", errors="replace")
    first_lines = "\n".join(text.splitlines()[:3])
    match = _VERSION.search(first_lines)
    return match.group(1) if match else None


def find_binary(
    name: BinaryName,
    search_dirs: Sequence[Path] | None = None,
    *,
    path_env: str | None = None,
    probe_version: bool = True,
    timeout_s: float = VERSION_TIMEOUT_S,
) -> BinarySearch:
    """Look for ``name`` in ``search_dirs`` (default: :func:`default_search_dirs`), then on ``PATH``.

    ``path_env`` replaces ``$PATH`` (``""`` searches beside the app only). The first usable candidate
    wins; unusable ones found before it are returned in ``rejected``.
    """
    beside_app = list(default_search_dirs() if search_dirs is None else search_dirs)
    places = [(folder, Origin.BESIDE_APP) for folder in beside_app]
    places += [(folder, Origin.PATH) for folder in _path_dirs(path_env)]
    rejected: list[RejectedCandidate] = []
    seen: set[Path] = set()
    for folder, origin in places:
        for file_name in _file_names(name):
            candidate = folder / file_name
            if candidate in seen or not os.path.lexists(candidate):
                continue
            seen.add(candidate)
            why = _unusable_because(candidate)
            version = None
            if why is None and probe_version:
                try:
                    version = read_version(name, candidate, timeout_s=timeout_s)
                except OSError as error:
                    why = translate("Transports", "{path} could not be started ({error})").format(
                        path=candidate, error=error.strerror or error
                    )
            if why is not None:
                rejected.append(RejectedCandidate(name, candidate, why))
                continue
            return BinarySearch(
                name, FoundBinary(name, candidate.absolute(), origin, version), tuple(rejected)
            )
    return BinarySearch(name, None, tuple(rejected))
