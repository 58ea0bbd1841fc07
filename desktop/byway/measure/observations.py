"""The values the probes produce: what the network did, as plain immutable data.

These dataclasses are the contract between :mod:`byway.measure` (which fills them from real traffic,
or from the demo simulation) and :mod:`byway.analyze` (pure functions that judge them). Failures are
OONI failure strings (``"connection_reset"``, ``"generic_timeout_error"``, ...), ``None`` meaning
success, so that Byway's results line up with OONI's data set.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

Failure = str
"""An OONI failure string (df-007), e.g. ``"dns_nxdomain_error"``; ``None`` where used means success."""


@dataclass(frozen=True, order=True)
class Endpoint:
    """An IP address and a TCP port."""

    ip: str
    port: int

    def __str__(self) -> str:
        """OONI's form: ``1.2.3.4:443`` or ``[2001:db8::1]:443``.

        >>> str(Endpoint("2001:db8::1", 443)), str(Endpoint("192.0.2.1", 80))
        ('[2001:db8::1]:443', '192.0.2.1:80')
        """
        return f"[{self.ip}]:{self.port}" if ":" in self.ip else f"{self.ip}:{self.port}"

    @classmethod
    def parse(cls, text: str) -> Endpoint:
        """Parse ``ip:port`` or ``[ipv6]:port``; raise ``ValueError`` on anything else.

        >>> Endpoint.parse("[::1]:53")
        Endpoint(ip='::1', port=53)
        """
        host, sep, port_text = text.rpartition(":")
        if not sep or not port_text.isdigit():
            raise ValueError(f"not an address with a port: {text!r}")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        ip = str(ipaddress.ip_address(host))
        port = int(port_text)
        if not 0 < port < 65536:
            raise ValueError(f"port out of range: {port}")
        return cls(ip, port)


class TargetKind(StrEnum):
    """Why a target is on the list: it shapes how a finding is worded."""

    WEBSITE = "website"
    CIRCUMVENTION = "circumvention"
    DOH_RESOLVER = "doh_resolver"


@dataclass(frozen=True)
class Target:
    """A URL to test, with the category it was listed under."""

    url: str
    kind: TargetKind = TargetKind.WEBSITE
    category: str = ""

    @property
    def hostname(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    @property
    def scheme(self) -> str:
        return urlsplit(self.url).scheme.lower()

    @property
    def port(self) -> int:
        parts = urlsplit(self.url)
        return parts.port or (443 if parts.scheme.lower() == "https" else 80)


class DnsEngine(StrEnum):
    """How a name was resolved (OONI's ``engine`` key)."""

    SYSTEM = "getaddrinfo"
    UDP = "udp"
    DOH = "doh"


@dataclass(frozen=True)
class DnsReply:
    """One reply to a DNS query, as it arrived (the first, or a late duplicate)."""

    addresses: tuple[str, ...]
    rcode: str  # "NOERROR", "NXDOMAIN", "SERVFAIL", ... or "MALFORMED"
    arrived_after_s: float
    query_type: str = "A"  # the question it answers: replies race only against their own kind


@dataclass(frozen=True)
class DnsQuery:
    """One resolution of a name by one resolver.

    ``addresses`` and ``failure`` come from the reply a stub resolver would have used (the first);
    ``replies`` keeps every reply that arrived while Byway listened, because an on-path injector
    races the genuine resolver and the second reply is the evidence.
    """

    hostname: str
    engine: DnsEngine
    resolver: str  # "" for the system resolver, "ip:port" for UDP, the URL for DoH
    addresses: tuple[str, ...]
    failure: Failure | None
    elapsed_s: float
    replies: tuple[DnsReply, ...] = ()


@dataclass(frozen=True)
class TcpConnect:
    """A TCP connect to one endpoint."""

    endpoint: Endpoint
    failure: Failure | None
    elapsed_s: float


class SniRole(StrEnum):
    """Which server name a TLS handshake carried, to attribute SNI filtering."""

    REAL = "real"  # the target's own name
    BENIGN = "benign"  # an innocuous name, same IP
    NONE = "none"  # no SNI at all


@dataclass(frozen=True)
class TlsHandshake:
    """A TLS handshake to one endpoint with one server name (or none).

    ``failure`` is ``None`` when the handshake completed *and* the certificate validated for the
    name; a completed handshake with an invalid certificate has ``handshake_completed`` set and an
    ``ssl_*`` failure: for attributing SNI filtering what matters is that the server answered.
    """

    endpoint: Endpoint
    server_name: str | None
    role: SniRole
    failure: Failure | None
    handshake_completed: bool
    elapsed_s: float
    tls_version: str | None = None
    peer_certificates: tuple[bytes, ...] = ()  # DER, leaf first


@dataclass(frozen=True)
class HttpResponse:
    """The last response of a (possibly redirected) HTTP request."""

    url: str
    status_code: int
    headers: tuple[tuple[str, str], ...]
    body: bytes  # capped
    body_length: int  # bytes received (== len(body))
    body_truncated: bool
    title: str

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None


@dataclass(frozen=True)
class HttpRequest:
    """An HTTP(S) GET and what came back, following redirects."""

    url: str
    failure: Failure | None
    response: HttpResponse | None
    redirects: tuple[str, ...]  # the URLs visited before the final one
    elapsed_s: float


@dataclass(frozen=True)
class ControlDns:
    failure: Failure | None
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class ControlTcp:
    success: bool
    failure: Failure | None


@dataclass(frozen=True)
class ControlTls:
    server_name: str
    success: bool
    failure: Failure | None


@dataclass(frozen=True)
class ControlHttp:
    failure: Failure | None
    status_code: int
    body_length: int
    title: str
    headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ControlIpInfo:
    asn: int
    flags: int  # 1 resolved by probe, 2 resolved by helper, 4 bogon, 8 valid for domain


@dataclass(frozen=True)
class Control:
    """What an uncensored vantage point (the web-connectivity test helper) saw for the same target."""

    dns: ControlDns
    tcp_connect: dict[str, ControlTcp]  # key: str(Endpoint)
    tls_handshake: dict[str, ControlTls]
    http_request: ControlHttp
    ip_info: dict[str, ControlIpInfo] = field(default_factory=dict)


@dataclass(frozen=True)
class PacingSkip:
    """A probe that was not sent, to avoid being fooled by residual (stateful) censorship."""

    endpoint: Endpoint
    reason: str  # e.g. "residual_window"


@dataclass(frozen=True)
class Observation:
    """Everything measured for one target: the probe's view and the control's."""

    target: Target
    started_at: datetime
    runtime_s: float
    queries: tuple[DnsQuery, ...]
    tcp_connect: tuple[TcpConnect, ...]
    tls_handshakes: tuple[TlsHandshake, ...]
    http: HttpRequest | None
    control: Control | None
    control_failure: Failure | None
    skipped: tuple[PacingSkip, ...] = ()

    def query(self, engine: DnsEngine) -> DnsQuery | None:
        for q in self.queries:
            if q.engine is engine:
                return q
        return None


@dataclass(frozen=True)
class RelayReachability:
    """Can this network reach one Tor relay (a directory authority) by TCP and a TLS handshake?"""

    nickname: str
    endpoint: Endpoint
    tcp: TcpConnect
    tls: TlsHandshake | None  # None when TCP already failed


@dataclass(frozen=True)
class Diagnosis:
    """The whole measurement of a network: every target, the Tor relays, and the context."""

    started_at: datetime
    runtime_s: float
    observations: tuple[Observation, ...]
    relays: tuple[RelayReachability, ...]
    resolver: str
    doh_url: str
    test_helper: str
