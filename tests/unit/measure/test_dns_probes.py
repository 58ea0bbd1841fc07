"""DNS probes against a real UDP name server on loopback that answers, fails, lies or races."""

from __future__ import annotations

import asyncio
import time

from byway.measure import failures
from byway.measure.dns import resolve_system, resolve_udp
from byway.measure.observations import DnsEngine, Endpoint
from byway.servers.dns_server import start_dns_server
from byway.servers.dns_zone import DnsBehaviour, DnsRule, Zone

ZONE = Zone.of({"site.test": ["192.0.2.10", "2001:db8::10"], "other.test": ["192.0.2.20"]})


def _udp(name: str, rules: dict[str, DnsRule] | None = None, timeout_s: float = 2.0, listen_s: float = 0.3):
    async def run():
        server = await start_dns_server("127.0.0.1", 0, ZONE, rules or {})
        try:
            return await resolve_udp(
                name, Endpoint("127.0.0.1", server.port), timeout_s=timeout_s, listen_s=listen_s
            )
        finally:
            await server.close()

    return asyncio.run(run())


def test_truthful_answer_gives_both_families_and_no_failure():
    query = _udp("site.test")
    assert query.engine is DnsEngine.UDP
    assert query.failure is None
    assert set(query.addresses) == {"192.0.2.10", "2001:db8::10"}
    assert all(reply.rcode == "NOERROR" for reply in query.replies)


def test_nxdomain_servfail_refused_and_empty_answer_are_named_like_ooni():
    rules = {
        "a.test": DnsRule(DnsBehaviour.SERVFAIL),
        "b.test": DnsRule(DnsBehaviour.REFUSED),
        "site.test": DnsRule(DnsBehaviour.NO_ANSWER),
    }
    assert _udp("missing.test", rules).failure == failures.DNS_NXDOMAIN
    assert _udp("a.test", rules).failure == failures.DNS_SERVFAIL
    assert _udp("b.test", rules).failure == failures.DNS_REFUSED
    assert _udp("site.test", rules).failure == failures.DNS_NO_ANSWER


def test_dropped_query_times_out_within_its_deadline():
    start = time.monotonic()
    query = _udp("site.test", {"site.test": DnsRule(DnsBehaviour.DROP)}, timeout_s=0.6)
    elapsed = time.monotonic() - start
    assert query.failure == failures.GENERIC_TIMEOUT
    assert elapsed < 1.5


def test_forged_reply_racing_the_genuine_one_is_kept_as_evidence():
    rules = {"site.test": DnsRule(DnsBehaviour.RACE, forged=("10.10.34.35",), race_delay_s=0.1)}
    query = _udp("site.test", rules, listen_s=0.5)
    # A stub resolver takes the first reply: the forged one.
    assert query.addresses[0] == "10.10.34.35"
    a_replies = [r for r in query.replies if "10.10.34.35" in r.addresses or "192.0.2.10" in r.addresses]
    assert [r.addresses for r in a_replies] == [("10.10.34.35",), ("192.0.2.10",)]
    assert a_replies[1].arrived_after_s > a_replies[0].arrived_after_s


def test_a_lie_is_an_answer_like_any_other():
    query = _udp("site.test", {"site.test": DnsRule(DnsBehaviour.LIE, forged=("127.0.0.2",))})
    assert query.failure is None
    assert "127.0.0.2" in query.addresses
    assert "192.0.2.10" not in query.addresses


def test_malformed_reply_is_a_failure_not_a_crash():
    query = _udp("site.test", {"site.test": DnsRule(DnsBehaviour.MALFORMED)}, timeout_s=1.0)
    assert query.addresses == ()
    assert query.failure == failures.DNS_MALFORMED
    assert any(r.rcode == "MALFORMED" for r in query.replies)


def test_nobody_listening_is_a_failure():
    async def run():
        return await resolve_udp("site.test", Endpoint("127.0.0.1", 9), timeout_s=1.0)

    query = asyncio.run(run())
    assert query.addresses == ()
    assert query.failure in {failures.CONNECTION_REFUSED, failures.GENERIC_TIMEOUT}


def test_system_resolver_uses_the_hosts_file_for_localhost():
    query = asyncio.run(resolve_system("localhost", timeout_s=2.0))
    assert query.engine is DnsEngine.SYSTEM
    assert query.failure is None
    assert "127.0.0.1" in query.addresses or "::1" in query.addresses
