"""Hand-built observations of each technique: what a censored network looks like, as values.

They pin down the analysis in the tests, and give trainers and the demo mode a canonical example
of every technique without a network. The addresses follow the brief's examples: the real site at
``93.184.215.14`` (AS15133), injected answers from private or fingerprinted addresses.
"""

from __future__ import annotations

from datetime import UTC, datetime

from byway.measure.observations import (
    Control,
    ControlDns,
    ControlHttp,
    ControlIpInfo,
    ControlTcp,
    ControlTls,
    Diagnosis,
    DnsEngine,
    DnsQuery,
    DnsReply,
    Endpoint,
    HttpRequest,
    HttpResponse,
    Observation,
    PacingSkip,
    RelayReachability,
    SniRole,
    Target,
    TargetKind,
    TcpConnect,
    TlsHandshake,
)

STARTED_AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
REAL_IP = "93.184.215.14"
REAL_ASN = 15133
BOGON_IP = "10.10.34.35"
CN_INJECTOR_IP = "8.7.198.45"  # ooni.cn_0 in the DNS fingerprints
OTHER_IP = "198.35.26.96"  # a public address in another network
PAGE_TITLE = "Example Domain"
PAGE_HEADERS = (("Content-Type", "text/html"), ("X-Example-Id", "abc"), ("Date", "Thu, 01 Jan 2026"))
PAGE_BODY = b"<html><head><title>Example Domain</title></head><body>" + b"x" * 1200 + b"</body></html>"


def control(
    *,
    addresses: tuple[str, ...] = (REAL_IP,),
    dns_failure: str | None = None,
    port: int = 443,
    connects: bool = True,
    http_failure: str | None = None,
    status_code: int = 200,
    body_length: int = len(PAGE_BODY),
    extra_ip_info: dict[str, ControlIpInfo] | None = None,
) -> Control:
    """The test helper's view of a healthy (or, with arguments, a failing) site."""
    endpoints = {
        str(Endpoint(a, port)): ControlTcp(connects, None if connects else "connection_refused")
        for a in addresses
    }
    tls = {
        key: ControlTls("example.org", connects, None if connects else "connection_refused")
        for key in endpoints
        if port == 443
    }
    ip_info = {a: ControlIpInfo(REAL_ASN, 2) for a in addresses}
    ip_info.update(extra_ip_info or {})
    http = ControlHttp(
        failure=http_failure,
        status_code=0 if http_failure else status_code,
        body_length=0 if http_failure else body_length,
        title="" if http_failure else PAGE_TITLE,
        headers=() if http_failure else PAGE_HEADERS,
    )
    return Control(
        dns=ControlDns(dns_failure, () if dns_failure else addresses),
        tcp_connect=endpoints,
        tls_handshake=tls,
        http_request=http,
        ip_info=ip_info,
    )


def system_query(
    addresses: tuple[str, ...] = (REAL_IP,), failure: str | None = None, hostname: str = "example.org"
) -> DnsQuery:
    return DnsQuery(hostname, DnsEngine.SYSTEM, "", addresses, failure, 0.02)


def tcp(ip: str = REAL_IP, port: int = 443, failure: str | None = None) -> TcpConnect:
    return TcpConnect(Endpoint(ip, port), failure, 0.05)


def tls(
    ip: str = REAL_IP,
    role: SniRole = SniRole.REAL,
    failure: str | None = None,
    *,
    completed: bool | None = None,
    server_name: str | None = "example.org",
) -> TlsHandshake:
    name = {SniRole.REAL: server_name, SniRole.BENIGN: "www.example.com", SniRole.NONE: None}[role]
    done = failure is None if completed is None else completed
    return TlsHandshake(Endpoint(ip, 443), name, role, failure, done, 0.1, "TLSv1.3" if done else None)


def response(
    url: str = "https://example.org/",
    *,
    status_code: int = 200,
    body: bytes = PAGE_BODY,
    headers: tuple[tuple[str, str], ...] = PAGE_HEADERS,
    title: str = PAGE_TITLE,
    truncated: bool = False,
) -> HttpResponse:
    return HttpResponse(url, status_code, headers, body, len(body), truncated, title)


def fetch(
    url: str = "https://example.org/", failure: str | None = None, page: HttpResponse | None = None
) -> HttpRequest:
    if failure is not None:
        return HttpRequest(url, failure, None, (), 0.3)
    return HttpRequest(url, None, page if page is not None else response(url), (), 0.3)


def observation(
    url: str = "https://example.org/",
    *,
    queries: tuple[DnsQuery, ...] | None = None,
    tcp_connect: tuple[TcpConnect, ...] | None = None,
    tls_handshakes: tuple[TlsHandshake, ...] | None = None,
    http: HttpRequest | None = None,
    control_view: Control | None = None,
    control_failure: str | None = None,
    kind: TargetKind = TargetKind.WEBSITE,
    skipped: tuple[PacingSkip, ...] = (),
) -> Observation:
    """A healthy HTTPS fetch of ``url``, with any part replaced."""
    port = 443 if url.startswith("https") else 80
    return Observation(
        target=Target(url, kind),
        started_at=STARTED_AT,
        runtime_s=1.5,
        queries=queries if queries is not None else (system_query(),),
        tcp_connect=tcp_connect if tcp_connect is not None else (tcp(port=port),),
        tls_handshakes=tls_handshakes if tls_handshakes is not None else ((tls(),) if port == 443 else ()),
        http=http if http is not None else fetch(url),
        control=control_view if control_view is not None or control_failure else control(port=port),
        control_failure=control_failure,
        skipped=skipped,
    )


def accessible() -> Observation:
    return observation()


def dns_blocking(failure: str = "dns_nxdomain_error") -> Observation:
    return observation(
        queries=(system_query((), failure),), tcp_connect=(), tls_handshakes=(), http=fetch(failure=failure)
    )


def dns_bogon_injection() -> Observation:
    return observation(
        queries=(system_query((BOGON_IP,)),),
        tcp_connect=(tcp(BOGON_IP, failure="generic_timeout_error"),),
        tls_handshakes=(),
        http=fetch(failure="generic_timeout_error"),
    )


def dns_known_injector() -> Observation:
    return observation(
        queries=(system_query((CN_INJECTOR_IP,)),),
        tcp_connect=(tcp(CN_INJECTOR_IP, failure="generic_timeout_error"),),
        tls_handshakes=(),
        http=fetch(failure="generic_timeout_error"),
    )


def dns_racing_reply() -> Observation:
    """A UDP query that got the injector's answer first and the genuine one 40 ms later."""
    racing = DnsQuery(
        "example.org",
        DnsEngine.UDP,
        "8.8.8.8:53",
        (OTHER_IP,),
        None,
        0.01,
        replies=(DnsReply((OTHER_IP,), "NOERROR", 0.01), DnsReply((REAL_IP,), "NOERROR", 0.05)),
    )
    return observation(queries=(system_query(), racing))


def dns_differs() -> Observation:
    return observation(
        queries=(system_query((OTHER_IP,)),),
        tcp_connect=(tcp(OTHER_IP),),
        tls_handshakes=(tls(OTHER_IP, failure="ssl_invalid_hostname", completed=True),),
        http=fetch(failure="ssl_invalid_hostname"),
        control_view=control(extra_ip_info={OTHER_IP: ControlIpInfo(14907, 1)}),
    )


def ip_blackhole() -> Observation:
    return observation(
        tcp_connect=(tcp(failure="generic_timeout_error"),),
        tls_handshakes=(),
        http=fetch(failure="generic_timeout_error"),
    )


def tcp_reset_on_connect() -> Observation:
    return observation(
        tcp_connect=(tcp(failure="connection_reset"),),
        tls_handshakes=(),
        http=fetch(failure="connection_reset"),
    )


def tcp_reset_after_data() -> Observation:
    url = "http://example.org/"
    return observation(url, http=fetch(url, failure="connection_reset"))


def sni_filtering() -> Observation:
    return observation(
        tls_handshakes=(
            tls(failure="connection_reset", completed=False),
            tls(role=SniRole.BENIGN, failure="ssl_invalid_hostname", completed=True),
        ),
        http=fetch(failure="connection_reset"),
    )


def tls_interference() -> Observation:
    return observation(
        tls_handshakes=(
            tls(failure="generic_timeout_error", completed=False),
            tls(role=SniRole.BENIGN, failure="generic_timeout_error", completed=False),
            tls(role=SniRole.NONE, failure="generic_timeout_error", completed=False),
        ),
        http=fetch(failure="generic_timeout_error"),
    )


BLOCKPAGE_BODY = b"<html><body>This site is blocked. it-security-operations@etisalat.ae</body></html>"


def http_blockpage() -> Observation:
    url = "http://example.org/"
    page = response(url, status_code=200, body=BLOCKPAGE_BODY, headers=(("Server", "x"),), title="Blocked")
    return observation(url, http=fetch(url, page=page))


def http_diff() -> Observation:
    url = "http://example.org/"
    page = response(
        url, status_code=403, body=b"<html>Forbidden</html>", headers=(("Server", "x"),), title="Forbidden"
    )
    return observation(url, http=fetch(url, page=page))


def http_failure() -> Observation:
    url = "http://example.org/"
    return observation(url, http=fetch(url, failure="eof_error"))


def site_down() -> Observation:
    return observation(
        tcp_connect=(tcp(failure="connection_refused"),),
        tls_handshakes=(),
        http=fetch(failure="connection_refused"),
        control_view=control(connects=False, http_failure="connection_refused"),
    )


def doh_blocked() -> Observation:
    doh = DnsQuery("example.org", DnsEngine.DOH, "https://dns.google/dns-query", (), "connection_reset", 0.2)
    return observation(queries=(system_query(), doh))


def paced() -> Observation:
    return observation(skipped=(PacingSkip(Endpoint(REAL_IP, 443), "residual_window"),))


DIRECTORY_AUTHORITIES = (
    ("moria1", "128.31.0.39", 9201),
    ("tor26", "217.196.147.77", 443),
    ("dizum", "45.66.35.11", 443),
)


def relay(
    nickname: str = "moria1",
    ip: str = "128.31.0.39",
    port: int = 9201,
    *,
    tcp_failure: str | None = None,
    tls_failure: str | None = None,
) -> RelayReachability:
    """A directory authority's ORPort as this network let us reach it (or not)."""
    endpoint = Endpoint(ip, port)
    handshake = None
    if tcp_failure is None:
        done = tls_failure is None or tls_failure.startswith("ssl_invalid")
        handshake = TlsHandshake(endpoint, None, SniRole.NONE, tls_failure, done, 0.2)
    return RelayReachability(nickname, endpoint, TcpConnect(endpoint, tcp_failure, 0.1), handshake)


def relays(
    *, tcp_failure: str | None = None, tls_failure: str | None = None
) -> tuple[RelayReachability, ...]:
    return tuple(
        relay(n, ip, p, tcp_failure=tcp_failure, tls_failure=tls_failure)
        for n, ip, p in DIRECTORY_AUTHORITIES
    )


def diagnosis(
    observations: tuple[Observation, ...], relay_views: tuple[RelayReachability, ...] = ()
) -> Diagnosis:
    return Diagnosis(
        started_at=STARTED_AT,
        runtime_s=sum(o.runtime_s for o in observations),
        observations=observations,
        relays=relay_views,
        resolver="",
        doh_url="https://dns.google/dns-query",
        test_helper="https://0.th.ooni.org/",
    )


def shutdown() -> Diagnosis:
    """Nothing answers: every connection times out, the control and DoH too, and every relay."""
    dead = observation(
        queries=(
            system_query((), "generic_timeout_error"),
            DnsQuery(
                "example.org", DnsEngine.DOH, "https://dns.google/dns-query", (), "generic_timeout_error", 4.0
            ),
        ),
        tcp_connect=(),
        tls_handshakes=(),
        http=fetch(failure="generic_timeout_error"),
        control_failure="generic_timeout_error",
    )
    return diagnosis((dead,), relays(tcp_failure="generic_timeout_error"))
