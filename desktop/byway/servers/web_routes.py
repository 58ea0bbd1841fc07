"""What the lab's web servers serve, as data: sites by host name, routes by path.

A route is a frozen value naming one way a server (or a censor in front of it) answers: a real page,
a redirect, a blockpage, a response that never finishes (TRICKLE), one too big to finish (HUGE), bytes
that are not HTTP at all (GARBAGE), or a :class:`Handler` for endpoints with logic (DNS-over-HTTPS).
Values rather than callbacks keep scenarios loadable from JSON and comparable in tests.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

Headers = tuple[tuple[str, str], ...]

HTML = "text/html; charset=utf-8"
DEFAULT_BLOCKPAGE = (
    "<html><head><title>Access denied</title></head><body><h1>Access denied</h1>"
    "<p>This website has been blocked by order of the authorities.</p></body></html>"
)


@dataclass(frozen=True)
class HttpRequest:
    """One parsed request, with where it came in (``server_name`` is the TLS SNI, if any)."""

    method: str
    target: str
    path: str
    query: str
    version: str
    headers: Headers
    body: bytes = b""
    server_name: str | None = None
    tls: bool = False

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    @property
    def host(self) -> str | None:
        """The Host header without its port, lower-case; the SNI name when there is no header."""
        value = self.header("host")
        if not value:
            return self.server_name
        if value.startswith("["):  # [v6]:port
            return value[1 : value.find("]")].lower()
        return value.rsplit(":", 1)[0].lower() if value.count(":") == 1 else value.lower()


@dataclass(frozen=True)
class HttpResponse:
    """A complete response; ``chunked`` sends the body in ``chunk_size`` pieces."""

    status: int = 200
    body: bytes = b""
    headers: Headers = ()
    content_type: str = HTML
    chunked: bool = False
    chunk_size: int = 256


@dataclass(frozen=True)
class Page:
    """A real page: ``<title>`` and body HTML wrapped in a document (the title is escaped)."""

    title: str = ""
    body: str = ""
    status: int = 200
    headers: Headers = ()
    chunked: bool = False


@dataclass(frozen=True)
class Redirect:
    location: str
    status: int = 302


@dataclass(frozen=True)
class Blockpage:
    """A censor's page, body served verbatim (status 200 and 403 are both seen in the wild)."""

    body: str = DEFAULT_BLOCKPAGE
    status: int = 200
    headers: Headers = ()
    chunked: bool = False


@dataclass(frozen=True)
class Trickle:
    """Headers, then one byte every ``interval_s`` for as long as the client stays."""

    interval_s: float = 0.5
    status: int = 200


@dataclass(frozen=True)
class Huge:
    """Announce ``size`` bytes and stream zeros for as long as the client reads."""

    size: int = 1 << 30


@dataclass(frozen=True)
class Garbage:
    """Non-HTTP bytes, then close."""

    data: bytes = b"\x00\xff\x13\x37 this is not HTTP \xde\xad\xbe\xef\r\n\r\n"


@dataclass(frozen=True)
class Handler:
    """Logic behind a path; must answer promptly or honour cancellation."""

    respond: Callable[[HttpRequest], Awaitable[HttpResponse]]


Route = Page | Redirect | Blockpage | Trickle | Huge | Garbage | Handler

NOT_FOUND = Page(title="Not Found", body="<h1>Not Found</h1>", status=404)


@dataclass(frozen=True)
class Site:
    """Routes by path: ``"/a"`` matches exactly, ``"/a/*"`` any path under ``/a/`` (longest wins),
    ``"*"`` any path; otherwise ``fallback``."""

    routes: Mapping[str, Route] = field(default_factory=dict)
    fallback: Route = NOT_FOUND

    def __post_init__(self) -> None:
        object.__setattr__(self, "routes", MappingProxyType(dict(self.routes)))

    def route_for(self, path: str) -> Route:
        if path in self.routes:
            return self.routes[path]
        prefixes = [key[:-1] for key in self.routes if key.endswith("*") and path.startswith(key[:-1])]
        if prefixes:
            return self.routes[max(prefixes, key=len) + "*"]
        return self.fallback


Sites = Mapping[str, Site]
"""Host name (lower-case) to site; ``"*"`` serves any other host (and requests without one)."""


def site_for(sites: Sites, host: str | None) -> Site | None:
    if host is not None and host.rstrip(".") in sites:
        return sites[host.rstrip(".")]
    return sites.get("*")


def static_response(route: Page | Redirect | Blockpage) -> HttpResponse:
    """The complete response of a route that needs no request details."""
    if isinstance(route, Page):
        document = (
            f"<!DOCTYPE html>\n<html><head><title>{html.escape(route.title)}</title></head>"
            f"<body>{route.body}</body></html>\n"
        )
        return HttpResponse(route.status, document.encode(), route.headers, chunked=route.chunked)
    if isinstance(route, Redirect):
        link = html.escape(route.location, quote=True)
        body = f'<html><body><a href="{link}">Moved</a></body></html>\n'.encode()
        return HttpResponse(route.status, body, (("Location", route.location),))
    return HttpResponse(route.status, route.body.encode(), route.headers, chunked=route.chunked)
