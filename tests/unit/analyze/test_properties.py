"""Properties over arbitrary observations: the analysis is total and stays inside OONI's vocabulary."""

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from byway.analyze.addresses import AddressPolicy
from byway.analyze.analysis import analyze_diagnosis
from byway.analyze.findings import find
from byway.analyze.fingerprints import load_fingerprints
from byway.analyze.http_compare import body_proportion
from byway.analyze.verdict import BLOCKING_REASONS, BlockingFlags, allowed_outcomes, judge
from byway.analyze.words import describe, headline
from byway.measure.observations import (
    Control,
    ControlDns,
    ControlHttp,
    ControlIpInfo,
    ControlTcp,
    ControlTls,
    Diagnosis,
    DnsEngine,
    DnsQuery,
    DnsReply,
    Endpoint,
    HttpRequest,
    HttpResponse,
    Observation,
    PacingSkip,
    SniRole,
    Target,
    TargetKind,
    TcpConnect,
    TlsHandshake,
)

IPS = st.sampled_from(["93.184.215.14", "10.10.34.35", "8.7.198.45", "127.0.0.1", "2001:db8::1", "1.1.1.1"])
FAILURES = st.none() | st.sampled_from(
    [
        "dns_nxdomain_error",
        "dns_name_error",
        "dns_servfail_error",
        "dns_no_answer",
        "generic_timeout_error",
        "connection_reset",
        "connection_refused",
        "eof_error",
        "ssl_invalid_hostname",
        "ssl_failed_handshake",
        "unknown_failure",
    ]
)
ENDPOINTS = st.builds(Endpoint, IPS, st.sampled_from([80, 443]))
TEXT = st.text(max_size=12)
HEADERS = st.lists(
    st.tuples(st.sampled_from(["Server", "Date", "X-Id", "Location", "Via"]), TEXT), max_size=3
).map(tuple)

REPLIES = st.builds(
    DnsReply, st.lists(IPS, max_size=2).map(tuple), st.sampled_from(["NOERROR", "NXDOMAIN"]), st.floats(0, 1)
)
QUERIES = st.builds(
    DnsQuery,
    st.just("example.org"),
    st.sampled_from(list(DnsEngine)),
    st.sampled_from(["", "8.8.8.8:53"]),
    st.lists(IPS, max_size=3).map(tuple),
    FAILURES,
    st.floats(0, 5),
    st.lists(REPLIES, max_size=3).map(tuple),
)
TCP = st.builds(TcpConnect, ENDPOINTS, FAILURES, st.floats(0, 10))
TLS = st.builds(
    TlsHandshake,
    ENDPOINTS,
    st.none() | st.just("example.org"),
    st.sampled_from(list(SniRole)),
    FAILURES,
    st.booleans(),
    st.floats(0, 10),
)
RESPONSES = st.builds(
    HttpResponse,
    st.sampled_from(["http://example.org/", "https://example.org/", ""]),
    st.integers(-1, 599),
    HEADERS,
    st.binary(max_size=64) | st.just(b"it-security-operations@etisalat.ae"),
    st.integers(0, 10_000),
    st.booleans(),
    TEXT,
)
HTTP = st.builds(
    HttpRequest,
    st.sampled_from(["http://example.org/", "https://example.org/"]),
    FAILURES,
    st.none() | RESPONSES,
    st.just(()),
    st.floats(0, 10),
)
CONTROL = st.builds(
    Control,
    st.builds(ControlDns, FAILURES, st.lists(IPS, max_size=3).map(tuple)),
    st.dictionaries(ENDPOINTS.map(str), st.builds(ControlTcp, st.booleans(), FAILURES), max_size=3),
    st.dictionaries(
        ENDPOINTS.map(str), st.builds(ControlTls, st.just("example.org"), st.booleans(), FAILURES), max_size=3
    ),
    st.builds(ControlHttp, FAILURES, st.integers(-1, 599), st.integers(-1, 10_000), TEXT, HEADERS),
    st.dictionaries(IPS, st.builds(ControlIpInfo, st.integers(0, 3), st.integers(0, 15)), max_size=3),
)
OBSERVATIONS = st.builds(
    Observation,
    st.builds(
        Target,
        st.sampled_from(["https://example.org/", "http://example.org/", "http://1.1.1.1/", "x"]),
        st.sampled_from(list(TargetKind)),
    ),
    st.just(datetime(2026, 1, 1, tzinfo=UTC)),
    st.floats(0, 60),
    st.lists(QUERIES, max_size=3).map(tuple),
    st.lists(TCP, max_size=3).map(tuple),
    st.lists(TLS, max_size=4).map(tuple),
    st.none() | HTTP,
    st.none() | CONTROL,
    FAILURES,
    st.lists(st.builds(PacingSkip, ENDPOINTS, st.just("residual_window")), max_size=1).map(tuple),
)
FINGERPRINTS = load_fingerprints(Path(__file__).resolve().parents[3] / "resources" / "fingerprints")
POLICIES = st.sampled_from([AddressPolicy.standard(), AddressPolicy.with_public_ranges(["10.0.0.0/8"])])


@settings(max_examples=200, deadline=None)
@given(OBSERVATIONS, POLICIES)
def test_any_observation_gets_a_verdict_in_ooni_vocabulary(
    observation: Observation, policy: AddressPolicy
) -> None:
    verdict = judge(observation, policy, FINGERPRINTS)
    assert (verdict.blocking, verdict.accessible) in allowed_outcomes()
    assert bool(verdict.blocking_flags & BlockingFlags.SUCCESS) == (verdict.accessible is True)
    assert verdict.blocking in (False, None, *BLOCKING_REASONS)
    if verdict.body_proportion is not None:
        assert 0 < verdict.body_proportion <= 1
        assert verdict.body_length_match == (verdict.body_proportion > 0.7)
    for finding in find(observation, verdict, policy=policy, fingerprints=FINGERPRINTS):
        assert describe(finding)


@settings(max_examples=40, deadline=None)
@given(st.lists(OBSERVATIONS, max_size=4).map(tuple))
def test_any_diagnosis_gets_a_summary_and_headline(observations: tuple[Observation, ...]) -> None:
    diagnosis = Diagnosis(datetime(2026, 1, 1, tzinfo=UTC), 1.0, observations, (), "", "", "")
    analysis = analyze_diagnosis(diagnosis)
    assert analysis.summary.targets == len(observations)
    assert headline(analysis.summary)
    if not analysis.summary.internet:
        assert not analysis.summary.censored


@given(st.integers(-5, 10**9), st.integers(-5, 10**9))
def test_body_proportion_is_symmetric_and_bounded(a: int, b: int) -> None:
    assert body_proportion(a, b) == body_proportion(b, a)
    proportion = body_proportion(a, b)
    if a > 0 and b > 0:
        assert proportion is not None and 0 < proportion <= 1
        assert (proportion == 1.0) == (a == b)
    else:
        assert proportion is None
