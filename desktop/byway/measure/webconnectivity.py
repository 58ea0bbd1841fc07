"""Measure one target the way OONI's web_connectivity does, plus SNI attribution.

DNS first (system, UDP, DoH in parallel), then, all at once: a TCP connect to every address, the
TLS handshakes (benign name first, as a control, then the real name, then no name if the real one
failed), the HTTP GET, and the request to the uncensored control. Each step has its own deadline, so
a black-holed address costs one TCP timeout, not a sum of them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from byway.measure import failures
from byway.measure.dns import resolve_doh, resolve_system, resolve_udp
from byway.measure.http import HttpLimits, probe_http
from byway.measure.observations import (
    Control,
    DnsEngine,
    DnsQuery,
    Endpoint,
    HttpRequest,
    Observation,
    PacingSkip,
    SniRole,
    Target,
    TcpConnect,
    TlsHandshake,
)
from byway.measure.pacing import Pacing
from byway.measure.settings import ProbeSettings
from byway.measure.tcp import probe_tcp
from byway.measure.tls import probe_tls
from byway.testhelper.client import query_control

# Failures that a censor's trigger produces after data was sent (a reset, a stall, a cut).
_TRIGGER_FAILURES = {failures.CONNECTION_RESET, failures.GENERIC_TIMEOUT, failures.EOF_ERROR}


@dataclass
class ProbeContext:
    """What the probes of one diagnosis share: settings, pacing memory, and one HTTP client."""

    settings: ProbeSettings
    pacing: Pacing
    client: httpx.AsyncClient


async def _resolve_all(hostname: str, ctx: ProbeContext) -> tuple[DnsQuery, ...]:
    s = ctx.settings
    jobs = []
    if s.use_system_resolver:
        jobs.append(resolve_system(hostname, timeout_s=s.dns_timeout_s))
    if s.resolver is not None:
        jobs.append(resolve_udp(hostname, s.resolver, timeout_s=s.dns_timeout_s, listen_s=s.udp_listen_s))
    if s.doh_url:
        jobs.append(resolve_doh(ctx.client, s.doh_url, hostname, timeout_s=s.dns_timeout_s))
    return tuple(await asyncio.gather(*jobs))


def local_addresses(queries: Sequence[DnsQuery], use_system: bool) -> tuple[str, ...]:
    """The addresses this machine would use: the system resolver's, else the chosen UDP resolver's."""
    engine = DnsEngine.SYSTEM if use_system else DnsEngine.UDP
    for query in queries:
        if query.engine is engine:
            return query.addresses
    return ()


def _endpoints(queries: Sequence[DnsQuery], target: Target, settings: ProbeSettings) -> list[Endpoint]:
    addresses = list(local_addresses(queries, settings.use_system_resolver))
    if not addresses:
        # The local resolver failed or lied with nothing: test the uncensored addresses (DoH), so
        # the diagnosis can tell "DNS only" from "DNS and the address too".
        for query in queries:
            if query.engine is DnsEngine.DOH:
                addresses = list(query.addresses)
    return [Endpoint(ip, target.port) for ip in addresses[: settings.max_addresses]]


async def _tls_chain(endpoint: Endpoint, hostname: str, ctx: ProbeContext) -> list[TlsHandshake]:
    """Benign name first (a control that triggers nothing), then the real name, then no name."""
    timeout = ctx.settings.tls_timeout_s
    benign = await probe_tls(endpoint, ctx.settings.benign_server_name, SniRole.BENIGN, timeout_s=timeout)
    real = await probe_tls(endpoint, hostname, SniRole.REAL, timeout_s=timeout)
    results = [benign, real]
    if real.failure is not None and not real.handshake_completed:
        if real.failure in _TRIGGER_FAILURES:
            ctx.pacing.suspect_trigger(endpoint)
        if ctx.pacing.may_probe(endpoint):
            results.append(await probe_tls(endpoint, None, SniRole.NONE, timeout_s=timeout))
    return results


async def _http(
    target: Target, addresses: Sequence[str], dns_failure: str | None, ctx: ProbeContext
) -> HttpRequest:
    if not addresses:
        return HttpRequest(target.url, dns_failure or failures.DNS_NO_ANSWER, None, (), 0.0)
    s = ctx.settings

    async def resolve(host: str) -> Sequence[str]:
        queries = await _resolve_all(host, ctx)
        return local_addresses(queries, s.use_system_resolver)

    return await probe_http(
        target.url, addresses, resolve, limits=HttpLimits(s.http_timeout_s, s.max_body_bytes)
    )


async def _control(
    target: Target, endpoints: Sequence[Endpoint], ctx: ProbeContext
) -> tuple[Control | None, str | None]:
    if not ctx.settings.test_helper:
        return None, "control_disabled"
    return await query_control(
        ctx.client, ctx.settings.test_helper, target.url, endpoints, timeout_s=ctx.settings.control_timeout_s
    )


async def measure_target(target: Target, ctx: ProbeContext) -> Observation:
    """Everything Byway measures for one URL, as one :class:`Observation`."""
    started_at = datetime.now(UTC)
    start = time.monotonic()
    s = ctx.settings
    queries = await _resolve_all(target.hostname, ctx)
    endpoints = _endpoints(queries, target, s)
    allowed = [e for e in endpoints if ctx.pacing.may_probe(e)]
    skipped = tuple(PacingSkip(e, "residual_window") for e in endpoints if e not in allowed)
    addresses = local_addresses(queries, s.use_system_resolver)
    first_failure = next((q.failure for q in queries if q.failure), None)
    http_addresses = [a for a in addresses if Endpoint(a, target.port) in allowed]

    tcp_job = asyncio.gather(*(probe_tcp(e, timeout_s=s.tcp_timeout_s) for e in allowed))
    tls_job = asyncio.gather(
        *(_tls_chain(e, target.hostname, ctx) for e in allowed if target.scheme == "https")
    )
    http_job = (
        _http(target, http_addresses, first_failure, ctx)
        if http_addresses or not addresses
        else _skipped_http(target)
    )
    tcp, tls_chains, http, (control, control_failure) = await asyncio.gather(
        tcp_job, tls_job, http_job, _control(target, endpoints, ctx)
    )
    if http.failure in _TRIGGER_FAILURES:
        for endpoint in allowed:
            ctx.pacing.suspect_trigger(endpoint)
    return Observation(
        target=target,
        started_at=started_at,
        runtime_s=time.monotonic() - start,
        queries=queries,
        tcp_connect=tuple[TcpConnect, ...](tcp),
        tls_handshakes=tuple(h for chain in tls_chains for h in chain),
        http=http,
        control=control,
        control_failure=control_failure,
        skipped=skipped,
    )


async def _skipped_http(target: Target) -> HttpRequest:
    return HttpRequest(target.url, failures.SKIPPED_RESIDUAL_WINDOW, None, (), 0.0)
