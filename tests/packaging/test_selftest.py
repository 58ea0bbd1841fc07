"""``byway --self-test`` from source, against a fake bundle folder built from the system's programs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from byway.selftest import check_binaries, check_geoip, run_self_test
from byway.store.locations import resolve_locations
from byway.transports.binaries import default_search_dirs

SYSTEM = {
    "tor": shutil.which("tor", path="/usr/sbin:/usr/bin"),
    "obfs4proxy": shutil.which("obfs4proxy"),
    "snowflake-client": shutil.which("snowflake-client"),
}
pytestmark = pytest.mark.skipif(
    not all(SYSTEM.values()), reason="needs tor, obfs4proxy and snowflake-client installed (scripts/setup)"
)
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


def fake_bundle(root: Path, *, programs: bool = True, geoip: bytes = b"# geoip\n1,2,US\n") -> Path:
    """The Linux bundle's layout (tor/, tor/pluggable_transports/), with copies, not links: a link
    would resolve to /usr and rightly count as the computer's copy."""
    bundle = root / "byway"
    (bundle / "tor" / "pluggable_transports").mkdir(parents=True)
    (bundle / "byway").write_text("#!/bin/sh\n")
    (bundle / "byway-portable").write_text("")
    if programs:
        shutil.copy2(str(SYSTEM["tor"]), bundle / "tor" / "tor")
        for name in ("obfs4proxy", "snowflake-client"):
            shutil.copy2(str(SYSTEM[name]), bundle / "tor" / "pluggable_transports" / name)
    for name in ("geoip", "geoip6"):
        (bundle / "tor" / name).write_bytes(geoip)
    return bundle


def test_the_bundles_copies_are_found_even_with_the_systems_on_path(tmp_path: Path) -> None:
    bundle = fake_bundle(tmp_path)
    checks = check_binaries(bundle, default_search_dirs(bundle / "byway", bundle), path_env=SYSTEM_PATH)
    assert [c.name for c in checks] == ["tor", "obfs4proxy", "snowflake-client"]
    assert all(c.ok for c in checks), checks
    assert all(str(bundle) in c.detail for c in checks)


def test_a_bundle_without_its_programs_fails_instead_of_using_the_systems(tmp_path: Path) -> None:
    bundle = fake_bundle(tmp_path, programs=False)
    checks = check_binaries(bundle, default_search_dirs(bundle / "byway", bundle), path_env=SYSTEM_PATH)
    assert not any(c.ok for c in checks)
    assert all("not the bundle's" in c.detail for c in checks), checks


def test_geoip_must_be_present_and_not_empty(tmp_path: Path) -> None:
    bundle = fake_bundle(tmp_path, geoip=b"")
    dirs = default_search_dirs(bundle / "byway", bundle)
    assert [c.ok for c in check_geoip(bundle, dirs)] == [False, False]
    (bundle / "tor" / "geoip").write_bytes(b"1,2,US\n")
    (bundle / "tor" / "geoip6").unlink()
    assert [c.ok for c in check_geoip(bundle, dirs)] == [True, False]


def test_the_whole_self_test_passes_on_a_complete_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setenv("BYWAY_LANG", "en")  # the report is read in English
    monkeypatch.setenv("PATH", SYSTEM_PATH)
    bundle = fake_bundle(tmp_path)
    lines: list[str] = []
    status = run_self_test(resolve_locations(None, bundle / "byway"), bundle=bundle, out=lines.append)
    report = "\n".join(lines)
    assert status == 0, report
    assert "Self-test passed." in report
    assert "window: 'Byway" in report and "demo diagnosis: iran-2022" in report
    assert f"files kept in: {bundle}" in report  # the marker made it portable
    assert sorted(p.name for p in bundle.iterdir()) == ["byway", "byway-portable", "tor"]  # wrote nothing


def test_a_failing_check_is_reported_in_words_and_the_status_is_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setenv("BYWAY_LANG", "en")
    bundle = fake_bundle(tmp_path, programs=False)
    lines: list[str] = []
    status = run_self_test(
        resolve_locations(None, bundle / "byway"),
        bundle=bundle,
        scenario="no-such-scenario",
        out=lines.append,
    )
    report = "\n".join(lines)
    assert status == 1
    assert "FAIL window" in report and "FAIL demo diagnosis" in report and "FAIL tor" in report
    assert report.splitlines()[-1].startswith("Self-test failed: ")
    assert "Traceback" not in report


def test_lyrebird_in_the_bundle_stands_for_obfs4proxy(tmp_path: Path) -> None:
    """The Windows and macOS bundles carry the Tor Expert Bundle's lyrebird instead of obfs4proxy."""
    bundle = fake_bundle(tmp_path)
    transports = bundle / "tor" / "pluggable_transports"
    (transports / "obfs4proxy").rename(transports / "lyrebird")
    checks = check_binaries(bundle, default_search_dirs(bundle / "byway", bundle), path_env=SYSTEM_PATH)
    assert [c.name for c in checks] == ["tor", "lyrebird", "snowflake-client"]
    assert all(c.ok for c in checks), checks
