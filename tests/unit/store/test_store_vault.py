"""The encrypted vault: round trip, wrong passphrase vs tampering, stored KDF parameters."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from byway.store import (
    ScryptParams,
    StorageUnavailable,
    VaultCorrupted,
    VaultPassphraseWrong,
    VaultSecretStore,
)
from byway.store.vault import _PREFIX, MAGIC

from .conftest import FAST_KDF


def header_of(blob: bytes) -> tuple[int, dict[str, object]]:
    """(offset where the header JSON starts, the header)."""
    start = len(MAGIC) + _PREFIX.size
    _, length = _PREFIX.unpack_from(blob, len(MAGIC))
    return start, json.loads(blob[start : start + length])


def test_round_trip_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "secrets.vault"
    vault = VaultSecretStore.create(path, "correct horse", FAST_KDF)
    vault.set("custom-bridges/aaaaaaaa", "obfs4 192.0.2.1:443 FP cert=x iat-mode=0")
    vault.set("proxy/bbbbbbbb", "alice:s3cret")
    vault.delete("proxy/bbbbbbbb")
    reopened = VaultSecretStore.unlock(path, "correct horse")
    assert reopened.list_ids() == ("custom-bridges/aaaaaaaa",)
    assert reopened.get("custom-bridges/aaaaaaaa") == "obfs4 192.0.2.1:443 FP cert=x iat-mode=0"
    assert reopened.get("proxy/bbbbbbbb") is None
    assert path.stat().st_mode & 0o777 == 0o600


def test_kdf_parameters_are_stored_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "v"
    VaultSecretStore.create(path, "pw", ScryptParams(n=2**11, r=4, p=2))
    _, header = header_of(path.read_bytes())
    assert (header["kdf"], header["n"], header["r"], header["p"]) == ("scrypt", 2**11, 4, 2)
    assert len(__import__("base64").b64decode(str(header["salt"]))) == 16
    assert header["aead"] == "AES-256-GCM"
    # Opening needs no parameters from the caller: they come from the file.
    assert VaultSecretStore.unlock(path, "pw").list_ids() == ()


def test_sane_default_kdf() -> None:
    assert ScryptParams() == ScryptParams(n=2**17, r=8, p=1)
    with pytest.raises(ValueError):
        ScryptParams(n=1000)


def test_wrong_passphrase_is_its_own_error(tmp_path: Path) -> None:
    path = tmp_path / "v"
    VaultSecretStore.create(path, "right", FAST_KDF).set("proxy/cccccccc", "x")
    with pytest.raises(VaultPassphraseWrong) as caught:
        VaultSecretStore.unlock(path, "wrong")
    assert "passphrase is not correct" in caught.value.message


def make_vault(path: Path) -> bytes:
    VaultSecretStore.create(path, "pw", FAST_KDF).set("custom-bridges/dddddddd", secrets.token_hex(20))
    return path.read_bytes()


def flip(path: Path, blob: bytes, index: int) -> None:
    tampered = bytearray(blob)
    tampered[index] ^= 0x01
    path.write_bytes(bytes(tampered))


def test_flipped_ciphertext_byte_is_corruption_not_wrong_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "v"
    blob = make_vault(path)
    for index in (len(blob) - 1, len(blob) - 20, len(blob) - 40):
        flip(path, blob, index)
        with pytest.raises(VaultCorrupted) as caught:
            VaultSecretStore.unlock(path, "pw")
        assert "damaged or was altered" in caught.value.message


@pytest.mark.parametrize("field", ["n", "salt", "nonce", "key_check"])
def test_tampered_header_is_detected(tmp_path: Path, field: str) -> None:
    path = tmp_path / "v"
    blob = make_vault(path)
    start, _ = header_of(blob)
    # Flip a byte inside the JSON value of this field.
    key_at = blob.index(f'"{field}": '.encode(), start) + len(f'"{field}": ')
    flip(path, blob, key_at + 2)
    with pytest.raises(VaultCorrupted):
        VaultSecretStore.unlock(path, "pw")


def test_header_rewritten_with_fixed_checksum_still_fails_authentication(tmp_path: Path) -> None:
    """An attacker who recomputes the plain checksum still cannot swap the nonce: the AEAD catches it."""
    import hashlib

    path = tmp_path / "v"
    blob = make_vault(path)
    start, header = header_of(blob)
    length = _PREFIX.unpack_from(blob, len(MAGIC))[1]
    new_nonce = __import__("base64").b64encode(bytes(12)).decode()
    new_header = blob[start : start + length].replace(str(header["nonce"]).encode(), new_nonce.encode())
    associated = blob[:start] + new_header
    path.write_bytes(associated + hashlib.sha256(associated).digest() + blob[start + length + 32 :])
    with pytest.raises(VaultCorrupted):
        VaultSecretStore.unlock(path, "pw")


def test_truncated_and_foreign_files_are_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "v"
    blob = make_vault(path)
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(VaultCorrupted):
        VaultSecretStore.unlock(path, "pw")
    path.write_bytes(b'{"not": "a vault"}')
    with pytest.raises(VaultCorrupted):
        VaultSecretStore.unlock(path, "pw")


def test_change_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "v"
    vault = VaultSecretStore.create(path, "old", FAST_KDF)
    vault.set("proxy/eeeeeeee", "bob:pw")
    vault.change_passphrase("new")
    with pytest.raises(VaultPassphraseWrong):
        VaultSecretStore.unlock(path, "old")
    assert VaultSecretStore.unlock(path, "new").get("proxy/eeeeeeee") == "bob:pw"


@pytest.mark.parametrize(
    "error",
    [StorageUnavailable(Path("/gone/v"), "the folder is gone"), MemoryError(), RuntimeError("a bug")],
    ids=["write-refused", "memory", "unexpected"],
)
def test_failed_change_passphrase_keeps_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    """Whatever stops the re-encryption, the file and the open vault keep the old passphrase."""
    path = tmp_path / "v"
    vault = VaultSecretStore.create(path, "old", FAST_KDF)
    vault.set("proxy/eeeeeeee", "bob:pw")
    before = path.read_bytes()

    def refuse(target: Path, data: bytes) -> None:
        raise error

    monkeypatch.setattr("byway.store.vault.write_atomic", refuse)
    with pytest.raises(type(error)):
        vault.change_passphrase("new")
    monkeypatch.undo()
    assert path.read_bytes() == before
    with pytest.raises(VaultPassphraseWrong):
        VaultSecretStore.unlock(path, "new")
    vault.set("proxy/ffffffff", "later")  # the open vault still writes under the old passphrase
    reopened = VaultSecretStore.unlock(path, "old")
    assert (reopened.get("proxy/eeeeeeee"), reopened.get("proxy/ffffffff")) == ("bob:pw", "later")
