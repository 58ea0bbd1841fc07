"""Where Byway keeps files, its settings, and its secrets (keyring, session memory or vault).

The names below are re-exported lazily: ``import byway.store`` (or importing any submodule, which
imports this package first) loads nothing else, so the first window does not wait for the vault's
``cryptography`` or ``logging.handlers``. A name's module is imported on first attribute access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from byway.lazy import lazy_exports

if TYPE_CHECKING:
    from byway.store.errors import (
        KeyringProblem,
        KeyringUnavailable,
        SecretStorageChoice,
        StorageUnavailable,
        StoreError,
        VaultCorrupted,
        VaultPassphraseWrong,
    )
    from byway.store.forget import ForgetFailure, ForgetReport, forget_everything
    from byway.store.locations import PORTABLE_MARKER, Locations, resolve_locations
    from byway.store.logs import configure_logging, scrub
    from byway.store.secrets import (
        KeyringSecretStore,
        MemorySecretStore,
        SecretStore,
        new_secret_id,
        open_keyring_store,
        open_secret_store,
        preferred_storage,
    )
    from byway.store.settings import (
        Consent,
        LoadedSettings,
        SecretRefs,
        SetAsideReason,
        Settings,
        SettingsSetAside,
        load_settings,
        save_settings,
    )
    from byway.store.vault import ScryptParams, VaultSecretStore

_MODULE_OF: dict[str, str] = {
    "KeyringProblem": "errors",
    "KeyringUnavailable": "errors",
    "SecretStorageChoice": "errors",
    "StorageUnavailable": "errors",
    "StoreError": "errors",
    "VaultCorrupted": "errors",
    "VaultPassphraseWrong": "errors",
    "ForgetFailure": "forget",
    "ForgetReport": "forget",
    "forget_everything": "forget",
    "PORTABLE_MARKER": "locations",
    "Locations": "locations",
    "resolve_locations": "locations",
    "configure_logging": "logs",
    "scrub": "logs",
    "KeyringSecretStore": "secrets",
    "MemorySecretStore": "secrets",
    "SecretStore": "secrets",
    "new_secret_id": "secrets",
    "open_keyring_store": "secrets",
    "open_secret_store": "secrets",
    "preferred_storage": "secrets",
    "Consent": "settings",
    "LoadedSettings": "settings",
    "SecretRefs": "settings",
    "SetAsideReason": "settings",
    "Settings": "settings",
    "SettingsSetAside": "settings",
    "load_settings": "settings",
    "save_settings": "settings",
    "ScryptParams": "vault",
    "VaultSecretStore": "vault",
}

__all__ = [
    "PORTABLE_MARKER",
    "Consent",
    "ForgetFailure",
    "ForgetReport",
    "KeyringProblem",
    "KeyringSecretStore",
    "KeyringUnavailable",
    "LoadedSettings",
    "Locations",
    "MemorySecretStore",
    "ScryptParams",
    "SecretRefs",
    "SecretStorageChoice",
    "SecretStore",
    "SetAsideReason",
    "Settings",
    "SettingsSetAside",
    "StorageUnavailable",
    "StoreError",
    "VaultCorrupted",
    "VaultPassphraseWrong",
    "VaultSecretStore",
    "configure_logging",
    "forget_everything",
    "load_settings",
    "new_secret_id",
    "open_keyring_store",
    "open_secret_store",
    "preferred_storage",
    "resolve_locations",
    "save_settings",
    "scrub",
]


__getattr__, __dir__ = lazy_exports(__name__, _MODULE_OF, __all__)
