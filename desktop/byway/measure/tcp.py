"""TCP connect probe: does a SYN to this address get an answer?"""

from __future__ import annotations

import asyncio
import contextlib
import time

from byway.measure import failures
from byway.measure.observations import Endpoint, TcpConnect


async def open_tcp(
    endpoint: Endpoint, *, timeout_s: float
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Open a TCP connection to exactly this address (no name resolution), or raise."""
    async with asyncio.timeout(timeout_s):
        return await asyncio.open_connection(endpoint.ip, endpoint.port)


async def close_quietly(writer: asyncio.StreamWriter) -> None:
    """Close a connection without letting a reset or a stalled peer escape or hang us."""
    writer.close()
    with contextlib.suppress(Exception):
        async with asyncio.timeout(1.0):
            await writer.wait_closed()


async def probe_tcp(endpoint: Endpoint, *, timeout_s: float) -> TcpConnect:
    """Connect, record the outcome, and hang up without sending anything (no trigger)."""
    start = time.monotonic()
    try:
        _, writer = await open_tcp(endpoint, timeout_s=timeout_s)
    except (OSError, TimeoutError) as exc:
        return TcpConnect(endpoint, failures.classify(exc), time.monotonic() - start)
    elapsed = time.monotonic() - start
    await close_quietly(writer)
    return TcpConnect(endpoint, None, elapsed)
