"""The lab's own world services, used until (or beside) ``byway.servers.world``.

It answers DNS authoritatively for the lab's names, serves HTTP and HTTPS pages per Host (with a
certificate from the lab CA, each handshake in its own task with a deadline so a half-open
connection the censor leaves behind cannot block others), DNS-over-HTTPS (RFC 8484 GET and POST)
and a UDP echo for observing UDP blocking. ``/big`` returns 512 KiB for throughput measurements.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import ssl
from pathlib import Path
from typing import cast

import dns.message

from byway.lab import addresses as a
from byway.servers.dns_server import start_dns_server
from byway.servers.dns_zone import Zone, genuine_answer

BIG = 512 * 1024


def zone() -> Zone:
    return Zone.of({host.name: [host.ip] for host in a.WORLD.hosts()})


def page(host: str) -> bytes:
    return (
        f"<html><head><title>Byway lab site {host}</title></head><body><h1>Welcome to {host}</h1>"
        f"<p>This page is served by the Byway censorship lab's world.</p>{'<p>lorem ipsum</p>' * 40}"
        "</body></html>"
    ).encode()


def response(status: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nServer: byway-lab-world\r\nX-Byway-Lab: world\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str, dict[str, str], bytes]:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10.0)
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {
        k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)
    }
    length = min(int(headers.get("content-length", "0") or 0), 65536)
    body = await asyncio.wait_for(reader.readexactly(length), timeout=10.0) if length else b""
    return method, target, headers, body


def doh_answer(method: str, target: str, body: bytes) -> bytes:
    if method == "GET" and "dns=" in target:
        encoded = target.split("dns=", 1)[1].split("&", 1)[0]
        wire = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    elif method == "POST":
        wire = body
    else:
        return response("400 Bad Request", b"expected an RFC 8484 query\n", "text/plain")
    answer = genuine_answer(dns.message.from_wire(wire), zone())
    return response("200 OK", answer.to_wire(), "application/dns-message")


async def handle_web(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        method, target, headers, body = await _read_request(reader)
        host = headers.get("host", "").split(":")[0].lower() or "unknown"
        if target.startswith("/dns-query"):
            writer.write(doh_answer(method, target, body))
        elif target.startswith("/big"):
            writer.write(response("200 OK", b"x" * BIG, "application/octet-stream"))
        else:
            writer.write(response("200 OK", page(host)))
        await writer.drain()
    except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


class _Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # Python 3.11's selector transport is not a registered DatagramTransport subclass.
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.transport.sendto(data, addr)


async def serve(tls: ssl.SSLContext | None, udp_only: bool) -> None:
    w = a.WORLD
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(_Echo, local_addr=(w.web_ip, w.udp_echo_port))
    servers: list[asyncio.Server] = []
    if not udp_only:
        await start_dns_server(w.dns_ip, 53, zone())
        for ip in (w.web_ip, w.web2_ip, w.doh_ip):
            servers.append(await asyncio.start_server(handle_web, ip, 80))
            if tls is not None:
                servers.append(
                    await asyncio.start_server(handle_web, ip, 443, ssl=tls, ssl_handshake_timeout=10.0)
                )
    print(json.dumps({"world": "ready", "udp_only": udp_only}), flush=True)
    await asyncio.gather(*(server.serve_forever() for server in servers), asyncio.Event().wait())


def main() -> None:
    parser = argparse.ArgumentParser(description="The Byway lab's world services (fallback).")
    parser.add_argument("--cert", type=Path)
    parser.add_argument("--key", type=Path)
    parser.add_argument("--udp-only", action="store_true")
    args = parser.parse_args()
    tls = None
    if args.cert and args.key:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.cert, args.key)
    asyncio.run(serve(tls, args.udp_only))


if __name__ == "__main__":
    main()
