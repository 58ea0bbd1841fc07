"""The front door of the connect stage: ``TorConnector.connect(plan, on_event) -> Session``.

The window and the CLI construct one connector per profile, call :meth:`TorConnector.connect` with the
advisor's plan and a callback for progress, and get a :class:`~byway.tor.events.Session` back. The
connector keeps the session's tor alive (recovering it if it dies) until :meth:`TorConnector.disconnect`.
Cancelling the ``connect`` task stops every tor it started, at once.

Where tor keeps its state, and why it depends on the option. tor writes the bridges it used (address,
port, fingerprint) into its ``state`` file and caches their descriptors (``cached-descriptors*``,
``cached-microdescs*``). For built-in bridges (public) and a direct connection that is harmless, and
the DataDirectory stays in the profile's folder between runs: a reconnect is warm (seconds). For
bridges that are secrets (the user's own, or private ones from Moat/BridgeDB) and whenever the
upstream proxy has credentials, the DataDirectory is ephemeral instead: inside tor's private runtime
folder, in RAM when the system has one, removed when tor stops. The price is that every connect
(and every recovery) with a private bridge is a cold start: tor fetches the consensus and the
bridge's descriptor again, which takes longer and shows a little more traffic; the gain is that no
file on disk (a seized laptop, a borrowed computer, a portable stick) names the user's bridge.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from byway.plan import Option, Plan, Way
from byway.store.locations import Locations
from byway.store.settings import load_settings, save_settings
from byway.tor.errors import PtMissing, TorMissing
from byway.tor.events import AttemptEvent, BootstrapEvent, ConnectEvent, HealthEvent, Session
from byway.tor.process import TorProcess
from byway.tor.session import LiveSession
from byway.tor.strategy import ConnectTiming, order_options, run_strategy, slot_name
from byway.tor.torrc import TestNetwork, TorConfig, UpstreamProxy
from byway.transports.bridge_line import Transport
from byway.transports.transport_support import (
    ClientTransportPlugin,
    TransportMissing,
    discover_transports,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConnectorOptions:
    """How to connect, beyond the plan itself.

    ``tor_path``/``plugins``: use these programs instead of looking for them (beside the app, then on
    PATH). ``test_network``: a private Tor network (the censorship lab) instead of the public one.
    ``remembered_way``: what worked on this network last time; it is tried first.
    """

    profile: str = "default"
    tor_path: Path | None = None
    plugins: tuple[ClientTransportPlugin, ...] | None = None
    proxy: UpstreamProxy | None = None
    test_network: TestNetwork | None = None
    timing: ConnectTiming = field(default_factory=ConnectTiming)
    remembered_way: str | None = None
    socks_port: int | None = None
    recover: bool = True
    max_recoveries: int = 3
    health_check_s: float = 0.5


class TorConnector:
    """Bootstraps a plan's best working option and keeps the resulting session healthy."""

    def __init__(self, locations: Locations, options: ConnectorOptions | None = None) -> None:
        self.locations = locations
        self.options = options or ConnectorOptions()
        self._tor_path: Path | None = None
        self._plugins: tuple[ClientTransportPlugin, ...] | None = self.options.plugins
        self._missing: dict[Transport, str] = {}
        self._live: LiveSession | None = None
        self._watch: asyncio.Task[None] | None = None

    @property
    def session(self) -> Session | None:
        """The current session (its SOCKS address may change after a recovery), or ``None``."""
        return self._live.session if self._live is not None else None

    async def connect(self, plan: Plan, on_event: Callable[[ConnectEvent], None]) -> Session:
        """Bootstrap the plan (see :mod:`byway.tor.strategy`) and return the working session.

        Raises a :class:`~byway.tor.errors.TorError` (``NothingWorked`` with each option's own error,
        ``TorMissing``, ...) whose ``explanation()`` and ``next_step()`` are ready to show.
        """
        await self.disconnect()
        on_event = _logged(on_event)
        tor_path = await self._find_programs()
        options = order_options(plan.runnable(), self.options.remembered_way)
        proxy = self.options.proxy.display() if self.options.proxy else None
        log.info(
            "connect: %d ways to try (%s)%s",
            len(options),
            ", ".join(o.way.value for o in options),
            " through an upstream proxy" if proxy else "",
        )
        try:
            outcome = await run_strategy(
                options, self._config_for, tor_path, on_event, self.options.timing, proxy=proxy
            )
        except Exception as error:
            log.warning("connect failed: %s", type(error).__name__)
            raise
        try:
            socks = await outcome.process.socks_endpoint()
        except BaseException:
            outcome.process.kill_now()
            raise
        session = Session(socks, outcome.option, datetime.now(UTC), round(outcome.elapsed_s, 3))
        log.info("connected with %s in %.1f s", outcome.option.way.value, outcome.elapsed_s)
        self._live = LiveSession(
            session,
            outcome.process,
            self._restart,
            on_event,
            check_s=self.options.health_check_s,
            max_recoveries=self.options.max_recoveries,
        )
        if self.options.recover:
            self._watch = asyncio.create_task(self._live.watch())
        return session

    async def disconnect(self) -> None:
        """Stop the session's tor (and its transports) and wait until they are gone."""
        watch, self._watch = self._watch, None
        if watch is not None:
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch
        live, self._live = self._live, None
        if live is not None:
            await live.close()
            log.info("disconnected")

    async def wait_closed(self) -> None:
        """Return when the session ends for good (recovery gave up) or is disconnected."""
        if self._watch is not None:
            await asyncio.wait({self._watch})  # the caller's cancellation propagates; the watch goes on

    async def _restart(self, option: Option, socks_port: int) -> TorProcess:
        def config_for(opt: Option, runtime: Path) -> TorConfig:
            return self._config_for(opt, runtime, socks_port=socks_port)

        outcome = await run_strategy(
            [option], config_for, await self._find_programs(), lambda _event: None, self.options.timing
        )
        return outcome.process

    async def _find_programs(self) -> Path:
        if self._tor_path is not None:
            return self._tor_path
        if self.options.tor_path is not None and self._plugins is not None:
            self._tor_path = self.options.tor_path
            return self._tor_path
        inventory = await asyncio.to_thread(discover_transports)
        if self._plugins is None:
            self._plugins = inventory.client_transport_plugins()
            self._missing = {
                entry.transport: entry.reason for entry in inventory.availability if not entry.available
            }
        tor = self.options.tor_path or (inventory.tor.path if inventory.tor else None)
        if tor is None:
            found = shutil.which("tor")
            if found is None:
                raise TorMissing()
            tor = Path(found)
        self._tor_path = tor
        return tor

    def _config_for(self, option: Option, runtime: Path, *, socks_port: int | None = None) -> TorConfig:
        """The tor configuration for one option: its own DataDirectory, only the plugins it needs.

        The DataDirectory is the option's warm folder in the profile, or an ephemeral one in the
        runtime folder when it would record a secret (see the module docstring).
        """
        if keeps_secrets(option, self.options.proxy):
            data_dir = runtime / EPHEMERAL_DATA_DIR
        else:
            profile_dir = self.locations.ensure(self.locations.tor_data_dir(self.options.profile))
            data_dir = profile_dir / slot_name(option)
        needed = frozenset(b.transport for b in option.bridges) - {Transport.VANILLA}
        plugins = tuple(p for p in self._plugins or () if needed & set(p.transports))
        served = {t for p in plugins for t in p.transports}
        for transport in needed - served:
            raise PtMissing(transport.value, self._missing.get(transport, ""))
        for plugin in plugins:
            if not os.access(plugin.executable, os.X_OK):
                raise PtMissing(",".join(t.value for t in plugin.transports), str(plugin.executable))
        return TorConfig(
            data_dir=data_dir,
            control_socket=runtime / "control",
            socks_port=socks_port if socks_port is not None else self.options.socks_port,
            owning_pid=os.getpid(),
            bridges=option.bridges,
            plugins=tuple(_only(p, needed) for p in plugins),
            proxy=self.options.proxy,
            test_network=self.options.test_network,
            log_file=data_dir / "notice.log",
            disable_network=False,  # tor starts at once; the phase is read right after subscribing
        )


def _logged(on_event: Callable[[ConnectEvent], None]) -> Callable[[ConnectEvent], None]:
    """``on_event``, after noting attempts, warnings and health changes in the diagnostic log.

    Only ways, outcomes and tor's own words go in (never a bridge line); the log handler scrubs anyway.
    """

    def note(event: ConnectEvent) -> None:
        if isinstance(event, AttemptEvent):
            source = f" ({event.option.source})" if event.option.source else ""
            detail = f": {event.explanation}" if event.explanation else ""
            log.info("attempt %s%s %s%s", event.option.way.value, source, event.outcome.value, detail)
        elif isinstance(event, BootstrapEvent) and event.warning:
            log.warning(
                "bootstrap %s at %d%%: %s (%s)",
                event.option.way.value,
                event.progress,
                event.warning,
                event.reason or "",
            )
        elif isinstance(event, HealthEvent):
            log.warning("session %s: %s", event.state.value, event.explanation)
        on_event(event)

    return note


EPHEMERAL_DATA_DIR = "data"
SECRET_SOURCES = frozenset({"custom", "moat", "bridgedb"})


def keeps_secrets(option: Option, proxy: UpstreamProxy | None) -> bool:
    """Would tor's state for this option name a secret (a private bridge, a proxy with a password)?

    >>> from byway.plan import Way
    >>> keeps_secrets(Option(Way.DIRECT, (), ()), None)
    False
    >>> keeps_secrets(Option(Way.OBFS4, (), (), source="moat"), None)
    True
    """
    if option.way is Way.CUSTOM or option.source in SECRET_SOURCES:
        return True
    return proxy is not None and bool(proxy.username or proxy.password)


def _only(plugin: ClientTransportPlugin, needed: frozenset[Transport]) -> ClientTransportPlugin:
    """The plugin limited to the transports this option uses (tor starts nothing it does not need)."""
    return ClientTransportPlugin(
        tuple(t for t in plugin.transports if t in needed), plugin.executable, plugin.arguments
    )


def remember_working(locations: Locations, network_id: str, option: Option) -> None:
    """Save that ``option``'s way worked on ``network_id``, so the next connect tries it first."""
    settings = load_settings(locations).settings
    save_settings(locations, settings.remember_working_transport(network_id, option.way.value))


def remembered_way(locations: Locations, network_id: str) -> str | None:
    """The way that worked on ``network_id`` last time, if any (pass it as ``remembered_way``)."""
    return load_settings(locations).settings.last_working_transport.get(network_id)


__all__ = [
    "EPHEMERAL_DATA_DIR",
    "ConnectorOptions",
    "TorConnector",
    "TransportMissing",
    "keeps_secrets",
    "remember_working",
    "remembered_way",
]
