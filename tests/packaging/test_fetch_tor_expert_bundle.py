"""The Tor Expert Bundle step, offline: a signature by any other key is refused, and the archive's
layout is turned into the one Byway looks in. (Downloading needs the Internet: not tested here.)"""

from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load() -> ModuleType:
    path = ROOT / "packaging" / "fetch_tor_expert_bundle.py"
    spec = importlib.util.spec_from_file_location("byway_fetch_teb", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def expert_bundle(path: Path, *, transports: tuple[str, ...]) -> Path:
    """A tarball shaped like tor-expert-bundle-macos-*.tar.gz: tor/, tor/pluggable_transports/, data/."""
    members = {"tor/tor": b"#!/bin/sh\n", "tor/libevent-2.1.7.dylib": b"lib", "data/geoip": b"1,2,US\n"}
    members["data/geoip6"] = b"::1,::2,US\n"
    members["tor/pluggable_transports/pt_config.json"] = b"{}"
    members.update({f"tor/pluggable_transports/{name}": b"#!/bin/sh\n" for name in transports})
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_the_archive_is_laid_out_where_byway_looks(tmp_path: Path) -> None:
    module = load()
    archive = expert_bundle(tmp_path / "teb.tar.gz", transports=module.TRANSPORTS)
    (tmp_path / "work").mkdir()
    files = module.lay_out(archive, tmp_path / "app", tmp_path / "work")
    tor = tmp_path / "app" / "tor"
    assert (tor / "tor").is_file() and (tor / "geoip").is_file() and (tor / "geoip6").is_file()
    assert (tor / "pluggable_transports" / "lyrebird").is_file()
    assert "tor/pluggable_transports/snowflake-client" in files
    assert all(len(digest) == 64 for digest in files.values())


def test_an_archive_without_a_transport_is_refused(tmp_path: Path) -> None:
    module = load()
    archive = expert_bundle(tmp_path / "teb.tar.gz", transports=("lyrebird",))
    (tmp_path / "work").mkdir()
    with pytest.raises(module.FetchError, match="snowflake-client"):
        module.lay_out(archive, tmp_path / "app", tmp_path / "work")


@pytest.mark.skipif(shutil.which("gpg") is None, reason="needs GnuPG")
def test_a_good_signature_by_another_key_is_refused(tmp_path: Path) -> None:
    module = load()
    home = tmp_path / "signer"
    home.mkdir(mode=0o700)
    gpg = ["gpg", "--homedir", str(home), "--batch", "--pinentry-mode", "loopback", "--passphrase", ""]
    subprocess.run([*gpg, "--quick-gen-key", "Mallory <m@example.org>", "ed25519", "sign", "1d"], check=True)
    archive = expert_bundle(tmp_path / "teb.tar.gz", transports=module.TRANSPORTS)
    subprocess.run([*gpg, "--armor", "--detach-sign", str(archive)], check=True)
    key = tmp_path / "mallory.asc"
    key.write_bytes(subprocess.run([*gpg, "--armor", "--export"], capture_output=True, check=True).stdout)
    (tmp_path / "work").mkdir()
    try:
        with pytest.raises(module.FetchError, match="no valid signature by the Tor Browser Developers key"):
            module.verify(archive, Path(f"{archive}.asc"), key, tmp_path / "work")
    finally:  # gpg leaves an agent per home behind
        for folder in (home, tmp_path / "work" / "gnupg"):
            subprocess.run(["gpgconf", "--homedir", str(folder), "--kill", "gpg-agent"], check=False)
