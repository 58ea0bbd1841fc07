"""The TCP probe against real endpoints that accept, refuse, or never answer."""

from __future__ import annotations

import asyncio
import time

from byway.measure import failures
from byway.measure.observations import Endpoint
from byway.measure.tcp import probe_tcp
from byway.servers.tcp_endpoints import TcpBehaviour, start_tcp_endpoint


def _probe(behaviour: TcpBehaviour, timeout_s: float = 1.0):
    async def run():
        endpoint = await start_tcp_endpoint("127.0.0.1", 0, behaviour)
        try:
            return await probe_tcp(Endpoint("127.0.0.1", endpoint.port), timeout_s=timeout_s)
        finally:
            await endpoint.close()

    return asyncio.run(run())


def test_accepting_endpoint_connects():
    result = _probe(TcpBehaviour.ACCEPT_AND_HOLD)
    assert result.failure is None
    assert result.elapsed_s < 1.0


def test_closed_port_is_refused_at_once():
    result = asyncio.run(probe_tcp(Endpoint("127.0.0.1", 1), timeout_s=2.0))
    assert result.failure == failures.CONNECTION_REFUSED
    assert result.elapsed_s < 1.0


def test_black_hole_times_out_within_the_deadline():
    start = time.monotonic()
    result = _probe(TcpBehaviour.BLACK_HOLE, timeout_s=0.7)
    assert result.failure == failures.GENERIC_TIMEOUT
    assert 0.6 < time.monotonic() - start < 3.0


def test_reset_after_the_first_data_is_seen_by_the_http_probe():
    from byway.measure.http import HttpLimits, probe_http

    async def run():
        endpoint = await start_tcp_endpoint("127.0.0.1", 0, TcpBehaviour.RESET_ON_DATA, keyword=b"forbidden")
        try:

            async def resolve(host):
                return ["127.0.0.1"]

            blocked = await probe_http(
                f"http://x.test:{endpoint.port}/forbidden", ["127.0.0.1"], resolve, limits=HttpLimits(2.0)
            )
            tcp = await probe_tcp(Endpoint("127.0.0.1", endpoint.port), timeout_s=1.0)
            return blocked, tcp
        finally:
            await endpoint.close()

    blocked, tcp = asyncio.run(run())
    assert tcp.failure is None  # the connection itself is allowed
    assert blocked.failure == failures.CONNECTION_RESET  # the request naming the keyword is torn down
