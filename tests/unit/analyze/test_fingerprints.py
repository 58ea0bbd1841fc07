"""Fingerprint matching against real rows of OONI's CSVs (shipped in resources/fingerprints)."""

from pathlib import Path

import pytest

from byway.analyze import examples as ex
from byway.analyze.fingerprints import FingerprintDatabase, load_fingerprints, parse_fingerprints

RESOURCES = Path(__file__).resolve().parents[3] / "resources" / "fingerprints"


@pytest.fixture(scope="module")
def database() -> FingerprintDatabase:
    return load_fingerprints(RESOURCES)


def names(matches: tuple[object, ...]) -> set[str]:
    return {m.name for m in matches}  # type: ignore[attr-defined]


def test_loads_once_and_skips_false_positives(database: FingerprintDatabase) -> None:
    assert load_fingerprints(RESOURCES) is database
    assert database.http and database.dns
    assert all(fp.scope != "fp" for fp in database.http + database.dns)
    assert not any(fp.name.startswith("cp.fp_") for fp in database.http)


def test_header_prefix_wirefilter(database: FingerprintDatabase) -> None:
    # ooni.ae_0,nat,ooni.sa_1,header.server,prefix,Protected by WireFilter,5,"AE,SA"
    page = ex.response(headers=(("Server", "Protected by WireFilter 8000 (ae.dns)"),), body=b"<html/>")
    matches = database.match_http(page)
    assert "ooni.ae_0" in names(matches)
    match = next(m for m in matches if m.name == "ooni.ae_0")
    assert match.countries == ("AE", "SA")
    assert match.scope == "nat"
    assert match.location == "header.server"


def test_header_full_needs_the_whole_value(database: FingerprintDatabase) -> None:
    # ooni.kr_2,nat,,header.location,full,http://www.warning.or.kr,5,KR
    hit = ex.response(status_code=302, headers=(("Location", "http://www.warning.or.kr"),), body=b"")
    miss = ex.response(status_code=302, headers=(("Location", "http://www.warning.or.kr/x"),), body=b"")
    assert "ooni.kr_2" in names(database.match_http(hit))
    assert "ooni.kr_2" not in names(database.match_http(miss))


def test_body_contains_etisalat(database: FingerprintDatabase) -> None:
    matches = database.match_http(ex.response(body=ex.BLOCKPAGE_BODY))
    assert "ooni.ae_3" in names(matches)


def test_body_regexp_saudi(database: FingerprintDatabase) -> None:
    # cp.b_nat_sa_national_2: If you believe the requested page should not be blocked please.*http://www\.internet\.gov\.sa
    body = (
        b"If you believe the requested page should not be blocked please visit http://www.internet.gov.sa/x"
    )
    assert "cp.b_nat_sa_national_2" in names(database.match_http(ex.response(body=body)))


def test_ordinary_page_matches_nothing(database: FingerprintDatabase) -> None:
    assert database.match_http(ex.response()) == ()


def test_false_positive_rows_never_match(database: FingerprintDatabase) -> None:
    # cp.fp_r_fp_6 (scope fp): <meta name=.*twitter:card
    body = b'<html><meta name="twitter:card" content="summary"></html>'
    assert not any(n.startswith("cp.fp_") for n in names(database.match_http(ex.response(body=body))))


def test_dns_injector_addresses(database: FingerprintDatabase) -> None:
    matches = database.match_dns(["93.184.215.14", "8.7.198.45"])
    assert names(matches) == {"ooni.cn_0"}
    assert matches[0].countries == ("CN",)
    assert "ooni.by_4" in names(database.match_dns(["134.17.0.7"]))
    assert database.match_dns(["93.184.215.14"]) == ()


def test_parse_drops_bad_rows() -> None:
    text = [
        "name,scope,other_names,location_found,pattern_type,pattern,confidence_no_fp,expected_countries,source,exp_url,notes\n",
        "a,isp,,body,contains,blocked,5,XX,,,\n",
        "b,fp,,body,contains,blocked,5,XX,,,\n",
        "c,isp,,body,regexp,([unclosed,5,XX,,,\n",
        "d,isp,,body,glob,*,5,XX,,,\n",
    ]
    assert [fp.name for fp in parse_fingerprints(text)] == ["a"]
