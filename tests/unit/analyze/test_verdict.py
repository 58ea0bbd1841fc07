"""OONI's decision tree, one hand-built observation per branch."""

from dataclasses import replace

from byway.analyze import examples as ex
from byway.analyze.addresses import AddressPolicy
from byway.analyze.verdict import (
    BlockingFlags,
    DnsConsistency,
    DnsFlags,
    dns_consistency,
    judge,
    probe_query,
)
from byway.measure.observations import ControlIpInfo, DnsEngine, DnsQuery, SniRole


def test_accessible_https() -> None:
    verdict = judge(ex.accessible())
    assert (verdict.blocking, verdict.accessible) == (False, True)
    assert verdict.dns_consistency is DnsConsistency.CONSISTENT
    assert verdict.blocking_flags == BlockingFlags.SUCCESS
    assert verdict.status_code_match and verdict.body_length_match and verdict.headers_match
    assert verdict.body_proportion == 1.0


def test_control_failure_cannot_tell() -> None:
    observation = ex.observation(
        "http://example.org/",
        control_failure="generic_timeout_error",
        http=ex.fetch(failure="connection_reset"),
    )
    verdict = judge(observation)
    assert (verdict.blocking, verdict.accessible) == (None, None)
    assert verdict.control_failure == "generic_timeout_error"


def test_missing_control_cannot_tell() -> None:
    observation = replace(ex.observation("http://example.org/"), control=None)
    assert (judge(observation).blocking, judge(observation).accessible) == (None, None)


def test_validated_https_fetch_is_accessible_even_without_control() -> None:
    observation = ex.observation(control_failure="generic_timeout_error")
    assert (judge(observation).blocking, judge(observation).accessible) == (False, True)


def test_dns_blocking() -> None:
    verdict = judge(ex.dns_blocking())
    assert (verdict.blocking, verdict.accessible) == ("dns", False)
    assert verdict.dns_experiment_failure == "dns_nxdomain_error"
    assert verdict.dns_consistency is DnsConsistency.INCONSISTENT
    assert verdict.dns_flags & DnsFlags.UNEXPECTED_FAILURE


def test_nxdomain_on_both_sides_is_a_missing_site() -> None:
    observation = ex.observation(
        queries=(ex.system_query((), "dns_nxdomain_error"),),
        tcp_connect=(),
        tls_handshakes=(),
        http=ex.fetch(failure="dns_nxdomain_error"),
        control_view=ex.control(dns_failure="dns_name_error", http_failure="dns_lookup_error"),
    )
    verdict = judge(observation)
    assert verdict.dns_consistency is DnsConsistency.CONSISTENT
    assert (verdict.blocking, verdict.accessible) == (False, False)
    assert verdict.site_down


def test_bogon_injection_is_dns_blocking() -> None:
    verdict = judge(ex.dns_bogon_injection())
    assert (verdict.blocking, verdict.accessible) == ("dns", False)
    assert verdict.dns_flags & DnsFlags.BOGON
    assert verdict.dns_flags & DnsFlags.UNEXPECTED_ADDRESSES


def test_lab_policy_does_not_flag_lab_addresses_as_bogons() -> None:
    lab = AddressPolicy.from_environment({"BYWAY_PUBLIC_RANGES": "10.0.0.0/8"})
    assert not judge(ex.dns_bogon_injection(), lab).dns_flags & DnsFlags.BOGON


def test_shared_asn_is_consistent() -> None:
    other = "93.184.215.99"
    observation = ex.observation(
        queries=(ex.system_query((other,)),),
        control_view=ex.control(extra_ip_info={other: ControlIpInfo(ex.REAL_ASN, 1)}),
    )
    assert judge(observation).dns_consistency is DnsConsistency.CONSISTENT


def test_zero_asn_is_not_shared() -> None:
    a, b = "203.0.114.1", "203.0.114.2"
    control = ex.control(addresses=(b,), extra_ip_info={a: ControlIpInfo(0, 1), b: ControlIpInfo(0, 2)})
    query = ex.system_query((a,))
    assert dns_consistency(query, control, "example.org") is DnsConsistency.INCONSISTENT


def test_validated_tls_proves_an_address_genuine() -> None:
    other = "151.101.1.1"
    query = ex.system_query((other,))
    control = ex.control(extra_ip_info={other: ControlIpInfo(54113, 1)})
    assert dns_consistency(query, control, "example.org") is DnsConsistency.INCONSISTENT
    handshake = ex.tls(other, SniRole.REAL)
    assert dns_consistency(query, control, "example.org", (handshake,)) is DnsConsistency.CONSISTENT
    benign = ex.tls(other, SniRole.BENIGN)
    assert dns_consistency(query, control, "example.org", (benign,)) is DnsConsistency.INCONSISTENT


def test_ip_literal_needs_no_dns() -> None:
    assert dns_consistency(None, None, "93.184.215.14") is DnsConsistency.CONSISTENT


def test_system_resolver_preferred_over_udp() -> None:
    udp = DnsQuery("example.org", DnsEngine.UDP, "8.8.8.8:53", ("1.2.3.4",), None, 0.1)
    observation = ex.observation(queries=(udp, ex.system_query()))
    assert probe_query(observation) is observation.queries[1]
    assert probe_query(ex.observation(queries=(udp,))) is udp


def test_tcp_ip_blocking() -> None:
    for observation in (ex.ip_blackhole(), ex.tcp_reset_on_connect()):
        verdict = judge(observation)
        assert (verdict.blocking, verdict.accessible) == ("tcp_ip", False)
        assert verdict.blocking_flags & BlockingFlags.TCP_IP


def test_site_down_when_control_fails_too() -> None:
    verdict = judge(ex.site_down())
    assert (verdict.blocking, verdict.accessible) == (False, False)


def test_http_failure_and_tls_flag() -> None:
    verdict = judge(ex.sni_filtering())
    assert (verdict.blocking, verdict.accessible) == ("http-failure", False)
    assert verdict.http_experiment_failure == "connection_reset"
    assert verdict.blocking_flags & BlockingFlags.TLS
    assert verdict.blocking_flags & BlockingFlags.HTTP_FAILURE


def test_http_diff() -> None:
    verdict = judge(ex.http_diff())
    assert (verdict.blocking, verdict.accessible) == ("http-diff", False)
    assert verdict.status_code_match is False
    assert verdict.body_length_match is False
    assert verdict.blocking_flags & BlockingFlags.HTTP_DIFF


def test_same_status_and_title_is_not_blocked() -> None:
    url = "http://example.org/"
    page = ex.response(url, body=b"<html>short</html>", headers=(("Server", "x"),))
    verdict = judge(ex.observation(url, http=ex.fetch(url, page=page)))
    assert verdict.body_length_match is False
    assert verdict.title_match is True
    assert (verdict.blocking, verdict.accessible) == (False, True)


def test_control_http_failure_with_probe_success_cannot_tell() -> None:
    url = "http://example.org/"
    observation = ex.observation(url, control_view=ex.control(port=80, http_failure="generic_timeout_error"))
    assert (judge(observation).blocking, judge(observation).accessible) == (None, None)
