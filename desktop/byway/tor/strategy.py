"""The connect strategy: bootstrap the best option, move on from a stalled one at once, race when close.

Each option runs in its own tor (its own DataDirectory and SOCKS port), so options can overlap:

* The top two start together when their scores are close (``race_margin``): the advisor cannot tell
  them apart, so the network decides.
* An attempt that has not reached its first hop (10%, ``conn_done``) ``head_start_s`` after its
  network was enabled gets company: the next option starts alongside it, as Happy Eyeballs does for
  IPv6/IPv4. The slow attempt is not stopped: it may still win.
* An attempt with no progress for ``stall_s`` (a black-holed bridge sits at 2% without a single
  warning) or a fatal warning (PT_MISSING) is stopped and the next option starts at once.
* The first attempt to reach 100% wins; every other tor is stopped.

Cancelling :func:`run_strategy` kills every tor it started, at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from byway.i18n import translate
from byway.plan import Option
from byway.tor.bootstrap import BootstrapWatch, TorStatus
from byway.tor.errors import BootstrapStalled, NothingWorked, TorError, TorExited
from byway.tor.events import AttemptEvent, AttemptOutcome, ConnectEvent
from byway.tor.process import TorProcess
from byway.tor.torrc import TorConfig

ConfigFor = Callable[[Option, Path], TorConfig]
"""Builds the tor configuration of an option, given the private runtime folder of its tor."""


@dataclass(frozen=True)
class ConnectTiming:
    """How patient the strategy is. The defaults suit real networks; tests may shorten them."""

    stall_s: float = 10.0
    late_stall_s: float = 30.0
    warned_s: float = 3.0
    head_start_s: float = 0.5
    race_margin: float = (
        10.0  # the advisor scores evidence * 100 + preference: same evidence, near preference
    )
    max_parallel: int = 3


def slot_name(option: Option) -> str:
    """A stable folder name per option, so the same option reuses its warm DataDirectory.

    >>> from byway.plan import Way
    >>> slot_name(Option(Way.DIRECT, (), ()))
    'direct-e3b0c442'
    """
    bridges = "\n".join(sorted(bridge.to_torrc_value() for bridge in option.bridges))
    return f"{option.way.value}-{hashlib.sha256(bridges.encode()).hexdigest()[:8]}"


def order_options(options: Sequence[Option], remembered_way: str | None) -> tuple[Option, ...]:
    """The plan's order, except that what worked on this network last time goes first."""
    if not remembered_way:
        return tuple(options)
    first = [o for o in options if o.way.value == remembered_way]
    return (*first, *(o for o in options if o.way.value != remembered_way))


class Attempt:
    """One option being bootstrapped by its own tor."""

    def __init__(
        self,
        option: Option,
        config_for: ConfigFor,
        tor_path: Path,
        timing: ConnectTiming,
        on_event: Callable[[ConnectEvent], None],
        proxy: str | None = None,
    ) -> None:
        self.option = option
        self.config_for = config_for
        self.tor_path = tor_path
        self.on_event = on_event
        self.watch = BootstrapWatch(
            option,
            time.monotonic(),
            stall_s=timing.stall_s,
            late_stall_s=timing.late_stall_s,
            warned_s=timing.warned_s,
            proxy=proxy,
        )
        self.process: TorProcess | None = None
        self.enabled_at: float | None = None
        self._closed = False
        self._wake = asyncio.Event()

    def _on_status(self, status: TorStatus) -> None:
        event = self.watch.feed(status, time.monotonic())
        if event is not None:
            self.on_event(event)
        self._wake.set()

    def _on_closed(self) -> None:
        self._closed = True
        self._wake.set()

    def needs_company(self, now: float, head_start_s: float) -> bool:
        """No first hop yet, ``head_start_s`` after the network was enabled (not while tor starts)."""
        if self.watch.first_hop_at is not None or self.enabled_at is None:
            return False
        return now - self.enabled_at >= head_start_s

    async def run(self) -> TorProcess:
        """Bootstrap to 100% and return the running tor, or raise the typed error that stopped it."""
        try:
            self.process = await TorProcess.launch(
                lambda runtime: self.config_for(self.option, runtime),
                self.tor_path,
                self._on_status,
                self._on_closed,
            )
            if self.process.config.disable_network:
                await self.process.enable_network()
            now = time.monotonic()
            self.enabled_at = self.watch.started_at = self.watch.last_progress_at = now
            current = await self.process.current_bootstrap()
            if current is not None:
                self._on_status(current)
            while not self.watch.done:
                now = time.monotonic()
                if self.watch.fatal is not None:
                    raise self.watch.fatal
                if self._closed or not self.process.alive():
                    raise self.process.exit_error()
                if now >= self.watch.deadline():
                    raise self.watch.verdict(now)
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), min(0.5, self.watch.deadline() - now))
            self.process.remember_transports()
            return self.process
        except TorError:
            if self.process is not None:
                await self.process.stop()
            raise
        except BaseException:
            if self.process is not None:
                self.process.kill_now()
            raise


@dataclass(frozen=True)
class Outcome:
    """The winning option, its running tor, and how long the whole strategy took."""

    option: Option
    process: TorProcess
    elapsed_s: float


async def run_strategy(
    options: Sequence[Option],
    config_for: ConfigFor,
    tor_path: Path,
    on_event: Callable[[ConnectEvent], None],
    timing: ConnectTiming = ConnectTiming(),
    *,
    proxy: str | None = None,
) -> Outcome:
    """Run the options as the module docstring says; raise :class:`NothingWorked` if none connects."""
    started = time.monotonic()
    pending = deque(options)
    running: dict[asyncio.Task[TorProcess], Attempt] = {}
    failures: list[tuple[str, TorError]] = []
    retried: set[int] = set()  # id() of options already restarted once after tor itself died

    def start_next() -> None:
        option = pending.popleft()
        attempt = Attempt(option, config_for, tor_path, timing, on_event, proxy)
        running[asyncio.create_task(attempt.run())] = attempt
        on_event(AttemptEvent(option, AttemptOutcome.STARTED))

    try:
        if pending:
            first_score = pending[0].score
            start_next()
            if pending and abs(first_score - pending[0].score) <= timing.race_margin:
                start_next()
        while running:
            done, _ = await asyncio.wait(running, timeout=0.1, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                attempt = running.pop(task)
                error = task.exception()
                if error is None:
                    return await _crown(attempt, task.result(), running, on_event, started)
                if not isinstance(error, TorError):
                    raise error
                outcome = (
                    AttemptOutcome.STALLED if isinstance(error, BootstrapStalled) else AttemptOutcome.FAILED
                )
                on_event(AttemptEvent(attempt.option, outcome, error.explanation()))
                if isinstance(error, TorExited) and id(attempt.option) not in retried:
                    # tor died (killed, crashed): that says nothing about the network. Once more.
                    retried.add(id(attempt.option))
                    pending.appendleft(attempt.option)
                    continue
                failures.append((attempt.option.way.value, error))
            now = time.monotonic()
            newest = list(running.values())[-1] if running else None
            wants_company = newest is None or newest.needs_company(now, timing.head_start_s)
            while pending and len(running) < timing.max_parallel and wants_company:
                start_next()
                wants_company = not running
        raise NothingWorked(tuple(failures))
    finally:
        for task, attempt in running.items():
            task.cancel()
            if attempt.process is not None:
                attempt.process.kill_now()


async def _crown(
    winner: Attempt,
    process: TorProcess,
    others: dict[asyncio.Task[TorProcess], Attempt],
    on_event: Callable[[ConnectEvent], None],
    started: float,
) -> Outcome:
    """Stop the other attempts, announce the result, and hand over the winner's tor."""
    elapsed = time.monotonic() - started
    for task, attempt in list(others.items()):
        task.cancel()
        if attempt.process is not None:
            attempt.process.kill_now()
        on_event(
            AttemptEvent(
                attempt.option,
                AttemptOutcome.ABANDONED,
                translate("Tor", "Another way connected first."),
            )
        )
    others.clear()
    on_event(AttemptEvent(winner.option, AttemptOutcome.WON))
    return Outcome(winner.option, process, elapsed)
