"""The collaborators the window drives, as small protocols, and where the real ones come from.

The window never imports the network, the advisor or tor directly: it receives a
:class:`Collaborators` bundle. Nothing heavy is imported here at module level (httpx, dnspython,
stem, the analysis): the real and demo bundles are built by :func:`real_collaborators` and
:func:`demo_collaborators`, which the app calls *on the worker thread* after the window is shown,
so the first window appears at the speed of a bare Qt window. A build that lacks the advisor or the
tor connector still opens and says so in words; demo mode swaps in the simulations; tests (and the
lab test of the whole flow) pass their own.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from byway.i18n import translate

if TYPE_CHECKING:
    from byway.analyze.analysis import Analysis
    from byway.measure.diagnosis import ProgressCallback
    from byway.measure.observations import Diagnosis, Target
    from byway.measure.relays import Relay
    from byway.measure.settings import ProbeSettings
    from byway.plan import MoatSuggestion, Plan, ReachabilityCheck, Way
    from byway.store.locations import Locations
    from byway.store.secrets import SecretStore
    from byway.tor.connector import ConnectorOptions
    from byway.tor.events import ConnectEvent, Session
    from byway.tor.torrc import UpstreamProxy
    from byway.transports.bridge_line import Bridge
    from byway.transports.catalog import Catalog
    from byway.transports.moat import MoatClient


class DiagnosisRunner(Protocol):
    """Shaped like :func:`byway.measure.diagnosis.run_diagnosis`."""

    def __call__(
        self,
        targets: Sequence[Target],
        settings: ProbeSettings,
        relays: Sequence[Relay],
        on_progress: ProgressCallback,
        /,
    ) -> Awaitable[Diagnosis]: ...


@dataclass(frozen=True)
class AdviceRequest:
    """What is known when advice is asked for; the adapter turns it into the advisor's inputs.

    ``checks`` (pre-checks from here) and ``moat`` (Moat's suggestions, ``None`` when Moat was not
    reached) are filled on the worker by :class:`Evidence` just before the advisor runs.
    """

    analysis: Analysis | None
    country: str | None = None
    custom_bridges: tuple[Bridge, ...] = ()
    remembered_way: Way | None = None
    checks: tuple[ReachabilityCheck, ...] = ()
    moat: tuple[MoatSuggestion, ...] | None = None


class Advisor(Protocol):
    """Shaped like :func:`byway.advise.advise`, over an :class:`AdviceRequest`. Runs on the worker."""

    def __call__(self, request: AdviceRequest, /) -> Plan: ...


class Evidence(Protocol):
    """Gathers what the advisor weighs beyond the diagnosis: pre-checks and Moat's suggestions.

    Runs on the worker, after the diagnosis and before advice; must finish in seconds.
    """

    async def __call__(self, request: AdviceRequest, secrets: SecretStore, /) -> AdviceRequest: ...


class Connector(Protocol):
    """The connect stage: tries the plan's options, reporting events, until one works."""

    async def connect(self, plan: Plan, on_event: Callable[[ConnectEvent], None]) -> Session: ...

    async def disconnect(self) -> None: ...


@dataclass(frozen=True)
class ConnectRequest:
    """What the user saved that the connector must honour: the upstream proxy (``None``: none) and
    the way that worked on this network last time."""

    proxy: UpstreamProxy | None = None
    remembered_way: Way | None = None


def _default_probe_settings() -> ProbeSettings:
    from byway.measure.settings import ProbeSettings

    return ProbeSettings()


ConnectorFactory = Callable[[ConnectRequest], Connector]
MoatFactory = Callable[["SecretStore"], "MoatClient"]


@dataclass(frozen=True)
class Collaborators:
    """Everything the window needs from outside Qt. ``None`` means "not available in this build",
    and the matching ``*_missing`` text says why.

    ``connector_for`` (when given) builds a fresh connector for each connection from the saved
    settings (the real one: a :class:`~byway.tor.connector.TorConnector` with the upstream proxy and
    the remembered way); otherwise ``connector`` is used as it is (demo, tests).
    ``network_id`` names the network the computer is on (see :mod:`byway.ui.network_id`); it runs
    on the worker. ``moat`` makes a Moat client for the captcha dialog.
    """

    runner: DiagnosisRunner
    advisor: Advisor | None
    connector: Connector | None
    targets: tuple[Target, ...] = ()
    probe_settings: ProbeSettings = field(default_factory=lambda: _default_probe_settings())
    relays: Callable[[], Sequence[Relay]] = tuple
    advisor_missing: str = ""
    connector_missing: str = ""
    demo: Any = None  # a byway.demo.Scenario in demo mode
    connector_for: ConnectorFactory | None = None
    evidence: Evidence | None = None
    moat: MoatFactory | None = None
    moat_missing: str = ""
    network_id: Callable[[str], str] | None = None  # salt -> id
    loading: bool = False  # a placeholder shown while the real bundle is built on the worker

    @property
    def can_connect(self) -> bool:
        return self.connector is not None or self.connector_for is not None


async def _never(*_: object) -> Any:
    raise RuntimeError("Byway is still starting")


def loading_collaborators() -> Collaborators:
    """The bundle the window holds for the half second before the real one is ready."""
    # No ProbeSettings here: it would load the measurement modules before the first window.
    return Collaborators(
        runner=_never, advisor=None, connector=None, loading=True, probe_settings=cast(Any, None)
    )


def not_in_build(what: str, detail: str) -> str:
    text = translate("Ui", "{what} is not available in this build of Byway ({detail}).")
    return text.format(what=what, detail=detail)


class RealAdvisor:
    """Calls :func:`byway.advise.advise` with :class:`byway.advise.AdviceInputs` filled from an
    :class:`AdviceRequest`, the built-in catalog and the transports found on this machine (file and
    process I/O: it runs on the worker). In demo mode every transport counts as installed."""

    def __init__(
        self,
        module: Any,
        *,
        simulated_transports: bool = False,
        catalog: Callable[[], Catalog] | None = None,
    ) -> None:
        self._module = module
        self._simulated = simulated_transports
        self._catalog = catalog

    def _availability(self) -> dict[Any, Any]:
        from byway.transports.bridge_line import Transport
        from byway.transports.transport_support import TransportAvailability, discover_transports

        if self._simulated:
            return {t: TransportAvailability(t, True, None, "demo") for t in Transport}
        inventory = discover_transports()
        return {entry.transport: entry for entry in inventory.availability}

    def catalog(self) -> Catalog:
        from byway.transports.catalog import load_shipped

        return self._catalog() if self._catalog is not None else load_shipped()

    def __call__(self, request: AdviceRequest, /) -> Plan:
        module = self._module
        country_map = module.load_country_map() if hasattr(module, "load_country_map") else {}
        inputs = module.AdviceInputs(
            summary=request.analysis.summary if request.analysis is not None else None,
            country=request.country,
            checks=request.checks,
            availability=self._availability(),
            catalog=self.catalog(),
            custom_bridges=request.custom_bridges,
            remembered=request.remembered_way,
            moat=request.moat,
            country_map=country_map,
        )
        plan: Plan = module.advise(inputs)
        return plan


def load_real_advisor(
    *, simulated_transports: bool = False, catalog: Callable[[], Catalog] | None = None
) -> tuple[RealAdvisor | None, str]:
    try:
        module = importlib.import_module("byway.advise")
        module.advise, module.AdviceInputs  # noqa: B018 - present in this build?
    except (ImportError, AttributeError) as error:
        return None, not_in_build(translate("Ui", "Advice"), str(error))
    return RealAdvisor(module, simulated_transports=simulated_transports, catalog=catalog), ""


def load_real_connector(factory: Callable[[type[Any]], Any]) -> tuple[Connector | None, str]:
    """Build :class:`byway.tor.connector.TorConnector` with ``factory``, or say why it cannot be."""
    try:
        module = importlib.import_module("byway.tor.connector")
        connector_class = module.TorConnector
    except (ImportError, AttributeError) as error:
        return None, not_in_build(translate("Ui", "Connecting"), str(error))
    try:
        connector: Connector = factory(connector_class)
    except Exception as error:  # a constructor we cannot satisfy: say so, do not crash
        return None, not_in_build(translate("Ui", "Connecting"), f"TorConnector: {error}")
    return connector, ""


class RealEvidence:
    """Pre-checks (plain Tor, and obfs4 handshakes with a sample of the bridges the advisor may
    offer) and Moat's suggestions for the country, in parallel under one short deadline.

    Moat unreachable (or blocked) means ``moat=None``: the advisor then falls back on the cached or
    built-in country map. A pre-check that cannot run at all is simply left out.
    """

    OBFS4_SAMPLE = 4

    def __init__(
        self,
        catalog: Callable[[], Catalog],
        relays: Callable[[], Sequence[Relay]],
        moat: MoatFactory | None,
        *,
        timeout_s: float = 6.0,
    ) -> None:
        self._catalog = catalog
        self._relays = relays
        self._moat = moat
        self.timeout_s = timeout_s

    async def _prechecks(self, request: AdviceRequest) -> tuple[ReachabilityCheck, ...]:
        import asyncio

        from byway.transports.bridge_line import Transport
        from byway.transports.precheck import run_prechecks
        from byway.transports.transport_support import discover_transports

        def gather() -> tuple[Sequence[Relay], tuple[Bridge, ...], Path | None]:
            inventory = discover_transports()
            obfs4 = next(
                (
                    p.executable
                    for p in inventory.client_transport_plugins()
                    if Transport.OBFS4 in p.transports
                ),
                None,
            )
            catalog = self._catalog().bridges_for(Transport.OBFS4)[: self.OBFS4_SAMPLE]
            return tuple(self._relays()), catalog + request.custom_bridges, obfs4

        relays, bridges, obfs4 = await asyncio.to_thread(gather)
        return await run_prechecks(
            relays=relays,
            bridges=bridges,
            obfs4_binary=obfs4,
            timeout_s=self.timeout_s,
            check_tor=bool(relays),
        )

    async def _moat_settings(
        self, request: AdviceRequest, secrets: SecretStore
    ) -> tuple[MoatSuggestion, ...] | None:
        """Moat's advice for the country; its defaults when it cannot tell where we are (406)."""
        from byway.transports.moat_answers import MoatCountryUnknown, MoatError

        if self._moat is None:
            return None
        client = self._moat(secrets)
        try:
            try:
                answer = await client.settings(request.country)
            except MoatCountryUnknown:
                answer = await client.defaults()
        except (MoatError, OSError):
            return None
        return answer.suggestions

    async def __call__(self, request: AdviceRequest, secrets: SecretStore, /) -> AdviceRequest:
        import asyncio

        checks, moat = await asyncio.gather(
            self._prechecks(request), self._moat_settings(request, secrets), return_exceptions=True
        )
        return replace(
            request,
            checks=checks if isinstance(checks, tuple) else (),
            moat=moat if isinstance(moat, tuple) else None,
        )


def moat_factory(locations: Locations, base_url: str | None = None, timeout_s: float = 6.0) -> MoatFactory:
    """Moat clients that cache answers under the cache folder and keep bridges in the secret store."""

    def make(secrets: SecretStore) -> MoatClient:
        from byway.transports.moat import DEFAULT_BASE_URL, MoatClient, MoatConfig
        from byway.transports.moat_secrets import MoatCache

        config = MoatConfig(base_url or DEFAULT_BASE_URL, timeout_s=timeout_s)
        return MoatClient(config, cache=MoatCache(locations.cache_dir), secrets=secrets)

    return make


def tor_connector_factory(locations: Locations, base: ConnectorOptions | None = None) -> ConnectorFactory:
    """A fresh :class:`~byway.tor.connector.TorConnector` per connection, with the saved proxy and
    the remembered way added to ``base`` (the lab adds its test network and its programs)."""

    def make(request: ConnectRequest) -> Connector:
        from byway.tor.connector import ConnectorOptions, TorConnector

        options = replace(
            base or ConnectorOptions(),
            proxy=request.proxy,
            remembered_way=request.remembered_way.value if request.remembered_way is not None else None,
        )
        return TorConnector(locations, options)

    return make


def real_collaborators(locations: Locations) -> Collaborators:
    """The real world (call it on the worker: it imports the network stack and reads files).

    Inside the censorship lab (``byway lab exec``/``lab shell`` set ``BYWAY_LAB=1``) the real world
    is the lab's: its sites, resolver, control, Moat and private Tor network.
    """
    if os.environ.get("BYWAY_LAB") == "1":
        from byway.lab.info import load_info

        info = load_info()
        if info is not None:
            from byway.ui.lab_world import lab_collaborators

            return lab_collaborators(locations, info)
    from byway.measure.diagnosis import run_diagnosis
    from byway.measure.relays import directory_authorities
    from byway.targets import load_default_targets
    from byway.transports.catalog import load_best
    from byway.ui.network_id import current_network_id

    def catalog() -> Catalog:
        return load_best(locations.bridge_catalog_dir)  # where `byway bridges refresh` keeps it

    advisor, advisor_missing = load_real_advisor(catalog=catalog)
    connector, connector_missing = load_real_connector(lambda cls: cls(locations))
    moat = moat_factory(locations)
    return Collaborators(
        runner=run_diagnosis,
        advisor=advisor,
        connector=connector,
        targets=tuple(load_default_targets()),
        relays=directory_authorities,
        advisor_missing=advisor_missing,
        connector_missing=connector_missing,
        connector_for=tor_connector_factory(locations) if connector is not None else None,
        evidence=RealEvidence(catalog, directory_authorities, moat),
        moat=moat,
        network_id=current_network_id,
    )


def demo_collaborators(scenario_name: str, time_scale: float = 1.0) -> Collaborators:
    """The simulated network and tor for ``scenario_name``; the real advisor when this build has it,
    else the demo's stand-in. Raises :class:`byway.demo.ScenarioError` with words."""
    from byway.demo import load_scenario
    from byway.demo.advisor import stand_in_plan
    from byway.demo.evidence import SimulatedEvidence
    from byway.demo.network import SimulatedDiagnosis, scenario_targets
    from byway.demo.tor import SimulatedConnector
    from byway.transports.bridge_line import Transport
    from byway.transports.catalog import load_shipped

    scenario = load_scenario(scenario_name)
    advisor: Advisor | None
    advisor, _ = load_real_advisor(simulated_transports=True)
    evidence: Evidence | None = None
    if advisor is not None:  # the stand-in advisor does not weigh pre-checks
        sample = load_shipped().bridges_for(Transport.OBFS4)[: RealEvidence.OBFS4_SAMPLE]
        evidence = SimulatedEvidence(scenario, sample, time_scale)
    if advisor is None:

        def stand_in(request: AdviceRequest, /) -> Plan:
            return stand_in_plan(request.analysis, load_shipped())

        advisor = stand_in
    return Collaborators(
        runner=SimulatedDiagnosis(scenario, time_scale),
        advisor=advisor,
        connector=SimulatedConnector(scenario, time_scale),
        targets=scenario_targets(scenario),
        demo=scenario,
        evidence=evidence,
        moat_missing=translate("Ui", "Demo mode: no request is sent, so Moat is not asked for bridges."),
    )
