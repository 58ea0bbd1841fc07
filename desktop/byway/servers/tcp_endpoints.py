"""TCP endpoints that fail the way censored paths fail, for probes to meet on loopback.

- ACCEPT_AND_HOLD: accepts, reads, never replies (a censor that swallows the request).
- RESET_ON_CONNECT: accepts, then closes with RST. The kernel completes the handshake before
  ``accept``, so the client sees ECONNRESET on its first read/write, or, on loopback where the RST
  can arrive before the client thread returns from ``connect()``, from ``connect()`` itself: either
  way the "reset right after connect" signature.
- RESET_ON_DATA: RST once the first bytes arrive, or, with ``keyword``, once the bytes received so
  far contain it (DPI); bytes without the keyword are echoed back so a benign payload visibly passes.
- BLACK_HOLE: a client's ``connect()`` times out, as if SYNs were dropped. On Linux an accept queue
  of backlog 0 holds exactly one connection; the endpoint fills it with one connection of its own
  and never accepts, so the kernel drops every later SYN (``LISTENOVERFLOWS``) and the client keeps
  retransmitting until its own timeout. Verified by the tests (connect with a 1 s timeout times out);
  this needs no root and no firewall, unlike the lab's nft drop rule.
"""

from __future__ import annotations

import asyncio
import enum
import socket

from byway.servers.connections import ConnectionTasks, reset_stream

_READ_SIZE = 4096
_DPI_WINDOW = 64 * 1024


class TcpBehaviour(enum.Enum):
    ACCEPT_AND_HOLD = "accept_and_hold"
    RESET_ON_CONNECT = "reset_on_connect"
    RESET_ON_DATA = "reset_on_data"
    BLACK_HOLE = "black_hole"


class TcpEndpoint:
    """A running endpoint; ``host``/``port`` are where it listens."""

    def __init__(
        self,
        behaviour: TcpBehaviour,
        server: asyncio.Server | None,
        held: list[socket.socket],
        connections: ConnectionTasks,
    ) -> None:
        self.behaviour = behaviour
        self._server = server
        self._held = held  # BLACK_HOLE: the listener and the connection that fills its queue
        self._connections = connections
        sockname = server.sockets[0].getsockname() if server is not None else held[0].getsockname()
        self.host: str = sockname[0]
        self.port: int = sockname[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        await self._connections.cancel_all()
        if self._server is not None:
            await self._server.wait_closed()
        for sock in self._held:
            sock.close()


async def start_tcp_endpoint(
    host: str,
    port: int,
    behaviour: TcpBehaviour,
    *,
    keyword: bytes | None = None,
    hold_s: float = 600.0,
) -> TcpEndpoint:
    """Listen on ``host:port`` (0 = ephemeral). ``keyword`` applies to RESET_ON_DATA; ``hold_s`` caps
    how long a held connection lives, so a long-running lab does not collect them forever."""
    if behaviour is TcpBehaviour.BLACK_HOLE:
        return await _start_black_hole(host, port)
    connections = ConnectionTasks()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.adopt_current()
        try:
            async with asyncio.timeout(hold_s):
                await _serve(behaviour, keyword, reader, writer)
        except (TimeoutError, ConnectionError):
            pass
        finally:
            if not writer.transport.is_closing():
                writer.transport.abort()

    server = await asyncio.start_server(handle, host, port)
    return TcpEndpoint(behaviour, server, [], connections)


async def _serve(
    behaviour: TcpBehaviour, keyword: bytes | None, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    if behaviour is TcpBehaviour.RESET_ON_CONNECT:
        reset_stream(writer)
        return
    if behaviour is TcpBehaviour.ACCEPT_AND_HOLD:
        while await reader.read(_READ_SIZE):
            pass
        return
    seen = b""
    while chunk := await reader.read(_READ_SIZE):
        seen = (seen + chunk)[-_DPI_WINDOW:]
        if keyword is None or keyword in seen:
            reset_stream(writer)
            return
        writer.write(chunk)
        await writer.drain()


async def _start_black_hole(host: str, port: int) -> TcpEndpoint:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(0)
        filler = socket.socket(family, socket.SOCK_STREAM)
        filler.setblocking(False)
        try:
            async with asyncio.timeout(5.0):
                await asyncio.get_running_loop().sock_connect(filler, listener.getsockname()[:2])
        except BaseException:
            filler.close()
            raise
    except BaseException:
        listener.close()
        raise
    return TcpEndpoint(TcpBehaviour.BLACK_HOLE, None, [listener, filler], ConnectionTasks())


__all__ = ["TcpBehaviour", "TcpEndpoint", "start_tcp_endpoint"]
