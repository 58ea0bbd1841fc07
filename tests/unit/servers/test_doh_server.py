"""The DoH endpoint, asked as RFC 8484 says by httpx over TLS validated by the lab CA.

(dnspython 2.9's own DoH client needs httpx2, which Byway does not install.)
"""

from __future__ import annotations

import asyncio
import base64
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path

import dns.message
import dns.rcode
import httpx
import pytest

from byway.servers.ca import client_context, issue, make_ca, write_ca
from byway.servers.dns_server import DnsAuthority, DnsBehaviour, DnsRule, Zone, start_dns_server
from byway.servers.doh_server import doh_route, doh_site
from byway.servers.web_routes import Site
from byway.servers.web_server import TlsConfig, WebServer, start_web_server

CA = make_ca("Byway DoH test CA")
ZONE = Zone.of({"example.org": ["127.10.0.1"], "blocked.test": ["127.10.0.2"]})


def _run(authority: DnsAuthority, scenario: Callable[[WebServer], Awaitable[None]]) -> None:
    async def main() -> None:
        tls = TlsConfig([issue(CA, ["dns.test"], ["127.0.0.1"])])
        sites = {"*": doh_site(authority, hold_s=0.3), "www.test": Site()}
        server = await start_web_server("127.0.0.1", 0, sites, tls)
        try:
            await scenario(server)
        finally:
            await server.close()

    asyncio.run(main())


def _addresses(response: dns.message.Message) -> set[str]:
    return {rdata.to_text() for rrset in response.answer for rdata in rrset}


async def _https(server: WebServer, ca_file: Path, qname: str, *, post: bool) -> dns.message.Message:
    wire = dns.message.make_query(qname, "A").to_wire()
    url = f"https://127.0.0.1:{server.port}/dns-query"
    context = ssl.create_default_context(cafile=str(ca_file))
    async with httpx.AsyncClient(verify=context, timeout=2.0, trust_env=False) as client:
        if post:
            reply = await client.post(url, content=wire, headers={"Content-Type": "application/dns-message"})
        else:
            param = base64.urlsafe_b64encode(wire).rstrip(b"=").decode()
            reply = await client.get(
                url, params={"dns": param}, headers={"Accept": "application/dns-message"}
            )
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/dns-message"
    return dns.message.from_wire(reply.content)


def test_rfc8484_client_resolves_by_post_and_get(tmp_path: Path) -> None:
    ca_file = write_ca(CA, tmp_path).cert_path

    async def scenario(server: WebServer) -> None:
        for post in (True, False):
            assert _addresses(await _https(server, ca_file, "example.org", post=post)) == {"127.10.0.1"}
            nx = await _https(server, ca_file, "absent.test", post=post)
            assert nx.rcode() == dns.rcode.NXDOMAIN

    _run(DnsAuthority(ZONE), scenario)


def test_doh_shares_an_authority_with_the_udp_server_and_its_rule_changes(tmp_path: Path) -> None:
    ca_file = write_ca(CA, tmp_path).cert_path
    authority = DnsAuthority(ZONE)

    async def scenario(server: WebServer) -> None:
        udp = await start_dns_server("127.0.0.1", 0, ZONE, authority=authority)
        try:
            udp.set_rules({"blocked.test": DnsRule(DnsBehaviour.LIE, forged=("10.10.34.35",))})
            lie = await _https(server, ca_file, "blocked.test", post=True)
            assert _addresses(lie) == {"10.10.34.35"}
        finally:
            await udp.close()

    _run(authority, scenario)


async def _raw(server: WebServer, request: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", server.port, ssl=client_context(CA), server_hostname="dns.test"
    )
    writer.write(request)
    data = await reader.read()
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"POST /dns-query HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi", 415),
        (b"GET /dns-query?dns=*** HTTP/1.1\r\n", 400),
        (b"GET /dns-query?dns=AAAA HTTP/1.1\r\n", 400),  # decodes, but is no DNS message
        (b"GET /dns-query HTTP/1.1\r\n", 400),
        (b"PUT /dns-query HTTP/1.1\r\nContent-Length: 0\r\n", 405),
        (b"GET /other HTTP/1.1\r\n", 404),
    ],
)
def test_bad_doh_requests_get_http_errors(request_bytes: bytes, status: int) -> None:
    async def scenario(server: WebServer) -> None:
        got, _ = await _raw(server, request_bytes + b"Host: dns.test\r\nConnection: close\r\n\r\n")
        assert got == status

    _run(DnsAuthority(ZONE), scenario)


def test_drop_over_doh_holds_then_gives_504_and_race_gives_the_forgery() -> None:
    rules = {
        "blocked.test": DnsRule(DnsBehaviour.DROP),
        "example.org": DnsRule(DnsBehaviour.RACE, forged=("10.9.9.9",)),
    }

    async def scenario(server: WebServer) -> None:
        async def get(qname: str) -> tuple[int, bytes]:
            wire = dns.message.make_query(qname, "A").to_wire()
            param = base64.urlsafe_b64encode(wire).rstrip(b"=").decode()
            request = f"GET /dns-query?dns={param} HTTP/1.1\r\nHost: dns.test\r\nConnection: close\r\n\r\n"
            return await _raw(server, request.encode())

        loop = asyncio.get_running_loop()
        started = loop.time()
        status, _ = await get("blocked.test")
        assert status == 504 and loop.time() - started >= 0.25
        status, body = await get("example.org")
        assert status == 200 and _addresses(dns.message.from_wire(body)) == {"10.9.9.9"}

    _run(DnsAuthority(ZONE, rules), scenario)


def test_doh_route_mounts_on_any_path() -> None:
    async def scenario(server: WebServer) -> None:
        server.set_sites({"*": Site({"/resolve": doh_route(DnsAuthority(ZONE))})})
        wire = dns.message.make_query("example.org", "A").to_wire()
        head = (
            "POST /resolve HTTP/1.1\r\nHost: x\r\nContent-Type: application/dns-message\r\n"
            f"Content-Length: {len(wire)}\r\nConnection: close\r\n\r\n"
        )
        status, body = await _raw(server, head.encode() + wire)
        assert status == 200 and _addresses(dns.message.from_wire(body)) == {"127.10.0.1"}

    _run(DnsAuthority(ZONE), scenario)
