"""Byway's findings: each names one censorship technique, what it hit, and the evidence.

A verdict says *that* a site is blocked; a finding says *how*, in terms a trainer can explain and an
advisor can act on (DNS injection calls for encrypted DNS, SNI filtering for a bridge that hides the
name, an IP black hole for a relay the censor does not know). Findings are typed values; the words
are chosen at the edge by :mod:`byway.analyze.words`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from byway.analyze.addresses import STANDARD_POLICY, AddressPolicy
from byway.analyze.fingerprints import EMPTY_DATABASE, FingerprintDatabase
from byway.analyze.verdict import DnsConsistency, Verdict, dns_consistency, judge, probe_query
from byway.measure.observations import (
    DnsEngine,
    DnsQuery,
    DnsReply,
    Endpoint,
    Failure,
    Observation,
    SniRole,
    TargetKind,
    TlsHandshake,
)


class Technique(StrEnum):
    DNS_BLOCKING = "dns_blocking"
    DNS_INJECTION = "dns_injection"
    DOH_BLOCKED = "doh_blocked"
    IP_BLACKHOLE = "ip_blackhole"
    TCP_RESET = "tcp_reset"
    TLS_SNI_FILTERING = "tls_sni_filtering"
    TLS_INTERFERENCE = "tls_interference"
    HTTP_BLOCKPAGE = "http_blockpage"
    HTTP_DIFF = "http_diff"
    HTTP_FAILURE = "http_failure"
    SITE_DOWN = "site_down"
    PACING_SKIP = "pacing_skip"


class Layer(StrEnum):
    DNS = "dns"
    TCP_IP = "tcp_ip"
    TLS = "tls"
    HTTP = "http"


LAYER_OF: dict[Technique, Layer | None] = {
    Technique.DNS_BLOCKING: Layer.DNS,
    Technique.DNS_INJECTION: Layer.DNS,
    Technique.DOH_BLOCKED: Layer.DNS,
    Technique.IP_BLACKHOLE: Layer.TCP_IP,
    Technique.TCP_RESET: Layer.TCP_IP,
    Technique.TLS_SNI_FILTERING: Layer.TLS,
    Technique.TLS_INTERFERENCE: Layer.TLS,
    Technique.HTTP_BLOCKPAGE: Layer.HTTP,
    Technique.HTTP_DIFF: Layer.HTTP,
    Technique.HTTP_FAILURE: Layer.HTTP,
    Technique.SITE_DOWN: None,
    Technique.PACING_SKIP: None,
}
"""Which network layer each technique interferes with (``None``: not interference)."""


class Sign(StrEnum):
    """Which piece of evidence gave a technique away, when there are several kinds."""

    KNOWN_INJECTOR = "known_injector"  # an address from OONI's DNS fingerprints
    RACING_REPLY = "racing_reply"  # a second, different reply after the first
    BOGON = "bogon"  # a private/reserved address for a public name
    DIFFERS_FROM_CONTROL = "differs_from_control"  # no shared address, ASN or valid certificate
    RESET_ON_CONNECT = "reset_on_connect"
    RESET_AFTER_DATA = "reset_after_data"
    INVALID_CERTIFICATE = "invalid_certificate"  # a genuine address presents a certificate not for the name


@dataclass(frozen=True)
class Evidence:
    """What was seen, as values; every field is optional because techniques leave different traces."""

    sign: Sign | None = None
    failure: Failure | None = None
    engine: DnsEngine | None = None
    resolver: str = ""
    addresses: tuple[str, ...] = ()
    control_addresses: tuple[str, ...] = ()
    late_addresses: tuple[str, ...] = ()
    endpoint: Endpoint | None = None
    benign_role: SniRole | None = None
    fingerprint: str = ""
    scope: str = ""
    countries: tuple[str, ...] = ()
    status_code: int | None = None
    control_status_code: int | None = None
    body_proportion: float | None = None
    reason: str = ""


@dataclass(frozen=True)
class Finding:
    """One technique seen on one subject (a hostname, an endpoint or a resolver URL)."""

    technique: Technique
    subject: str
    evidence: Evidence

    @property
    def layer(self) -> Layer | None:
        return LAYER_OF[self.technique]

    @property
    def is_interference(self) -> bool:
        return self.layer is not None


TLS_BLOCKING_FAILURES = frozenset({"connection_reset", "generic_timeout_error", "eof_error"})
"""What a censor's middlebox does to a ClientHello: reset it, drop it (timeout), or close the socket.
Handshake errors (``ssl_failed_handshake``) are the server's words, not a censor's."""

RESET_FAILURES = frozenset({"connection_reset", "connection_refused"})


def _control_resolves(observation: Observation) -> bool:
    control = observation.control
    if control is not None and control.dns.failure is None and control.dns.addresses:
        return True
    doh = observation.query(DnsEngine.DOH)
    return doh is not None and doh.failure is None and bool(doh.addresses)


def _control_addresses(observation: Observation) -> tuple[str, ...]:
    if observation.control is not None and observation.control.dns.addresses:
        return observation.control.dns.addresses
    doh = observation.query(DnsEngine.DOH)
    return doh.addresses if doh is not None else ()


def _family(address: str) -> int:
    return 6 if ":" in address else 4


def _racing_reply(query: DnsQuery) -> tuple[str, ...] | None:
    """The addresses of a later reply that contradicts the first: an injector won the race.

    Replies are compared with the first reply to the same question (A with A, AAAA with AAAA):
    the two questions are asked at once and their answers arrive in either order. Only a
    contradiction counts. A later reply with no address, or with addresses of a family the first
    reply did not answer, is ordinary traffic; a later reply with addresses after a first "no such
    name" is the genuine resolver arriving too late.
    """
    for kind in dict.fromkeys(reply.query_type for reply in query.replies):
        replies = [reply for reply in query.replies if reply.query_type == kind]
        late = _contradiction(replies[0], replies[1:])
        if late is not None:
            return late
    return None


def _contradiction(first: DnsReply, later_replies: Iterable[DnsReply]) -> tuple[str, ...] | None:
    for later in later_replies:
        if not later.addresses:
            continue
        if not first.addresses:
            if first.rcode != "NOERROR":
                return later.addresses
            continue
        for family in {_family(a) for a in later.addresses}:
            ours = {a for a in first.addresses if _family(a) == family}
            theirs = {a for a in later.addresses if _family(a) == family}
            if ours and ours != theirs:
                return later.addresses
    return None


def _dns_findings(
    observation: Observation, query: DnsQuery, policy: AddressPolicy, fingerprints: FingerprintDatabase
) -> Iterable[Finding]:
    host = observation.target.hostname
    base = Evidence(
        engine=query.engine,
        resolver=query.resolver,
        addresses=query.addresses,
        control_addresses=_control_addresses(observation),
    )
    late = _racing_reply(query)
    if query.failure is not None:
        if _control_resolves(observation):
            yield Finding(Technique.DNS_BLOCKING, host, _with(base, failure=query.failure))
        if late is not None and late:
            yield Finding(Technique.DNS_INJECTION, host, _with(base, sign=Sign.RACING_REPLY, late=late))
        return
    # An address the control also got is the site's own, whatever the fingerprints say (127.0.0.1 is
    # both a common injected answer and, in a lab, a real one).
    known = fingerprints.match_dns([a for a in query.addresses if a not in base.control_addresses])
    bogons = [a for a in policy.bogons(query.addresses) if a not in base.control_addresses]
    consistency = dns_consistency(query, observation.control, host, observation.tls_handshakes)
    fp_name, fp_countries = (known[0].name, known[0].countries) if known else ("", ())
    if bogons:
        evidence = _with(
            base, sign=Sign.BOGON, addresses=tuple(bogons), fingerprint=fp_name, countries=fp_countries
        )
        yield Finding(Technique.DNS_INJECTION, host, evidence)
    elif known:
        evidence = _with(base, sign=Sign.KNOWN_INJECTOR, fingerprint=fp_name, countries=fp_countries)
        yield Finding(Technique.DNS_INJECTION, host, evidence)
    elif late is None and consistency is DnsConsistency.INCONSISTENT:
        yield Finding(Technique.DNS_INJECTION, host, _with(base, sign=Sign.DIFFERS_FROM_CONTROL))
    if late is not None:
        # A second, contradicting reply is independent evidence of an on-path injector: report it
        # even when the first answer was already a bogon or a known injector address.
        yield Finding(Technique.DNS_INJECTION, host, _with(base, sign=Sign.RACING_REPLY, late=late))


def _with(
    evidence: Evidence,
    *,
    sign: Sign | None = None,
    failure: Failure | None = None,
    addresses: tuple[str, ...] | None = None,
    late: tuple[str, ...] = (),
    fingerprint: str = "",
    countries: tuple[str, ...] = (),
) -> Evidence:
    return Evidence(
        sign=sign,
        failure=failure,
        engine=evidence.engine,
        resolver=evidence.resolver,
        addresses=evidence.addresses if addresses is None else addresses,
        control_addresses=evidence.control_addresses,
        late_addresses=late,
        fingerprint=fingerprint,
        countries=countries,
    )


def _doh_findings(observation: Observation, verdict: Verdict) -> Iterable[Finding]:
    doh = observation.query(DnsEngine.DOH)
    local = probe_query(observation)
    others_resolve = (local is not None and local.failure is None) or (
        observation.control is not None and observation.control.dns.failure is None
    )
    if doh is not None and doh.failure is not None and others_resolve:
        yield Finding(
            Technique.DOH_BLOCKED, doh.resolver, Evidence(failure=doh.failure, engine=DnsEngine.DOH)
        )
    if observation.target.kind is TargetKind.DOH_RESOLVER and verdict.blocking not in (False, None):
        failure = verdict.http_experiment_failure or verdict.dns_experiment_failure
        yield Finding(Technique.DOH_BLOCKED, observation.target.url, Evidence(failure=failure))


def _tcp_findings(observation: Observation) -> Iterable[Finding]:
    control = observation.control
    if control is None:
        return
    for attempt in observation.tcp_connect:
        theirs = control.tcp_connect.get(str(attempt.endpoint))
        if attempt.failure is None or theirs is None or not theirs.success:
            continue
        evidence = Evidence(failure=attempt.failure, endpoint=attempt.endpoint)
        if attempt.failure in RESET_FAILURES:
            evidence = Evidence(
                failure=attempt.failure, endpoint=attempt.endpoint, sign=Sign.RESET_ON_CONNECT
            )
            yield Finding(Technique.TCP_RESET, str(attempt.endpoint), evidence)
        else:
            yield Finding(Technique.IP_BLACKHOLE, str(attempt.endpoint), evidence)


def _tls_findings(observation: Observation) -> Iterable[Finding]:
    by_endpoint: dict[Endpoint, list[TlsHandshake]] = {}
    for handshake in observation.tls_handshakes:
        by_endpoint.setdefault(handshake.endpoint, []).append(handshake)
    connected = {c.endpoint for c in observation.tcp_connect if c.failure is None}
    control = observation.control
    genuine = set(_control_addresses(observation))
    host = observation.target.hostname
    for endpoint, handshakes in sorted(by_endpoint.items()):
        real = [h for h in handshakes if h.role is SniRole.REAL]
        others = [h for h in handshakes if h.role is not SniRole.REAL and h.handshake_completed]
        blocked = [h for h in real if not h.handshake_completed and h.failure in TLS_BLOCKING_FAILURES]
        if blocked and others:
            evidence = Evidence(failure=blocked[0].failure, endpoint=endpoint, benign_role=others[0].role)
            yield Finding(Technique.TLS_SNI_FILTERING, host, evidence)
            continue
        theirs = control.tls_handshake.get(str(endpoint)) if control is not None else None
        control_disagrees = theirs is None or theirs.success
        tcp_fine = endpoint in connected or not observation.tcp_connect
        if blocked and tcp_fine and control_disagrees and not any(h.handshake_completed for h in handshakes):
            evidence = Evidence(failure=blocked[0].failure, endpoint=endpoint)
            yield Finding(Technique.TLS_INTERFERENCE, host, evidence)
            continue
        miscertified = [h for h in real if h.handshake_completed and h.failure is not None]
        if miscertified and endpoint.ip in genuine and theirs is not None and theirs.success:
            evidence = Evidence(
                sign=Sign.INVALID_CERTIFICATE, failure=miscertified[0].failure, endpoint=endpoint
            )
            yield Finding(Technique.TLS_INTERFERENCE, host, evidence)


def _http_findings(
    observation: Observation, verdict: Verdict, fingerprints: FingerprintDatabase, explained: bool
) -> Iterable[Finding]:
    http, host = observation.http, observation.target.hostname
    if http is None:
        return
    if http.response is not None:
        matches = fingerprints.match_http(http.response)
        if matches:
            fp = matches[0].fingerprint
            evidence = Evidence(
                fingerprint=fp.name,
                scope=fp.scope,
                countries=fp.countries,
                status_code=http.response.status_code,
                reason=matches[0].location,
            )
            yield Finding(Technique.HTTP_BLOCKPAGE, host, evidence)
            return
    control = observation.control
    control_status = control.http_request.status_code if control is not None else None
    if verdict.blocking == "http-diff" and http.response is not None:
        evidence = Evidence(
            status_code=http.response.status_code,
            control_status_code=control_status,
            body_proportion=verdict.body_proportion,
        )
        yield Finding(Technique.HTTP_DIFF, host, evidence)
    elif http.failure is not None and not explained and control is not None:
        if control.http_request.failure is not None:
            return
        connected = any(c.failure is None for c in observation.tcp_connect)
        if http.failure in RESET_FAILURES and connected and observation.target.scheme == "http":
            yield Finding(
                Technique.TCP_RESET, host, Evidence(failure=http.failure, sign=Sign.RESET_AFTER_DATA)
            )
        else:
            yield Finding(Technique.HTTP_FAILURE, host, Evidence(failure=http.failure))


def find(
    observation: Observation,
    verdict: Verdict | None = None,
    *,
    policy: AddressPolicy = STANDARD_POLICY,
    fingerprints: FingerprintDatabase = EMPTY_DATABASE,
) -> tuple[Finding, ...]:
    """Every technique the evidence for one target supports, most fundamental layer first.

    A target that fails for the control too is reported as down, and nothing else is claimed: an
    outage is not censorship.
    """
    verdict = verdict if verdict is not None else judge(observation, policy, fingerprints)
    skips = tuple(
        Finding(Technique.PACING_SKIP, str(s.endpoint), Evidence(endpoint=s.endpoint, reason=s.reason))
        for s in observation.skipped
    )
    host = observation.target.hostname
    if verdict.site_down:
        failure = verdict.dns_experiment_failure or verdict.http_experiment_failure
        return (Finding(Technique.SITE_DOWN, host, Evidence(failure=failure)), *skips)
    found: list[Finding] = []
    for engine in (DnsEngine.SYSTEM, DnsEngine.UDP):
        query = observation.query(engine)
        if query is not None:
            found.extend(_dns_findings(observation, query, policy, fingerprints))
    found.extend(_doh_findings(observation, verdict))
    found.extend(_tcp_findings(observation))
    found.extend(_tls_findings(observation))
    explained = any(f.layer in (Layer.TCP_IP, Layer.TLS) for f in found) or verdict.blocking == "dns"
    found.extend(_http_findings(observation, verdict, fingerprints, explained))
    return (*_unique(found), *skips)


def _unique(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    seen: set[Finding] = set()
    result: list[Finding] = []
    for finding in findings:
        if finding not in seen:
            seen.add(finding)
            result.append(finding)
    return tuple(result)
