"""Secrets (custom bridges, Moat bridges, proxy credentials) behind one small protocol.

Settings only ever hold a secret's id; the value lives in a :class:`SecretStore`. Three stores exist:
the OS keyring (default), memory (tests, and the "only for this session" choice) and Byway's
passphrase-protected vault file (no usable keyring, or portable mode). There is deliberately no
plaintext store: if the keyring is missing or is a plaintext file backend, Byway says so with
:class:`KeyringUnavailable` and lets the user choose.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from byway.store.errors import (
    KeyringProblem,
    KeyringUnavailable,
    SecretStorageChoice,
)
from byway.store.locations import Locations

if TYPE_CHECKING:
    # The vault pulls in ``cryptography``: imported only when a vault is actually opened.
    from byway.store.vault import ScryptParams

KEYRING_SERVICE = "byway"
_INDEX_ENTRY = "__byway-index__"


def new_secret_id(kind: str) -> str:
    """A fresh opaque id such as ``custom-bridges/Xy3...``; ``kind`` is a short lowercase word."""
    import secrets as random_tokens  # hashlib and hmac: only when a secret is first stored

    return f"{kind}/{random_tokens.token_urlsafe(12)}"


@runtime_checkable
class SecretStore(Protocol):
    """Where secret values live, addressed by opaque ids. ``delete`` of an unknown id does nothing."""

    @property
    def kind(self) -> SecretStorageChoice: ...

    def get(self, secret_id: str) -> str | None: ...

    def set(self, secret_id: str, value: str) -> None: ...

    def delete(self, secret_id: str) -> None: ...

    def list_ids(self) -> tuple[str, ...]: ...


class MemorySecretStore:
    """Secrets kept only in this process: gone when Byway closes, never written anywhere."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    @property
    def kind(self) -> SecretStorageChoice:
        return SecretStorageChoice.SESSION_ONLY

    def get(self, secret_id: str) -> str | None:
        return self._values.get(secret_id)

    def set(self, secret_id: str, value: str) -> None:
        self._values[secret_id] = value

    def delete(self, secret_id: str) -> None:
        self._values.pop(secret_id, None)

    def list_ids(self) -> tuple[str, ...]:
        return tuple(sorted(self._values))


def _class_path(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _refusal(backend: object) -> KeyringProblem | None:
    """Why ``backend`` must not hold secrets, or None if it may."""
    path = _class_path(backend)
    if path in ("keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"):
        return KeyringProblem.NONE_INSTALLED
    # keyrings.alt is never used: its default file backends store secrets readable by anyone.
    if path.startswith("keyrings.alt") or "plaintext" in path.lower():
        return KeyringProblem.PLAINTEXT_ONLY
    return None


def usable_backend(backend: Any) -> Any:
    """Return the backend Byway may use, unwrapping keyring's chainer; raise KeyringUnavailable.

    The chainer would fall through to a plaintext backend when the first one refuses, so Byway picks
    the best non-plaintext member itself.
    """
    from keyring.backends.chainer import ChainerBackend

    if isinstance(backend, ChainerBackend):
        members = list(backend.backends)
        usable = [member for member in members if _refusal(member) is None]
        if not usable:
            problems = [problem for member in members if (problem := _refusal(member)) is not None]
            worst = KeyringProblem.PLAINTEXT_ONLY if KeyringProblem.PLAINTEXT_ONLY in problems else None
            raise KeyringUnavailable(worst or KeyringProblem.NONE_INSTALLED, _class_path(backend))
        return usable[0]
    problem = _refusal(backend)
    if problem is not None:
        raise KeyringUnavailable(problem, _class_path(backend))
    return backend


def _problem_for(error: Exception) -> KeyringProblem:
    """Sort a backend failure (keyring, secretstorage or D-Bus) into a reason a person understands."""
    from keyring import errors

    name = type(error).__name__
    if isinstance(error, errors.KeyringLocked) or name == "LockedException":
        return KeyringProblem.LOCKED
    if isinstance(error, errors.NoKeyringError):
        return KeyringProblem.NONE_INSTALLED
    refused = "dismissed" in name.lower() or "dismissed" in str(error).lower()
    if isinstance(error, errors.PasswordSetError | errors.PasswordDeleteError) or refused:
        return KeyringProblem.REFUSED
    return KeyringProblem.BROKEN


class KeyringSecretStore:
    """Secrets in the OS keyring under the service name ``byway``.

    Keyrings cannot list entries, so the ids Byway stored are kept in one extra entry (an index of
    ids, no values) to make "forget everything" complete. Any backend failure, at open or later, is
    raised as :class:`KeyringUnavailable` so the UI can offer the other choices.
    """

    def __init__(self, backend: Any) -> None:
        self._backend = usable_backend(backend)

    @property
    def kind(self) -> SecretStorageChoice:
        return SecretStorageChoice.KEYRING

    @property
    def backend_name(self) -> str:
        return _class_path(self._backend)

    def _call(self, method: str, *args: str) -> Any:
        try:
            return getattr(self._backend, method)(KEYRING_SERVICE, *args)
        # Deliberately broad: backends surface D-Bus, secretstorage and OS errors of many types, and
        # every one of them means the same thing to the user (the keyring cannot be used now).
        except Exception as error:
            raise KeyringUnavailable(_problem_for(error), f"{type(error).__name__}: {error}") from error

    def _index(self) -> list[str]:
        raw = self._call("get_password", _INDEX_ENTRY)
        if raw is None:
            return []
        try:
            ids = json.loads(raw)
        except ValueError:
            return []
        return [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []

    def _write_index(self, ids: list[str]) -> None:
        if ids:
            self._call("set_password", _INDEX_ENTRY, json.dumps(sorted(set(ids))))
        elif self._call("get_password", _INDEX_ENTRY) is not None:
            self._call("delete_password", _INDEX_ENTRY)

    def probe(self) -> None:
        """Touch the keyring once, so a locked or absent Secret Service is reported up front."""
        self._index()

    def get(self, secret_id: str) -> str | None:
        value = self._call("get_password", secret_id)
        return value if isinstance(value, str) else None

    def set(self, secret_id: str, value: str) -> None:
        if secret_id == _INDEX_ENTRY:
            raise ValueError("reserved id")
        # Index first: a crash in between leaves an id without a value (harmless), never a value
        # that "forget everything" cannot find.
        index = self._index()
        if secret_id not in index:
            self._write_index([*index, secret_id])
        self._call("set_password", secret_id, value)

    def delete(self, secret_id: str) -> None:
        if self._call("get_password", secret_id) is not None:
            self._call("delete_password", secret_id)
        index = self._index()
        if secret_id in index:
            self._write_index([i for i in index if i != secret_id])

    def list_ids(self) -> tuple[str, ...]:
        return tuple(sorted(self._index()))


def open_keyring_store(backend: Any | None = None) -> KeyringSecretStore:
    """The OS keyring as a secret store, or :class:`KeyringUnavailable` explaining why not.

    ``backend`` defaults to what ``keyring`` selects (honouring ``PYTHON_KEYRING_BACKEND``).
    """
    if backend is None:
        import keyring

        try:
            backend = keyring.get_keyring()
        except Exception as error:  # backend discovery itself can fail on a broken D-Bus
            raise KeyringUnavailable(_problem_for(error), str(error)) from error
    store = KeyringSecretStore(backend)
    store.probe()
    return store


def preferred_storage(locations: Locations) -> SecretStorageChoice:
    """Portable mode keeps secrets in the vault on the drive; otherwise the OS keyring comes first."""
    return SecretStorageChoice.VAULT if locations.portable else SecretStorageChoice.KEYRING


def open_secret_store(
    locations: Locations,
    choice: SecretStorageChoice,
    *,
    passphrase: str | None = None,
    keyring_backend: Any | None = None,
    kdf: ScryptParams | None = None,
) -> SecretStore:
    """Open the store the user chose. The vault needs ``passphrase`` and is created on first use."""
    if choice is SecretStorageChoice.KEYRING:
        return open_keyring_store(keyring_backend)
    if choice is SecretStorageChoice.SESSION_ONLY:
        return MemorySecretStore()
    if passphrase is None:
        raise ValueError("the vault needs a passphrase")
    from byway.store.vault import ScryptParams, VaultSecretStore

    locations.ensure(locations.data_dir)
    return VaultSecretStore.open_or_create(locations.vault_file, passphrase, kdf or ScryptParams())
