"""tor's status events read as Byway values: bootstrap progress, warnings, and the verdict on a stall.

tor reports bootstrap through ``STATUS_CLIENT`` events and a wrong clock through ``STATUS_GENERAL``;
this module turns them into :class:`~byway.tor.events.BootstrapEvent` values and typed errors. The
important lesson from the lab: a black-holed obfs4 bridge stalls at 2% with *no warning at all*, so
:class:`BootstrapWatch` judges an attempt by time without progress, and uses warnings only to shorten
that wait and to choose the words of the verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from byway.plan import Option
from byway.tor.errors import (
    BootstrapStalled,
    ClockSkew,
    ConnectionRefusedByNetwork,
    ProxyFailed,
    PtMissing,
    TorError,
)
from byway.tor.events import BootstrapEvent

FIRST_HOP_PROGRESS = 10
"""``conn_done``: the first hop (relay or bridge, through the transport) answered."""
LATE_PROGRESS = 20
"""``onehop_create`` and later: the network was reached; what remains is loading the directory."""
NETWORK_REASONS = frozenset({"CONNECTREFUSED", "CONNECTRESET", "TIMEOUT", "NOROUTE"})
PROXY_TAGS = frozenset({"conn_proxy", "conn_done_proxy"})


@dataclass(frozen=True)
class TorStatus:
    """One ``STATUS_CLIENT``/``STATUS_GENERAL`` event, reduced to what Byway reads."""

    kind: str  # "CLIENT" or "GENERAL"
    severity: str  # "NOTICE", "WARN", "ERR"
    action: str  # "BOOTSTRAP", "CLOCK_SKEW", ...
    arguments: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "arguments", MappingProxyType(dict(self.arguments)))


def status_from_stem(event: Any) -> TorStatus:
    """stem's ``StatusEvent`` (from the event thread) as a plain value."""
    arguments = {str(k): str(v) for k, v in (event.keyword_args or {}).items()}
    return TorStatus(str(event.status_type), str(event.runlevel), str(event.action), arguments)


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def bootstrap_event(option: Option, status: TorStatus) -> BootstrapEvent | None:
    """The :class:`BootstrapEvent` in ``status``, or ``None`` if it is not about bootstrapping."""
    if status.kind != "CLIENT" or status.action != "BOOTSTRAP":
        return None
    args = status.arguments
    progress = max(0, min(100, _int(args.get("PROGRESS"))))
    warned = status.severity in ("WARN", "ERR")
    return BootstrapEvent(
        option=option,
        progress=progress,
        tag=args.get("TAG", ""),
        summary=args.get("SUMMARY", ""),
        warning=args.get("WARNING") if warned else None,
        reason=args.get("REASON") if warned else None,
    )


@dataclass
class BootstrapWatch:
    """The state of one bootstrap, fed with statuses and the time they arrived (monotonic seconds).

    ``stall_s``: how long without progress before the attempt is judged stalled, while tor is still
    reaching its first hop (a blocked bridge or relay stalls there); ``late_stall_s`` once tor is
    loading the directory, which on a slow but open network can take long. ``warned_s``: after a
    warning that tor itself recommends showing, how long to still wait for progress (tor keeps trying
    other bridges of the same option, so a warning alone is not the end).
    """

    option: Option
    started_at: float
    stall_s: float = 10.0
    late_stall_s: float = 30.0
    warned_s: float = 3.0
    proxy: str | None = None
    progress: int = 0
    tag: str = "starting"
    last_progress_at: float = 0.0
    first_hop_at: float | None = None
    warning: BootstrapEvent | None = None
    warned_at: float | None = None
    clock_skew: ClockSkew | None = None
    fatal: TorError | None = None

    def __post_init__(self) -> None:
        self.last_progress_at = self.started_at

    def feed(self, status: TorStatus, now: float) -> BootstrapEvent | None:
        """Take one status in; return the bootstrap event to show, if any."""
        if status.kind == "LOG":
            message = status.arguments.get("MESSAGE", "")
            if message.startswith("Managed proxy") and ("died" in message or "failed" in message):
                self.fatal = PtMissing(self._transports(), message)
            return None
        if status.kind == "GENERAL" and status.action == "CLOCK_SKEW":
            self.clock_skew = ClockSkew(
                _int(status.arguments.get("SKEW")), status.arguments.get("SOURCE", "")
            )
            return None
        event = bootstrap_event(self.option, status)
        if event is None:
            return None
        if event.progress > self.progress:
            self.progress, self.tag, self.last_progress_at = event.progress, event.tag, now
            self.warning = self.warned_at = None
            if self.first_hop_at is None and self.progress >= FIRST_HOP_PROGRESS:
                self.first_hop_at = now
        if event.reason is not None:
            self.warning = event
            if status.arguments.get("RECOMMENDATION", "warn") == "warn" and self.warned_at is None:
                self.warned_at = now
            if event.reason == "PT_MISSING":
                self.fatal = PtMissing(self._transports(), event.warning or "")
        return event

    def _transports(self) -> str:
        names = sorted({b.transport.value for b in self.option.bridges})
        return ",".join(names) or self.option.way.value

    @property
    def done(self) -> bool:
        return self.progress >= 100

    def deadline(self) -> float:
        """When, without further progress, this attempt is judged stalled."""
        patience = self.stall_s if self.progress < LATE_PROGRESS else self.late_stall_s
        deadline = self.last_progress_at + patience
        if self.warned_at is not None:
            deadline = min(deadline, self.warned_at + self.warned_s)
        return deadline

    def verdict(self, now: float) -> TorError:
        """The typed error that best explains why this attempt stopped here."""
        if self.fatal is not None:
            return self.fatal
        waited = round(now - self.last_progress_at, 1)
        if self.proxy is not None and (self.tag in PROXY_TAGS or self.progress < 5):
            return ProxyFailed(self.proxy, self.warning.warning or "" if self.warning else "")
        if self.clock_skew is not None and self.progress >= 20:
            return self.clock_skew
        if self.warning is not None and self.warning.reason in NETWORK_REASONS:
            return ConnectionRefusedByNetwork(self.warning.reason, self.progress, self.warning.warning or "")
        return BootstrapStalled(self.progress, self.tag, waited)
