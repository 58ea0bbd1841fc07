"""Byway's own encrypted vault file, for computers without a usable keyring and for portable mode.

Layout (all lengths fixed or declared, so nothing is guessed)::

    MAGIC | version (1 byte) | header length (4 bytes, big-endian) | header (JSON)
          | SHA-256 of everything before it (32 bytes) | AEAD ciphertext + tag

The header stores the scrypt parameters, salt, AES-GCM nonce and a passphrase check value; it is the
associated data of the AEAD, so changing any of it makes decryption fail. The plain SHA-256 only lets
Byway tell *damage* (``VaultCorrupted``) apart from a *wrong passphrase* (``VaultPassphraseWrong``)
before spending time on scrypt; security rests on the AEAD, not on that checksum.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from byway.i18n import translate
from byway.store.atomic import describe_os_error, write_atomic
from byway.store.errors import (
    SecretStorageChoice,
    StorageUnavailable,
    VaultCorrupted,
    VaultPassphraseWrong,
)

MAGIC = b"BYWAY-VAULT\n"
FORMAT_VERSION = 1
_PREFIX = struct.Struct(">BI")
_DIGEST_SIZE = 32
_MAX_HEADER = 4096
_MAX_SCRYPT_MEMORY = 2**30  # refuse parameters a tampered header could use to exhaust memory


@dataclass(frozen=True)
class ScryptParams:
    """scrypt cost: memory ~ 128 * n * r bytes. The defaults take about half a second and 128 MiB."""

    n: int = 2**17
    r: int = 8
    p: int = 1

    def __post_init__(self) -> None:
        if self.n < 2 or self.n & (self.n - 1) or self.r < 1 or self.p < 1:
            raise ValueError("scrypt needs n a power of two > 1, r >= 1, p >= 1")
        if 128 * self.n * self.r > _MAX_SCRYPT_MEMORY or self.p > 16:
            raise ValueError("scrypt parameters too large")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _derive(passphrase: str, salt: bytes, params: ScryptParams) -> tuple[bytes, bytes]:
    """(encryption key, passphrase check value). NFC so the same passphrase typed on any OS matches."""
    material = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    derived = Scrypt(salt=salt, length=64, n=params.n, r=params.r, p=params.p).derive(material)
    check = hashlib.sha256(b"byway-vault-key-check\0" + derived[32:]).digest()
    return derived[:32], check


@dataclass(frozen=True)
class _Header:
    params: ScryptParams
    salt: bytes
    nonce: bytes
    key_check: bytes

    def encode(self) -> bytes:
        document = {
            "kdf": "scrypt",
            "n": self.params.n,
            "r": self.params.r,
            "p": self.params.p,
            "salt": _b64(self.salt),
            "aead": "AES-256-GCM",
            "nonce": _b64(self.nonce),
            "key_check": _b64(self.key_check),
        }
        return json.dumps(document, sort_keys=True).encode("ascii")

    @staticmethod
    def decode(raw: bytes) -> _Header:
        document = json.loads(raw.decode("ascii"))
        if document.get("kdf") != "scrypt" or document.get("aead") != "AES-256-GCM":
            raise ValueError("unknown algorithms")
        numbers = [document.get(k) for k in ("n", "r", "p")]
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in numbers):
            raise ValueError("bad KDF parameters")
        header = _Header(
            ScryptParams(*numbers),
            _unb64(document["salt"]),
            _unb64(document["nonce"]),
            _unb64(document["key_check"]),
        )
        if len(header.salt) < 16 or len(header.nonce) != 12 or len(header.key_check) != 32:
            raise ValueError("bad header field sizes")
        return header


def _split(path: Path, blob: bytes) -> tuple[bytes, _Header, bytes]:
    """(associated data, header, ciphertext), or VaultCorrupted if the framing or checksum is off."""
    start = len(MAGIC) + _PREFIX.size
    if len(blob) < start or not blob.startswith(MAGIC):
        raise VaultCorrupted(path, translate("Store", "not a Byway vault"))
    version, header_length = _PREFIX.unpack_from(blob, len(MAGIC))
    if version != FORMAT_VERSION:
        raise VaultCorrupted(path, translate("Store", "unknown vault version"))
    if header_length > _MAX_HEADER or len(blob) < start + header_length + _DIGEST_SIZE + 16:
        raise VaultCorrupted(path, translate("Store", "the file is truncated"))
    associated = blob[: start + header_length]
    digest = blob[start + header_length : start + header_length + _DIGEST_SIZE]
    if not hmac.compare_digest(hashlib.sha256(associated).digest(), digest):
        raise VaultCorrupted(path, translate("Store", "the header was changed"))
    try:
        header = _Header.decode(associated[start:])
    except (ValueError, KeyError, UnicodeDecodeError) as error:
        raise VaultCorrupted(path, translate("Store", "the header is not valid")) from error
    return associated, header, blob[start + header_length + _DIGEST_SIZE :]


class VaultSecretStore:
    """Secrets encrypted in one file; every change rewrites the file atomically with a fresh nonce.

    The key stays in memory while the vault is open. A failed write raises
    :class:`StorageUnavailable` and leaves both the file and this object as they were.
    """

    def __init__(self, path: Path, key: bytes, header: _Header, secrets: dict[str, str]) -> None:
        self._path = path
        self._key = key
        self._header = header
        self._secrets = secrets

    @property
    def kind(self) -> SecretStorageChoice:
        return SecretStorageChoice.VAULT

    @property
    def path(self) -> Path:
        return self._path

    @classmethod
    def create(cls, path: Path, passphrase: str, params: ScryptParams | None = None) -> VaultSecretStore:
        """Make a new, empty vault at ``path`` (which must not exist yet)."""
        if path.exists():
            raise FileExistsError(path)
        params = params or ScryptParams()
        salt = os.urandom(16)
        key, check = _derive(passphrase, salt, params)
        vault = cls(path, key, _Header(params, salt, os.urandom(12), check), {})
        vault._save({})
        return vault

    @classmethod
    def unlock(cls, path: Path, passphrase: str) -> VaultSecretStore:
        """Open an existing vault; VaultPassphraseWrong or VaultCorrupted say precisely what failed."""
        try:
            blob = path.read_bytes()
        except OSError as error:
            raise StorageUnavailable(path, describe_os_error(error)) from error
        associated, header, ciphertext = _split(path, blob)
        key, check = _derive(passphrase, header.salt, header.params)
        if not hmac.compare_digest(check, header.key_check):
            raise VaultPassphraseWrong()
        try:
            plaintext = AESGCM(key).decrypt(header.nonce, ciphertext, associated)
            document = json.loads(plaintext.decode("utf-8"))
            secrets = document["secrets"]
            if not all(isinstance(k, str) and isinstance(v, str) for k, v in secrets.items()):
                raise ValueError("bad entries")
        except (InvalidTag, ValueError, KeyError, AttributeError) as error:
            raise VaultCorrupted(path, translate("Store", "the encrypted contents were changed")) from error
        return cls(path, key, header, dict(secrets))

    @classmethod
    def open_or_create(
        cls, path: Path, passphrase: str, params: ScryptParams | None = None
    ) -> VaultSecretStore:
        if path.exists():
            return cls.unlock(path, passphrase)
        return cls.create(path, passphrase, params)

    def _save(self, secrets: dict[str, str]) -> None:
        header = _Header(self._header.params, self._header.salt, os.urandom(12), self._header.key_check)
        associated = MAGIC + _PREFIX.pack(FORMAT_VERSION, len(header.encode())) + header.encode()
        plaintext = json.dumps({"secrets": secrets}, sort_keys=True).encode("utf-8")
        ciphertext = AESGCM(self._key).encrypt(header.nonce, plaintext, associated)
        write_atomic(self._path, associated + hashlib.sha256(associated).digest() + ciphertext)
        self._header = header

    def get(self, secret_id: str) -> str | None:
        return self._secrets.get(secret_id)

    def set(self, secret_id: str, value: str) -> None:
        updated = {**self._secrets, secret_id: value}
        self._save(updated)
        self._secrets = updated

    def delete(self, secret_id: str) -> None:
        if secret_id in self._secrets:
            updated = {k: v for k, v in self._secrets.items() if k != secret_id}
            self._save(updated)
            self._secrets = updated

    def list_ids(self) -> tuple[str, ...]:
        return tuple(sorted(self._secrets))

    def change_passphrase(self, passphrase: str, params: ScryptParams | None = None) -> None:
        """Re-encrypt under a new passphrase (and new salt); the old file stays until the rename.

        On any failure before the rename (a write refused, or anything unexpected) the file and this
        object keep the old key, so the old passphrase still opens the vault and later saves use it.
        """
        params = params or self._header.params
        salt = os.urandom(16)
        old = (self._key, self._header)
        self._key, check = _derive(passphrase, salt, params)
        self._header = _Header(params, salt, os.urandom(12), check)
        try:
            self._save(self._secrets)
        except BaseException:
            self._key, self._header = old
            raise
