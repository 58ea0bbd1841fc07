"""DNS probes: the system resolver, plain UDP to a chosen resolver, and DNS-over-HTTPS (RFC 8484).

Each returns a :class:`DnsQuery` and never raises for network trouble. The UDP probe keeps listening
a little after the first reply: on-path injectors race the genuine resolver, so a second, different
reply is the fingerprint of injection.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket
import time
from collections.abc import Sequence

import dns.exception
import dns.message
import dns.rcode
import dns.rdatatype
import httpx

from byway.measure import failures
from byway.measure.observations import DnsEngine, DnsQuery, DnsReply, Endpoint

# getaddrinfo cannot be cancelled and asyncio's default pool has only a handful of threads on a
# small machine: a hanging system resolver must not queue every other probe behind it.
_RESOLVER_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=32, thread_name_prefix="byway-dns")

_RCODE_FAILURES = {
    "NXDOMAIN": failures.DNS_NXDOMAIN,
    "SERVFAIL": failures.DNS_SERVFAIL,
    "REFUSED": failures.DNS_REFUSED,
}


def _unique(addresses: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(addresses))


async def resolve_system(hostname: str, *, timeout_s: float) -> DnsQuery:
    """Resolve through the operating system, as a browser would (getaddrinfo)."""
    loop = asyncio.get_running_loop()
    start = time.monotonic()
    try:
        async with asyncio.timeout(timeout_s):
            infos = await loop.run_in_executor(
                _RESOLVER_POOL,
                lambda: socket.getaddrinfo(hostname, None, type=socket.SOCK_STREAM),
            )
    except (OSError, TimeoutError) as exc:
        return DnsQuery(hostname, DnsEngine.SYSTEM, "", (), failures.classify(exc), time.monotonic() - start)
    addresses = _unique([str(info[4][0]) for info in infos])
    failure = None if addresses else failures.DNS_NO_ANSWER
    return DnsQuery(hostname, DnsEngine.SYSTEM, "", addresses, failure, time.monotonic() - start)


def _reply_from_wire(wire: bytes, query: dns.message.Message, elapsed_s: float) -> DnsReply | None:
    """Decode one datagram; ``None`` when it does not answer our query (wrong id or question)."""
    kind = dns.rdatatype.to_text(query.question[0].rdtype)
    try:
        message = dns.message.from_wire(wire)
    except (dns.exception.DNSException, ValueError):
        return DnsReply((), "MALFORMED", elapsed_s, kind)
    if not query.is_response(message):
        return None
    addresses = [
        rdata.address
        for rrset in message.answer
        if rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA)
        for rdata in rrset
    ]
    return DnsReply(_unique(addresses), dns.rcode.to_text(message.rcode()), elapsed_s, kind)


class _Collector(asyncio.DatagramProtocol):
    def __init__(self, query: dns.message.Message, start: float) -> None:
        self.query = query
        self.start = start
        self.replies: list[DnsReply] = []
        self.first = asyncio.get_running_loop().create_future()
        self.error: OSError | None = None

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        reply = _reply_from_wire(data, self.query, time.monotonic() - self.start)
        if reply is None:
            return
        self.replies.append(reply)
        if not self.first.done():
            self.first.set_result(None)

    def error_received(self, exc: Exception) -> None:
        # ICMP port unreachable and friends: the resolver is not there.
        if isinstance(exc, OSError) and not self.first.done():
            self.error = exc
            self.first.set_result(None)


async def _udp_exchange(
    hostname: str, rdtype: dns.rdatatype.RdataType, server: Endpoint, timeout_s: float, listen_s: float
) -> tuple[list[DnsReply], OSError | TimeoutError | None]:
    loop = asyncio.get_running_loop()
    query = dns.message.make_query(hostname, rdtype)
    start = time.monotonic()
    family = socket.AF_INET6 if ":" in server.ip else socket.AF_INET
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: _Collector(query, start), remote_addr=(server.ip, server.port), family=family
    )
    try:
        transport.sendto(query.to_wire())
        try:
            async with asyncio.timeout(timeout_s):
                await protocol.first
        except TimeoutError as exc:
            return protocol.replies, exc
        if protocol.error is not None:
            return protocol.replies, protocol.error
        # Keep listening for late or duplicate replies, within the step's own deadline.
        remaining = timeout_s - (time.monotonic() - start)
        await asyncio.sleep(max(0.0, min(listen_s, remaining)))
        return protocol.replies, None
    finally:
        transport.close()


def _first_usable(replies: Sequence[DnsReply]) -> DnsReply | None:
    for reply in replies:
        if reply.rcode != "MALFORMED":
            return reply
    return None


async def resolve_udp(
    hostname: str, server: Endpoint, *, timeout_s: float, listen_s: float = 0.5
) -> DnsQuery:
    """Ask one resolver over UDP for A and AAAA records, keeping every reply that arrives."""
    start = time.monotonic()
    resolver = str(server)
    try:
        results = await asyncio.gather(
            _udp_exchange(hostname, dns.rdatatype.A, server, timeout_s, listen_s),
            _udp_exchange(hostname, dns.rdatatype.AAAA, server, timeout_s, listen_s),
        )
    except OSError as exc:
        return DnsQuery(
            hostname, DnsEngine.UDP, resolver, (), failures.classify(exc), time.monotonic() - start
        )
    elapsed = time.monotonic() - start
    (a_replies, a_error), (aaaa_replies, _) = results
    replies = tuple(sorted(a_replies + aaaa_replies, key=lambda r: r.arrived_after_s))
    first_a, first_aaaa = _first_usable(a_replies), _first_usable(aaaa_replies)
    addresses = _unique(
        [*(first_a.addresses if first_a else ()), *(first_aaaa.addresses if first_aaaa else ())]
    )
    failure: str | None = None
    if not addresses:
        if first_a is not None:
            failure = _RCODE_FAILURES.get(first_a.rcode, failures.DNS_NO_ANSWER)
        elif a_replies:
            failure = failures.DNS_MALFORMED
        elif a_error is not None:
            failure = failures.classify(a_error)
        else:
            failure = failures.GENERIC_TIMEOUT
    return DnsQuery(hostname, DnsEngine.UDP, resolver, addresses, failure, elapsed, replies)


async def _doh_exchange(
    client: httpx.AsyncClient, url: str, hostname: str, rdtype: dns.rdatatype.RdataType
) -> DnsReply:
    query = dns.message.make_query(hostname, rdtype)
    query.id = 0  # RFC 8484 section 4.1: cache friendly
    start = time.monotonic()
    response = await client.post(
        url,
        content=query.to_wire(),
        headers={"content-type": "application/dns-message", "accept": "application/dns-message"},
    )
    if response.status_code != 200:
        raise _DohHttpError(response.status_code)
    reply = _reply_from_wire(response.content[:65535], query, time.monotonic() - start)
    return reply if reply is not None else DnsReply((), "MALFORMED", time.monotonic() - start)


class _DohHttpError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(f"DoH server answered HTTP {status}")
        self.status = status


async def resolve_doh(client: httpx.AsyncClient, url: str, hostname: str, *, timeout_s: float) -> DnsQuery:
    """Resolve over DNS-over-HTTPS (RFC 8484, POST with ``application/dns-message``)."""
    start = time.monotonic()
    try:
        async with asyncio.timeout(timeout_s):
            a, aaaa = await asyncio.gather(
                _doh_exchange(client, url, hostname, dns.rdatatype.A),
                _doh_exchange(client, url, hostname, dns.rdatatype.AAAA),
            )
    except _DohHttpError as exc:
        status_failure = f"http_status_{exc.status}"
        return DnsQuery(hostname, DnsEngine.DOH, url, (), status_failure, time.monotonic() - start)
    except (httpx.HTTPError, OSError, TimeoutError) as exc:
        return DnsQuery(hostname, DnsEngine.DOH, url, (), _httpx_failure(exc), time.monotonic() - start)
    elapsed = time.monotonic() - start
    addresses = _unique([*a.addresses, *aaaa.addresses])
    failure: str | None = None
    if not addresses:
        failure = (
            failures.DNS_MALFORMED
            if a.rcode == "MALFORMED"
            else _RCODE_FAILURES.get(a.rcode, failures.DNS_NO_ANSWER)
        )
    return DnsQuery(hostname, DnsEngine.DOH, url, addresses, failure, elapsed, (a, aaaa))


def _httpx_failure(exc: BaseException) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return failures.GENERIC_TIMEOUT
    if isinstance(exc, httpx.RemoteProtocolError):
        return failures.EOF_ERROR
    return failures.classify_chain(exc)
