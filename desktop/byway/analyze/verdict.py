"""OONI's web_connectivity verdict for one target: was it blocked, and at which layer?

The keys and their values are OONI's (ts-017), so a Byway measurement reads like an OONI one. The
order of the questions follows OONI's analysis: a validated HTTPS fetch proves access; without a
control nothing can be said; a failure the control shares is an outage, not censorship; then DNS,
TCP/IP, and HTTP in the order a browser meets them. The newer bit flags are kept alongside.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntFlag, StrEnum
from typing import Literal
from urllib.parse import urlsplit

from byway.analyze.addresses import STANDARD_POLICY, AddressPolicy, is_ip_literal
from byway.analyze.fingerprints import EMPTY_DATABASE, FingerprintDatabase
from byway.analyze.http_compare import body_length_match, headers_match, status_code_match, title_match
from byway.measure import failures
from byway.measure.observations import (
    Control,
    DnsEngine,
    DnsQuery,
    Failure,
    Observation,
    SniRole,
    TlsHandshake,
)

BlockingReason = Literal["dns", "tcp_ip", "http-failure", "http-diff"]
Blocking = Literal[False] | BlockingReason | None
"""OONI's ``blocking`` key: ``False`` (none), a layer, or ``None`` (cannot tell)."""

BLOCKING_REASONS: tuple[BlockingReason, ...] = ("dns", "tcp_ip", "http-failure", "http-diff")


class DnsConsistency(StrEnum):
    CONSISTENT = "consistent"
    INCONSISTENT = "inconsistent"


class BlockingFlags(IntFlag):
    """OONI's newer per-layer blocking bits."""

    NONE = 0
    DNS = 1
    TCP_IP = 2
    TLS = 4
    HTTP_FAILURE = 8
    HTTP_DIFF = 16
    SUCCESS = 32


class DnsFlags(IntFlag):
    """OONI's newer DNS bits."""

    NONE = 0
    BOGON = 1
    UNEXPECTED_FAILURE = 2
    UNEXPECTED_ADDRESSES = 4


@dataclass(frozen=True)
class Verdict:
    """OONI's verdict keys for one target, plus the newer bit flags."""

    dns_consistency: DnsConsistency | None
    dns_experiment_failure: Failure | None
    control_failure: Failure | None
    http_experiment_failure: Failure | None
    body_length_match: bool | None
    body_proportion: float | None
    status_code_match: bool | None
    headers_match: bool | None
    title_match: bool | None
    blocking: Blocking
    accessible: bool | None
    blocking_flags: BlockingFlags = BlockingFlags.NONE
    dns_flags: DnsFlags = DnsFlags.NONE

    @property
    def site_down(self) -> bool:
        """OONI's ``blocking=false, accessible=false``: the site fails for the control too."""
        return self.blocking is False and self.accessible is False


_CONTROL_FAILURE_ALIASES = {
    "dns_name_error": "dns_nxdomain_error",
    "dns_server_failure": "dns_servfail_error",
}


def _same_dns_failure(probe: Failure, control: Failure) -> bool:
    """The helper words NXDOMAIN as ``dns_name_error``; the probe as ``dns_nxdomain_error``."""
    return _CONTROL_FAILURE_ALIASES.get(control, control) == _CONTROL_FAILURE_ALIASES.get(probe, probe)


def probe_query(observation: Observation) -> DnsQuery | None:
    """The resolution a browser would have used: the system resolver's, else plain UDP's."""
    return observation.query(DnsEngine.SYSTEM) or observation.query(DnsEngine.UDP)


def validated_addresses(handshakes: tuple[TlsHandshake, ...]) -> frozenset[str]:
    """Addresses that completed a handshake validated for the target's own name: proven genuine."""
    return frozenset(h.endpoint.ip for h in handshakes if h.role is SniRole.REAL and h.failure is None)


def asns(control: Control, addresses: tuple[str, ...]) -> frozenset[int]:
    """The non-zero ASNs the control's ip_info gives for ``addresses``."""
    found = (control.ip_info.get(a) for a in addresses)
    return frozenset(info.asn for info in found if info is not None and info.asn != 0)


def dns_consistency(
    query: DnsQuery | None,
    control: Control | None,
    hostname: str,
    handshakes: tuple[TlsHandshake, ...] = (),
) -> DnsConsistency | None:
    """OONI's rule: consistent when both fail alike, or share an address, or a non-zero ASN, or an
    address completed a TLS handshake validated for the name; ``None`` when there is nothing to judge.
    """
    if is_ip_literal(hostname):
        return DnsConsistency.CONSISTENT
    if query is None or control is None:
        return None
    probe_failure, control_failure = query.failure, control.dns.failure
    if probe_failure is not None or control_failure is not None:
        both = probe_failure is not None and control_failure is not None
        if both and _same_dns_failure(probe_failure or "", control_failure or ""):
            return DnsConsistency.CONSISTENT
        return DnsConsistency.INCONSISTENT
    if set(query.addresses) & set(control.dns.addresses):
        return DnsConsistency.CONSISTENT
    if asns(control, query.addresses) & asns(control, control.dns.addresses):
        return DnsConsistency.CONSISTENT
    if set(query.addresses) & validated_addresses(handshakes):
        return DnsConsistency.CONSISTENT
    return DnsConsistency.INCONSISTENT


def dns_flags(
    query: DnsQuery | None,
    control: Control | None,
    consistency: DnsConsistency | None,
    policy: AddressPolicy,
) -> DnsFlags:
    flags = DnsFlags.NONE
    if query is None:
        return flags
    control_addresses = set(control.dns.addresses) if control is not None else set()
    if any(a not in control_addresses for a in policy.bogons(query.addresses)):
        flags |= DnsFlags.BOGON
    if control is not None and query.failure is not None and control.dns.failure is None:
        flags |= DnsFlags.UNEXPECTED_FAILURE
    if consistency is DnsConsistency.INCONSISTENT and query.addresses:
        flags |= DnsFlags.UNEXPECTED_ADDRESSES
    return flags


@dataclass(frozen=True)
class _HttpComparison:
    body_length_match: bool | None = None
    body_proportion: float | None = None
    status_code_match: bool | None = None
    headers_match: bool | None = None
    title_match: bool | None = None


def _compare_http(observation: Observation) -> _HttpComparison:
    http, control = observation.http, observation.control
    if http is None or http.response is None or control is None or control.http_request.failure:
        return _HttpComparison()
    response, theirs = http.response, control.http_request
    length_match, proportion = body_length_match(
        response.body_length, theirs.body_length, truncated=response.body_truncated
    )
    valid = response.status_code > 0 and theirs.status_code > 0
    return _HttpComparison(
        body_length_match=length_match,
        body_proportion=proportion,
        status_code_match=status_code_match(response.status_code, theirs.status_code),
        headers_match=headers_match(response.headers, theirs.headers) if valid else None,
        title_match=title_match(response.title, theirs.title) if valid else None,
    )


def _control_connected(control: Control, endpoint: str) -> bool:
    entry = control.tcp_connect.get(endpoint)
    return entry is not None and entry.success


def _https_fetched(observation: Observation) -> bool:
    """OONI: a successful HTTPS fetch validated the certificate, so it reached the real site."""
    http = observation.http
    if http is None or http.failure is not None or http.response is None:
        return False
    return urlsplit(http.response.url or http.url).scheme.lower() == "https"


def _decide(
    observation: Observation,
    consistency: DnsConsistency | None,
    compared: _HttpComparison,
    blockpage: bool,
) -> tuple[Blocking, bool | None]:
    """OONI's decision tree, as ``(blocking, accessible)``.

    Two refinements over the legacy tree, both from OONI's newer analysis: a page that matches a
    blockpage fingerprint is blocked whatever the control says (the fingerprint is the proof), and a
    page that differs from the control after an inconsistent DNS answer is blamed on DNS, which sent
    the browser to the wrong server in the first place.
    """
    if _https_fetched(observation):
        return False, True
    inconsistent = consistency is DnsConsistency.INCONSISTENT
    if blockpage:
        return ("dns" if inconsistent else "http-diff"), False
    control = observation.control
    if control is None or observation.control_failure is not None:
        return None, None
    query = probe_query(observation)
    if query is not None and query.failure is not None:
        return (False, False) if control.dns.failure is not None else ("dns", False)
    attempts = observation.tcp_connect
    if attempts and all(c.failure is not None for c in attempts):
        if inconsistent:
            return "dns", False  # the addresses were wrong: that the control cannot reach them is moot
        if not any(_control_connected(control, str(c.endpoint)) for c in attempts):
            return False, False
        return "tcp_ip", False
    http = observation.http
    if control.http_request.failure is not None:
        probe_failed = http is None or http.failure is not None
        return (False, False) if probe_failed else (None, None)
    if http is None:
        return None, None
    if http.failure is not None or http.response is None:
        return ("dns", False) if inconsistent else ("http-failure", False)
    if compared.status_code_match and (
        compared.body_length_match or compared.headers_match or compared.title_match
    ):
        return False, True
    return ("dns" if inconsistent else "http-diff"), False


def _tls_interfered(observation: Observation) -> bool:
    connected = {c.endpoint for c in observation.tcp_connect if c.failure is None}
    control = observation.control
    for handshake in observation.tls_handshakes:
        if handshake.role is not SniRole.REAL or handshake.handshake_completed:
            continue
        if handshake.endpoint not in connected or control is None:
            continue
        theirs = control.tls_handshake.get(str(handshake.endpoint))
        if theirs is None or theirs.success:
            return True
    return False


def _blocking_flags(
    observation: Observation, blocking: Blocking, accessible: bool | None, flags: DnsFlags, blockpage: bool
) -> BlockingFlags:
    result = BlockingFlags.NONE
    control = observation.control
    if blocking == "dns" or flags & (DnsFlags.UNEXPECTED_FAILURE | DnsFlags.UNEXPECTED_ADDRESSES):
        result |= BlockingFlags.DNS
    if control is not None and any(
        c.failure is not None and _control_connected(control, str(c.endpoint))
        for c in observation.tcp_connect
    ):
        result |= BlockingFlags.TCP_IP
    if _tls_interfered(observation):
        result |= BlockingFlags.TLS
    if blocking == "http-failure":
        result |= BlockingFlags.HTTP_FAILURE
    if blocking == "http-diff" or blockpage or (blocking == "dns" and _page_differs(observation)):
        result |= BlockingFlags.HTTP_DIFF
    if accessible is True:
        result |= BlockingFlags.SUCCESS
    return result


def _page_differs(observation: Observation) -> bool:
    http = observation.http
    return http is not None and http.failure is None and http.response is not None


def judge(
    observation: Observation,
    policy: AddressPolicy = STANDARD_POLICY,
    fingerprints: FingerprintDatabase = EMPTY_DATABASE,
) -> Verdict:
    """The verdict for one target. Total: any :class:`Observation` gets a verdict, never an error.

    Pass the fingerprints (:func:`~byway.analyze.fingerprints.load_fingerprints`) so that a known
    blockpage counts as blocking even when the control cannot be reached.
    """
    query = probe_query(observation)
    control = observation.control
    consistency = dns_consistency(query, control, observation.target.hostname, observation.tls_handshakes)
    compared = _compare_http(observation)
    response = observation.http.response if observation.http is not None else None
    blockpage = response is not None and bool(fingerprints.match_http(response))
    blocking, accessible = _decide(observation, consistency, compared, blockpage)
    if (
        observation.http is not None
        and observation.http.failure == failures.SKIPPED_RESIDUAL_WINDOW
        and blocking != "dns"
    ):
        # The page was not fetched on purpose (pacing): nothing is known about it, which is not
        # the same as "it failed".
        blocking, accessible = None, None
    flags = dns_flags(query, control, consistency, policy)
    http = observation.http
    return Verdict(
        dns_consistency=consistency,
        dns_experiment_failure=query.failure if query is not None else None,
        control_failure=observation.control_failure,
        http_experiment_failure=http.failure if http is not None else None,
        body_length_match=compared.body_length_match,
        body_proportion=compared.body_proportion,
        status_code_match=compared.status_code_match,
        headers_match=compared.headers_match,
        title_match=compared.title_match,
        blocking=blocking,
        accessible=accessible,
        blocking_flags=_blocking_flags(observation, blocking, accessible, flags, blockpage),
        dns_flags=flags,
    )


def allowed_outcomes() -> frozenset[tuple[Blocking, bool | None]]:
    """The ``(blocking, accessible)`` pairs OONI can emit: useful to check invariants."""
    blocked: set[tuple[Blocking, bool | None]] = {(reason, False) for reason in BLOCKING_REASONS}
    return frozenset(blocked | {(False, True), (False, False), (None, None)})
