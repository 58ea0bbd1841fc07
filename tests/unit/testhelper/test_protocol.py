"""The test-helper client against Byway's own server, over HTTP and HTTPS, and against bad servers."""

from __future__ import annotations

import asyncio
import json
import ssl

import httpx

from byway.measure.observations import Endpoint
from byway.servers.ca import issue, make_ca, write_ca, write_cert
from byway.servers.dns_server import start_dns_server
from byway.servers.dns_zone import Zone
from byway.servers.web_routes import Page, Site
from byway.servers.web_server import start_web_server
from byway.testhelper.client import query_control
from byway.testhelper.protocol import ProtocolError, parse_request, parse_response
from byway.testhelper.server import HelperConfig, TestHelperServer


def test_client_and_https_server_agree_on_the_protocol(tmp_path):
    ca = make_ca("helper test CA")
    ca_files = write_ca(ca, tmp_path)
    cert = write_cert(issue(ca, ["th.test"], ["127.0.0.1"]), tmp_path, "th")

    async def run():
        dns = await start_dns_server("127.0.0.1", 0, Zone.of({"site.test": ["127.0.0.1"]}))
        web = await start_web_server("127.0.0.1", 0, {"*": Site({"*": Page(title="Real site page")})})
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert.cert_path, cert.key_path)
        helper = TestHelperServer(HelperConfig(step_timeout_s=2, resolver=Endpoint("127.0.0.1", dns.port)))
        await helper.start("127.0.0.1", 0, tls)
        verify = ssl.create_default_context(cafile=str(ca_files.cert_path))
        try:
            async with httpx.AsyncClient(verify=verify) as client:
                return await query_control(
                    client,
                    f"https://127.0.0.1:{helper.port}/",
                    f"http://site.test:{web.port}/",
                    [Endpoint("127.0.0.1", web.port), Endpoint("127.0.0.1", 1)],
                    timeout_s=10,
                )
        finally:
            await helper.close()
            await web.close()
            await dns.close()

    control, failure = asyncio.run(run())
    assert failure is None
    assert control is not None
    assert control.dns.addresses == ("127.0.0.1",)
    tcp = {key: value.success for key, value in control.tcp_connect.items()}
    assert tcp["127.0.0.1:1"] is False
    assert any(ok for key, ok in tcp.items() if key != "127.0.0.1:1")
    assert control.http_request.status_code == 200
    assert control.http_request.title == "Real site page"


def test_helper_unreachable_or_hostile_gives_a_control_failure(tmp_path):
    async def garbage_server(reader, writer):
        await reader.read(1024)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nnot json!")
        await writer.drain()
        writer.close()

    async def run():
        server = await asyncio.start_server(garbage_server, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with httpx.AsyncClient() as client:
            hostile = await query_control(
                client, f"http://127.0.0.1:{port}/", "http://x.test/", [], timeout_s=3
            )
            closed = await query_control(client, "http://127.0.0.1:1/", "http://x.test/", [], timeout_s=3)
        server.close()
        return hostile, closed

    (control1, failure1), (control2, failure2) = asyncio.run(run())
    assert control1 is None and failure1 == "control_invalid_response"
    assert control2 is None and failure2 == "connection_refused"


def test_malformed_documents_are_refused():
    for bad in ([], {"dns": []}, {"tcp_connect": {"a": 1}}, {"http_request": {"status_code": "x"}}):
        try:
            parse_response(bad)
        except ProtocolError:
            continue
        raise AssertionError(f"accepted {bad!r}")
    for bad in ({}, {"http_request": "ftp://x"}, {"http_request": "http://x", "tcp_connect": [1]}):
        try:
            parse_request(bad)
        except ProtocolError:
            continue
        raise AssertionError(f"accepted {bad!r}")
    assert parse_request(
        json.loads('{"http_request": "https://a.test/", "tcp_connect": ["1.2.3.4:443"]}')
    ) == (
        "https://a.test/",
        ["1.2.3.4:443"],
    )
