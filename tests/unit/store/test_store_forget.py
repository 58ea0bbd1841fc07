"""Forget everything: secrets, settings, tor state, caches and logs go; the report names them."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from byway.store import (
    KeyringSecretStore,
    Locations,
    SecretRefs,
    SecretStorageChoice,
    Settings,
    configure_logging,
    forget_everything,
    new_secret_id,
    open_secret_store,
    save_settings,
)

from .conftest import FAST_KDF, MemoryBackend, files_under


def populate(locations: Locations, store_secret: str, store: object) -> list[str]:
    from byway.store import SecretStore

    assert isinstance(store, SecretStore)
    ids = [new_secret_id("custom-bridges"), new_secret_id("proxy")]
    for secret_id in ids:
        store.set(secret_id, store_secret)
    save_settings(locations, Settings(secrets=SecretRefs(custom_bridges=ids[0], proxy_credentials=ids[1])))
    (locations.ensure(locations.tor_data_dir("default")) / "state").write_text("tor state")
    (locations.ensure(locations.cache_dir) / "consensus").write_text("cached")
    configure_logging(locations, enabled=True)
    logging.getLogger("byway").warning("a log line")
    return ids


def test_forget_everything_with_vault(locations: Locations, home: Path) -> None:
    other_app = home / ".config" / "other-app" / "keep.txt"
    other_app.parent.mkdir(parents=True)
    other_app.write_text("not ours")
    secret = secrets.token_hex(16)
    vault = open_secret_store(locations, SecretStorageChoice.VAULT, passphrase="pw", kdf=FAST_KDF)
    ids = populate(locations, secret, vault)
    report = forget_everything(locations, vault)
    assert report.complete, report.failures
    assert sorted(report.removed_secret_ids) == sorted(ids)
    assert locations.vault_file in report.removed_paths
    for directory in locations.all_dirs():
        assert not directory.exists()
        assert any(directory.is_relative_to(p) for p in report.removed_paths)
    assert files_under(home) == [other_app]
    assert secret not in repr(report)


def test_forget_everything_with_keyring(locations: Locations) -> None:
    backend = MemoryBackend()
    store = KeyringSecretStore(backend)
    ids = populate(locations, "s3cret", store)
    assert len(backend.stored) == 3  # two secrets and the index of ids
    report = forget_everything(locations, store)
    assert sorted(report.removed_secret_ids) == sorted(ids)
    assert backend.stored == {}
    assert not locations.config_dir.exists() and not locations.cache_dir.exists()


def test_forget_everything_portable_keeps_the_program(portable: Locations) -> None:
    assert portable.root is not None
    program = portable.root / "byway.py"
    program.write_text("# launcher")
    vault = open_secret_store(portable, SecretStorageChoice.VAULT, passphrase="pw", kdf=FAST_KDF)
    populate(portable, "s3cret", vault)
    report = forget_everything(portable, vault)
    assert report.complete
    assert sorted(p.name for p in portable.root.iterdir()) == ["byway-portable", "byway.py"]


def test_forget_everything_when_nothing_exists(locations: Locations) -> None:
    report = forget_everything(locations, None)
    assert report.removed_paths == () and report.removed_secret_ids == () and report.complete
