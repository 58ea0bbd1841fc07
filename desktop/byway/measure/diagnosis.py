"""Run a whole diagnosis: every target and the Tor relays, concurrently under a cap, in random order.

Progress is reported through a callback with plain values, so the CLI prints it and the desktop app
turns it into Qt signals; cancelling the task stops every probe at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import httpx

from byway.measure.observations import Diagnosis, Observation, RelayReachability, Target
from byway.measure.pacing import Pacing
from byway.measure.relays import Relay, probe_relay
from byway.measure.settings import ProbeSettings
from byway.measure.trust import verifying_context
from byway.measure.webconnectivity import ProbeContext, measure_target

log = logging.getLogger(__name__)


class ProgressKind(StrEnum):
    STARTED = "started"
    TARGET_STARTED = "target_started"
    TARGET_DONE = "target_done"
    RELAY_DONE = "relay_done"
    FINISHED = "finished"


@dataclass(frozen=True)
class Progress:
    """One step forward in a diagnosis."""

    kind: ProgressKind
    done: int
    total: int
    target: Target | None = None
    observation: Observation | None = None
    relay: RelayReachability | None = None


ProgressCallback = Callable[[Progress], None]


def _ignore(_: Progress) -> None:
    return None


async def run_diagnosis(
    targets: Sequence[Target],
    settings: ProbeSettings,
    relays: Sequence[Relay] = (),
    on_progress: ProgressCallback = _ignore,
) -> Diagnosis:
    """Measure every target and relay; results come back in the order the targets were given."""
    started_at = datetime.now(UTC)
    start = time.monotonic()
    order = list(range(len(targets)))
    random.Random(settings.shuffle_seed).shuffle(order)
    total = len(targets) + len(relays)
    done = 0
    slots = asyncio.Semaphore(max(1, settings.concurrency))
    log.info("diagnosis started: %d targets, %d Tor relays", len(targets), len(relays))
    on_progress(Progress(ProgressKind.STARTED, 0, total))
    transport = httpx.AsyncHTTPTransport(verify=verifying_context(), retries=0)
    async with httpx.AsyncClient(transport=transport, trust_env=False, follow_redirects=False) as client:
        ctx = ProbeContext(settings, Pacing(settings.residual_window_s), client)

        async def one_target(index: int) -> tuple[int, Observation]:
            nonlocal done
            async with slots:
                on_progress(Progress(ProgressKind.TARGET_STARTED, done, total, target=targets[index]))
                observation = await measure_target(targets[index], ctx)
            done += 1
            on_progress(
                Progress(
                    ProgressKind.TARGET_DONE, done, total, target=targets[index], observation=observation
                )
            )
            return index, observation

        async def one_relay(relay: Relay) -> RelayReachability:
            nonlocal done
            async with slots:
                result = await probe_relay(relay, timeout_s=settings.tcp_timeout_s)
            done += 1
            on_progress(Progress(ProgressKind.RELAY_DONE, done, total, relay=result))
            return result

        # Relays first in the queue: reaching the Tor network is the first question, and these
        # handshakes trigger nothing.
        relay_results, target_results = await asyncio.gather(
            asyncio.gather(*(one_relay(r) for r in relays)),
            asyncio.gather(*(one_target(i) for i in order)),
        )
    observations = tuple(obs for _, obs in sorted(target_results, key=lambda pair: pair[0]))
    diagnosis = Diagnosis(
        started_at=started_at,
        runtime_s=time.monotonic() - start,
        observations=observations,
        relays=tuple(relay_results),
        resolver=str(settings.resolver) if settings.resolver else "",
        doh_url=settings.doh_url or "",
        test_helper=settings.test_helper or "",
    )
    log.info(
        "diagnosis finished in %.1f s: %d targets, %d of %d Tor relays reached",
        diagnosis.runtime_s,
        len(observations),
        sum(1 for r in diagnosis.relays if r.tls is not None and r.tls.handshake_completed),
        len(diagnosis.relays),
    )
    on_progress(Progress(ProgressKind.FINISHED, done, total))
    return diagnosis
