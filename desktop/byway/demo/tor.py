"""A simulated tor: bootstrap events with tor's real tags and percentages, stalls and failures as the
scenario says, and a Session whose SOCKS address is marked as a demo (nothing listens there)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from byway.demo.scenario import Outcome, Scenario
from byway.i18n import translate
from byway.measure.observations import Endpoint
from byway.plan import Option, Plan, Way
from byway.tor.events import AttemptEvent, AttemptOutcome, BootstrapEvent, ConnectEvent, Session

DEMO_SOCKS = Endpoint("127.0.0.1", 9999)
DEMO_SOURCE = "demo"
"""A session made by the simulation carries this ``source``, so every screen can say "demo"."""

PHASES: tuple[tuple[int, str, str], ...] = (
    (0, "starting", "Starting"),
    (1, "conn_pt", "Connecting to pluggable transport"),
    (2, "conn_done_pt", "Connected to pluggable transport"),
    (5, "conn", "Connecting to a relay"),
    (10, "conn_done", "Connected to a relay"),
    (14, "handshake", "Handshaking with a relay"),
    (15, "handshake_done", "Handshake with a relay done"),
    (20, "onehop_create", "Establishing an encrypted directory connection"),
    (25, "requesting_status", "Asking for networkstatus consensus"),
    (30, "loading_status", "Loading networkstatus consensus"),
    (40, "loading_keys", "Loading authority key certs"),
    (45, "requesting_descriptors", "Asking for relay descriptors"),
    (50, "loading_descriptors", "Loading relay descriptors"),
    (75, "enough_dirinfo", "Loaded enough directory info to build circuits"),
    (90, "ap_handshake_done", "Handshake finished with a relay to build circuits"),
    (95, "circuit_create", "Establishing a Tor circuit"),
    (100, "done", "Done"),
)


class NothingWorked(Exception):
    """Every way in the plan stalled or failed (in the simulation)."""

    def __init__(self) -> None:
        super().__init__(
            translate(
                "Demo",
                "None of the ways in the plan could connect. Try again later, or add a private bridge"
                " in Settings.",
            )
        )


def phases_for(way: Way, up_to: int) -> tuple[tuple[int, str, str], ...]:
    """The phases tor reports for ``way`` up to ``up_to`` percent (no ``*_pt`` phases when direct)."""
    uses_pt = way not in (Way.DIRECT, Way.VANILLA_BRIDGE)
    return tuple(p for p in PHASES if p[0] <= up_to and (uses_pt or not p[1].endswith("_pt")))


class SimulatedConnector:
    """A :class:`~byway.ui.ports.Connector` that tries each runnable option of the plan in turn."""

    def __init__(self, scenario: Scenario, time_scale: float = 1.0) -> None:
        self.scenario = scenario
        self.time_scale = time_scale
        self.connected = False

    async def _try(self, option: Option, on_event: Callable[[ConnectEvent], None]) -> bool:
        behaviour = self.scenario.behaviour(option.way)
        phases = phases_for(option.way, behaviour.at)
        step = behaviour.seconds / max(1, len(phases)) * self.time_scale
        on_event(AttemptEvent(option, AttemptOutcome.STARTED))
        for progress, tag, summary in phases:
            on_event(BootstrapEvent(option, progress, tag, summary))
            await asyncio.sleep(step)
        if behaviour.outcome is Outcome.WORKS:
            on_event(AttemptEvent(option, AttemptOutcome.WON))
            return True
        if behaviour.outcome is Outcome.FAILS:
            progress, tag, summary = phases[-1] if phases else PHASES[0]
            reason = behaviour.reason or "CONNECTREFUSED"
            on_event(
                BootstrapEvent(option, progress, tag, summary, warning="Connection refused", reason=reason)
            )
            explanation = translate("Demo", "tor reported {reason} at {progress}%: this way is blocked here.")
            on_event(
                AttemptEvent(
                    option, AttemptOutcome.FAILED, explanation.format(reason=reason, progress=progress)
                )
            )
            return False
        await asyncio.sleep(step * 3)
        explanation = translate(
            "Demo", "No progress past {progress}% for a while: moving on to the next way."
        )
        on_event(AttemptEvent(option, AttemptOutcome.STALLED, explanation.format(progress=behaviour.at)))
        return False

    async def connect(self, plan: Plan, on_event: Callable[[ConnectEvent], None]) -> Session:
        loop = asyncio.get_running_loop()
        start = loop.time()
        for option in plan.runnable():
            if await self._try(option, on_event):
                self.connected = True
                return Session(
                    socks=DEMO_SOCKS,
                    option=replace(option, source=DEMO_SOURCE),
                    connected_at=datetime.now(UTC),
                    bootstrap_s=loop.time() - start,
                )
        raise NothingWorked()

    async def disconnect(self) -> None:
        await asyncio.sleep(0.2 * self.time_scale)
        self.connected = False
