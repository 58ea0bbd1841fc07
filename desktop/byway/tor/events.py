"""What the connect stage reports while it works, and what it hands over when it is done.

The window and the CLI render these; the demo mode produces them from a simulation, the real
connector from tor's control-port events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from byway.measure.observations import Endpoint
from byway.plan import Option


@dataclass(frozen=True)
class BootstrapEvent:
    """One ``STATUS_CLIENT BOOTSTRAP`` event (progress or warning) from the tor running ``option``."""

    option: Option
    progress: int  # 0..100
    tag: str  # tor's tag, e.g. "conn_done_pt", "handshake", "done"
    summary: str  # tor's own words
    warning: str | None = None
    reason: str | None = None  # CONNECTREFUSED, TIMEOUT, NOROUTE, PT_MISSING, ...


class AttemptOutcome(StrEnum):
    STARTED = "started"
    STALLED = "stalled"  # no progress for N seconds: moved on
    FAILED = "failed"  # a typed error ended it
    WON = "won"
    ABANDONED = "abandoned"  # another option won the race


@dataclass(frozen=True)
class AttemptEvent:
    """An option was started, given up on, or won; ``explanation`` says why in plain words."""

    option: Option
    outcome: AttemptOutcome
    explanation: str = ""


class HealthState(StrEnum):
    HEALTHY = "healthy"
    RECOVERING = "recovering"  # tor or a transport died; Byway is restarting it
    LOST = "lost"  # recovery failed; the user must act


@dataclass(frozen=True)
class HealthEvent:
    state: HealthState
    explanation: str


ConnectEvent = BootstrapEvent | AttemptEvent | HealthEvent


@dataclass(frozen=True)
class Session:
    """A working connection: where to point applications, and how it was made."""

    socks: Endpoint
    option: Option
    connected_at: datetime
    bootstrap_s: float
