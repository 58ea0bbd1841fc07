#!/usr/bin/env python3
"""Finish the Linux portable bundle that PyInstaller left in ``dist/byway/``.

    .venv/bin/python packaging/linux/assemble.py [--dist dist/byway] [--tarball]

PyInstaller has already put Byway, Python, Qt and ``resources/`` under ``dist/byway/_internal``.
This step adds what a USB-stick user needs and a freezer cannot know about:

- ``tor/tor`` from the build machine's Debian package, with the shared libraries a fresh desktop
  lacks (libevent) in ``tor/lib/`` and an RPATH of ``$ORIGIN/lib`` so tor finds them there;
- ``tor/pluggable_transports/{obfs4proxy,snowflake-client}`` (Go programs, only libc needed);
- ``tor/geoip`` and ``tor/geoip6`` (Debian's tor-geoipdb);
- ``byway-portable``, the marker that keeps settings, secrets and tor state inside this folder;
- ``bundle-versions.json``: what went in, from which package version, with SHA-256 sums;
- ``licenses/``: the Debian copyright files of everything copied from the system.

The folders match :func:`byway.transports.binaries.default_search_dirs`, which looks in ``tor/`` and
``tor/pluggable_transports/`` beside the executable (the Tor Expert Bundle's layout), so the bundle's
copies win over anything installed on the computer.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

MARKER = "byway-portable"  # byway.store.locations.PORTABLE_MARKER (not imported: no venv needed)
MARKER_TEXT = (
    "This file makes Byway portable: settings, secrets and tor's state are kept in this folder\n"
    "(config/, data/, cache/, logs/) and nothing is written to the computer it runs on.\n"
    "Delete it to make this copy use the usual per-user folders instead.\n"
)

# Libraries tor needs that a fresh Debian/Ubuntu desktop does not have. The others (OpenSSL 3, zlib,
# liblzma, libzstd, libsystemd, libseccomp, libcap) are part of every systemd-based desktop that can
# run this bundle at all (glibc >= 2.36: Debian 12, Ubuntu 23.04, Fedora 37 and newer).
TOR_PRIVATE_LIBRARIES = ("libevent-2.1.so.7",)


@dataclass(frozen=True)
class Payload:
    """One file copied from the system into the bundle."""

    source: Path
    target: str  # relative to the bundle
    package: str  # the Debian package it comes from
    executable: bool


PAYLOADS = (
    Payload(Path("/usr/sbin/tor"), "tor/tor", "tor", True),
    Payload(Path("/usr/bin/obfs4proxy"), "tor/pluggable_transports/obfs4proxy", "obfs4proxy", True),
    Payload(
        Path("/usr/bin/snowflake-client"),
        "tor/pluggable_transports/snowflake-client",
        "snowflake-client",
        True,
    ),
    Payload(Path("/usr/share/tor/geoip"), "tor/geoip", "tor-geoipdb", False),
    Payload(Path("/usr/share/tor/geoip6"), "tor/geoip6", "tor-geoipdb", False),
)


class AssemblyError(RuntimeError):
    """A missing tool or file on the build machine: said in words, with the fix."""


def _run(*command: str) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    except FileNotFoundError as error:
        raise AssemblyError(f"{command[0]} is not installed on the build machine") from error
    except subprocess.CalledProcessError as error:
        raise AssemblyError(f"{' '.join(command)} failed: {error.stderr.strip()}") from error
    return done.stdout + done.stderr


def package_version(package: str) -> str:
    try:
        return _run("dpkg-query", "-W", "-f=${Version}", package).strip()
    except AssemblyError as error:
        raise AssemblyError(f"the Debian package {package} is needed: apt-get install {package}") from error


def program_version(path: Path) -> str:
    flag = "--version" if path.name == "tor" else "-version"
    first = _run(str(path), flag).splitlines()
    return first[0].strip() if first else ""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def resolve_library(binary: Path, soname: str) -> Path:
    """Where the dynamic linker finds ``soname`` for ``binary`` on this machine (from ``ldd``)."""
    for line in _run("ldd", str(binary)).splitlines():
        match = re.match(rf"\s*{re.escape(soname)} => (\S+)", line)
        if match:
            return Path(match.group(1)).resolve()
    raise AssemblyError(f"{binary} does not link {soname}; update TOR_PRIVATE_LIBRARIES")


def copy_payloads(bundle: Path) -> dict[str, dict[str, str]]:
    recorded: dict[str, dict[str, str]] = {}
    for payload in PAYLOADS:
        if not payload.source.is_file():
            raise AssemblyError(f"{payload.source} is missing: apt-get install {payload.package}")
        target = bundle / payload.target
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(payload.source, target)
        target.chmod(0o755 if payload.executable else 0o644)
        entry = {"path": payload.target, "debian_package": payload.package}
        entry["debian_version"] = package_version(payload.package)
        if payload.executable:
            entry["reports"] = program_version(payload.source)
        recorded[target.name] = entry
    return recorded


def bundle_tor_libraries(bundle: Path) -> dict[str, dict[str, str]]:
    """Copy tor's private libraries to ``tor/lib`` and point tor's RPATH there."""
    tor = bundle / "tor" / "tor"
    lib_dir = tor.parent / "lib"
    lib_dir.mkdir(exist_ok=True)
    recorded: dict[str, dict[str, str]] = {}
    for soname in TOR_PRIVATE_LIBRARIES:
        source = resolve_library(Path("/usr/sbin/tor"), soname)
        shutil.copyfile(source, lib_dir / soname)
        (lib_dir / soname).chmod(0o644)
        package = _run("dpkg-query", "-S", str(source)).split(":", 1)[0].strip()
        recorded[soname] = {
            "path": f"tor/lib/{soname}",
            "debian_package": package,
            "debian_version": package_version(package),
        }
    _run("patchelf", "--set-rpath", "$ORIGIN/lib", str(tor))
    # Proof that the bundled copy is the one tor will load.
    for soname in TOR_PRIVATE_LIBRARIES:
        if resolve_library(tor, soname) != (lib_dir / soname).resolve():
            raise AssemblyError(f"tor/tor does not load the bundled {soname}")
    return recorded


def copy_licenses(bundle: Path) -> None:
    licenses = bundle / "licenses"
    licenses.mkdir(exist_ok=True)
    packages = {payload.package for payload in PAYLOADS} | {"libevent-2.1-7"}
    for package in sorted(packages):
        source = Path("/usr/share/doc") / package / "copyright"
        if source.is_file():
            shutil.copyfile(source, licenses / f"{package}.copyright")
    shutil.copyfile(ROOT / "packaging" / "linux" / "README-bundle.txt", bundle / "README.txt")


def python_side() -> dict[str, str]:
    """Versions of what PyInstaller froze (asked of the build virtualenv, not of this script)."""
    venv_python = ROOT / ".venv" / "bin" / "python"
    python = str(venv_python) if venv_python.is_file() else sys.executable
    code = (
        "import json, platform, importlib.metadata as m, PySide6;"
        "from PySide6.QtCore import qVersion;"
        "print(json.dumps({'python': platform.python_version(), 'qt': qVersion(),"
        " 'pyside6': PySide6.__version__, 'pyinstaller': m.version('pyinstaller'),"
        " 'byway': m.version('byway')}))"
    )
    answer: dict[str, str] = json.loads(_run(python, "-c", code).strip().splitlines()[-1])
    return answer


def os_release() -> str:
    try:
        text = Path("/etc/os-release").read_text()
    except OSError:
        return platform.platform()
    match = re.search(r'^PRETTY_NAME="?([^"\n]*)', text, re.MULTILINE)
    return match.group(1) if match else platform.platform()


Recorded = dict[str, dict[str, str]]


def write_versions(bundle: Path, payloads: Recorded, libs: Recorded, icu: str) -> None:
    for entry in [*payloads.values(), *libs.values()]:
        entry["sha256"] = sha256(bundle / entry["path"])
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))
    document = {
        "format": 1,
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch)),
        "build_system": os_release(),
        "machine": platform.machine(),
        "frozen": python_side(),
        "tor": payloads.pop("tor"),
        "pluggable_transports": {name: payloads.pop(name) for name in ("obfs4proxy", "snowflake-client")},
        "geoip": payloads,
        "tor_private_libraries": libs,
        "qt_icu_data": icu,
    }
    text = json.dumps(document, indent=2, sort_keys=False) + "\n"
    (bundle / "bundle-versions.json").write_text(text)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def make_tarball(bundle: Path) -> Path:
    """``byway-<version>-linux-<machine>.tar.gz`` beside the folder, byte-stable for the same input
    (sorted names, owner 0, mtimes from ``SOURCE_DATE_EPOCH`` or 0, gzip header without a date)."""
    import gzip

    version = json.loads((bundle / "bundle-versions.json").read_text())["frozen"]["byway"]
    out = bundle.parent / f"byway-{version}-linux-{platform.machine()}.tar.gz"
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))

    def normalise(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mtime = epoch
        return info

    with (
        out.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as zipped,
        tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for path in sorted([bundle, *bundle.rglob("*")]):
            arcname = str(Path(bundle.name) / path.relative_to(bundle))
            tar.add(path, arcname=arcname, recursive=False, filter=normalise)
    return out


def shipped_languages() -> list[str]:
    """The languages Byway is translated into (``resources/i18n/byway_<lang>.qm``), and English."""
    found = {p.stem.split("_", 1)[1] for p in (ROOT / "resources" / "i18n").glob("byway_*.qm")}
    return sorted(found | {"en"})


def trim_qt_icu(bundle: Path) -> str:
    """Keep only the ICU data of the shipped languages (see trim_icu.py): 32 MB -> about 6 MB."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from trim_icu import TrimError, trim

    libraries = [p for p in (bundle / "_internal").rglob("libicudata.so.*") if not p.is_symlink()]
    if len(libraries) != 1:
        raise AssemblyError(f"expected one libicudata in the bundle, found {libraries}")
    languages = shipped_languages()
    try:
        before, after = trim(libraries[0], set(languages))
    except TrimError as error:
        raise AssemblyError(str(error)) from error
    return f"ICU data {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB, languages: {' '.join(languages)}"


def remove_symlinks(bundle: Path) -> int:
    """USB sticks are FAT32 or exFAT, which cannot hold symbolic links: a copy would fail or stop
    half-way. PyInstaller links Qt's libraries into ``_internal/`` as well; they are found without
    the links (RPATH ``$ORIGIN`` of the PySide6 modules and plugins), which the smoke test and a run
    on a real X display confirm. Some links even dangle after the pruning in byway.spec."""
    links = [p for p in bundle.rglob("*") if p.is_symlink()]
    for link in links:
        link.unlink()
    return len(links)


def assemble(bundle: Path, *, tarball: bool, trim_icu: bool = True) -> None:
    executable = bundle / "byway"
    if not executable.is_file():
        raise AssemblyError(f"{executable} is missing: run PyInstaller first (make bundle)")
    for stale in ("tor", "licenses"):
        shutil.rmtree(bundle / stale, ignore_errors=True)
    print(f"assemble: removed {remove_symlinks(bundle)} symbolic links (sticks cannot hold them)")
    icu = trim_qt_icu(bundle) if trim_icu else "as shipped in the PySide6 wheel"
    print(f"assemble: {icu}")
    payloads = copy_payloads(bundle)
    libs = bundle_tor_libraries(bundle)
    copy_licenses(bundle)
    (bundle / MARKER).write_text(MARKER_TEXT)
    write_versions(bundle, payloads, libs, icu)
    size = folder_size(bundle)
    print(f"assemble: {bundle} is ready, {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB) unpacked")
    if tarball:
        out = make_tarball(bundle)
        print(f"assemble: {out} ({out.stat().st_size / 1e6:.1f} MB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist" / "byway")
    parser.add_argument("--tarball", action="store_true", help="also write the .tar.gz beside it")
    parser.add_argument(
        "--keep-full-icu", action="store_true", help="leave Qt's 32 MB ICU data library as it is"
    )
    args = parser.parse_args(argv)
    try:
        assemble(args.dist.resolve(), tarball=args.tarball, trim_icu=not args.keep_full_icu)
    except AssemblyError as error:
        print(f"assemble: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
