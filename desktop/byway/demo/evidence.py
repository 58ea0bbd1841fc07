"""Simulated pre-checks for demo mode: what the real ones (:mod:`byway.transports.precheck`) would
report on the scenario's network, with the same methods and failure words, after a short delay.
Nothing is sent anywhere.

The scenario file already says everything needed:

- ``relays`` decides the plain-Tor check (TCP and a TLS handshake with the directory authorities);
- the ``obfs4`` way's ``outcome`` and ``at`` decide the obfs4 checks: a way that stalls or fails at
  or before 10% (tor's "Connected to a relay") never completes the obfs4 handshake, so the
  pre-check fails the same way; one that goes further got through the handshake and was stopped
  later, which a pre-check cannot see. In a shutdown nothing answers, not even TCP.

Moat is not simulated: in demo mode it is "not reached", and the advisor falls back on its built-in
country map, as it does when Moat is blocked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from byway.demo.scenario import Outcome, RelayTechnique, Scenario
from byway.measure import failures
from byway.plan import ReachabilityCheck, Way
from byway.transports.bridge_line import Bridge, Transport
from byway.transports.precheck import OBFS4_HANDSHAKE

PRECHECK_SECONDS = 2.0
"""How long the simulated pre-checks take at presenter speed (the real ones: a few seconds)."""

TIMEOUT_S = 6.0  # what a failed check that waited for its deadline reports as elapsed
HANDSHAKE_PERCENT = 10
"""tor reports 10% ("Connected to a relay") once the first hop, and with it the obfs4 handshake,
is done: a way stopped at or before it is one whose handshake a pre-check would see fail."""

_DIRECT_FAILURE = {
    RelayTechnique.BLACKHOLE: failures.GENERIC_TIMEOUT,
    RelayTechnique.SHUTDOWN: failures.GENERIC_TIMEOUT,
    RelayTechnique.RESET: "connection_refused",
    RelayTechnique.TLS_RESET: "tls_connection_reset",
}


def direct_check(scenario: Scenario) -> ReachabilityCheck:
    failure = _DIRECT_FAILURE.get(scenario.relays)
    if failure is None:
        return ReachabilityCheck(Way.DIRECT, None, True, "tcp+tls", 0.21)
    return ReachabilityCheck(Way.DIRECT, None, False, "tcp+tls", TIMEOUT_S, failure)


def obfs4_checks(scenario: Scenario, bridges: Sequence[Bridge]) -> tuple[ReachabilityCheck, ...]:
    """TCP and a handshake per obfs4 bridge, as :func:`byway.transports.precheck.check_obfs4`."""
    behaviour = scenario.behaviour(Way.OBFS4)
    shutdown = scenario.relays is RelayTechnique.SHUTDOWN
    stopped = behaviour.outcome is not Outcome.WORKS and behaviour.at <= HANDSHAKE_PERCENT
    reset = behaviour.outcome is Outcome.FAILS
    timeout, reset_words = failures.GENERIC_TIMEOUT, failures.CONNECTION_RESET
    checks: list[ReachabilityCheck] = []
    for index, bridge in enumerate(b for b in bridges if b.transport is Transport.OBFS4):
        rtt = 0.09 + 0.02 * index
        if shutdown:
            checks.append(ReachabilityCheck(Way.OBFS4, bridge, False, "tcp", TIMEOUT_S, timeout))
            checks.append(ReachabilityCheck(Way.OBFS4, bridge, False, OBFS4_HANDSHAKE, TIMEOUT_S, timeout))
            continue
        checks.append(ReachabilityCheck(Way.OBFS4, bridge, True, "tcp", rtt))
        if stopped and reset:
            checks.append(ReachabilityCheck(Way.OBFS4, bridge, False, OBFS4_HANDSHAKE, rtt * 2, reset_words))
        elif stopped:
            checks.append(ReachabilityCheck(Way.OBFS4, bridge, False, OBFS4_HANDSHAKE, TIMEOUT_S, timeout))
        else:
            checks.append(ReachabilityCheck(Way.OBFS4, bridge, True, OBFS4_HANDSHAKE, rtt * 3))
    return tuple(checks)


class SimulatedEvidence:
    """Shaped like :class:`byway.ui.ports.RealEvidence`: the request with the simulated pre-checks
    (for the same sample of built-in obfs4 bridges the real one tries) and no Moat answer."""

    def __init__(self, scenario: Scenario, sample: Sequence[Bridge], time_scale: float = 1.0) -> None:
        self.scenario = scenario
        self.sample = tuple(sample)
        self.time_scale = time_scale

    async def __call__(self, request: Any, secrets: object, /) -> Any:
        await asyncio.sleep(PRECHECK_SECONDS * self.time_scale)
        checks = (direct_check(self.scenario), *obfs4_checks(self.scenario, self.sample))
        return replace(request, checks=checks, moat=None)
