"""The built-in catalog: the shipped copy loads cleanly, a Moat refresh is checked, the fresher copy wins."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from byway.resources import resources_dir
from byway.transports.bridge_line import Transport, parse_bridge_line
from byway.transports.catalog import (
    REFRESHED_FILE,
    Catalog,
    CatalogError,
    CatalogSource,
    load_best,
    load_refreshed,
    load_shipped,
    refresh_from_moat,
    save_refreshed,
)

# The project's shared data sit beside the checkout (../shared), in CI as in a session.
UPSTREAM = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "tor-browser-pt_config.json"
FP = "D9A82D2F9C2F65A18407B1D2B764F130847F8B5D"
CERT = "bjRaMrr1BRiAW8IE9U5z27fQaYgOhX1UCmOpg2pFpoMvo6ZgQMzLsaTzzQNTlm7hNcb+Sg"
FRESH_OBFS4 = f"obfs4 203.0.113.5:443 {FP} cert={CERT} iat-mode=2"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture
def resources(tmp_path: Path) -> Path:
    """A private copy of resources/bridges, so a test can change the shipped date."""
    copy = tmp_path / "resources"
    shutil.copytree(resources_dir() / "bridges", copy / "bridges")
    return copy


def test_shipped_copy_is_the_upstream_file() -> None:
    shipped = resources_dir() / "bridges" / "pt_config.json"
    if UPSTREAM.exists():
        assert shipped.read_bytes() == UPSTREAM.read_bytes()
    sources = (resources_dir() / "bridges" / "SOURCES.md").read_text(encoding="utf-8")
    assert "777d153" in sources and "2026-07-29" in sources and "tor-expert-bundle/pt_config.json" in sources


def test_shipped_catalog_loads_every_line() -> None:
    catalog = load_shipped()
    raw = json.loads((resources_dir() / "bridges" / "pt_config.json").read_text(encoding="utf-8"))
    assert catalog.rejected == ()
    assert catalog.source is CatalogSource.SHIPPED
    assert catalog.as_of == datetime(2026, 7, 29, tzinfo=UTC)
    assert catalog.recommended_default == "obfs4"
    assert catalog.kinds() == ("meek", "obfs4", "snowflake")
    assert len(catalog.bridges_for(Transport.OBFS4)) == 7
    assert len(catalog.bridges_for(Transport.SNOWFLAKE)) == 2
    assert catalog.bridges_for(Transport.WEBTUNNEL) == ()
    # Re-serialised from typed values, the lines are exactly upstream's.
    assert catalog.to_pt_config() == raw


def test_moat_refresh_replaces_the_kinds_it_names_and_keeps_the_others() -> None:
    answer = {"obfs4": [FRESH_OBFS4, "obfs4 1.2.3.4:443 bad", 42], "meek-azure": [], "bogus": ["1.2.3.4:1"]}
    catalog = refresh_from_moat(answer, NOW)
    assert catalog.source is CatalogSource.MOAT and catalog.as_of == NOW
    assert [str(b) for b in catalog.bridges_for(Transport.OBFS4)] == [FRESH_OBFS4]
    assert len(catalog.bridges_for(Transport.MEEK_LITE)) == 1  # kept from the shipped copy
    assert len(catalog.bridges_for(Transport.SNOWFLAKE)) == 2
    assert [(r.kind, r.index, r.reason) for r in catalog.rejected] == [
        ("obfs4", 1, "bad_fingerprint"),
        ("obfs4", 2, "not_text"),
        ("bogus", 0, "unknown_kind"),
    ]


def test_moat_refresh_refuses_lines_filed_under_the_wrong_kind() -> None:
    catalog = refresh_from_moat({"obfs4": [FRESH_OBFS4], "snowflake": [FRESH_OBFS4]}, NOW)
    assert [(r.kind, r.reason) for r in catalog.rejected] == [("snowflake", "wrong_kind")]
    assert all(b.transport is Transport.SNOWFLAKE for b in catalog.bridges_for(Transport.SNOWFLAKE))


def test_moat_refresh_never_lets_an_injected_line_through() -> None:
    catalog = refresh_from_moat({"obfs4": [FRESH_OBFS4, FRESH_OBFS4 + "\nSocksPort 0.0.0.0:9050"]}, NOW)
    assert [r.reason for r in catalog.rejected] == ["control_character"]
    assert all("\n" not in str(b) for b in catalog.bridges_for(Transport.OBFS4))


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"errors": [{"code": 404, "detail": "not found"}]}, "moat_error"),
        ({"obfs4": ["garbage"]}, "no_bridges"),
        ({}, "no_bridges"),
        ({"obfs4": "not a list"}, "bad_shape"),
        ({"OBFS4 with spaces": [FRESH_OBFS4]}, "bad_shape"),
        ({"obfs4": [FRESH_OBFS4] * 300}, "bad_shape"),
        (["obfs4"], "bad_shape"),
    ],
)
def test_unusable_moat_answers_are_errors(answer: Any, reason: str) -> None:
    with pytest.raises(CatalogError) as caught:
        refresh_from_moat(answer, NOW)
    assert caught.value.reason == reason


def test_refresh_needs_an_aware_time() -> None:
    with pytest.raises(ValueError, match="timezone"):
        refresh_from_moat({"obfs4": [FRESH_OBFS4]}, datetime(2026, 11, 29))


def test_saved_refresh_round_trips_and_is_preferred(tmp_path: Path, resources: Path) -> None:
    refreshed = refresh_from_moat({"obfs4": [FRESH_OBFS4]}, NOW, base=load_shipped(resources))
    path = save_refreshed(refreshed, tmp_path / "state")
    assert path == tmp_path / "state" / REFRESHED_FILE
    assert json.loads(path.read_text(encoding="utf-8"))["byway"] == {
        "source": "moat",
        "as_of": NOW.isoformat(),
    }
    again = load_refreshed(tmp_path / "state")
    assert again.groups == refreshed.groups and again.as_of == NOW
    best = load_best(tmp_path / "state", resources=resources)
    assert best.source is CatalogSource.MOAT
    assert [str(b) for b in best.bridges_for(Transport.OBFS4)] == [FRESH_OBFS4]


def test_shipped_copy_wins_without_a_refresh_or_with_a_broken_one(tmp_path: Path, resources: Path) -> None:
    assert load_best(tmp_path / "nothing-here", resources=resources).source is CatalogSource.SHIPPED
    (tmp_path / REFRESHED_FILE).write_text("{ not json", encoding="utf-8")
    assert load_best(tmp_path, resources=resources).source is CatalogSource.SHIPPED
    (tmp_path / REFRESHED_FILE).write_text(
        json.dumps({"bridges": {"obfs4": [FRESH_OBFS4]}}), encoding="utf-8"
    )
    assert load_best(tmp_path, resources=resources).source is CatalogSource.SHIPPED  # no date: not trusted


def test_a_tampered_refresh_is_checked_again_on_load(tmp_path: Path, resources: Path) -> None:
    save_refreshed(refresh_from_moat({"obfs4": [FRESH_OBFS4]}, NOW), tmp_path)
    document = json.loads((tmp_path / REFRESHED_FILE).read_text(encoding="utf-8"))
    document["bridges"]["obfs4"].append(FRESH_OBFS4 + "\nSocksPort 9050")
    (tmp_path / REFRESHED_FILE).write_text(json.dumps(document), encoding="utf-8")
    best = load_best(tmp_path, resources=resources)
    assert best.source is CatalogSource.MOAT and [r.reason for r in best.rejected] == ["control_character"]


def test_a_newer_release_beats_an_older_refresh(tmp_path: Path, resources: Path) -> None:
    old = refresh_from_moat({"obfs4": [FRESH_OBFS4]}, datetime(2026, 1, 1, tzinfo=UTC))
    save_refreshed(old, tmp_path)
    assert load_best(tmp_path, resources=resources).source is CatalogSource.SHIPPED
    (resources / "bridges" / "pt_config.source.json").write_text('{"date": "2025-01-01"}', encoding="utf-8")
    assert load_best(tmp_path, resources=resources).source is CatalogSource.MOAT


def test_saving_needs_a_date(tmp_path: Path) -> None:
    undated = Catalog(((("obfs4"), (parse_bridge_line(FRESH_OBFS4),)),), CatalogSource.MOAT)
    with pytest.raises(ValueError, match="as_of"):
        save_refreshed(undated, tmp_path)
