"""Forget everything: remove every trace Byway left, and say exactly what went.

People in danger may need to clean a computer quickly. This removes Byway's secrets (from the
keyring or the vault), settings, tor state, caches and logs, and returns a report of paths and
secret ids. The report never contains secret values.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from byway.store.atomic import describe_os_error
from byway.store.errors import StoreError
from byway.store.locations import APP_NAME, Locations
from byway.store.logs import configure_logging
from byway.store.secrets import SecretStore
from byway.store.vault import VaultSecretStore


@dataclass(frozen=True)
class ForgetFailure:
    """Something that could not be removed, and why in plain words."""

    what: str
    reason: str


@dataclass(frozen=True)
class ForgetReport:
    removed_secret_ids: tuple[str, ...]
    removed_paths: tuple[Path, ...]
    failures: tuple[ForgetFailure, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.failures


def _owned_dirs(locations: Locations) -> list[Path]:
    """Byway's own folders, outermost first, never the portable root or a shared parent.

    Platform folders are only removed if they are named after Byway, a guard against a mistaken
    Locations value ever pointing at a home or system folder.
    """
    dirs: list[Path] = []
    for directory in sorted(set(locations.all_dirs()), key=lambda p: len(p.parts)):
        if locations.root is not None:
            if directory.parent != locations.root:
                continue
        elif APP_NAME not in (part.lower() for part in directory.parts[-3:]):
            continue
        if not any(directory.is_relative_to(kept) for kept in dirs):
            dirs.append(directory)
    return dirs


def _forget_secrets(store: SecretStore, failures: list[ForgetFailure]) -> list[str]:
    removed: list[str] = []
    try:
        ids = store.list_ids()
    except StoreError as error:
        failures.append(ForgetFailure("secrets", error.message))
        return removed
    for secret_id in ids:
        try:
            store.delete(secret_id)
            removed.append(secret_id)
        except StoreError as error:
            failures.append(ForgetFailure(secret_id, error.message))
    return removed


def forget_everything(locations: Locations, secret_store: SecretStore | None) -> ForgetReport:
    """Remove secrets, settings, tor state, caches and logs; keep going past failures and report them."""
    failures: list[ForgetFailure] = []
    removed_ids = _forget_secrets(secret_store, failures) if secret_store is not None else []
    configure_logging(locations, enabled=False)  # close the log file before deleting it
    removed_paths: list[Path] = []
    vault_file = secret_store.path if isinstance(secret_store, VaultSecretStore) else locations.vault_file
    targets = [vault_file, *_owned_dirs(locations)]
    for target in targets:
        if not target.exists() and not target.is_symlink():
            continue
        try:
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink()
        except OSError as error:
            failures.append(ForgetFailure(str(target), describe_os_error(error)))
            continue
        removed_paths.append(target)
    return ForgetReport(tuple(removed_ids), tuple(removed_paths), tuple(failures))
