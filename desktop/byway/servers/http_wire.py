"""HTTP/1.1 on the wire for the lab's web server: read one request, write one response.

Deliberately small (no pipelining, no request trailers): the lab's clients are Byway's own probes,
browsers a trainer points at it, and tor's exits. Every read has a deadline, set by the caller.
"""

from __future__ import annotations

import asyncio
import email.utils
import http
from urllib.parse import urlsplit

from byway.servers.web_routes import Headers, HttpRequest, HttpResponse

MAX_HEAD = 32 * 1024
MAX_BODY = 1024 * 1024
SERVER_HEADER = "byway-lab"


class BadRequest(Exception):
    """The request cannot be served; ``status`` says why (400, 413, 431, 501)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


async def read_request(
    reader: asyncio.StreamReader, *, server_name: str | None, tls: bool
) -> HttpRequest | None:
    """The next request, or None when the client closed between requests."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as eof:
        if eof.partial.strip():
            raise BadRequest(400, "incomplete request head") from eof
        return None
    except asyncio.LimitOverrunError as overrun:
        raise BadRequest(431, "request head too large") from overrun
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise BadRequest(400, "bad request line")
    method, target, version = parts
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise BadRequest(400, "bad header line")
        headers.append((name, value.strip()))
    request = HttpRequest(
        method, target, *_path_and_query(target), version, tuple(headers), server_name=server_name, tls=tls
    )
    if (request.header("transfer-encoding") or "identity").lower() != "identity":
        raise BadRequest(501, "request bodies must have a Content-Length")
    length = _content_length(request.header("content-length"))
    if length:
        body = await reader.readexactly(length)
        request = HttpRequest(
            method, target, request.path, request.query, version, request.headers, body, server_name, tls
        )
    return request


def _path_and_query(target: str) -> tuple[str, str]:
    split = urlsplit(target)  # absolute-form (proxies) and origin-form alike
    return split.path or "/", split.query


def _content_length(value: str | None) -> int:
    if value is None:
        return 0
    if not value.isdigit():
        raise BadRequest(400, "bad Content-Length")
    if int(value) > MAX_BODY:
        raise BadRequest(413, "request body too large")
    return int(value)


def wants_keep_alive(request: HttpRequest) -> bool:
    connection = (request.header("connection") or "").lower()
    if request.version == "HTTP/1.0":
        return connection == "keep-alive"
    return connection != "close"


def status_line(status: int) -> str:
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    return f"HTTP/1.1 {status} {reason}\r\n"


def head_bytes(status: int, headers: Headers) -> bytes:
    lines = [status_line(status), f"Date: {email.utils.formatdate(usegmt=True)}\r\n"]
    lines.append(f"Server: {SERVER_HEADER}\r\n")
    lines += [f"{name}: {value}\r\n" for name, value in headers]
    return ("".join(lines) + "\r\n").encode("latin-1")


async def write_response(
    writer: asyncio.StreamWriter, response: HttpResponse, *, keep_alive: bool, head_only: bool = False
) -> None:
    headers: list[tuple[str, str]] = [("Content-Type", response.content_type)]
    headers.append(
        ("Transfer-Encoding", "chunked") if response.chunked else ("Content-Length", str(len(response.body)))
    )
    headers.append(("Connection", "keep-alive" if keep_alive else "close"))
    headers += response.headers
    writer.write(head_bytes(response.status, tuple(headers)))
    if head_only:
        await writer.drain()
        return
    if not response.chunked:
        writer.write(response.body)
        await writer.drain()
        return
    size = max(1, response.chunk_size)
    for start in range(0, len(response.body), size):
        piece = response.body[start : start + size]
        writer.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        await writer.drain()
    writer.write(b"0\r\n\r\n")
    await writer.drain()


def error_response(status: int, reason: str) -> HttpResponse:
    return HttpResponse(status, f"{status} {reason}\n".encode(), content_type="text/plain; charset=utf-8")
