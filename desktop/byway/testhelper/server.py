"""A web-connectivity test helper: the uncensored control, served over HTTP.

It speaks OONI's protocol (``POST /`` with the probe's JSON) so Byway's client and OONI's probes can
both use it. For each request it resolves the name with its own resolver, connects to every address
the probe listed plus its own, handshakes TLS with the real name, and fetches the URL. Every step has
a deadline and requests are capped in size and number, because a helper is reachable by anyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from byway.measure.dns import resolve_system, resolve_udp
from byway.measure.http import HttpLimits, probe_http
from byway.measure.observations import DnsQuery, Endpoint, SniRole
from byway.measure.tcp import probe_tcp
from byway.measure.tls import probe_tls
from byway.testhelper.protocol import PROBE_DNS_TO_HELPER, ProtocolError, parse_request

MAX_REQUEST_BYTES = 64 * 1024
FLAG_PROBE, FLAG_HELPER, FLAG_BOGON, FLAG_VALID = 1, 2, 4, 8


@dataclass(frozen=True)
class HelperConfig:
    step_timeout_s: float = 10.0
    request_timeout_s: float = 30.0
    max_concurrent: int = 32
    resolver: Endpoint | None = None  # None: the system resolver, as OONI's helpers do


def _is_bogon(ip: str) -> bool:
    try:
        return not ipaddress.ip_address(ip).is_global
    except ValueError:
        return True


async def _resolve(hostname: str, config: HelperConfig) -> DnsQuery:
    if config.resolver is not None:
        return await resolve_udp(hostname, config.resolver, timeout_s=config.step_timeout_s, listen_s=0.0)
    return await resolve_system(hostname, timeout_s=config.step_timeout_s)


async def measure_for_probe(url: str, probe_endpoints: list[str], config: HelperConfig) -> dict[str, Any]:
    """Do what the probe did, from here, and describe it in the protocol's JSON."""
    parts = urlsplit(url)
    hostname = parts.hostname or ""
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    query = await _resolve(hostname, config)
    endpoints: dict[str, Endpoint] = {}
    from_probe: set[str] = set()
    for text in probe_endpoints:
        try:
            endpoint = Endpoint.parse(text)
        except ValueError:
            continue
        endpoints[str(endpoint)] = endpoint
        from_probe.add(endpoint.ip)
    for ip in query.addresses:
        endpoint = Endpoint(ip, port)
        endpoints.setdefault(str(endpoint), endpoint)

    async def resolve_redirect(host: str) -> list[str]:
        return list((await _resolve(host, config)).addresses)

    tcp_results, tls_results, http = await asyncio.gather(
        asyncio.gather(*(probe_tcp(e, timeout_s=config.step_timeout_s) for e in endpoints.values())),
        asyncio.gather(
            *(
                probe_tls(e, hostname, SniRole.REAL, timeout_s=config.step_timeout_s)
                for e in endpoints.values()
                if parts.scheme.lower() == "https"
            )
        ),
        probe_http(url, list(query.addresses), resolve_redirect, limits=HttpLimits(config.step_timeout_s)),
    )
    valid_ips = {h.endpoint.ip for h in tls_results if h.failure is None}
    ip_info: dict[str, dict[str, int]] = {}
    for endpoint in endpoints.values():
        flags = (FLAG_PROBE if endpoint.ip in from_probe else 0) | (
            FLAG_HELPER if endpoint.ip in query.addresses else 0
        )
        flags |= (FLAG_BOGON if _is_bogon(endpoint.ip) else 0) | (
            FLAG_VALID if endpoint.ip in valid_ips else 0
        )
        ip_info[endpoint.ip] = {"asn": 0, "flags": flags}
    response = http.response
    dns_failure = PROBE_DNS_TO_HELPER.get(query.failure, query.failure) if query.failure else None
    return {
        "dns": {"failure": dns_failure, "addrs": list(query.addresses)},
        "tcp_connect": {
            str(r.endpoint): {"status": r.failure is None, "failure": r.failure} for r in tcp_results
        },
        "tls_handshake": {
            str(h.endpoint): {"server_name": hostname, "status": h.failure is None, "failure": h.failure}
            for h in tls_results
        },
        "http_request": {
            "body_length": response.body_length if response else -1,
            "failure": http.failure,
            "title": response.title if response else "",
            "headers": dict(response.headers) if response else {},
            "status_code": response.status_code if response else -1,
            "discovered_h3_endpoint": "",
        },
        "ip_info": ip_info,
    }


class TestHelperServer:
    """An asyncio HTTP/1.1 server answering the protocol on ``POST /``."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, config: HelperConfig | None = None) -> None:
        self.config = config or HelperConfig()
        self._slots = asyncio.Semaphore(self.config.max_concurrent)
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self, host: str, port: int, tls: ssl.SSLContext | None = None) -> None:
        """Listen; with ``tls`` the probe's request travels encrypted, as with OONI's own helpers
        (a plaintext request would show the tested URL to the censor, who could reset it)."""
        if tls is None:
            self._server = await asyncio.start_server(self._handle, host, port, limit=MAX_REQUEST_BYTES)
        else:
            self._server = await asyncio.start_server(
                self._handle, host, port, limit=MAX_REQUEST_BYTES, ssl=tls, ssl_handshake_timeout=10.0
            )

    async def serve_forever(self) -> None:
        assert self._server is not None
        await self._server.serve_forever()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(self.config.request_timeout_s + 5):
                status, payload = await self._answer(reader)
            body = json.dumps(payload).encode()
            reason = {200: "OK", 400: "Bad Request", 405: "Method Not Allowed", 503: "Busy"}.get(
                status, "Error"
            )
            writer.write(
                f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _answer(self, reader: asyncio.StreamReader) -> tuple[int, dict[str, Any]]:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("iso-8859-1").split("\r\n")
        method = lines[0].split(" ", 1)[0]
        if method == "GET":
            return 200, {"service": "byway web-connectivity test helper", "protocol": "ooni th"}
        if method != "POST":
            return 405, {"error": "use POST"}
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length" and value.strip().isdigit():
                length = int(value.strip())
        if not 0 < length <= MAX_REQUEST_BYTES:
            return 400, {"error": "a JSON body of at most 64 KiB is required"}
        raw = await reader.readexactly(length)
        try:
            url, endpoints = parse_request(json.loads(raw))
        except (ValueError, ProtocolError, RecursionError) as exc:
            return 400, {"error": str(exc)}
        if self._slots.locked():
            return 503, {"error": "too many requests in flight"}
        async with self._slots, asyncio.timeout(self.config.request_timeout_s):
            return 200, await measure_for_probe(url, endpoints, self.config)


async def serve(
    host: str, port: int, config: HelperConfig | None = None, tls: ssl.SSLContext | None = None
) -> None:
    """Run a helper until cancelled (``byway helper --listen``)."""
    server = TestHelperServer(config)
    await server.start(host, port, tls)
    scheme = "https" if tls is not None else "http"
    print(f"byway test helper listening on {scheme}://{host}:{server.port}/", flush=True)
    try:
        await server.serve_forever()
    finally:
        await server.close()
