"""Byway's settings: small, not secret, human-readable JSON that survives crashes and old versions.

The file holds choices (language, consent, country, last working transport per network, UI
preferences, target lists) and only *references* to secrets: secret ids that a
:class:`~byway.store.secrets.SecretStore` resolves. A damaged file or one from an unknown version is
moved aside, never deleted, and the user is told; defaults are used so Byway still starts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from byway.i18n import translate
from byway.store.atomic import describe_os_error, fsync_directory, write_atomic
from byway.store.errors import SecretStorageChoice, StorageUnavailable
from byway.store.locations import Locations
from byway.store.migrations import CURRENT_VERSION, MIGRATIONS

UiValue = str | int | float | bool

_SECRET_ID = re.compile(r"^[a-z][a-z0-9-]{0,31}/[A-Za-z0-9_-]{8,64}$")


def is_secret_id(value: str) -> bool:
    """True for the opaque ids Byway hands out (``kind/random``); a bridge line never matches."""
    return bool(_SECRET_ID.match(value))


@dataclass(frozen=True)
class Consent:
    """The user agreed to run network measurements, at this moment (UTC)."""

    given_at: datetime


@dataclass(frozen=True)
class SecretRefs:
    """Ids of secrets kept in the secret store; the settings file never holds the secrets themselves."""

    custom_bridges: str | None = None
    moat_bridges: str | None = None
    proxy_credentials: str | None = None

    def __post_init__(self) -> None:
        for name in ("custom_bridges", "moat_bridges", "proxy_credentials"):
            value = getattr(self, name)
            if value is not None and not is_secret_id(value):
                raise ValueError(f"{name} must be a secret id, not a secret")

    def ids(self) -> tuple[str, ...]:
        refs = (self.custom_bridges, self.moat_bridges, self.proxy_credentials)
        return tuple(ref for ref in refs if ref is not None)


def _frozen_mapping(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@dataclass(frozen=True)
class Settings:
    """Every user choice Byway remembers between runs. Defaults are what a first run sees."""

    language: str | None = None
    consent: Consent | None = None
    country: str | None = None
    last_working_transport: Mapping[str, str] = field(default_factory=dict)
    ui: Mapping[str, UiValue] = field(default_factory=dict)
    target_lists: tuple[str, ...] = ()
    secrets: SecretRefs = SecretRefs()
    secret_storage: SecretStorageChoice | None = None
    diagnostic_logging: bool = False

    def __post_init__(self) -> None:
        # Read-only views, so a frozen Settings cannot be changed behind its back.
        object.__setattr__(self, "last_working_transport", _frozen_mapping(self.last_working_transport))
        object.__setattr__(self, "ui", _frozen_mapping(self.ui))

    def remember_working_transport(self, network_id: str, transport: str) -> Settings:
        """Return settings that remember ``transport`` worked on the network known as ``network_id``."""
        return replace(self, last_working_transport={**self.last_working_transport, network_id: transport})

    def with_consent(self, moment: datetime | None = None) -> Settings:
        return replace(self, consent=Consent(moment or datetime.now(UTC)))


class SetAsideReason(Enum):
    NOT_JSON = "not-json"
    UNKNOWN_VERSION = "unknown-version"
    INVALID_CONTENT = "invalid-content"


@dataclass(frozen=True)
class SettingsSetAside:
    """A warning to show: the settings file could not be used and was kept under another name."""

    original: Path
    moved_to: Path
    reason: SetAsideReason
    message: str


@dataclass(frozen=True)
class LoadedSettings:
    settings: Settings
    warnings: tuple[SettingsSetAside, ...] = ()
    migrated_from: int | None = None


class _Invalid(ValueError):
    pass


def _expect(value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float)):
        raise _Invalid(what)
    return value


def _optional_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(_expect(value, str, key))


def _str_map(value: Any, what: str) -> dict[str, str]:
    mapping = _expect(value, dict, what)
    return {_expect(k, str, what): _expect(v, str, what) for k, v in mapping.items()}


def settings_from_json(data: Mapping[str, Any]) -> Settings:
    """Build :class:`Settings` from a current-version document; raise ValueError on wrong shapes."""
    consent_data = data.get("consent")
    consent = None
    if consent_data is not None:
        consent_at = _expect(_expect(consent_data, dict, "consent").get("given_at"), str, "consent")
        consent = Consent(datetime.fromisoformat(consent_at))
    ui = _expect(data.get("ui", {}), dict, "ui")
    for key, value in ui.items():
        _expect(key, str, "ui")
        _expect(value, (str, int, float, bool), "ui")
    secrets = _expect(data.get("secrets", {}), dict, "secrets")
    storage = data.get("secret_storage")
    return Settings(
        language=_optional_str(data, "language"),
        consent=consent,
        country=_optional_str(data, "country"),
        last_working_transport=_str_map(data.get("last_working_transport", {}), "last_working_transport"),
        ui=ui,
        target_lists=tuple(
            _expect(t, str, "target_lists")
            for t in _expect(data.get("target_lists", []), list, "target_lists")
        ),
        secrets=SecretRefs(
            custom_bridges=_optional_str(secrets, "custom_bridges"),
            moat_bridges=_optional_str(secrets, "moat_bridges"),
            proxy_credentials=_optional_str(secrets, "proxy_credentials"),
        ),
        secret_storage=None
        if storage is None
        else SecretStorageChoice(_expect(storage, str, "secret_storage")),
        diagnostic_logging=_expect(data.get("diagnostic_logging", False), bool, "diagnostic_logging"),
    )


def settings_to_json(settings: Settings) -> dict[str, Any]:
    """The current-version document for ``settings``; keys are stable so diffs stay readable."""
    return {
        "version": CURRENT_VERSION,
        "language": settings.language,
        "consent": None if settings.consent is None else {"given_at": settings.consent.given_at.isoformat()},
        "country": settings.country,
        "last_working_transport": dict(settings.last_working_transport),
        "ui": dict(settings.ui),
        "target_lists": list(settings.target_lists),
        "secrets": {
            "custom_bridges": settings.secrets.custom_bridges,
            "moat_bridges": settings.secrets.moat_bridges,
            "proxy_credentials": settings.secrets.proxy_credentials,
        },
        "secret_storage": None if settings.secret_storage is None else settings.secret_storage.value,
        "diagnostic_logging": settings.diagnostic_logging,
    }


def encode_settings(settings: Settings) -> bytes:
    return (
        json.dumps(settings_to_json(settings), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
    ).encode()


def save_settings(locations: Locations, settings: Settings) -> None:
    """Write the settings atomically; on failure raise StorageUnavailable and keep the old file."""
    locations.ensure(locations.config_dir)
    write_atomic(locations.settings_file, encode_settings(settings))


def _set_aside_message(reason: SetAsideReason) -> str:
    if reason is SetAsideReason.UNKNOWN_VERSION:
        return translate(
            "Store",
            "Your settings were saved by a different version of Byway and cannot be read. "
            "They were kept as {moved_to}; Byway starts with default settings.",
        )
    return translate(
        "Store",
        "Your settings file was damaged and cannot be read. "
        "It was kept as {moved_to}; Byway starts with default settings.",
    )


def _move_aside(path: Path, reason: SetAsideReason) -> SettingsSetAside:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    try:
        path.rename(target)
    except OSError as error:
        raise StorageUnavailable(path, describe_os_error(error)) from error
    fsync_directory(path.parent)
    return SettingsSetAside(path, target, reason, _set_aside_message(reason).format(moved_to=target))


def _migrate(document: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= CURRENT_VERSION:
        raise LookupError(version)
    original = version
    while version < CURRENT_VERSION:
        document = MIGRATIONS[version](document)
        version = document["version"]
    return document, (original if original != CURRENT_VERSION else None)


def load_settings(locations: Locations) -> LoadedSettings:
    """Read the settings; a missing file gives defaults, an unusable one is moved aside with a warning."""
    path = locations.settings_file
    if locations.root is not None and not locations.root.is_dir():
        raise StorageUnavailable(locations.root, translate("Store", "the portable folder is gone"))
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return LoadedSettings(Settings())
    except OSError as error:
        raise StorageUnavailable(path, describe_os_error(error)) from error
    try:
        document = json.loads(raw.decode("utf-8"))
        if not isinstance(document, dict):
            raise ValueError("not an object")
    except ValueError:
        return LoadedSettings(Settings(), (_move_aside(path, SetAsideReason.NOT_JSON),))
    try:
        document, migrated_from = _migrate(document)
    except LookupError:
        return LoadedSettings(Settings(), (_move_aside(path, SetAsideReason.UNKNOWN_VERSION),))
    try:
        settings = settings_from_json(document)
    except (ValueError, TypeError, KeyError):
        return LoadedSettings(Settings(), (_move_aside(path, SetAsideReason.INVALID_CONTENT),))
    return LoadedSettings(settings, (), migrated_from)
