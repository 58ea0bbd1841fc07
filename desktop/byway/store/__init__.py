"""Where Byway keeps files, its settings, and its secrets (keyring, session memory or vault)."""

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
