"""TCP endpoints, seen from a client with raw sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable

import pytest

from byway.servers.tcp_endpoints import TcpBehaviour, TcpEndpoint, start_tcp_endpoint


def _run(
    behaviour: TcpBehaviour, scenario: Callable[[TcpEndpoint], Awaitable[None]], keyword: bytes | None = None
) -> None:
    async def main() -> None:
        endpoint = await start_tcp_endpoint("127.0.0.1", 0, behaviour, keyword=keyword)
        try:
            await scenario(endpoint)
        finally:
            await endpoint.close()

    asyncio.run(main())


def _client(endpoint: TcpEndpoint, timeout_s: float = 1.0) -> socket.socket:
    return socket.create_connection((endpoint.host, endpoint.port), timeout=timeout_s)


def test_accept_and_hold_reads_but_never_replies() -> None:
    async def scenario(endpoint: TcpEndpoint) -> None:
        def client() -> None:
            with _client(endpoint, timeout_s=0.3) as sock:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                with pytest.raises(TimeoutError):
                    sock.recv(100)

        await asyncio.to_thread(client)

    _run(TcpBehaviour.ACCEPT_AND_HOLD, scenario)


def test_reset_on_connect_resets_the_connect_or_the_first_read() -> None:
    async def scenario(endpoint: TcpEndpoint) -> None:
        def client() -> None:
            # The RST can beat the client back from connect(), which then reports it itself.
            with pytest.raises(ConnectionResetError), _client(endpoint) as sock:
                sock.recv(100)

        await asyncio.to_thread(client)

    _run(TcpBehaviour.RESET_ON_CONNECT, scenario)


def test_reset_on_data_resets_after_the_first_bytes() -> None:
    async def scenario(endpoint: TcpEndpoint) -> None:
        def client() -> None:
            with _client(endpoint) as sock:
                time.sleep(0.1)
                sock.setblocking(False)
                with pytest.raises(BlockingIOError):  # connected, nothing sent: no reset yet
                    sock.recv(100)
                sock.setblocking(True)
                sock.sendall(b"hello")
                with pytest.raises(ConnectionResetError):
                    sock.recv(100)

        await asyncio.to_thread(client)

    _run(TcpBehaviour.RESET_ON_DATA, scenario)


def test_reset_on_keyword_passes_benign_bytes_and_resets_the_keyword_even_split() -> None:
    async def scenario(endpoint: TcpEndpoint) -> None:
        def client() -> None:
            with _client(endpoint) as sock:
                sock.sendall(b"benign payload")
                assert sock.recv(100) == b"benign payload"
                sock.sendall(b"Host: blocked.ex")
                assert sock.recv(100) == b"Host: blocked.ex"
                sock.sendall(b"ample\r\n")
                with pytest.raises(ConnectionResetError):
                    sock.recv(100)

        await asyncio.to_thread(client)

    _run(TcpBehaviour.RESET_ON_DATA, scenario, keyword=b"blocked.example")


def test_black_hole_makes_connect_time_out() -> None:
    async def scenario(endpoint: TcpEndpoint) -> None:
        def client() -> float:
            started = time.monotonic()
            with pytest.raises(TimeoutError), _client(endpoint, timeout_s=0.4):
                pass
            return time.monotonic() - started

        # Twice: the queue stays full, so the black hole is not a one-shot.
        for _ in range(2):
            assert await asyncio.to_thread(client) >= 0.35

    _run(TcpBehaviour.BLACK_HOLE, scenario)


def test_close_ends_held_connections() -> None:
    async def main() -> None:
        endpoint = await start_tcp_endpoint("127.0.0.1", 0, TcpBehaviour.ACCEPT_AND_HOLD)
        reader, writer = await asyncio.open_connection(endpoint.host, endpoint.port)
        writer.write(b"x")
        await writer.drain()
        await asyncio.sleep(0.05)
        await endpoint.close()
        async with asyncio.timeout(1.0):
            assert await reader.read(10) == b""  # the server side went away
        writer.close()
        with pytest.raises(ConnectionRefusedError):
            await asyncio.open_connection(endpoint.host, endpoint.port)

    asyncio.run(main())
