"""Read the server name out of a TLS ClientHello without consuming it.

SNI-filtering tests need the server to act on the name *before* the handshake (reset or stall, as a
DPI box does), and then, for other names, hand the untouched bytes to the real TLS stack. So the
ClientHello is read with MSG_PEEK from the raw socket; the parser tolerates truncation and garbage
(it returns ``None``: "no name seen").
"""

from __future__ import annotations

import asyncio
import socket

_HANDSHAKE = 0x16
_CLIENT_HELLO = 0x01
_SERVER_NAME_EXTENSION = 0x0000
_HOST_NAME = 0x00
_RECORD_HEADER = 5
_MAX_PEEK = 16 * 1024 + _RECORD_HEADER
_PARTIAL_RETRY_S = 0.01


def server_name_of(data: bytes) -> str | None:
    """The SNI host name in the ClientHello that starts ``data`` (first record only), else None."""
    try:
        return _parse(data)
    except IndexError:
        return None


def _parse(data: bytes) -> str | None:
    if len(data) < _RECORD_HEADER or data[0] != _HANDSHAKE:
        return None
    record_end = _RECORD_HEADER + int.from_bytes(data[3:5], "big")
    body = data[_RECORD_HEADER:record_end]
    if body[0] != _CLIENT_HELLO:
        return None
    pos = 4 + 2 + 32  # handshake header, client_version, random
    pos += 1 + body[pos]  # session_id
    pos += 2 + int.from_bytes(body[pos : pos + 2], "big")  # cipher_suites
    pos += 1 + body[pos]  # compression_methods
    extensions_end = pos + 2 + int.from_bytes(body[pos : pos + 2], "big")
    pos += 2
    while pos + 4 <= min(extensions_end, len(body)):
        kind = int.from_bytes(body[pos : pos + 2], "big")
        length = int.from_bytes(body[pos + 2 : pos + 4], "big")
        pos += 4
        if kind == _SERVER_NAME_EXTENSION:
            return _host_name(body[pos : pos + length])
        pos += length
    return None


def _host_name(extension: bytes) -> str | None:
    pos, end = 2, 2 + int.from_bytes(extension[0:2], "big")
    while pos + 3 <= end:
        name_type = extension[pos]
        length = int.from_bytes(extension[pos + 1 : pos + 3], "big")
        name = extension[pos + 3 : pos + 3 + length]
        if name_type == _HOST_NAME and len(name) == length:
            return name.decode("ascii", errors="replace").lower()
        pos += 3 + length
    return None


async def peek_client_hello(sock: socket.socket, *, timeout_s: float) -> bytes:
    """The first TLS record's bytes, still unread on ``sock`` (non-blocking). Returns what arrived
    when the record is complete, the peer closed, or ``timeout_s`` passed (maybe ``b""``)."""
    loop = asyncio.get_running_loop()
    data = b""
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                try:
                    data = sock.recv(_MAX_PEEK, socket.MSG_PEEK)
                except BlockingIOError:
                    await _readable(loop, sock)
                    continue
                if not data or _record_complete(data) or len(data) >= _MAX_PEEK:
                    return data
                # Part of the record is here: the socket stays readable, so poll briefly instead.
                await asyncio.sleep(_PARTIAL_RETRY_S)
    except TimeoutError:
        return data


def _record_complete(data: bytes) -> bool:
    if len(data) < _RECORD_HEADER:
        return False
    if data[0] != _HANDSHAKE:
        return True  # not TLS: nothing more to wait for
    return len(data) >= _RECORD_HEADER + int.from_bytes(data[3:5], "big")


async def _readable(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> None:
    ready: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(sock.fileno(), wake)
    try:
        await ready
    finally:
        loop.remove_reader(sock.fileno())
