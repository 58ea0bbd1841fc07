"""The lab's web server: HTTP/1.1 and HTTPS with virtual hosts, on plain asyncio streams.

Each connection runs in its own task under deadlines (ClientHello, TLS handshake, request head),
because a censor leaves half-open connections behind and one of them must never stall the server.
For TLS the server first *peeks* at the ClientHello: a name under an SNI rule is reset (RST) or
stalled before any TLS happens, as a DPI box would do it, and every other name gets a certificate
chosen by SNI and a genuine handshake on the untouched bytes. This is what lets SNI-filtering
probes be tested on loopback without a firewall.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import socket
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from byway.servers.ca import IssuedCert, server_context
from byway.servers.client_hello import peek_client_hello, server_name_of
from byway.servers.connections import ConnectionTasks, reset_socket
from byway.servers.http_wire import (
    MAX_HEAD,
    BadRequest,
    error_response,
    head_bytes,
    read_request,
    wants_keep_alive,
    write_response,
)
from byway.servers.web_routes import (
    NOT_FOUND,
    Blockpage,
    Garbage,
    Handler,
    HttpRequest,
    Huge,
    Page,
    Redirect,
    Route,
    Sites,
    Trickle,
    site_for,
    static_response,
)

_log = logging.getLogger(__name__)
_ZEROS = bytes(64 * 1024)
_CLOSE_GRACE_S = 2.0
_STALL_CAP_S = 600.0
_T = TypeVar("_T")


class SniBehaviour(enum.Enum):
    """What the server does to a ClientHello naming a filtered server name."""

    RESET = "reset"
    STALL = "stall"


@dataclass(frozen=True)
class TlsConfig:
    """Certificates (the first is the default, for unknown names and no SNI), SNI rules
    (server name or ``*.parent`` to behaviour), and the deadline for ClientHello plus handshake."""

    certificates: Sequence[IssuedCert]
    sni_rules: Mapping[str, SniBehaviour] = field(default_factory=dict)
    handshake_timeout_s: float = 10.0

    def __post_init__(self) -> None:
        if not self.certificates:
            raise ValueError("TLS needs at least one certificate")


def _by_name(table: Mapping[str, _T], name: str | None, *, any_depth: bool = False) -> _T | None:
    """Exact name first, then a ``*.parent`` wildcard: one label deep as certificates match, or
    (``any_depth``) any parent, as a censor's name list does."""
    if name is None:
        return None
    labels = name.rstrip(".").lower().split(".")
    if ".".join(labels) in table:
        return table[".".join(labels)]
    last = len(labels) if any_depth else min(2, len(labels))
    for i in range(1, last):
        wildcard = "*." + ".".join(labels[i:])
        if wildcard in table:
            return table[wildcard]
    return None


class _TlsContexts:
    """One SSLContext per certificate; the default context's SNI callback switches to the right one."""

    def __init__(self, certificates: Sequence[IssuedCert]) -> None:
        contexts = [server_context(cert) for cert in certificates]
        self.by_name: dict[str, ssl.SSLContext] = {}
        self.by_ip: dict[str, ssl.SSLContext] = {}
        for cert, context in zip(certificates, contexts, strict=True):
            for name in cert.dns_names:
                self.by_name.setdefault(name.lower(), context)
            for ip in cert.ip_addresses:
                self.by_ip.setdefault(ip, context)
        self.default = contexts[0]
        self.default.sni_callback = self._choose

    def for_connection(self, server_name: str | None, local_ip: str) -> ssl.SSLContext:
        """A client that sends no SNI (it connected by address) gets the certificate for the
        address it reached, if there is one, as real DoH servers do for ``https://1.1.1.1/``."""
        if server_name is None and local_ip in self.by_ip:
            return self.by_ip[local_ip]
        return self.default

    def _choose(self, ssl_object: ssl.SSLObject | ssl.SSLSocket, name: str | None, _: ssl.SSLContext) -> None:
        chosen = _by_name(self.by_name, name)
        if chosen is not None:
            ssl_object.context = chosen


class WebServer:
    """A running HTTP or HTTPS server; ``host``/``port`` are where it listens."""

    def __init__(
        self, listener: socket.socket, sites: Sites, tls: TlsConfig | None, request_timeout_s: float
    ):
        self._listener = listener
        self._sites = dict(sites)
        self._tls = tls
        self._contexts = _TlsContexts(tls.certificates) if tls else None
        self._sni_rules = dict(tls.sni_rules) if tls else {}
        self._request_timeout_s = request_timeout_s
        self._connections = ConnectionTasks()
        self._accepting: asyncio.Task[None] | None = None
        sockname = listener.getsockname()
        self.host: str = sockname[0]
        self.port: int = sockname[1]
        self.tls = tls is not None

    def set_sites(self, sites: Sites) -> None:
        self._sites = dict(sites)

    def set_sni_rules(self, rules: Mapping[str, SniBehaviour]) -> None:
        self._sni_rules = {name.lower(): behaviour for name, behaviour in rules.items()}

    def start(self) -> None:
        self._accepting = asyncio.get_running_loop().create_task(self._accept_loop())

    async def close(self) -> None:
        if self._accepting is not None:
            self._accepting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._accepting
        self._listener.close()
        await self._connections.cancel_all()

    async def _accept_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                conn, _ = await loop.sock_accept(self._listener)
            except OSError as error:  # EMFILE and friends: back off rather than spin
                _log.warning("accept failed: %s", error)
                await asyncio.sleep(0.1)
                continue
            conn.setblocking(False)
            self._connections.spawn(self._serve_connection(conn))

    async def _serve_connection(self, conn: socket.socket) -> None:
        try:
            opened = await self._open_connection(conn)
        except (OSError, ssl.SSLError, TimeoutError) as error:
            _log.debug("connection dropped before HTTP: %r", error)
            opened = None
        except BaseException:
            conn.close()
            raise
        if opened is None:
            conn.close()  # no-op when already closed (reset, stalled, or by a failed transport)
            return
        reader, writer, server_name = opened
        try:
            await self._serve_http(reader, writer, server_name)
        except (OSError, TimeoutError, asyncio.IncompleteReadError) as error:
            _log.debug("connection ended: %r", error)
        except asyncio.CancelledError:
            writer.transport.abort()
            raise
        await _close(writer)

    async def _open_connection(
        self, conn: socket.socket
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, str | None] | None:
        """Streams for the connection (TLS done), or None when SNI rules or silence ended it."""
        if self._tls is None or self._contexts is None:
            return (*await self._open_streams(conn, None), None)
        hello = await peek_client_hello(conn, timeout_s=self._tls.handshake_timeout_s)
        server_name = server_name_of(hello)
        behaviour = _by_name(self._sni_rules, server_name, any_depth=True)
        if behaviour is SniBehaviour.RESET:
            reset_socket(conn)
            return None
        if behaviour is SniBehaviour.STALL:
            await _swallow(conn)
            return None
        if not hello:
            return None
        context = self._contexts.for_connection(server_name, conn.getsockname()[0])
        return (*await self._open_streams(conn, context), server_name)

    async def _open_streams(
        self, conn: socket.socket, context: ssl.SSLContext | None
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=MAX_HEAD)
        protocol = asyncio.StreamReaderProtocol(reader)
        timeout = self._tls.handshake_timeout_s if (self._tls and context) else None
        transport, _ = await loop.connect_accepted_socket(
            lambda: protocol, conn, ssl=context, ssl_handshake_timeout=timeout
        )
        return reader, asyncio.StreamWriter(transport, protocol, reader, loop)

    async def _serve_http(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server_name: str | None
    ) -> None:
        while True:
            try:
                async with asyncio.timeout(self._request_timeout_s):
                    request = await read_request(reader, server_name=server_name, tls=self.tls)
            except BadRequest as bad:
                await write_response(writer, error_response(bad.status, str(bad)), keep_alive=False)
                return
            if request is None:
                return
            site = site_for(self._sites, request.host)
            route = site.route_for(request.path) if site else NOT_FOUND
            if not await self._respond(route, request, writer):
                return

    async def _respond(self, route: Route, request: HttpRequest, writer: asyncio.StreamWriter) -> bool:
        """Send the route's response; True when the connection may carry another request."""
        keep_alive = wants_keep_alive(request)
        head_only = request.method == "HEAD"
        if isinstance(route, Page | Redirect | Blockpage):
            await write_response(writer, static_response(route), keep_alive=keep_alive, head_only=head_only)
            return keep_alive
        if isinstance(route, Handler):
            try:
                response = await route.respond(request)
            except Exception:
                _log.exception("handler for %s failed", request.path)
                response = error_response(500, "handler failed")
            await write_response(writer, response, keep_alive=keep_alive, head_only=head_only)
            return keep_alive
        if isinstance(route, Garbage):
            writer.write(route.data)
            await writer.drain()
        elif isinstance(route, Trickle):
            await _trickle(writer, route)
        else:
            await _huge(writer, route)
        return False


async def _trickle(writer: asyncio.StreamWriter, route: Trickle) -> None:
    headers = (("Content-Type", "text/html; charset=utf-8"), ("Connection", "close"))
    writer.write(head_bytes(route.status, headers))
    await writer.drain()
    while not writer.is_closing():
        writer.write(b".")
        await writer.drain()
        await asyncio.sleep(route.interval_s)


async def _huge(writer: asyncio.StreamWriter, route: Huge) -> None:
    headers = (("Content-Type", "application/octet-stream"), ("Content-Length", str(route.size)))
    writer.write(head_bytes(200, (*headers, ("Connection", "close"))))
    left = route.size
    while left > 0 and not writer.is_closing():
        piece = _ZEROS[: min(left, len(_ZEROS))]
        writer.write(piece)
        left -= len(piece)
        await writer.drain()
        await asyncio.sleep(0)  # a fast reader never makes drain() wait: yield to other connections


async def _swallow(conn: socket.socket) -> None:
    """Read and discard until the peer gives up: a stalled ClientHello gets no answer at all."""
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(_STALL_CAP_S):  # a lab runs for days: do not hoard sockets
            while await loop.sock_recv(conn, 4096):
                pass
    except (OSError, TimeoutError):
        pass
    finally:
        conn.close()


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    try:
        async with asyncio.timeout(_CLOSE_GRACE_S):  # a TLS peer may never answer close_notify
            await writer.wait_closed()
    except (OSError, TimeoutError, ssl.SSLError):
        writer.transport.abort()


async def start_web_server(
    host: str, port: int, sites: Sites, tls: TlsConfig | None = None, *, request_timeout_s: float = 30.0
) -> WebServer:
    """Listen on ``host:port`` (0 = ephemeral); HTTPS when ``tls`` is given."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(128)
        listener.setblocking(False)
        server = WebServer(listener, sites, tls, request_timeout_s)
    except BaseException:
        listener.close()
        raise
    server.start()
    return server
