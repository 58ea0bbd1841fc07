"""The censor's transparent relay: HTTP blockpages and throttling, in user space.

Web traffic from inside is DNAT-ed here only in scenarios that need it. The relay reads the first
bytes, finds the HTTP Host or the TLS SNI, and either serves a blockpage (plain HTTP only: a
censor cannot forge a page inside TLS), or relays to the original destination (from
``SO_ORIGINAL_DST``), slowed to a token-bucket rate for throttled names. The same process serves
the blockpage on port 80 of the censor, where DNS injection can point clients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import struct
import time
from pathlib import Path
from typing import Any

from byway.lab import addresses as a

SO_ORIGINAL_DST = 80
BLOCKPAGE = (
    b"<html><head><title>Access denied</title></head><body><h1>Access denied</h1>"
    b"<p>This site is blocked by order of the Byway Lab Communications Authority.</p></body></html>"
)


def blockpage_response() -> bytes:
    head = (
        "HTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\nConnection: close\r\n"
        f"X-Censor: byway-lab\r\nContent-Length: {len(BLOCKPAGE)}\r\n\r\n"
    )
    return head.encode() + BLOCKPAGE


def http_host(data: bytes) -> str | None:
    """The Host header of an HTTP request's first bytes, lower-cased, without a port."""
    for line in data.split(b"\r\n")[1:]:
        if line.lower().startswith(b"host:"):
            return line[5:].strip().decode("latin-1").split(":")[0].lower()
    return None


def tls_sni(data: bytes) -> str | None:
    """The server_name of a TLS ClientHello, or ``None`` (parsing errors mean no SNI)."""
    try:
        if data[0] != 0x16 or data[5] != 0x01:
            return None
        pos = 9 + 2 + 32
        pos += 1 + data[pos]
        pos += 2 + struct.unpack("!H", data[pos : pos + 2])[0]
        pos += 1 + data[pos]
        end = pos + 2 + struct.unpack("!H", data[pos : pos + 2])[0]
        pos += 2
        while pos + 4 <= end:
            kind, length = struct.unpack("!HH", data[pos : pos + 4])
            if kind == 0:
                name_len = struct.unpack("!H", data[pos + 7 : pos + 9])[0]
                return data[pos + 9 : pos + 9 + name_len].decode("ascii").lower()
            pos += 4 + length
    except (IndexError, struct.error, UnicodeDecodeError):
        return None
    return None


class _Config:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.mtime = 0.0
        self.raw: dict[str, Any] = {}

    def get(self) -> dict[str, Any]:
        try:
            mtime = self.path.stat().st_mtime
            if mtime != self.mtime:
                self.raw, self.mtime = json.loads(self.path.read_text()), mtime
        except (OSError, ValueError):
            pass
        return self.raw


def original_destination(writer: asyncio.StreamWriter) -> tuple[str, int]:
    sock: socket.socket = writer.get_extra_info("socket")
    raw = sock.getsockopt(socket.SOL_IP, SO_ORIGINAL_DST, 16)
    port = struct.unpack("!H", raw[2:4])[0]
    return socket.inet_ntoa(raw[4:8]), port


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, bytes_per_s: float) -> None:
    started, sent = time.monotonic(), 0
    try:
        while chunk := await reader.read(4096 if bytes_per_s else 65536):
            writer.write(chunk)
            await writer.drain()
            sent += len(chunk)
            if bytes_per_s:
                ahead = sent / bytes_per_s - (time.monotonic() - started)
                if ahead > 0:
                    await asyncio.sleep(ahead)
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


class Middlebox:
    def __init__(self, config: _Config) -> None:
        self.config = config

    async def blockpage(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await asyncio.wait_for(reader.read(4096), timeout=5.0)
            writer.write(blockpage_response())
            await writer.drain()
        except (TimeoutError, ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        cfg = self.config.get()
        try:
            dst = original_destination(writer)
            first = await asyncio.wait_for(reader.read(16384), timeout=10.0)
        except (TimeoutError, OSError):
            writer.close()
            return
        name = tls_sni(first) or http_host(first)
        if name is not None and name in cfg.get("blockpage_names", []):
            if tls_sni(first) is None:
                writer.write(blockpage_response())
                await writer.drain()
            writer.close()
            return
        throttled = bool(cfg.get("throttle_all")) or (
            name is not None and name in cfg.get("throttle_names", [])
        )
        rate = float(cfg.get("throttle_kbit", 0)) * 1000 / 8 if throttled else 0.0
        try:
            up_reader, up_writer = await asyncio.wait_for(asyncio.open_connection(*dst), timeout=10.0)
        except (TimeoutError, OSError):
            writer.close()
            return
        up_writer.write(first)
        await asyncio.gather(_pipe(reader, up_writer, rate), _pipe(up_reader, writer, rate))


async def serve(config_path: Path) -> None:
    box = Middlebox(_Config(config_path))
    pages = await asyncio.start_server(box.blockpage, a.BLOCKPAGE_IP, a.BLOCKPAGE_PORT)
    relay = await asyncio.start_server(box.relay, a.CENSOR_INSIDE_IP, a.MIDDLEBOX_PORT)
    async with pages, relay:
        await asyncio.gather(pages.serve_forever(), relay.serve_forever())


def main() -> None:
    parser = argparse.ArgumentParser(description="The lab censor's blockpage and throttling relay.")
    parser.add_argument("--config", type=Path, required=True)
    asyncio.run(serve(parser.parse_args().config))


if __name__ == "__main__":
    main()
