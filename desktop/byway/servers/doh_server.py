"""DNS-over-HTTPS (RFC 8484) for the lab: the encrypted resolver a censor cannot tamper with.

It answers from a :class:`~byway.servers.dns_server.DnsAuthority`, so it can share the UDP server's
zone (usually with no rules: DoH is the uncensored control the diagnosis compares against) or carry
rules of its own. It is a :class:`~byway.servers.web_routes.Handler` route, mounted on any site of
the web server, typically at ``/dns-query``.

Behaviours over one HTTP exchange: DROP holds the request for ``hold_s`` and then answers 504 (the
client's own timeout fires first); RACE and DUPLICATE send only the first reply (HTTP has no second
answer); MALFORMED sends its garbage with status 200.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from urllib.parse import parse_qs

import dns.exception
import dns.message

from byway.servers.dns_server import DnsAuthority
from byway.servers.http_wire import error_response
from byway.servers.web_routes import Handler, HttpRequest, HttpResponse, Site

DNS_MESSAGE = "application/dns-message"
DOH_PATH = "/dns-query"


def doh_route(authority: DnsAuthority, *, hold_s: float = 30.0) -> Handler:
    """The RFC 8484 endpoint as a web route (GET ``?dns=`` base64url, or POST the wire message)."""

    async def respond(request: HttpRequest) -> HttpResponse:
        wire = _query_wire(request)
        if isinstance(wire, HttpResponse):
            return wire
        try:
            dns.message.from_wire(wire)
        except dns.exception.DNSException:
            return error_response(400, "not a DNS message")
        replies = authority.plan(wire)
        if not replies:
            await asyncio.sleep(hold_s)
            return error_response(504, "no answer")
        first = replies[0]
        if first.delay_s > 0:
            await asyncio.sleep(first.delay_s)
        cache = (("Cache-Control", f"max-age={authority.zone.ttl}"),)
        return HttpResponse(200, first.wire, cache, content_type=DNS_MESSAGE)

    return Handler(respond)


def doh_site(authority: DnsAuthority, *, path: str = DOH_PATH, hold_s: float = 30.0) -> Site:
    """A site that serves only the DoH endpoint (404 elsewhere)."""
    return Site({path: doh_route(authority, hold_s=hold_s)})


def _query_wire(request: HttpRequest) -> bytes | HttpResponse:
    """The DNS query carried by the request, or the error response to send instead."""
    if request.method == "POST":
        content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
        if content_type != DNS_MESSAGE:
            return error_response(415, f"Content-Type must be {DNS_MESSAGE}")
        return request.body
    if request.method != "GET":
        return error_response(405, "GET or POST")
    values = parse_qs(request.query).get("dns")
    if not values:
        return error_response(400, "missing dns parameter")
    encoded = values[0]
    try:
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        return error_response(400, "dns parameter is not base64url")
