"""Settings: round trip, defaults, corrupt and unknown-version files kept aside, migrations."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from byway.store import (
    Locations,
    SecretRefs,
    SecretStorageChoice,
    SetAsideReason,
    Settings,
    load_settings,
    new_secret_id,
    save_settings,
)
from byway.store.migrations import CURRENT_VERSION, v1_to_v2
from byway.store.settings import settings_to_json

V1_DOCUMENT = {
    "version": 1,
    "language": "fa",
    "consent_given": True,
    "consent_at": "2025-03-01T10:00:00+00:00",
    "country": "IR",
    "last_transport": {"net-1a2b": "obfs4"},
    "ui": {"theme": "dark", "font_scale": 1.25},
    "target_lists": ["global", "ir"],
    "secrets": {"custom_bridges": "custom-bridges/AAAAAAAAAAAA"},
}


def test_missing_file_gives_defaults(locations: Locations) -> None:
    loaded = load_settings(locations)
    assert loaded.settings == Settings()
    assert loaded.warnings == ()
    assert loaded.settings.diagnostic_logging is False
    assert not locations.config_dir.exists()  # reading creates nothing


def test_round_trip_is_versioned_readable_json(locations: Locations) -> None:
    settings = (
        Settings(language="ar", country="EG", target_lists=("global",), ui={"theme": "light"})
        .with_consent(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
        .remember_working_transport("net-abc", "snowflake")
    )
    save_settings(locations, settings)
    text = locations.settings_file.read_text()
    assert json.loads(text)["version"] == CURRENT_VERSION == 2
    assert "\n  " in text  # indented for people
    assert load_settings(locations).settings == settings
    assert locations.config_dir.stat().st_mode & 0o777 == 0o700
    assert locations.settings_file.stat().st_mode & 0o777 == 0o600


def test_settings_are_immutable() -> None:
    settings = Settings(last_working_transport={"n": "obfs4"})
    with pytest.raises(TypeError):
        settings.last_working_transport["n"] = "meek"  # type: ignore[index]
    assert settings.remember_working_transport("m", "meek").last_working_transport == {
        "n": "obfs4",
        "m": "meek",
    }


def test_settings_refuse_a_secret_where_an_id_belongs() -> None:
    with pytest.raises(ValueError):
        SecretRefs(custom_bridges="obfs4 192.0.2.1:443 4352E58420E68F5E40BF7C74FADDCCD9D1349413 cert=x")
    assert SecretRefs(proxy_credentials=new_secret_id("proxy")).ids()


@pytest.mark.parametrize(
    ("content", "reason", "words"),
    [
        (b'{"version": 2, "language": "fa"', SetAsideReason.NOT_JSON, "damaged"),
        (b"\xff\xfe garbage", SetAsideReason.NOT_JSON, "damaged"),
        (b'{"version": 99}', SetAsideReason.UNKNOWN_VERSION, "different version"),
        (b'{"language": "fa"}', SetAsideReason.UNKNOWN_VERSION, "different version"),
        (b'{"version": 2, "ui": ["not", "a", "map"]}', SetAsideReason.INVALID_CONTENT, "damaged"),
    ],
)
def test_unusable_file_is_kept_aside_with_a_message(
    locations: Locations, content: bytes, reason: SetAsideReason, words: str
) -> None:
    locations.ensure(locations.config_dir)
    (locations.config_dir / "other-file.txt").write_text("keep me")
    locations.settings_file.write_bytes(content)
    loaded = load_settings(locations)
    assert loaded.settings == Settings()
    [warning] = loaded.warnings
    assert warning.reason is reason
    assert warning.moved_to.name.startswith("settings.json.corrupt-")
    assert warning.moved_to.read_bytes() == content  # nothing lost
    assert words in warning.message and str(warning.moved_to) in warning.message
    assert not locations.settings_file.exists()
    assert (locations.config_dir / "other-file.txt").read_text() == "keep me"
    # A second bad file does not overwrite the first one kept aside.
    locations.settings_file.write_bytes(content)
    second = load_settings(locations).warnings[0].moved_to
    assert second != warning.moved_to and warning.moved_to.exists()


def test_v1_to_v2_step() -> None:
    upgraded = v1_to_v2(dict(V1_DOCUMENT))
    assert upgraded["version"] == 2
    assert upgraded["consent"] == {"given_at": "2025-03-01T10:00:00+00:00"}
    assert upgraded["last_working_transport"] == {"net-1a2b": "obfs4"}
    assert upgraded["secret_storage"] is None and upgraded["diagnostic_logging"] is False
    assert "consent_given" not in upgraded and "last_transport" not in upgraded
    refused = v1_to_v2({**V1_DOCUMENT, "consent_given": False})
    assert refused["consent"] is None


def test_v1_file_is_migrated_on_load(locations: Locations) -> None:
    locations.ensure(locations.config_dir)
    locations.settings_file.write_text(json.dumps(V1_DOCUMENT))
    loaded = load_settings(locations)
    assert loaded.migrated_from == 1 and loaded.warnings == ()
    settings = loaded.settings
    assert settings.language == "fa" and settings.country == "IR"
    assert settings.consent is not None and settings.consent.given_at == datetime(2025, 3, 1, 10, tzinfo=UTC)
    assert settings.last_working_transport == {"net-1a2b": "obfs4"}
    assert settings.ui == {"theme": "dark", "font_scale": 1.25}
    assert settings.secrets.custom_bridges == "custom-bridges/AAAAAAAAAAAA"
    assert settings.secret_storage is None
    save_settings(locations, settings)
    assert json.loads(locations.settings_file.read_text())["version"] == 2
    assert load_settings(locations).migrated_from is None


def test_current_document_has_every_field() -> None:
    document = settings_to_json(Settings(secret_storage=SecretStorageChoice.VAULT))
    assert document["secret_storage"] == "vault"
    assert set(document) == {
        "version", "language", "consent", "country", "last_working_transport", "ui",
        "target_lists", "secrets", "secret_storage", "diagnostic_logging",
    }  # fmt: skip


def test_unwritable_config_dir_leaves_old_settings(locations: Locations, tmp_path: Path) -> None:
    """The config folder replaced by a file: saving fails with StorageUnavailable, nothing breaks."""
    from byway.store import StorageUnavailable

    save_settings(locations, Settings(language="fa"))
    moved = tmp_path / "config-moved"
    locations.config_dir.rename(moved)
    locations.config_dir.write_text("not a folder")
    with pytest.raises(StorageUnavailable) as caught:
        save_settings(locations, Settings(language="en"))
    assert "Nothing saved earlier was lost" in caught.value.message
    assert json.loads((moved / "settings.json").read_text())["language"] == "fa"
