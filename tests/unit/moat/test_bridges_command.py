"""``byway bridges``: add (validated, kept in the vault), list (masked unless --show), remove, check."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from byway.commands.bridges import add_bridges_parser
from byway.store.locations import resolve_locations
from byway.store.settings import load_settings

CERT = "bjRaMrr1BRiAW8IE9U5z27fQaYgOhX1UCmOpg2pFpoMvo6ZgQMzLsaTzzQNTlm7hNcb+Sg"
SECRET_IP = "203.0.113.99"
LINE = f"obfs4 {SECRET_IP}:443 D9A82D2F9C2F65A18407B1D2B764F130847F8B5D cert={CERT} iat-mode=0"


def run(tmp_path: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="byway")
    add_bridges_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    args.locations = resolve_locations(tmp_path / "portable", tmp_path / "byway")
    result: int = args.func(args)
    return result


@pytest.fixture()
def portable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "portable").mkdir()
    monkeypatch.setenv("BYWAY_VAULT_PASSPHRASE", "correct horse battery staple")
    return tmp_path


def test_add_list_remove(portable: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(portable, "bridges", "add", LINE) == 0
    added = capsys.readouterr().out
    assert SECRET_IP not in added and "vault" in added
    locations = resolve_locations(portable / "portable", portable / "byway")
    assert SECRET_IP not in locations.settings_file.read_text()
    assert load_settings(locations).settings.secrets.custom_bridges is not None
    assert run(portable, "bridges", "list") == 0
    listing = capsys.readouterr().out
    assert "Built-in bridges" in listing and "as of" in listing and SECRET_IP not in listing
    assert run(portable, "bridges", "list", "--show") == 0
    assert SECRET_IP in capsys.readouterr().out
    assert run(portable, "bridges", "remove", LINE) == 0
    assert "0 left" in capsys.readouterr().out
    assert run(portable, "bridges", "remove", LINE) == 1


def test_bad_lines_are_refused_in_plain_words(portable: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(portable, "bridges", "add", LINE, "obfs4 1.2.3.4:443 nonsense\nSocksPort 9999") == 2
    err = capsys.readouterr().err
    assert "Line 2" in err and "Nothing was added" in err


def test_session_only_stores_nothing(portable: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(portable, "bridges", "add", "--session-only", LINE) == 0
    assert "nothing was stored" in capsys.readouterr().out
    locations = resolve_locations(portable / "portable", portable / "byway")
    assert not locations.vault_file.exists()


def test_check_says_which_transports_run_here(portable: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(portable, "bridges", "--check") == 0
    out = capsys.readouterr().out
    assert "obfs4" in out and "webtunnel" in out and "unavailable" in out
