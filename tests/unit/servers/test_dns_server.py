"""The lab name server, seen from a client: real UDP datagrams on 127.0.0.1, decoded by dnspython."""

from __future__ import annotations

import asyncio
import socket
import time

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import pytest

from byway.servers.dns_server import DnsBehaviour, DnsRule, DnsServer, Zone, ZoneEntry, start_dns_server

ZONE = Zone(
    {
        "example.org": ZoneEntry.of(["127.10.0.1", "::1"]),
        "www.example.org": ZoneEntry(cname="example.org"),
        "blocked.test": ZoneEntry.of(["127.10.0.2"]),
    }
)


async def _collect(server: DnsServer, qname: str, rdtype: str = "A", window_s: float = 0.2) -> list[bytes]:
    """Every datagram the server sends back to one query within ``window_s`` (as an injector-aware
    probe listens for a second answer)."""
    query = dns.message.make_query(qname, rdtype)
    loop = asyncio.get_running_loop()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        sock.connect((server.address, server.port))
        await loop.sock_sendall(sock, query.to_wire())
        datagrams: list[bytes] = []
        deadline = loop.time() + window_s
        while (left := deadline - loop.time()) > 0:
            try:
                datagrams.append(await asyncio.wait_for(loop.sock_recv(sock, 4096), left))
            except TimeoutError:
                break
    return datagrams


async def _ask(server: DnsServer, qname: str, rdtype: str = "A", wait_s: float = 1.0) -> dns.message.Message:
    query = dns.message.make_query(qname, rdtype)
    return await dns.asyncquery.udp(query, server.address, port=server.port, timeout=wait_s)


def _addresses(response: dns.message.Message) -> set[str]:
    return {
        rdata.to_text()
        for rrset in response.answer
        if rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA)
        for rdata in rrset
    }


def _run_with_server(rules: dict[str, DnsRule], scenario: object) -> None:
    async def main() -> None:
        server = await start_dns_server("127.0.0.1", 0, ZONE, rules)
        try:
            await scenario(server)  # type: ignore[operator]
        finally:
            await server.close()

    asyncio.run(main())


def test_truthful_answers_follow_the_zone_and_cnames() -> None:
    async def scenario(server: DnsServer) -> None:
        assert server.port != 0
        a = await _ask(server, "Example.ORG")
        assert a.rcode() == dns.rcode.NOERROR and a.flags & dns.flags.AA
        assert _addresses(a) == {"127.10.0.1"}
        assert _addresses(await _ask(server, "example.org", "AAAA")) == {"::1"}
        via_cname = await _ask(server, "www.example.org")
        assert [rr.rdtype for rr in via_cname.answer] == [dns.rdatatype.CNAME, dns.rdatatype.A]
        assert _addresses(via_cname) == {"127.10.0.1"}
        assert (await _ask(server, "absent.example.org")).rcode() == dns.rcode.NXDOMAIN

    _run_with_server({}, scenario)


@pytest.mark.parametrize(
    ("behaviour", "rcode"),
    [
        (DnsBehaviour.NXDOMAIN, dns.rcode.NXDOMAIN),
        (DnsBehaviour.SERVFAIL, dns.rcode.SERVFAIL),
        (DnsBehaviour.REFUSED, dns.rcode.REFUSED),
        (DnsBehaviour.NO_ANSWER, dns.rcode.NOERROR),
    ],
)
def test_failure_behaviours_answer_with_their_rcode_and_no_addresses(
    behaviour: DnsBehaviour, rcode: dns.rcode.Rcode
) -> None:
    async def scenario(server: DnsServer) -> None:
        response = await _ask(server, "blocked.test")
        assert response.rcode() == rcode
        assert _addresses(response) == set()
        assert _addresses(await _ask(server, "example.org")) == {"127.10.0.1"}  # others untouched

    _run_with_server({"blocked.test": DnsRule(behaviour)}, scenario)


def test_drop_never_replies_so_the_client_times_out() -> None:
    async def scenario(server: DnsServer) -> None:
        started = time.monotonic()
        with pytest.raises(dns.exception.Timeout):
            await _ask(server, "blocked.test", wait_s=0.3)
        assert time.monotonic() - started >= 0.25

    _run_with_server({"blocked.test": DnsRule(DnsBehaviour.DROP)}, scenario)


def test_lie_answers_with_the_forged_address_of_the_queried_family() -> None:
    async def scenario(server: DnsServer) -> None:
        assert _addresses(await _ask(server, "blocked.test")) == {"10.10.34.35"}
        assert _addresses(await _ask(server, "blocked.test", "AAAA")) == {"fd00::35"}

    _run_with_server(
        {"blocked.test": DnsRule(DnsBehaviour.LIE, forged=("10.10.34.35", "fd00::35"))}, scenario
    )


def test_race_sends_the_forgery_first_and_the_truth_after_the_delay() -> None:
    async def scenario(server: DnsServer) -> None:
        started = time.monotonic()
        datagrams = await _collect(server, "blocked.test", window_s=0.3)
        assert len(datagrams) == 2
        first, second = (dns.message.from_wire(d) for d in datagrams)
        assert _addresses(first) == {"10.10.34.35"}
        assert _addresses(second) == {"127.10.0.2"}
        # The first-answer-wins client (dnspython) takes the forgery.
        assert _addresses(await _ask(server, "blocked.test")) == {"10.10.34.35"}
        assert time.monotonic() - started >= 0.1

    rule = DnsRule(DnsBehaviour.RACE, forged=("10.10.34.35",), race_delay_s=0.1)
    _run_with_server({"blocked.test": rule}, scenario)


def test_duplicate_sends_the_genuine_answer_twice() -> None:
    async def scenario(server: DnsServer) -> None:
        datagrams = await _collect(server, "blocked.test")
        assert len(datagrams) == 2
        assert all(_addresses(dns.message.from_wire(d)) == {"127.10.0.2"} for d in datagrams)
        assert len(await _collect(server, "example.org")) == 1

    _run_with_server({"blocked.test": DnsRule(DnsBehaviour.DUPLICATE)}, scenario)


def test_malformed_reply_does_not_parse() -> None:
    async def scenario(server: DnsServer) -> None:
        datagrams = await _collect(server, "blocked.test", window_s=0.2)
        assert len(datagrams) == 1
        with pytest.raises(dns.exception.DNSException):
            dns.message.from_wire(datagrams[0])
        with pytest.raises(dns.exception.DNSException):
            await _ask(server, "blocked.test")

    _run_with_server({"blocked.test": DnsRule(DnsBehaviour.MALFORMED)}, scenario)


def test_rules_switch_at_run_time_and_wildcards_cover_subdomains() -> None:
    async def scenario(server: DnsServer) -> None:
        assert _addresses(await _ask(server, "www.example.org")) == {"127.10.0.1"}
        server.set_rules({"*.example.org": DnsRule(DnsBehaviour.NXDOMAIN)})
        assert (await _ask(server, "www.example.org")).rcode() == dns.rcode.NXDOMAIN
        assert (await _ask(server, "example.org")).rcode() == dns.rcode.NOERROR
        server.set_rules({})
        assert _addresses(await _ask(server, "www.example.org")) == {"127.10.0.1"}

    _run_with_server({}, scenario)


def test_garbage_queries_are_ignored_and_the_server_keeps_answering() -> None:
    async def scenario(server: DnsServer) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(b"\x00\x01garbage", (server.address, server.port))
        assert _addresses(await _ask(server, "example.org")) == {"127.10.0.1"}

    _run_with_server({}, scenario)


def test_lie_without_forged_addresses_is_rejected() -> None:
    with pytest.raises(ValueError, match="forged"):
        DnsRule(DnsBehaviour.LIE)


def test_serves_on_ipv6_loopback() -> None:
    async def main() -> None:
        server = await start_dns_server("::1", 0, ZONE)
        try:
            query = dns.message.make_query("example.org", "AAAA")
            response = await dns.asyncquery.udp(query, "::1", port=server.port, timeout=1.0)
            assert _addresses(response) == {"::1"}
        finally:
            await server.close()

    asyncio.run(main())
