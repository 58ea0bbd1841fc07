"""Where files live: platformdirs in the (temporary) home, or under a portable root."""

from __future__ import annotations

from pathlib import Path

import pytest

from byway.store import PORTABLE_MARKER, Locations, StorageUnavailable, resolve_locations


def test_platform_locations_follow_xdg(home: Path) -> None:
    found = resolve_locations(None, home / "bin" / "byway")
    assert not found.portable and found.root is None
    assert found.config_dir == home / ".config" / "byway"
    assert found.data_dir == home / ".local" / "share" / "byway"
    assert found.cache_dir == home / ".cache" / "byway"
    assert found.log_dir.is_relative_to(home / ".local" / "state" / "byway")
    assert found.tor_data_dir("default") == found.data_dir / "tor" / "default"
    assert not found.config_dir.exists()  # resolving creates nothing


def test_marker_next_to_the_launch_script_turns_on_portable_mode(tmp_path: Path, home: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    script = stick / "byway.py"
    assert not resolve_locations(None, script).portable
    (stick / PORTABLE_MARKER).write_text("")
    found = resolve_locations(None, script)
    assert found.portable and found.root == stick.resolve()
    assert {d.parent for d in found.all_dirs()} == {stick.resolve()}


def test_explicit_portable_dir_wins(tmp_path: Path, home: Path) -> None:
    found = resolve_locations(tmp_path / "chosen", home / "bin" / "byway")
    assert found.portable and found.root == (tmp_path / "chosen").resolve()
    assert found.vault_file.is_relative_to(found.root)
    assert found.settings_file == found.root / "config" / "settings.json"


def test_directories_are_created_private(locations: Locations) -> None:
    locations.ensure_all()
    tor = locations.ensure(locations.tor_data_dir("work-profile"))
    for directory in (*locations.all_dirs(), tor, tor.parent):
        assert directory.stat().st_mode & 0o777 == 0o700, directory


def test_profile_names_cannot_escape(locations: Locations) -> None:
    for bad in ("../etc", "", "a/b", ".hidden"):
        with pytest.raises(ValueError):
            locations.tor_data_dir(bad)


def test_portable_root_is_never_created(tmp_path: Path, home: Path) -> None:
    found = resolve_locations(tmp_path / "missing-stick", home / "bin" / "byway")
    with pytest.raises(StorageUnavailable):
        found.ensure(found.config_dir)
    assert not (tmp_path / "missing-stick").exists()
