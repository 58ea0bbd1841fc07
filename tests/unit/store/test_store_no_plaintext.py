"""No secret ever reaches a file in clear: not the vault, not the settings, not the logs."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import pytest

from byway.store import (
    Locations,
    SecretRefs,
    SecretStorageChoice,
    Settings,
    configure_logging,
    load_settings,
    new_secret_id,
    open_secret_store,
    save_settings,
)

from .conftest import FAST_KDF, files_under


@pytest.mark.parametrize("where", ["platform", "portable"])
def test_secrets_never_written_in_clear(
    where: str, locations: Locations, portable: Locations, tmp_path: Path
) -> None:
    chosen = locations if where == "platform" else portable
    fingerprint = secrets.token_hex(20).upper()
    cert = secrets.token_urlsafe(40)
    custom_bridge = f"obfs4 192.0.2.77:443 {fingerprint} cert={cert} iat-mode=0"
    moat_fingerprint, moat_cert = secrets.token_hex(20).upper(), secrets.token_urlsafe(40)
    moat_bridge = f"obfs4 198.51.100.77:9443 {moat_fingerprint} cert={moat_cert} iat-mode=0"
    proxy = f"socks5-user-{secrets.token_hex(8)}:{secrets.token_hex(12)}"
    store = open_secret_store(chosen, SecretStorageChoice.VAULT, passphrase="pw", kdf=FAST_KDF)
    refs = SecretRefs(new_secret_id("custom-bridges"), new_secret_id("moat-bridges"), new_secret_id("proxy"))
    for secret_id, value in zip(refs.ids(), (custom_bridge, moat_bridge, proxy), strict=True):
        store.set(secret_id, value)
    save_settings(
        chosen, Settings(secrets=refs, secret_storage=SecretStorageChoice.VAULT, diagnostic_logging=True)
    )
    configure_logging(chosen, enabled=True)
    logging.getLogger("byway.connect").info("connecting with %s", custom_bridge)
    logging.getLogger("byway.connect").info("moat gave %s", moat_bridge)
    configure_logging(chosen, enabled=False)

    assert load_settings(chosen).settings.secrets == refs
    written = files_under(tmp_path)
    assert any(p.name == "secrets.vault" for p in written)
    assert any(p.name == "settings.json" for p in written)
    assert any(p.name == "byway.log" for p in written)
    needles = [
        custom_bridge,
        moat_bridge,
        proxy,
        fingerprint,
        cert,
        moat_fingerprint,
        moat_cert,
        proxy.split(":")[1],
    ]
    for path in written:
        content = path.read_bytes()
        for needle in needles:
            assert needle.encode() not in content, f"{needle[:12]}... found in {path}"
