"""The network summary: shutdown is not censorship, Tor blocked by address, layers and headline."""

from byway.analyze import examples as ex
from byway.analyze.analysis import analyze_diagnosis
from byway.analyze.findings import Layer, Technique
from byway.analyze.summary import NetworkSummary, TorReachability
from byway.analyze.words import headline, layer_line, tor_line
from byway.measure.observations import Diagnosis


def summary_of(diagnosis: Diagnosis) -> NetworkSummary:
    return analyze_diagnosis(diagnosis).summary


def test_free_network() -> None:
    summary = summary_of(ex.diagnosis((ex.accessible(), ex.accessible()), ex.relays()))
    assert summary.internet
    assert summary.interfered_layers == ()
    assert summary.tor is TorReachability.REACHABLE
    assert not summary.censored
    assert headline(summary) == "We found no sign of censorship on this network."
    assert tor_line(summary) == "Tor: all 3 directory authorities answer"


def test_shutdown_is_not_censorship() -> None:
    summary = summary_of(ex.shutdown())
    assert not summary.internet
    assert not summary.censored
    assert summary.tor is TorReachability.UNREACHABLE
    assert summary.interfered_layers == ()
    assert headline(summary).startswith("No Internet")
    assert "not censorship" in headline(summary)


def test_tor_blocked_by_address_and_dns_tampering() -> None:
    observations = (ex.accessible(), ex.dns_bogon_injection(), ex.dns_blocking())
    summary = summary_of(ex.diagnosis(observations, ex.relays(tcp_failure="generic_timeout_error")))
    assert summary.internet
    assert summary.tor is TorReachability.BLOCKED_BY_ADDRESS
    assert summary.interfered_layers == (Layer.DNS,)
    dns = summary.layer(Layer.DNS)
    assert {t.technique: t.targets for t in dns.techniques} == {
        Technique.DNS_INJECTION: 1,
        Technique.DNS_BLOCKING: 1,
    }
    assert summary.blocked_targets == 2
    assert headline(summary) == "Your network blocks Tor and tampers with DNS."
    assert layer_line(summary, Layer.TCP_IP) == "TCP/IP: no interference seen"
    assert "DNS injection (1 of 3 targets)" in layer_line(summary, Layer.DNS)


def test_tor_blocked_by_protocol() -> None:
    summary = summary_of(ex.diagnosis((ex.accessible(),), ex.relays(tls_failure="connection_reset")))
    assert summary.tor is TorReachability.BLOCKED_BY_PROTOCOL
    assert headline(summary) == "Your network blocks Tor."


def test_some_relays_blocked() -> None:
    relays = (*ex.relays()[:2], ex.relay("dizum", "45.66.35.11", 443, tcp_failure="connection_reset"))
    summary = summary_of(ex.diagnosis((ex.accessible(),), relays))
    assert summary.tor is TorReachability.PARTLY_BLOCKED
    assert (summary.relays_reachable, summary.relays_tested) == (2, 3)


def test_every_layer_and_sni_wording() -> None:
    observations = (ex.dns_differs(), ex.ip_blackhole(), ex.sni_filtering(), ex.http_diff(), ex.accessible())
    summary = summary_of(ex.diagnosis(observations, ex.relays()))
    assert summary.interfered_layers == (Layer.DNS, Layer.TCP_IP, Layer.TLS, Layer.HTTP)
    assert headline(summary) == (
        "Your network tampers with DNS, blocks some addresses, filters encrypted connections by name and "
        "tampers with web pages."
    )


def test_site_down_is_not_interference() -> None:
    summary = summary_of(ex.diagnosis((ex.site_down(), ex.accessible()), ex.relays()))
    assert summary.down_targets == 1
    assert summary.interfered_layers == ()


def test_untested_tor() -> None:
    summary = summary_of(ex.diagnosis((ex.accessible(),)))
    assert summary.tor is TorReachability.NOT_TESTED
