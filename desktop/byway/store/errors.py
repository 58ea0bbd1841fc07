"""Typed failures of the store, each carrying plain words the UI or CLI can show as they are.

The core never prints: it raises these values, and the edge decides how to present them. Every
message is already translated through :func:`byway.i18n.translate` when the error is built.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from byway.i18n import translate


class StoreError(Exception):
    """Base of every failure the store reports; ``message`` is ready to show to a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StorageUnavailable(StoreError):
    """A place Byway must write to (or read from) cannot be used: read-only, gone, or full.

    Raised instead of a bare ``OSError`` so the UI can say what happened and reassure the user that
    what was saved before is still there (writes are atomic, so a failed write changes nothing).
    """

    def __init__(self, path: Path, detail: str) -> None:
        message = translate(
            "Store",
            "Byway cannot save to {path}: {detail}. Nothing saved earlier was lost. "
            "If Byway runs from a removable drive, check that it is plugged in and not write-protected.",
        ).format(path=path, detail=detail)
        super().__init__(message)
        self.path = path
        self.detail = detail


class KeyringProblem(Enum):
    """Why the operating system's keyring cannot hold Byway's secrets."""

    NONE_INSTALLED = "none-installed"
    LOCKED = "locked"
    REFUSED = "refused"
    PLAINTEXT_ONLY = "plaintext-only"
    BROKEN = "broken"


class SecretStorageChoice(Enum):
    """Where the user asked Byway to keep secrets (bridges, proxy passwords)."""

    KEYRING = "keyring"
    SESSION_ONLY = "session-only"
    VAULT = "vault"


def _keyring_reason(problem: KeyringProblem) -> str:
    """Literal strings per case, so Qt's lupdate can extract each one."""
    if problem is KeyringProblem.NONE_INSTALLED:
        return translate("Store", "No system keyring was found on this computer.")
    if problem is KeyringProblem.LOCKED:
        return translate("Store", "The system keyring is locked and could not be unlocked.")
    if problem is KeyringProblem.REFUSED:
        return translate("Store", "The system keyring refused to store Byway's secrets.")
    if problem is KeyringProblem.PLAINTEXT_ONLY:
        return translate(
            "Store",
            "The only keyring available stores secrets unencrypted in a file, so Byway will not use it.",
        )
    return translate("Store", "The system keyring did not answer correctly.")


class KeyringUnavailable(StoreError):
    """No usable OS keyring: the user must choose between session-only memory and the vault.

    Byway never falls back to a plaintext file on its own; ``choices`` lists what may be offered.
    """

    choices: tuple[SecretStorageChoice, ...] = (SecretStorageChoice.SESSION_ONLY, SecretStorageChoice.VAULT)

    def __init__(self, problem: KeyringProblem, detail: str = "") -> None:
        reason = _keyring_reason(problem)
        offer = translate(
            "Store",
            "You can keep secrets only until Byway closes, or in Byway's own vault file "
            "protected by a passphrase.",
        )
        super().__init__(f"{reason} {offer}")
        self.problem = problem
        self.reason = reason
        self.detail = detail


class VaultPassphraseWrong(StoreError):
    """The vault file is intact but the passphrase does not open it."""

    def __init__(self) -> None:
        super().__init__(translate("Store", "The passphrase is not correct for this vault."))


class VaultCorrupted(StoreError):
    """The vault file was damaged or altered; Byway will not trust anything in it."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            translate(
                "Store",
                "The vault file {path} is damaged or was altered ({detail}). "
                "Byway will not use its contents.",
            ).format(path=path, detail=detail)
        )
        self.path = path
        self.detail = detail
