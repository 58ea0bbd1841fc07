"""Hostile servers: each probe ends within its deadline, in bounded memory, with a failure string."""

from __future__ import annotations

import asyncio
import time
import tracemalloc

from byway.measure import failures
from byway.measure.http import HttpLimits, probe_http
from byway.measure.observations import Endpoint, SniRole
from byway.measure.tls import probe_tls
from byway.servers.web_routes import Garbage, Huge, Page, Redirect, Site, Trickle
from byway.servers.web_server import start_web_server


async def _no_redirect_resolution(host: str) -> list[str]:
    return ["127.0.0.1"]


LIMITS = HttpLimits(timeout_s=1.5, max_body_bytes=256 * 1024)


def _fetch(routes, path="/", limits=LIMITS):
    async def run():
        server = await start_web_server("127.0.0.1", 0, {"*": Site(routes)})
        try:
            start = time.monotonic()
            result = await probe_http(
                f"http://site.test:{server.port}{path}", ["127.0.0.1"], _no_redirect_resolution, limits=limits
            )
            return result, time.monotonic() - start
        finally:
            await server.close()

    return asyncio.run(run())


def test_a_server_that_trickles_forever_ends_at_the_deadline():
    result, elapsed = _fetch({"*": Trickle(interval_s=0.05)})
    assert result.failure == failures.GENERIC_TIMEOUT
    assert elapsed < 3.0


def test_a_one_gigabyte_body_is_capped_in_bounded_memory():
    tracemalloc.start()
    try:
        result, elapsed = _fetch({"*": Huge(size=1 << 30)})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.failure is None
    assert result.response is not None
    assert result.response.body_truncated
    assert result.response.body_length == 256 * 1024
    assert peak < 16 * 1024 * 1024, f"peak memory {peak} bytes"
    assert elapsed < 3.0


def test_garbage_instead_of_http_is_an_invalid_reply():
    result, _ = _fetch({"*": Garbage()})
    assert result.failure == failures.HTTP_INVALID_REPLY
    assert result.response is None


def test_redirects_are_followed_up_to_ten_and_then_refused():
    routes = {f"/r{i}": Redirect(f"/r{i + 1}") for i in range(20)}
    routes["/r3"] = Page(title="Arrived here")
    result, _ = _fetch(dict(routes), "/r0")
    assert result.failure is None and result.response is not None
    assert result.response.title == "Arrived here"
    assert len(result.redirects) == 3

    loop = {f"/r{i}": Redirect(f"/r{i + 1}") for i in range(30)}
    result, _ = _fetch(loop, "/r0")
    assert result.failure == failures.HTTP_TOO_MANY_REDIRECTS
    assert len(result.redirects) == 10


def test_tls_handshake_with_a_plain_http_server_fails_cleanly():
    async def run():
        server = await start_web_server("127.0.0.1", 0, {"*": Site({"*": Garbage()})})
        try:
            return await probe_tls(
                Endpoint("127.0.0.1", server.port), "site.test", SniRole.REAL, timeout_s=1.5
            )
        finally:
            await server.close()

    handshake = asyncio.run(run())
    assert handshake.failure is not None
    assert not handshake.handshake_completed
    assert handshake.elapsed_s < 2.5


def test_a_peer_that_never_answers_the_client_hello_times_out():
    async def run():
        server = await asyncio.start_server(lambda r, w: asyncio.sleep(10), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            return await probe_tls(Endpoint("127.0.0.1", port), "site.test", SniRole.REAL, timeout_s=0.8)
        finally:
            server.close()

    handshake = asyncio.run(run())
    assert handshake.failure == failures.GENERIC_TIMEOUT
    assert handshake.elapsed_s < 2.0


def test_tls_garbage_in_reply_to_the_client_hello_is_a_handshake_failure():
    async def garbage(reader, writer):
        await reader.read(512)
        writer.write(b"\x16\x03\x01\x00\x05garbage that is no TLS record\x00\xff" * 4)
        await writer.drain()
        await asyncio.sleep(0.5)
        writer.close()

    async def run():
        server = await asyncio.start_server(garbage, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            return await probe_tls(Endpoint("127.0.0.1", port), "site.test", SniRole.REAL, timeout_s=2.0)
        finally:
            server.close()

    handshake = asyncio.run(run())
    assert handshake.failure in {failures.SSL_FAILED_HANDSHAKE, failures.CONNECTION_RESET, failures.EOF_ERROR}
    assert not handshake.handshake_completed
