"""The coroutines the window runs on the worker: each wraps one stage of the core and nothing else.

Everything here runs on the worker's loop thread, so the heavy modules (the network stack, the
analysis, tor) are imported inside the functions: the GUI thread never pays for them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from byway.store.errors import StoreError
from byway.ui.connector_slot import ConnectorSlot
from byway.ui.ports import AdviceRequest, Collaborators, Connector, ConnectRequest
from byway.ui.worker import Job

if TYPE_CHECKING:
    import asyncio

    from byway.analyze.analysis import Analysis
    from byway.measure.diagnosis import Progress
    from byway.plan import Plan, Way
    from byway.store.secrets import SecretStore
    from byway.tor.events import Session
    from byway.ui.preferences import Preferences

BATCH_S = 0.05
"""Progress reaches the window at most every 50 ms, as one batch: a diagnosis of a hundred targets
otherwise queues hundreds of signals, each relayouting the tree on the GUI thread."""


@dataclass(frozen=True)
class ProgressLine:
    """One step of a diagnosis, already judged on the worker, for the Diagnose page to show.

    ``kind`` is a :class:`byway.measure.diagnosis.ProgressKind` value. For a finished target,
    ``blocked_by`` names the techniques seen (translated) and ``accessible`` says if it worked; for a
    relay, ``relay_ok`` says if it answered.
    """

    kind: str
    done: int
    total: int
    url: str | None = None
    blocked_by: tuple[str, ...] = ()
    accessible: bool = False
    relay_ok: bool | None = None


def progress_line(progress: Progress) -> ProgressLine:
    from byway.analyze.analysis import analyze_observation
    from byway.analyze.summary import relay_reachable
    from byway.analyze.words import technique_name

    line = ProgressLine(str(progress.kind), progress.done, progress.total)
    if progress.target is not None:
        line = replace(line, url=progress.target.url)
    if progress.observation is not None:
        result = analyze_observation(progress.observation)
        interference = [f for f in result.findings if f.is_interference]
        line = replace(
            line,
            url=progress.observation.target.url,
            blocked_by=tuple(sorted({technique_name(f.technique) for f in interference})),
            accessible=bool(result.verdict.accessible),
        )
    if progress.relay is not None:
        line = replace(line, relay_ok=relay_reachable(progress.relay))
    return line


class Batcher:
    """Collects values on the loop thread and reports them to the job as lists, every ``BATCH_S``."""

    def __init__(self, job: Job, loop: asyncio.AbstractEventLoop, interval_s: float = BATCH_S) -> None:
        self._job = job
        self._loop = loop
        self._interval = interval_s
        self._pending: list[Any] = []
        self._handle: asyncio.TimerHandle | None = None

    def add(self, value: Any) -> None:
        self._pending.append(value)
        if self._handle is None:
            self._handle = self._loop.call_later(self._interval, self.flush)

    def flush(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if self._pending:
            batch, self._pending = self._pending, []
            self._job.report(batch)


async def diagnose(collaborators: Collaborators, job: Job) -> Analysis:
    import asyncio

    from byway.analyze.addresses import AddressPolicy
    from byway.analyze.analysis import analyze_diagnosis
    from byway.analyze.fingerprints import load_fingerprints

    batcher = Batcher(job, asyncio.get_running_loop())
    relays = await asyncio.to_thread(lambda: tuple(collaborators.relays()))

    def on_progress(progress: Progress) -> None:
        batcher.add(progress_line(progress))

    try:
        diagnosis = await collaborators.runner(
            collaborators.targets,
            collaborators.probe_settings,
            relays,
            on_progress,
        )
    finally:
        batcher.flush()

    def judge() -> Analysis:
        policy = AddressPolicy.from_environment(os.environ)
        return analyze_diagnosis(diagnosis, policy=policy, fingerprints=load_fingerprints())

    return await asyncio.to_thread(judge)


@dataclass(frozen=True)
class Advice:
    """The plan, and the network it was made for (where the winning way is remembered)."""

    plan: Plan
    network_id: str
    request: AdviceRequest  # with its evidence: asked again after a change of language


def remembered_on(prefs: Preferences, network: str) -> Way | None:
    from byway.plan import Way

    value = prefs.settings.last_working_transport.get(network)
    return Way(value) if value in {way.value for way in Way} else None


async def network_of(collaborators: Collaborators, prefs: Preferences) -> str:
    """The id of the network the computer is on now (``"default"`` when it cannot be told)."""
    import asyncio

    from byway.ui.network_id import DEFAULT_ID, SALT_KEY, new_salt

    if collaborators.network_id is None:
        return DEFAULT_ID
    salt = str(prefs.settings.ui.get(SALT_KEY, ""))
    if not salt:
        salt = new_salt()
        with contextlib.suppress(OSError, StoreError):  # unsaved: only this run's id is not remembered
            await asyncio.to_thread(prefs.save_ui, SALT_KEY, salt)
    return await asyncio.to_thread(collaborators.network_id, salt)


@dataclass(frozen=True)
class Gathered:
    """The advice request with its evidence, and the network it was gathered on."""

    request: AdviceRequest
    network_id: str


async def gather(
    collaborators: Collaborators,
    request: AdviceRequest,
    prefs: Preferences,
    on_step: Callable[[str], None] | None = None,
) -> Gathered:
    """Name the network, add the user's own and Moat bridges and the way remembered there, and
    gather the evidence (pre-checks and Moat, in parallel, in seconds). The window starts this as
    soon as a diagnosis ends, so the advice is ready when asked for."""
    import asyncio

    network = await network_of(collaborators, prefs)
    if collaborators.demo is None:
        own = await asyncio.to_thread(prefs.own_bridges)
        request = replace(request, custom_bridges=request.custom_bridges + own)
    if request.remembered_way is None:
        request = replace(request, remembered_way=remembered_on(prefs, network))
    if collaborators.evidence is not None:
        if on_step is not None:
            on_step("evidence")
        request = await collaborators.evidence(request, prefs.secrets)
    return Gathered(request, network)


async def advise(collaborators: Collaborators, gathered: Gathered) -> Advice:
    import asyncio

    advisor = collaborators.advisor
    assert advisor is not None
    plan = await asyncio.to_thread(advisor, gathered.request)
    return Advice(plan, gathered.network_id, gathered.request)


def connect_request(prefs: Preferences, network: str | None) -> ConnectRequest:
    """The saved upstream proxy and remembered way, as the connector takes them (on the worker:
    the proxy's password is read from the secret store)."""
    from byway.tor.torrc import ProxyKind, UpstreamProxy

    saved = prefs.proxy()
    proxy = None
    if saved.kind != "none" and saved.host:
        proxy = UpstreamProxy(ProxyKind(saved.kind), saved.host, saved.port, saved.username, saved.password)
    return ConnectRequest(proxy, remembered_on(prefs, network) if network else None)


async def connect(
    collaborators: Collaborators,
    plan: Plan,
    job: Job,
    slot: ConnectorSlot,
    prefs: Preferences,
    network: str | None,
) -> Session:
    """Build the connector (with the saved proxy and the remembered way), connect, and remember
    the way that won for this network."""
    import asyncio

    connector: Connector | None
    if collaborators.connector_for is not None:
        request = await asyncio.to_thread(connect_request, prefs, network)
        connector = collaborators.connector_for(request)
    else:
        connector = collaborators.connector
    assert connector is not None
    slot.current = connector
    try:
        session = await connector.connect(plan, job.report)
    except asyncio.CancelledError:
        await slot.disconnect()  # Cancel means tor stops too, not only the waiting
        raise
    if network is not None and collaborators.demo is None:
        with contextlib.suppress(OSError, StoreError):  # not remembering is no reason to drop it
            await asyncio.to_thread(prefs.remember_way, network, session.option.way.value)
    return session


LATER_STAGES = (
    "byway.analyze.analysis",
    "byway.analyze.words",
    "byway.analyze.fingerprints",
    "byway.advise",
    "byway.transports.catalog",
    "byway.transports.transport_support",
    "byway.transports.precheck",
    "byway.transports.moat",
    "byway.tor.events",
    "byway.tor.connector",
)


def warm_up(modules: tuple[str, ...] = LATER_STAGES) -> None:
    """Import the later stages (and read the fingerprints) on the worker while the user reads the
    welcome page. Loading a module holds the interpreter lock for a moment (compiling it, when no
    bytecode is cached): done here, it does not happen in the middle of a diagnosis or a bootstrap,
    where the GUI thread would wait for it."""
    import importlib

    for name in modules:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    with contextlib.suppress(ImportError, OSError, ValueError):
        from byway.analyze.fingerprints import load_fingerprints

        load_fingerprints()


async def fetch_captcha(collaborators: Collaborators, secrets: SecretStore) -> Any:
    assert collaborators.moat is not None
    return await collaborators.moat(secrets).fetch_captcha()


async def solve_captcha(
    collaborators: Collaborators, secrets: SecretStore, challenge: Any, answer: str
) -> Any:
    assert collaborators.moat is not None
    return await collaborators.moat(secrets).check_captcha(challenge, answer)
