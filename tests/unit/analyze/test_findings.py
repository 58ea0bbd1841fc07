"""Every technique from a hand-built observation: the right finding, the right evidence, the words."""

from dataclasses import replace
from pathlib import Path

import pytest

from byway import i18n
from byway.analyze import examples as ex
from byway.analyze.addresses import AddressPolicy
from byway.analyze.findings import Finding, Layer, Sign, Technique, find
from byway.analyze.fingerprints import FingerprintDatabase, load_fingerprints
from byway.analyze.words import describe
from byway.measure.observations import DnsEngine, DnsReply, Observation, SniRole, TargetKind

RESOURCES = Path(__file__).resolve().parents[3] / "resources" / "fingerprints"


@pytest.fixture(scope="module")
def fingerprints() -> FingerprintDatabase:
    return load_fingerprints(RESOURCES)


def only(findings: tuple[Finding, ...], technique: Technique) -> Finding:
    matching = [f for f in findings if f.technique is technique]
    assert len(matching) == 1, findings
    return matching[0]


def techniques(observation: Observation, fingerprints: FingerprintDatabase | None = None) -> set[Technique]:
    found = find(observation, fingerprints=fingerprints) if fingerprints else find(observation)
    return {f.technique for f in found}


def test_accessible_site_has_no_findings() -> None:
    assert find(ex.accessible()) == ()


@pytest.mark.parametrize(
    "failure",
    [
        "dns_nxdomain_error",
        "dns_servfail_error",
        "dns_refused_error",
        "dns_no_answer",
        "generic_timeout_error",
    ],
)
def test_dns_blocking(failure: str) -> None:
    finding = only(find(ex.dns_blocking(failure)), Technique.DNS_BLOCKING)
    assert finding.evidence.failure == failure
    assert finding.evidence.control_addresses == (ex.REAL_IP,)
    assert finding.layer is Layer.DNS


def test_dns_blocking_confirmed_by_doh_without_control() -> None:
    doh = replace(ex.system_query(), engine=DnsEngine.DOH, resolver="https://dns.google/dns-query")
    observation = replace(
        ex.dns_blocking(),
        queries=(ex.system_query((), "dns_servfail_error"), doh),
        control=None,
        control_failure="generic_timeout_error",
    )
    assert Technique.DNS_BLOCKING in techniques(observation)


def test_dns_failure_without_any_control_is_not_called_blocking() -> None:
    observation = replace(ex.dns_blocking(), control=None, control_failure="generic_timeout_error")
    assert Technique.DNS_BLOCKING not in techniques(observation)


def test_bogon_injection_words() -> None:
    finding = only(find(ex.dns_bogon_injection()), Technique.DNS_INJECTION)
    assert finding.evidence.sign is Sign.BOGON
    assert describe(finding) == (
        "DNS injection: the ISP resolver answered 10.10.34.35, a bogon; the control found 93.184.215.14"
    )


def test_bogon_shared_with_control_is_not_injection() -> None:
    private = "10.1.2.3"
    observation = ex.observation(
        queries=(ex.system_query((private,)),),
        control_view=ex.control(addresses=(private,)),
        tcp_connect=(ex.tcp(private),),
        tls_handshakes=(ex.tls(private),),
    )
    assert find(observation) == ()


def test_bogon_in_lab_range_is_judged_against_control_instead() -> None:
    lab = AddressPolicy.from_environment({"BYWAY_PUBLIC_RANGES": "10.0.0.0/8"})
    finding = only(find(ex.dns_bogon_injection(), policy=lab), Technique.DNS_INJECTION)
    assert finding.evidence.sign is Sign.DIFFERS_FROM_CONTROL


def test_known_injector(fingerprints: FingerprintDatabase) -> None:
    finding = only(find(ex.dns_known_injector(), fingerprints=fingerprints), Technique.DNS_INJECTION)
    assert finding.evidence.sign is Sign.KNOWN_INJECTOR
    assert finding.evidence.fingerprint == "ooni.cn_0"
    assert finding.evidence.countries == ("CN",)
    assert "8.7.198.45" in describe(finding) and "CN" in describe(finding)


def test_racing_reply() -> None:
    finding = only(find(ex.dns_racing_reply()), Technique.DNS_INJECTION)
    assert finding.evidence.sign is Sign.RACING_REPLY
    assert finding.evidence.late_addresses == (ex.REAL_IP,)
    assert finding.evidence.resolver == "8.8.8.8:53"


def test_racing_reply_is_found_whichever_question_is_answered_first() -> None:
    # A and AAAA are asked at once: an empty AAAA answer arriving before the forged A answer must
    # not hide the race between the forged and the genuine A answers (seen on a loaded machine).
    observation = ex.dns_racing_reply()
    racing = observation.queries[1]
    empty_aaaa = DnsReply((), "NOERROR", 0.001, "AAAA")
    replies = (empty_aaaa, *(replace(r, query_type="A") for r in racing.replies))
    query = replace(racing, replies=replies)
    finding = only(
        find(replace(observation, queries=(observation.queries[0], query))), Technique.DNS_INJECTION
    )
    assert finding.evidence.sign is Sign.RACING_REPLY
    assert finding.evidence.late_addresses == (ex.REAL_IP,)


def test_an_aaaa_answer_after_an_a_answer_is_not_a_race() -> None:
    observation = ex.dns_racing_reply()
    racing = observation.queries[1]
    a = DnsReply((ex.REAL_IP,), "NOERROR", 0.01, "A")
    aaaa = DnsReply(("2606:4700::6810:84e5",), "NOERROR", 0.02, "AAAA")
    query = replace(racing, addresses=(ex.REAL_IP, "2606:4700::6810:84e5"), replies=(a, aaaa))
    found = find(replace(observation, queries=(observation.queries[0], query)))
    assert Sign.RACING_REPLY not in {f.evidence.sign for f in found}


def test_identical_duplicate_reply_is_not_injection() -> None:
    observation = ex.dns_racing_reply()
    racing = observation.queries[1]
    genuine = replace(racing.replies[1], arrived_after_s=0.01)
    same = replace(racing, addresses=(ex.REAL_IP,), replies=(genuine, replace(genuine, arrived_after_s=0.2)))
    assert Technique.DNS_INJECTION not in techniques(
        replace(observation, queries=(observation.queries[0], same))
    )


def test_answer_from_another_network() -> None:
    finding = only(find(ex.dns_differs()), Technique.DNS_INJECTION)
    assert finding.evidence.sign is Sign.DIFFERS_FROM_CONTROL
    assert finding.evidence.addresses == (ex.OTHER_IP,)


def test_ip_blackhole() -> None:
    finding = only(find(ex.ip_blackhole()), Technique.IP_BLACKHOLE)
    assert finding.subject == "93.184.215.14:443"
    assert (
        describe(finding) == "IP black hole: connecting to 93.184.215.14:443 times out; the control connects"
    )


def test_tcp_reset_on_connect() -> None:
    finding = only(find(ex.tcp_reset_on_connect()), Technique.TCP_RESET)
    assert finding.evidence.sign is Sign.RESET_ON_CONNECT
    assert Technique.HTTP_FAILURE not in techniques(ex.tcp_reset_on_connect())


def test_tcp_reset_after_data() -> None:
    finding = only(find(ex.tcp_reset_after_data()), Technique.TCP_RESET)
    assert finding.evidence.sign is Sign.RESET_AFTER_DATA


def test_sni_filtering_words() -> None:
    observation = replace(
        ex.sni_filtering(), target=replace(ex.sni_filtering().target, url="https://twitter.com/")
    )
    finding = only(find(observation), Technique.TLS_SNI_FILTERING)
    assert finding.evidence.benign_role is SniRole.BENIGN
    assert describe(finding) == (
        "TLS SNI filtering: reset after ClientHello for twitter.com; the same IP completes a handshake for a "
        "benign name"
    )
    assert Technique.HTTP_FAILURE not in techniques(observation)


def test_sni_filtering_with_no_sni() -> None:
    observation = replace(
        ex.sni_filtering(),
        tls_handshakes=(ex.tls(failure="generic_timeout_error", completed=False), ex.tls(role=SniRole.NONE)),
    )
    finding = only(find(observation), Technique.TLS_SNI_FILTERING)
    assert finding.evidence.benign_role is SniRole.NONE
    assert "without a name" in describe(finding)


def test_benign_handshake_to_another_ip_does_not_prove_sni_filtering() -> None:
    observation = replace(
        ex.sni_filtering(),
        tls_handshakes=(
            ex.tls(failure="connection_reset", completed=False),
            ex.tls("151.101.1.1", SniRole.BENIGN),
        ),
    )
    assert Technique.TLS_SNI_FILTERING not in techniques(observation)
    assert Technique.TLS_INTERFERENCE in techniques(observation)


def test_tls_interference() -> None:
    finding = only(find(ex.tls_interference()), Technique.TLS_INTERFERENCE)
    assert finding.evidence.failure == "generic_timeout_error"


def test_http_blockpage(fingerprints: FingerprintDatabase) -> None:
    finding = only(find(ex.http_blockpage(), fingerprints=fingerprints), Technique.HTTP_BLOCKPAGE)
    assert finding.evidence.fingerprint == "ooni.ae_3"
    assert finding.evidence.countries == ("AE",)
    assert describe(finding) == "HTTP blockpage: example.org returned the blockpage ooni.ae_3 (AE)"
    assert Technique.HTTP_DIFF not in techniques(ex.http_blockpage(), fingerprints)


def test_http_diff_without_fingerprint(fingerprints: FingerprintDatabase) -> None:
    finding = only(find(ex.http_diff(), fingerprints=fingerprints), Technique.HTTP_DIFF)
    assert (finding.evidence.status_code, finding.evidence.control_status_code) == (403, 200)
    assert "403 vs 200" in describe(finding)


def test_http_failure() -> None:
    finding = only(find(ex.http_failure()), Technique.HTTP_FAILURE)
    assert finding.evidence.failure == "eof_error"


def test_site_down_is_the_only_finding() -> None:
    findings = find(ex.site_down())
    assert [f.technique for f in findings] == [Technique.SITE_DOWN]
    assert not findings[0].is_interference
    assert "not censorship" in describe(findings[0])


def test_doh_resolver_blocked() -> None:
    finding = only(find(ex.doh_blocked()), Technique.DOH_BLOCKED)
    assert finding.subject == "https://dns.google/dns-query"


def test_doh_target_blocked() -> None:
    observation = replace(
        ex.ip_blackhole(), target=replace(ex.ip_blackhole().target, kind=TargetKind.DOH_RESOLVER)
    )
    assert Technique.DOH_BLOCKED in techniques(observation)


def test_pacing_skip() -> None:
    finding = only(find(ex.paced()), Technique.PACING_SKIP)
    assert finding.evidence.reason == "residual_window"
    assert finding.layer is None


def test_words_go_through_translate() -> None:
    seen: list[tuple[str, str]] = []

    def mark(context: str, text: str) -> str:
        seen.append((context, text))
        return "» " + text

    i18n.install(mark)
    try:
        text = describe(only(find(ex.ip_blackhole()), Technique.IP_BLACKHOLE))
    finally:
        i18n.install(None)
    assert text == "» IP black hole: connecting to 93.184.215.14:443 times out; the control connects"
    assert all(context == "Findings" for context, _ in seen)


def test_every_technique_has_words() -> None:
    examples = [
        ex.accessible(),
        ex.dns_blocking(),
        ex.dns_bogon_injection(),
        ex.dns_racing_reply(),
        ex.dns_differs(),
        ex.ip_blackhole(),
        ex.tcp_reset_on_connect(),
        ex.tcp_reset_after_data(),
        ex.sni_filtering(),
        ex.tls_interference(),
        ex.http_diff(),
        ex.http_failure(),
        ex.site_down(),
        ex.doh_blocked(),
        ex.paced(),
    ]
    for observation in examples:
        for finding in find(observation):
            assert describe(finding)


def test_later_empty_or_other_family_reply_is_not_injection() -> None:
    observation = ex.dns_racing_reply()
    racing = observation.queries[1]
    first = replace(racing.replies[1], arrived_after_s=0.01)
    for later in (
        replace(first, addresses=(), arrived_after_s=0.02),
        replace(first, addresses=("2606:2800:21f:cb07:6820:80da:af6b:8b2c",), arrived_after_s=0.02),
    ):
        query = replace(racing, addresses=first.addresses, replies=(first, later))
        assert Technique.DNS_INJECTION not in techniques(
            replace(observation, queries=(observation.queries[0], query))
        )


def test_genuine_answer_after_injected_nxdomain_is_injection() -> None:
    observation = ex.dns_racing_reply()
    racing = observation.queries[1]
    injected = replace(racing.replies[0], addresses=(), rcode="NXDOMAIN")
    query = replace(racing, addresses=(), failure="dns_nxdomain_error", replies=(injected, racing.replies[1]))
    found = find(replace(observation, queries=(observation.queries[0], query)))
    injection = only(found, Technique.DNS_INJECTION)
    assert injection.evidence.sign is Sign.RACING_REPLY


def test_blockpage_after_dns_redirect_is_dns_blocking(fingerprints: FingerprintDatabase) -> None:
    from byway.analyze.verdict import judge

    url = "http://example.org/"
    page = ex.response(url, body=ex.BLOCKPAGE_BODY, headers=ex.PAGE_HEADERS, title=ex.PAGE_TITLE)
    observation = ex.observation(
        url,
        queries=(ex.system_query((ex.OTHER_IP,)),),
        tcp_connect=(ex.tcp(ex.OTHER_IP, 80),),
        http=ex.fetch(url, page=page),
    )
    assert judge(observation).accessible is True  # the legacy tree alone is fooled (same status, headers)
    verdict = judge(observation, fingerprints=fingerprints)
    assert (verdict.blocking, verdict.accessible) == ("dns", False)
    assert Technique.HTTP_BLOCKPAGE in techniques(observation, fingerprints)


def test_known_blockpage_counts_without_a_control(fingerprints: FingerprintDatabase) -> None:
    from byway.analyze.verdict import judge

    observation = replace(ex.http_blockpage(), control=None, control_failure="generic_timeout_error")
    verdict = judge(observation, fingerprints=fingerprints)
    assert (verdict.blocking, verdict.accessible) == ("http-diff", False)


def test_control_confirmed_localhost_is_not_a_known_injector(fingerprints: FingerprintDatabase) -> None:
    lab = AddressPolicy.from_environment({"BYWAY_PUBLIC_RANGES": "127.0.0.0/8"})
    local = "127.0.0.1"
    observation = ex.observation(
        queries=(ex.system_query((local,)),),
        control_view=ex.control(addresses=(local,)),
        tcp_connect=(ex.tcp(local),),
        tls_handshakes=(ex.tls(local),),
    )
    assert find(observation, policy=lab, fingerprints=fingerprints) == ()
