"""The simulated network: for each site of a scenario, the observation a real probe would record.

The values mirror what Byway's probes see against the real techniques (and what the lab produces):
a black hole times out, a reset refuses at once, SNI filtering resets the ClientHello while a benign
name on the same address completes, a blockpage comes back as a real national blockpage body. The
control (the uncensored vantage point) always sees the genuine site, except in a shutdown.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from byway.demo.scenario import RelayTechnique, Site, SiteTechnique
from byway.measure.observations import (
    Control,
    ControlDns,
    ControlHttp,
    ControlIpInfo,
    ControlTcp,
    ControlTls,
    DnsEngine,
    DnsQuery,
    Endpoint,
    HttpRequest,
    HttpResponse,
    Observation,
    RelayReachability,
    SniRole,
    Target,
    TcpConnect,
    TlsHandshake,
)

TIMEOUT = "generic_timeout_error"
RESET = "connection_reset"
SITE_ASN = 13335
PAGE_HEADERS = (("Content-Type", "text/html; charset=utf-8"), ("Server", "demo-origin"), ("Vary", "Accept"))
DOH_URL = "https://1.1.1.1/dns-query"

DIRECTORY_AUTHORITIES = (
    ("bastet", "204.13.164.118", 443),
    ("dannenberg", "193.23.244.244", 443),
    ("dizum", "45.66.35.11", 443),
    ("gabelmoo", "131.188.40.189", 443),
    ("longclaw", "199.58.81.140", 443),
    ("maatuska", "171.25.193.9", 80),
    ("moria1", "128.31.0.39", 9201),
    ("tor26", "217.196.147.77", 443),
)


def genuine_address(site: Site) -> str:
    """The site's address as the control resolves it: the scenario's, or a stable public one."""
    if site.address:
        return site.address
    digest = hashlib.sha256(Target(site.url).hostname.encode()).digest()
    return f"104.{16 + digest[0] % 16}.{digest[1]}.{1 + digest[2] % 254}"


def page_body(hostname: str) -> bytes:
    filler = b"<p>" + b"Lorem ipsum dolor sit amet. " * 60 + b"</p>"
    title = hostname.encode()
    return b"<html><head><title>" + title + b"</title></head><body>" + filler + b"</body></html>"


def _control(target: Target, address: str) -> Control:
    endpoint = str(Endpoint(address, target.port))
    body = page_body(target.hostname)
    return Control(
        dns=ControlDns(None, (address,)),
        tcp_connect={endpoint: ControlTcp(True, None)},
        tls_handshake={endpoint: ControlTls(target.hostname, True, None)} if target.scheme == "https" else {},
        http_request=ControlHttp(None, 200, len(body), target.hostname, PAGE_HEADERS),
        ip_info={address: ControlIpInfo(SITE_ASN, 2)},
    )


def _response(target: Target, body: bytes, status: int = 200, title: str = "") -> HttpResponse:
    headers = PAGE_HEADERS if not title else (("Content-Type", "text/html"), ("Server", "nginx"))
    return HttpResponse(target.url, status, headers, body, len(body), False, title or target.hostname)


def _handshake(
    endpoint: Endpoint, name: str | None, role: SniRole, failure: str | None, completed: bool, seconds: float
) -> TlsHandshake:
    return TlsHandshake(endpoint, name, role, failure, completed, seconds, "TLSv1.3" if completed else None)


def observe(site: Site, started_at: datetime, blockpage: bytes = b"") -> Observation:
    """The observation of ``site`` under its scenario technique."""
    target = Target(site.url)
    address = genuine_address(site)
    endpoint = Endpoint(address, target.port)
    https = target.scheme == "https"
    technique = site.technique
    slow = technique is SiteTechnique.THROTTLE
    answer = (site.answer,) if technique is SiteTechnique.DNS_INJECTION else (address,)
    query_failure = "dns_nxdomain_error" if technique is SiteTechnique.DNS_NXDOMAIN else None
    if technique is SiteTechnique.SHUTDOWN:
        query_failure = TIMEOUT
    system = DnsQuery(
        target.hostname, DnsEngine.SYSTEM, "", () if query_failure else answer, query_failure, 0.03
    )
    queries: tuple[DnsQuery, ...] = (system,)
    tcp: tuple[TcpConnect, ...] = ()
    tls: tuple[TlsHandshake, ...] = ()
    http: HttpRequest
    control: Control | None = _control(target, address)
    control_failure: str | None = None
    if technique is SiteTechnique.SHUTDOWN:
        queries += (DnsQuery(target.hostname, DnsEngine.DOH, DOH_URL, (), TIMEOUT, 4.0),)
        http = HttpRequest(target.url, TIMEOUT, None, (), 10.0)
        control, control_failure = None, TIMEOUT
    elif technique is SiteTechnique.DNS_NXDOMAIN:
        http = HttpRequest(target.url, "dns_nxdomain_error", None, (), 0.03)
    elif technique is SiteTechnique.DNS_INJECTION:
        tcp = (TcpConnect(Endpoint(site.answer, target.port), TIMEOUT, 10.0),)
        http = HttpRequest(target.url, TIMEOUT, None, (), 10.0)
    elif technique is SiteTechnique.BLACKHOLE:
        tcp = (TcpConnect(endpoint, TIMEOUT, 10.0),)
        http = HttpRequest(target.url, TIMEOUT, None, (), 10.0)
    elif technique is SiteTechnique.RESET:
        tcp = (TcpConnect(endpoint, RESET, 0.04),)
        http = HttpRequest(target.url, RESET, None, (), 0.04)
    elif technique is SiteTechnique.SNI and https:
        tcp = (TcpConnect(endpoint, None, 0.05),)
        tls = (
            _handshake(endpoint, target.hostname, SniRole.REAL, RESET, False, 0.06),
            _handshake(endpoint, "example.org", SniRole.BENIGN, "ssl_invalid_hostname", True, 0.1),
        )
        http = HttpRequest(target.url, RESET, None, (), 0.06)
    elif technique is SiteTechnique.BLOCKPAGE:
        tcp = (TcpConnect(endpoint, None, 0.05),)
        page = _response(target, blockpage, title="M1-6")
        http = HttpRequest(target.url, None, page, (), 0.2)
    else:  # ok, throttle (and sni on a plain-HTTP site, which has no ClientHello to filter)
        tcp = (TcpConnect(endpoint, None, 0.9 if slow else 0.05),)
        if https:
            tls = (_handshake(endpoint, target.hostname, SniRole.REAL, None, True, 2.5 if slow else 0.1),)
        page = _response(target, page_body(target.hostname))
        http = HttpRequest(target.url, None, page, (), 25.0 if slow else 0.4)
    return Observation(
        target=target,
        started_at=started_at,
        runtime_s=site.seconds,
        queries=queries,
        tcp_connect=tcp,
        tls_handshakes=tls,
        http=http,
        control=control,
        control_failure=control_failure,
    )


def relay_view(nickname: str, ip: str, port: int, technique: RelayTechnique) -> RelayReachability:
    """One directory authority as the simulated censor lets us reach it."""
    endpoint = Endpoint(ip, port)
    tcp_failure = {
        RelayTechnique.BLACKHOLE: TIMEOUT,
        RelayTechnique.SHUTDOWN: TIMEOUT,
        RelayTechnique.RESET: "connection_refused",
    }.get(technique)
    if tcp_failure is not None:
        return RelayReachability(nickname, endpoint, TcpConnect(endpoint, tcp_failure, 10.0), None)
    tls_failure = RESET if technique is RelayTechnique.TLS_RESET else None
    handshake = _handshake(endpoint, None, SniRole.NONE, tls_failure, tls_failure is None, 0.2)
    return RelayReachability(nickname, endpoint, TcpConnect(endpoint, None, 0.08), handshake)
