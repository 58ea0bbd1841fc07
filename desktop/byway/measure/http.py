"""HTTP(S) GET probe: a small HTTP/1.1 client that connects to addresses Byway chose.

Byway writes its own client because a measurement must control what a library hides: which address
is used (the one the local resolver gave, even a forged one), a hard cap on the body a hostile server
may send, one deadline for the whole step, and OONI failure strings for every way it can go wrong.
"""

from __future__ import annotations

import asyncio
import html
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from byway.measure import failures
from byway.measure.observations import Endpoint, HttpRequest, HttpResponse
from byway.measure.tcp import close_quietly, open_tcp
from byway.measure.trust import verifying_context

Resolve = Callable[[str], Awaitable[Sequence[str]]]
"""Look up a host name met in a redirect; returns addresses (empty when it cannot)."""

USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
MAX_REDIRECTS = 10
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_REDIRECT_CODES = {301, 302, 303, 307, 308}
_STAGGER_S = 0.25  # happy-eyeballs style: start the next address if the first is slow


class _ProtocolError(Exception):
    """The server's bytes are not HTTP."""


@dataclass(frozen=True)
class HttpLimits:
    timeout_s: float = 10.0
    max_body_bytes: int = 1 << 20


def extract_title(body: bytes) -> str:
    """The page's <title>, unescaped and with whitespace collapsed.

    >>> extract_title(b"<html><head><TITLE> Access  denied &amp; logged</title>")
    'Access denied & logged'
    """
    match = _TITLE.search(body[: 256 * 1024])
    if not match:
        return ""
    text = match.group(1).decode("utf-8", errors="replace")
    return " ".join(html.unescape(text).split())[:512]


async def _connect_first(
    addresses: Sequence[str], port: int, timeout_s: float
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Race the addresses with a stagger; the first that connects wins, the others are closed."""
    if not addresses:
        raise OSError("no address to connect to")
    attempts: list[asyncio.Task[tuple[asyncio.StreamReader, asyncio.StreamWriter]]] = []
    winner: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    last_error: BaseException = TimeoutError()
    candidates = list(addresses[:4])
    try:
        for index, ip in enumerate(candidates):
            attempts.append(asyncio.create_task(open_tcp(Endpoint(ip, port), timeout_s=timeout_s)))
            is_last = index == len(candidates) - 1
            pending = {a for a in attempts if not a.done()}
            while pending and winner is None:
                done, pending = await asyncio.wait(
                    pending, timeout=None if is_last else _STAGGER_S, return_when=asyncio.FIRST_COMPLETED
                )
                for attempt in done:
                    error = attempt.exception()
                    if error is None and winner is None:
                        winner = attempt.result()
                    elif error is not None:
                        last_error = error
                if not done:
                    break  # the stagger elapsed: start the next address
            if winner is not None:
                return winner
        raise last_error
    finally:
        for attempt in attempts:
            if not attempt.done():
                attempt.cancel()
            elif not attempt.cancelled() and attempt.exception() is None and attempt.result() is not winner:
                attempt.result()[1].close()


async def _read_headers(reader: asyncio.StreamReader) -> tuple[int, list[tuple[str, str]]]:
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError as exc:
        raise _ProtocolError("response headers too long") from exc
    except asyncio.IncompleteReadError as exc:
        if exc.partial:
            raise _ProtocolError("connection closed inside the response headers") from exc
        raise EOFError("connection closed before any response") from exc
    lines = raw.decode("iso-8859-1").split("\r\n")
    status_line = lines[0].split(" ", 2)
    if len(status_line) < 2 or not status_line[0].startswith("HTTP/") or not status_line[1].isdigit():
        raise _ProtocolError("not an HTTP status line")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers.append((name.strip(), value.strip()))
    return int(status_line[1]), headers


async def _read_body(
    reader: asyncio.StreamReader, headers: list[tuple[str, str]], cap: int
) -> tuple[bytes, bool]:
    """Read the body up to ``cap`` bytes; returns (body, truncated)."""
    lowered = {k.lower(): v for k, v in headers}
    body = bytearray()
    if "chunked" in lowered.get("transfer-encoding", "").lower():
        while len(body) < cap:
            size_line = await reader.readline()
            if not size_line:
                break
            try:
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
            except ValueError as exc:
                raise _ProtocolError("bad chunk size") from exc
            if size == 0:
                return bytes(body), False
            data = await reader.readexactly(min(size, cap - len(body)))
            body += data
            if len(data) < size:
                return bytes(body), True
            await reader.readline()
        return bytes(body), len(body) >= cap
    length_text = lowered.get("content-length")
    expected = int(length_text) if length_text and length_text.strip().isdigit() else None
    while len(body) < cap and (expected is None or len(body) < expected):
        chunk = await reader.read(min(65536, cap - len(body)))
        if not chunk:
            break
        body += chunk
    truncated = len(body) >= cap and (expected is None or expected > cap)
    return bytes(body), truncated


async def _fetch_once(
    url: str, addresses: Sequence[str], limits: HttpLimits, context: ssl.SSLContext
) -> HttpResponse:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    port = parts.port or (443 if scheme == "https" else 80)
    reader, writer = await _connect_first(addresses, port, limits.timeout_s)
    try:
        if scheme == "https":
            await writer.start_tls(context, server_hostname=host, ssl_handshake_timeout=limits.timeout_s)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        host_header = host if parts.port is None else f"{host}:{parts.port}"
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: {USER_AGENT}\r\n"
            "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\nAccept-Language: en-US;q=0.8\r\n"
            "Connection: close\r\n\r\n"
        )
        writer.write(request.encode("ascii", errors="strict"))
        await writer.drain()
        status, headers = await _read_headers(reader)
        body, truncated = await _read_body(reader, headers, limits.max_body_bytes)
        return HttpResponse(url, status, tuple(headers), body, len(body), truncated, extract_title(body))
    finally:
        await close_quietly(writer)


async def probe_http(
    url: str,
    addresses: Sequence[str],
    resolve: Resolve,
    *,
    limits: HttpLimits | None = None,
    context: ssl.SSLContext | None = None,
) -> HttpRequest:
    """GET ``url`` from ``addresses``, following up to 10 redirects, within one deadline."""
    limits = limits or HttpLimits()
    context = context or verifying_context()
    start = time.monotonic()
    visited: list[str] = []
    current, current_addresses = url, list(addresses)
    try:
        async with asyncio.timeout(limits.timeout_s):
            while True:
                response = await _fetch_once(current, current_addresses, limits, context)
                location = response.header("location")
                if response.status_code not in _REDIRECT_CODES or not location:
                    return HttpRequest(url, None, response, tuple(visited), time.monotonic() - start)
                if len(visited) >= MAX_REDIRECTS:
                    return HttpRequest(
                        url,
                        failures.HTTP_TOO_MANY_REDIRECTS,
                        response,
                        tuple(visited),
                        time.monotonic() - start,
                    )
                visited.append(current)
                following = urljoin(current, location)
                if urlsplit(following).scheme.lower() not in ("http", "https"):
                    return HttpRequest(url, None, response, tuple(visited), time.monotonic() - start)
                if urlsplit(following).hostname != urlsplit(current).hostname:
                    current_addresses = list(await resolve(urlsplit(following).hostname or ""))
                current = following
    except (OSError, TimeoutError, EOFError, ssl.SSLError, asyncio.IncompleteReadError) as exc:
        failure = failures.classify(exc)
        if isinstance(exc, asyncio.IncompleteReadError):
            failure = failures.EOF_ERROR
        return HttpRequest(url, failure, None, tuple(visited), time.monotonic() - start)
    except (_ProtocolError, ValueError, UnicodeError):
        return HttpRequest(url, failures.HTTP_INVALID_REPLY, None, tuple(visited), time.monotonic() - start)
