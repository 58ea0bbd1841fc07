"""A tiny SOCKS5 proxy with user/password authentication (RFC 1928/1929), to test tor's upstream proxy.

It serves only CONNECT to IPv4 addresses, which is all tor asks of it, and counts what it relayed.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from dataclasses import dataclass, field


@dataclass
class Socks5Proxy:
    username: bytes
    password: bytes
    connects: list[str] = field(default_factory=list)
    refused_logins: int = 0
    server: asyncio.base_events.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        sock: socket.socket = self.server.sockets[0]
        return int(sock.getsockname()[1])

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            version, count = await reader.readexactly(2)
            methods = await reader.readexactly(count)
            if version != 5 or 2 not in methods:
                writer.write(b"\x05\xff")
                return
            writer.write(b"\x05\x02")
            _, ulen = await reader.readexactly(2)
            user = await reader.readexactly(ulen)
            (plen,) = await reader.readexactly(1)
            password = await reader.readexactly(plen)
            if (user, password) != (self.username, self.password):
                self.refused_logins += 1
                writer.write(b"\x01\x01")
                return
            writer.write(b"\x01\x00")
            _, command, _, kind = await reader.readexactly(4)
            if command != 1 or kind != 1:
                writer.write(b"\x05\x07\x00\x01" + bytes(6))
                return
            address = socket.inet_ntoa(await reader.readexactly(4))
            (port,) = struct.unpack("!H", await reader.readexactly(2))
            up_reader, up_writer = await asyncio.open_connection(address, port)
            self.connects.append(f"{address}:{port}")
            writer.write(b"\x05\x00\x00\x01" + bytes(6))
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            with contextlib.suppress(OSError):
                writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            writer.close()
