#!/usr/bin/env python3
"""Fetch the official Tor Expert Bundle for Windows or macOS, verify its signature, lay it out.

    python packaging/fetch_tor_expert_bundle.py --platform windows-x86_64 --version 15.0.2 --into dist/byway
    python packaging/fetch_tor_expert_bundle.py --platform macos-aarch64 --version 15.0.2 \\
        --into dist/Byway.app/Contents/MacOS

``--version`` is a Tor Browser release (the Expert Bundle ships with it): the current one is listed
at https://dist.torproject.org/torbrowser/ ; older ones stay at
https://archive.torproject.org/tor-package-archive/torbrowser/ (tried second).

Verification, as the Tor Project documents it (support.torproject.org, "How can I verify Tor
Browser's signature?"):

1. download ``tor-expert-bundle-<platform>-<version>.tar.gz`` and its detached signature ``.asc``;
2. import the Tor Browser Developers signing key into a fresh, temporary GnuPG home (so the
   maintainer's own keyring neither helps nor interferes), from ``--key FILE`` if given, else by
   WKD (``gpg --locate-keys torbrowser@torproject.org``);
3. ``gpg --verify`` with machine-readable status, and accept only a ``VALIDSIG`` whose *primary*
   key fingerprint is ``EF6E286DDA85EA2A4BA7DE684E2C6E8793298290``. Anything else stops the build.

Then it copies into ``<into>/tor/``: ``tor(.exe)``, its libraries (macOS, Windows DLLs), the
pluggable transports (lyrebird, snowflake-client, conjure-client) into ``tor/pluggable_transports/``
and ``geoip``/``geoip6`` (the bundle's ``data/``), the layout
:func:`byway.transports.binaries.default_search_dirs` looks in; and writes
``<into>/bundle-versions.json`` with the archive's SHA-256 and the signing key.

Needs: Python 3.11+, GnuPG 2 on PATH (Windows: Gpg4win; macOS: ``brew install gnupg``), Internet.
Not run on the machine this was written on (no Internet there): see packaging/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

SIGNING_KEY_FINGERPRINT = "EF6E286DDA85EA2A4BA7DE684E2C6E8793298290"
SIGNING_KEY_UID = "torbrowser@torproject.org"
MIRRORS = (
    "https://dist.torproject.org/torbrowser/{version}/",
    "https://archive.torproject.org/tor-package-archive/torbrowser/{version}/",
)
PLATFORMS = ("windows-x86_64", "windows-i686", "macos-x86_64", "macos-aarch64")
TRANSPORTS = ("lyrebird", "snowflake-client", "conjure-client")


class FetchError(RuntimeError):
    pass


def download(url: str, target: Path) -> None:
    if not url.startswith("https://"):
        raise FetchError(f"refusing a non-HTTPS address: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": "byway-packaging"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=120) as answer, target.open("wb") as out:  # noqa: S310
        shutil.copyfileobj(answer, out)


def fetch(platform: str, version: str, work: Path) -> tuple[Path, Path, str]:
    name = f"tor-expert-bundle-{platform}-{version}.tar.gz"
    errors = []
    for mirror in MIRRORS:
        base = mirror.format(version=version)
        try:
            download(base + name, work / name)
            download(base + name + ".asc", work / (name + ".asc"))
        except OSError as error:
            errors.append(f"{base}: {error}")
            continue
        return work / name, work / (name + ".asc"), base + name
    raise FetchError(f"{name} could not be downloaded: " + "; ".join(errors))


def gpg(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = ["gpg", "--homedir", str(home), "--batch", "--no-tty", *args]
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise FetchError("GnuPG (gpg) is not installed") from error


def _stop_agent(home: Path) -> None:
    """gpg starts an agent per home; the temporary one must not outlive the build."""
    command = ["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"]
    subprocess.run(command, capture_output=True, check=False)


def verify(archive: Path, signature: Path, key_file: Path | None, work: Path) -> None:
    home = work / "gnupg"
    home.mkdir(mode=0o700)
    if key_file is not None:
        imported = gpg(home, "--import", str(key_file))
    else:
        imported = gpg(home, "--auto-key-locate", "nodefault,wkd", "--locate-keys", SIGNING_KEY_UID)
    if imported.returncode != 0:
        raise FetchError(f"the signing key could not be imported: {imported.stderr.strip()}")
    checked = gpg(home, "--status-fd", "1", "--verify", str(signature), str(archive))
    for line in checked.stdout.splitlines():
        fields = line.split()
        # [GNUPG:] VALIDSIG <subkey fpr> <date> <ts> <expiry> <v> <r> <pk> <hash> <class> <primary fpr>
        valid = fields[:2] == ["[GNUPG:]", "VALIDSIG"] and fields[-1].upper() == SIGNING_KEY_FINGERPRINT
        if valid and checked.returncode == 0:
            _stop_agent(home)
            return
    _stop_agent(home)
    raise FetchError(
        f"{archive.name}: no valid signature by the Tor Browser Developers key "
        f"{SIGNING_KEY_FINGERPRINT}:\n{checked.stdout}{checked.stderr}"
    )


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def lay_out(archive: Path, into: Path, work: Path) -> dict[str, str]:
    """Unpack and copy into ``into/tor``; returns ``{relative path: sha256}`` of what was copied."""
    unpacked = work / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    source_tor = unpacked / "tor"
    if not source_tor.is_dir():
        raise FetchError(f"{archive.name} has no tor/ folder; its layout changed, update this script")
    target = into / "tor"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source_tor, target)  # tor(.exe), its libraries, pluggable_transports/, pt_config.json
    for geo in ("geoip", "geoip6"):
        found = next(iter(unpacked.rglob(geo)), None)
        if found is None:
            raise FetchError(f"{archive.name} has no {geo} file")
        shutil.copyfile(found, target / geo)
    present = {p.stem for p in (target / "pluggable_transports").iterdir()}
    missing = [t for t in TRANSPORTS if t not in present]
    if missing:
        raise FetchError(f"{archive.name} lacks {', '.join(missing)}")
    if os.name != "nt":
        for path in target.rglob("*"):
            if path.is_file() and path.suffix in ("", ".dylib") and not path.name.startswith("geoip"):
                path.chmod(0o755)
    return {str(p.relative_to(into).as_posix()): sha256(p) for p in sorted(target.rglob("*")) if p.is_file()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fetch and verify the Tor Expert Bundle.")
    parser.add_argument("--platform", choices=PLATFORMS, required=True)
    parser.add_argument("--version", required=True, help="Tor Browser release, e.g. 15.0.2")
    parser.add_argument("--into", type=Path, required=True, help="the folder beside byway(.exe)")
    parser.add_argument("--key", type=Path, help="the signing key (.asc), instead of fetching it by WKD")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="byway-teb-") as scratch:
        work = Path(scratch)
        try:
            archive, signature, url = fetch(args.platform, args.version, work)
            verify(archive, signature, args.key, work)
            files = lay_out(archive, args.into, work)
        except FetchError as error:
            print(f"fetch_tor_expert_bundle: {error}", file=sys.stderr)
            return 1
        record = {
            "tor_expert_bundle": {
                "platform": args.platform,
                "tor_browser_release": args.version,
                "url": url,
                "sha256": sha256(archive),
                "signed_by": SIGNING_KEY_FINGERPRINT,
                "files": files,
            }
        }
    versions = args.into / "bundle-versions.json"
    existing = json.loads(versions.read_text()) if versions.is_file() else {}
    existing.update(record)
    versions.write_text(json.dumps(existing, indent=2) + "\n")
    print(f"fetch_tor_expert_bundle: verified and laid out in {args.into / 'tor'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
