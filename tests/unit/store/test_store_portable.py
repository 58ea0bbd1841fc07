"""Portable mode: everything under the root; a read-only or vanished root loses nothing."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from byway.store import (
    Locations,
    SecretStorageChoice,
    Settings,
    StorageUnavailable,
    VaultSecretStore,
    configure_logging,
    load_settings,
    open_secret_store,
    preferred_storage,
    save_settings,
)

from .conftest import FAST_KDF, files_under


@contextlib.contextmanager
def read_only(directory: Path) -> Iterator[None]:
    """Bind-mount ``directory`` read-only over itself (root ignores chmod, not a ro mount)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("LOUD SKIP: a read-only bind mount needs root and mount(8); read-only root untested")
    bound = subprocess.run(["mount", "--bind", str(directory), str(directory)], capture_output=True)
    if bound.returncode != 0:
        pytest.skip(f"LOUD SKIP: cannot bind-mount here ({bound.stderr!r}); read-only root untested")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(directory)], check=True, capture_output=True)
        with pytest.raises(OSError):
            (directory / "probe").write_text("x")
        yield
    finally:
        subprocess.run(["umount", str(directory)], check=True)


def test_portable_everything_under_root(portable: Locations, home: Path) -> None:
    assert portable.portable and portable.root is not None
    assert preferred_storage(portable) is SecretStorageChoice.VAULT
    store = open_secret_store(portable, SecretStorageChoice.VAULT, passphrase="pw", kdf=FAST_KDF)
    store.set("proxy/ffffffff", "carol:pw")
    save_settings(portable, Settings(language="fa"))
    configure_logging(portable, enabled=True)
    import logging

    logging.getLogger("byway.test").warning("portable log line")
    portable.ensure(portable.tor_data_dir("default"))
    portable.ensure(portable.cache_dir)
    for directory in (*portable.all_dirs(), portable.vault_file, portable.tor_data_dir("default")):
        assert directory.is_relative_to(portable.root)
    assert files_under(home) == []  # nothing on the borrowed computer


def test_read_only_root_raises_storage_unavailable_and_keeps_data(portable: Locations) -> None:
    assert portable.root is not None
    save_settings(portable, Settings(language="fa"))
    vault = VaultSecretStore.create(portable.ensure(portable.data_dir) / "secrets.vault", "pw", FAST_KDF)
    vault.set("custom-bridges/gggggggg", "obfs4 old")
    with read_only(portable.root):
        with pytest.raises(StorageUnavailable) as caught:
            save_settings(portable, Settings(language="en"))
        assert "read-only" in caught.value.message
        with pytest.raises(StorageUnavailable):
            vault.set("custom-bridges/gggggggg", "obfs4 new")
        with pytest.raises(StorageUnavailable):
            vault.delete("custom-bridges/gggggggg")
        assert vault.get("custom-bridges/gggggggg") == "obfs4 old"  # memory rolled back too
        assert load_settings(portable).settings.language == "fa"  # reading still works
        with pytest.raises(StorageUnavailable):
            configure_logging(portable, enabled=True)
    assert load_settings(portable).settings.language == "fa"
    assert VaultSecretStore.unlock(portable.vault_file, "pw").get("custom-bridges/gggggggg") == "obfs4 old"
    assert not [p for p in portable.config_dir.iterdir() if p.name != "settings.json"]


def test_vanished_root_raises_storage_unavailable_and_creates_nothing(
    portable: Locations, tmp_path: Path
) -> None:
    assert portable.root is not None
    save_settings(portable, Settings(language="fa"))
    vault = VaultSecretStore.create(portable.ensure(portable.data_dir) / "secrets.vault", "pw", FAST_KDF)
    vault.set("proxy/hhhhhhhh", "dave:pw")
    unplugged = tmp_path / "unplugged"
    portable.root.rename(unplugged)
    try:
        with pytest.raises(StorageUnavailable) as caught:
            save_settings(portable, Settings(language="en"))
        assert "gone" in caught.value.message
        with pytest.raises(StorageUnavailable):
            load_settings(portable)
        with pytest.raises(StorageUnavailable):
            vault.set("proxy/hhhhhhhh", "dave:new")
        with pytest.raises(StorageUnavailable):
            configure_logging(portable, enabled=True)
        assert not portable.root.exists()  # the root was not recreated on the host
    finally:
        unplugged.rename(portable.root)
    assert json.loads(portable.settings_file.read_text())["language"] == "fa"
    assert VaultSecretStore.unlock(portable.vault_file, "pw").get("proxy/hhhhhhhh") == "dave:pw"


def test_corrupt_settings_on_read_only_root_are_not_lost(portable: Locations) -> None:
    assert portable.root is not None
    portable.ensure(portable.config_dir)
    portable.settings_file.write_bytes(b"{broken")
    with read_only(portable.root), pytest.raises(StorageUnavailable):
        load_settings(portable)  # cannot keep it aside, so it refuses rather than risk losing it
    assert portable.settings_file.read_bytes() == b"{broken"
    [warning] = load_settings(portable).warnings
    assert warning.moved_to.read_bytes() == b"{broken"
