"""The lab web server, seen from raw asyncio/ssl clients on 127.0.0.1 (names only via Host/SNI)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from byway.servers.ca import CertificateAuthority, client_context, issue, make_ca
from byway.servers.web_routes import Blockpage, Garbage, Huge, Page, Redirect, Site, Trickle
from byway.servers.web_server import SniBehaviour, TlsConfig, WebServer, start_web_server

CA = make_ca("Byway test CA")
SITES = {
    "a.test": Site(
        {
            "/": Page(title="Site A home", body="<p>welcome to a</p>", headers=(("X-Site", "a"),)),
            "/old": Redirect("https://a.test/new", status=301),
            "/chunked": Page(title="Chunks", body="x" * 1000, chunked=True),
            "/files/*": Page(title="Any file"),
            "/slow": Trickle(interval_s=0.2),
            "/huge": Huge(),
            "/garbage": Garbage(),
        }
    ),
    "b.test": Site({"*": Blockpage(body="<h1>blocked by the lab</h1>", status=403)}),
}


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


async def _read_reply(reader: asyncio.StreamReader, head_only: bool = False) -> Reply:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ")[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
    if head_only:
        body = b""
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        body = b""
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            body += await reader.readexactly(size)
            await reader.readexactly(2)
        await reader.readexactly(2)
    else:
        body = await reader.read()
    return Reply(status, headers, body)


async def _open(
    server: WebServer, server_name: str | None = None, ca: CertificateAuthority = CA
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    context = client_context(ca) if server.tls else None
    return await asyncio.open_connection(
        "127.0.0.1", server.port, ssl=context, server_hostname=server_name if server.tls else None
    )


async def _get(server: WebServer, host: str, path: str = "/", method: str = "GET") -> Reply:
    reader, writer = await _open(server, host)
    try:
        writer.write(f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        async with asyncio.timeout(2):
            return await _read_reply(reader, head_only=method == "HEAD")
    finally:
        writer.close()


def _run(scenario: Callable[[WebServer], Awaitable[None]], tls: TlsConfig | None = None) -> None:
    async def main() -> None:
        server = await start_web_server("127.0.0.1", 0, SITES, tls, request_timeout_s=1.0)
        try:
            await scenario(server)
        finally:
            await server.close()

    asyncio.run(main())


def _tls(**rules: SniBehaviour) -> TlsConfig:
    certs = [issue(CA, ["a.test"]), issue(CA, ["b.test", "*.b.test"])]
    return TlsConfig(
        certs, sni_rules={k.replace("_", "."): v for k, v in rules.items()}, handshake_timeout_s=0.5
    )


def test_pages_redirects_blockpages_and_virtual_hosts() -> None:
    async def scenario(server: WebServer) -> None:
        home = await _get(server, "a.test")
        assert home.status == 200 and home.headers["x-site"] == "a"
        assert b"<title>Site A home</title>" in home.body and b"welcome to a" in home.body
        moved = await _get(server, "a.test", "/old")
        assert moved.status == 301 and moved.headers["location"] == "https://a.test/new"
        assert b"Any file" in (await _get(server, "a.test", "/files/deep/x.js?q=1")).body
        assert (await _get(server, "a.test", "/nowhere")).status == 404
        blocked = await _get(server, "B.TEST:8080", "/anything/at/all")
        assert blocked.status == 403 and blocked.body == b"<h1>blocked by the lab</h1>"
        assert (await _get(server, "unknown.test")).status == 404
        head = await _get(server, "a.test", method="HEAD")
        assert head.status == 200 and head.body == b"" and int(head.headers["content-length"]) > 0

    _run(scenario)


def test_chunked_response_and_keep_alive() -> None:
    async def scenario(server: WebServer) -> None:
        reader, writer = await _open(server)
        for path in ("/chunked", "/"):  # the same connection carries both
            writer.write(f"GET {path} HTTP/1.1\r\nHost: a.test\r\n\r\n".encode())
            reply = await _read_reply(reader)
            assert reply.status == 200
        writer.close()
        chunked = await _get(server, "a.test", "/chunked")
        assert chunked.headers["transfer-encoding"] == "chunked" and b"x" * 1000 in chunked.body

    _run(scenario)


def test_bad_requests_get_400_and_the_server_survives() -> None:
    async def scenario(server: WebServer) -> None:
        reader, writer = await _open(server)
        writer.write(b"NONSENSE\r\n\r\n")
        assert (await _read_reply(reader)).status == 400
        writer.close()
        assert (await _get(server, "a.test")).status == 200

    _run(scenario)


def test_trickle_sends_headers_then_a_byte_at_a_time() -> None:
    async def scenario(server: WebServer) -> None:
        reader, writer = await _open(server)
        writer.write(b"GET /slow HTTP/1.1\r\nHost: a.test\r\n\r\n")
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 ")
        received = b""
        started = time.monotonic()
        while time.monotonic() - started < 0.7:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.1):
                    received += await reader.read(100)
        assert 2 <= len(received) <= 6
        writer.close()

    _run(scenario)


def test_huge_announces_a_gigabyte_and_streams_zeros() -> None:
    async def scenario(server: WebServer) -> None:
        reader, writer = await _open(server)
        writer.write(b"GET /huge HTTP/1.1\r\nHost: a.test\r\n\r\n")
        head = await reader.readuntil(b"\r\n\r\n")
        assert b"Content-Length: 1073741824\r\n" in head
        data = await reader.readexactly(4 * 1024 * 1024)
        assert data.count(0) == len(data)
        writer.close()
        assert (await _get(server, "a.test")).status == 200  # and others are still served

    _run(scenario)


def test_garbage_is_not_http() -> None:
    async def scenario(server: WebServer) -> None:
        reader, writer = await _open(server)
        writer.write(b"GET /garbage HTTP/1.1\r\nHost: a.test\r\n\r\n")
        async with asyncio.timeout(1):
            data = await reader.read()
        assert data and not data.startswith(b"HTTP/")
        writer.close()

    _run(scenario)


def test_tls_picks_the_certificate_by_sni_and_validates_against_the_lab_ca() -> None:
    async def scenario(server: WebServer) -> None:
        assert (await _get(server, "a.test")).status == 200
        assert (await _get(server, "b.test")).status == 403
        assert (await _get(server, "www.b.test")).status == 404  # cert by wildcard, no such site
        with pytest.raises(ssl.SSLCertVerificationError):
            await _open(server, "c.test")  # default certificate: wrong name
        with pytest.raises(ssl.SSLCertVerificationError):
            await _open(server, "a.test", ca=make_ca("Another CA"))

    _run(scenario, _tls())


def test_reset_on_sni_resets_only_the_filtered_name() -> None:
    async def scenario(server: WebServer) -> None:
        with pytest.raises(ConnectionResetError):
            await _open(server, "www.b.test")
        assert (await _get(server, "a.test")).status == 200
        server.set_sni_rules({})
        _reader, writer = await _open(server, "www.b.test")
        writer.close()

    _run(scenario, _tls(www_b_test=SniBehaviour.RESET))


def test_stall_on_sni_never_answers_while_others_are_served() -> None:
    async def scenario(server: WebServer) -> None:
        stalled = asyncio.ensure_future(_open(server, "a.test"))
        await asyncio.sleep(0.05)
        assert (await _get(server, "b.test")).status == 403
        done, _ = await asyncio.wait([stalled], timeout=0.7)
        assert not done  # longer than the handshake timeout: the stall is not the timeout
        stalled.cancel()

    _run(scenario, _tls(a_test=SniBehaviour.STALL))


def test_sni_rule_wildcards_cover_every_subdomain_and_certificates_one_label() -> None:
    async def scenario(server: WebServer) -> None:
        for name in ("x.b.test", "deep.x.b.test"):
            with pytest.raises(ConnectionResetError):
                await _open(server, name)
        assert (await _get(server, "b.test")).status == 403  # the parent itself is not covered
        server.set_sni_rules({})
        with pytest.raises(ssl.SSLCertVerificationError):
            await _open(server, "deep.x.b.test")  # *.b.test does not cover two labels

    tls = _tls()
    _run(scenario, TlsConfig(tls.certificates, {"*.b.test": SniBehaviour.RESET}, tls.handshake_timeout_s))


def test_ipv6_loopback_serves_too() -> None:
    async def main() -> None:
        server = await start_web_server("::1", 0, SITES)
        try:
            reader, writer = await asyncio.open_connection("::1", server.port)
            writer.write(b"GET / HTTP/1.1\r\nHost: [::1]:80\r\nConnection: close\r\n\r\n")
            assert (await _read_reply(reader)).status == 404  # "[::1]" is no site
            writer.close()
        finally:
            await server.close()

    asyncio.run(main())


def test_a_half_open_connection_neither_blocks_the_server_nor_lives_forever() -> None:
    async def scenario(server: WebServer) -> None:
        silent = socket.create_connection(("127.0.0.1", server.port))
        silent.settimeout(2.0)
        started = time.monotonic()
        assert (await _get(server, "a.test")).status == 200
        assert await asyncio.to_thread(silent.recv, 10) == b""  # closed after the deadline
        assert 0.4 <= time.monotonic() - started < 1.5
        silent.close()

    _run(scenario, _tls())


def test_close_ends_open_connections() -> None:
    async def main() -> None:
        server = await start_web_server("127.0.0.1", 0, SITES)
        reader, writer = await _open(server)
        writer.write(b"GET /slow HTTP/1.1\r\nHost: a.test\r\n\r\n")
        await reader.readuntil(b"\r\n\r\n")
        async with asyncio.timeout(1):
            await server.close()
            while await reader.read(100):
                pass
        writer.close()

    asyncio.run(main())


def test_a_client_that_stops_mid_handshake_is_dropped_after_the_handshake_deadline() -> None:
    async def scenario(server: WebServer) -> None:
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        client = client_context(CA).wrap_bio(incoming, outgoing, server_hostname="a.test")
        with pytest.raises(ssl.SSLWantReadError):
            client.do_handshake()
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(outgoing.read())  # a complete ClientHello, then silence
        started = time.monotonic()
        assert await reader.read(65536)  # the server's flight arrives...
        async with asyncio.timeout(2):
            while await reader.read(65536):  # ...and the connection ends at the deadline
                pass
        assert 0.3 <= time.monotonic() - started < 1.5
        writer.close()
        assert (await _get(server, "a.test")).status == 200

    _run(scenario, _tls())
