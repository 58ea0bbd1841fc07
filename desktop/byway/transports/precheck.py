"""Pre-checks, done in seconds before any bootstrap: which ways out can even reach their first hop?

A tor bootstrap through a blocked bridge can take a minute to fail, and tor's own errors rarely say
why. So before connecting, every candidate is checked in parallel under one short timeout:

- plain Tor: TCP plus a TLS handshake to the directory authorities' and fallbacks' ORPorts;
- a vanilla bridge: TCP to its address;
- an obfs4 bridge: TCP to its address *and* a real obfs4 handshake, made by running the PT in client
  managed mode and connecting through its SOCKS port (obfs4proxy answers the SOCKS CONNECT only once
  its handshake with the bridge completed). The two results together tell an address block (TCP
  fails) from DPI on the obfs4 protocol (TCP connects, the handshake is reset or stalls).

The results are plain :class:`~byway.plan.ReachabilityCheck` values for the advisor. Failure strings
are OONI's words (``generic_timeout_error``, ``connection_reset``) or the PT's SOCKS reply
(``general_failure``). Bridge lines are secrets: nothing here logs them.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Sequence
from pathlib import Path

from byway.measure import failures
from byway.measure.observations import Endpoint
from byway.measure.relays import Relay, probe_relay
from byway.measure.tcp import close_quietly, probe_tcp
from byway.plan import ReachabilityCheck, Way
from byway.transports.bridge_line import Bridge, Transport
from byway.transports.managed_pt import (
    ClientMethod,
    ManagedTransportError,
    SocksError,
    managed_transport,
    socks5_connect,
)

DEFAULT_TIMEOUT_S = 6.0
FALLBACK_SAMPLE = 6
OBFS4_HANDSHAKE = "obfs4-handshake"


def tor_network_relays(
    *, fallbacks: int = FALLBACK_SAMPLE, rng: random.Random | None = None
) -> tuple[Relay, ...]:
    """The directory authorities plus a random handful of fallback directories, as stem ships them.

    A sample, because the fallbacks number in the hundreds and a pre-check must stay light.
    """
    from stem.directory import Fallback

    from byway.measure.relays import directory_authorities

    pool = sorted(Fallback.from_cache().values(), key=lambda f: f.fingerprint)
    chosen = (rng or random.SystemRandom()).sample(pool, min(fallbacks, len(pool)))
    extra = tuple(Relay(f"fallback-{f.fingerprint[:8]}", Endpoint(f.address, f.or_port)) for f in chosen)
    return directory_authorities() + extra


def _endpoint(bridge: Bridge) -> Endpoint:
    return Endpoint(str(bridge.address.ip), bridge.address.port)


async def check_direct(relays: Sequence[Relay], *, timeout_s: float = DEFAULT_TIMEOUT_S) -> ReachabilityCheck:
    """One check for plain Tor: reachable when any relay completes TCP and a TLS handshake.

    ``elapsed_s`` is the fastest success (or the slowest failure); ``failure`` the most common one.
    """
    start = time.monotonic()
    if not relays:
        return ReachabilityCheck(Way.DIRECT, None, False, "tcp+tls", 0.0, "no_relays")
    results = await asyncio.gather(*(probe_relay(relay, timeout_s=timeout_s) for relay in relays))
    successes = [
        r for r in results if r.tcp.failure is None and r.tls is not None and r.tls.handshake_completed
    ]
    if successes:
        fastest = min(r.tls.elapsed_s for r in successes if r.tls is not None)
        return ReachabilityCheck(Way.DIRECT, None, True, "tcp+tls", fastest)
    words: list[str] = []
    for r in results:
        if r.tcp.failure is not None:
            words.append(r.tcp.failure)
        elif r.tls is not None and r.tls.failure is not None:
            words.append("tls_" + r.tls.failure)
    failure = max(set(words), key=words.count) if words else "unknown_failure"
    return ReachabilityCheck(Way.DIRECT, None, False, "tcp+tls", time.monotonic() - start, failure)


async def check_tcp(bridge: Bridge, way: Way, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> ReachabilityCheck:
    """TCP to the bridge's address: all a vanilla bridge check can do without tor."""
    result = await probe_tcp(_endpoint(bridge), timeout_s=timeout_s)
    return ReachabilityCheck(way, bridge, result.failure is None, "tcp", result.elapsed_s, result.failure)


async def _handshake(listener: ClientMethod, bridge: Bridge, timeout_s: float) -> ReachabilityCheck:
    start = time.monotonic()
    failure: str | None = None
    try:
        _, writer = await socks5_connect(
            listener, (str(bridge.address.ip), bridge.address.port), bridge.arguments, timeout_s=timeout_s
        )
    except SocksError as error:
        failure = error.failure
    except asyncio.IncompleteReadError:
        failure = failures.EOF_ERROR  # the PT hung up: its handshake with the bridge failed
    except (OSError, TimeoutError) as error:
        failure = failures.classify(error)
    else:
        await close_quietly(writer)
    return ReachabilityCheck(
        Way.OBFS4, bridge, failure is None, OBFS4_HANDSHAKE, time.monotonic() - start, failure
    )


async def check_obfs4(
    bridges: Sequence[Bridge],
    pt_binary: Path | None,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    state_dir: Path | None = None,
    proxy: str | None = None,
) -> tuple[ReachabilityCheck, ...]:
    """TCP and a real obfs4 handshake for each bridge, all at once, through one managed PT.

    Without a PT program (or when it will not start) only the TCP checks are made, and each handshake
    check says why it was not made (``pt_missing`` / ``pt_failed``).
    """
    obfs4 = [bridge for bridge in bridges if bridge.transport is Transport.OBFS4]
    if not obfs4:
        return ()
    tcp = [check_tcp(bridge, Way.OBFS4, timeout_s=timeout_s) for bridge in obfs4]
    if pt_binary is None:
        return (*await asyncio.gather(*tcp), *(_not_made(b, "pt_missing") for b in obfs4))
    try:
        async with managed_transport(
            pt_binary, ["obfs4"], state_dir=state_dir, proxy=proxy, timeout_s=timeout_s
        ) as methods:
            shakes = [_handshake(methods["obfs4"], bridge, timeout_s) for bridge in obfs4]
            return tuple(await asyncio.gather(*tcp, *shakes))
    except ManagedTransportError:
        return (*await asyncio.gather(*tcp), *(_not_made(b, "pt_failed") for b in obfs4))


def _not_made(bridge: Bridge, why: str) -> ReachabilityCheck:
    return ReachabilityCheck(Way.OBFS4, bridge, False, OBFS4_HANDSHAKE, 0.0, why)


async def run_prechecks(
    *,
    relays: Sequence[Relay] = (),
    bridges: Sequence[Bridge] = (),
    obfs4_binary: Path | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    check_tor: bool = True,
) -> tuple[ReachabilityCheck, ...]:
    """Every pre-check in parallel: plain Tor (when ``check_tor``), vanilla and obfs4 bridges.

    Bridges of other transports (snowflake, meek, webtunnel) are left out: their first hop is a
    broker or a CDN, and a TCP connect to a placeholder address would say nothing.
    """
    jobs: list[Awaitable[ReachabilityCheck | tuple[ReachabilityCheck, ...]]] = []
    if check_tor:
        jobs.append(check_direct(relays, timeout_s=timeout_s))
    jobs += [
        check_tcp(b, Way.VANILLA_BRIDGE, timeout_s=timeout_s)
        for b in bridges
        if b.transport is Transport.VANILLA
    ]
    obfs4 = [b for b in bridges if b.transport is Transport.OBFS4]
    if obfs4:
        jobs.append(check_obfs4(obfs4, obfs4_binary, timeout_s=timeout_s))
    checks: list[ReachabilityCheck] = []
    for outcome in await asyncio.gather(*jobs):
        checks.extend(outcome if isinstance(outcome, tuple) else (outcome,))
    return tuple(checks)
