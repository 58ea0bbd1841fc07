"""The three collaborators the window drives, as small protocols, and where the real ones come from.

The window never imports the network, the advisor or tor directly: it receives a
:class:`Collaborators` bundle. The real bundle imports lazily, so a build that lacks the advisor or
the tor connector still opens and says so in words; demo mode swaps in the simulations; tests (and
the lab test of the whole flow) pass their own.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from byway.analyze.analysis import Analysis
from byway.i18n import translate
from byway.measure.diagnosis import ProgressCallback
from byway.measure.observations import Diagnosis, Target
from byway.measure.relays import Relay
from byway.measure.settings import ProbeSettings
from byway.plan import Plan, Way
from byway.store.locations import Locations
from byway.tor.events import ConnectEvent, Session
from byway.transports.bridge_line import Bridge


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
    """What the window knows when it asks for advice; the adapter turns it into the advisor's inputs."""

    analysis: Analysis | None
    country: str | None = None
    custom_bridges: tuple[Bridge, ...] = ()
    remembered_way: Way | None = None


class Advisor(Protocol):
    """Shaped like :func:`byway.advise.advise`, over an :class:`AdviceRequest`. Runs on the worker."""

    def __call__(self, request: AdviceRequest, /) -> Plan: ...


class Connector(Protocol):
    """The connect stage: tries the plan's options, reporting events, until one works."""

    async def connect(self, plan: Plan, on_event: Callable[[ConnectEvent], None]) -> Session: ...

    async def disconnect(self) -> None: ...


@dataclass(frozen=True)
class Collaborators:
    """Everything the window needs from outside Qt. ``None`` means "not available in this build",
    and the matching ``*_missing`` text says why."""

    runner: DiagnosisRunner
    advisor: Advisor | None
    connector: Connector | None
    targets: tuple[Target, ...] = ()
    probe_settings: ProbeSettings = field(default_factory=ProbeSettings)
    relays: Callable[[], Sequence[Relay]] = tuple
    advisor_missing: str = ""
    connector_missing: str = ""
    demo: Any = None  # a byway.demo.Scenario in demo mode


def not_in_build(what: str, detail: str) -> str:
    text = translate("Ui", "{what} is not available in this build of Byway ({detail}).")
    return text.format(what=what, detail=detail)


class RealAdvisor:
    """Calls :func:`byway.advise.advise` with :class:`byway.advise.AdviceInputs` filled from an
    :class:`AdviceRequest`, the built-in catalog and the transports found on this machine (file and
    process I/O: it runs on the worker). In demo mode every transport counts as installed."""

    def __init__(self, module: Any, *, simulated_transports: bool = False) -> None:
        self._module = module
        self._simulated = simulated_transports

    def _availability(self) -> dict[Any, Any]:
        from byway.transports.bridge_line import Transport
        from byway.transports.transport_support import TransportAvailability, discover_transports

        if self._simulated:
            return {t: TransportAvailability(t, True, None, "demo") for t in Transport}
        inventory = discover_transports()
        return {entry.transport: entry for entry in inventory.availability}

    def __call__(self, request: AdviceRequest, /) -> Plan:
        from byway.transports.catalog import load_shipped

        module = self._module
        country_map = module.load_country_map() if hasattr(module, "load_country_map") else {}
        inputs = module.AdviceInputs(
            summary=request.analysis.summary if request.analysis is not None else None,
            country=request.country,
            availability=self._availability(),
            catalog=load_shipped(),
            custom_bridges=request.custom_bridges,
            remembered=request.remembered_way,
            moat=None,
            country_map=country_map,
        )
        plan: Plan = module.advise(inputs)
        return plan


def load_real_advisor(*, simulated_transports: bool = False) -> tuple[Advisor | None, str]:
    try:
        module = importlib.import_module("byway.advise")
        module.advise, module.AdviceInputs  # noqa: B018 - present in this build?
    except (ImportError, AttributeError) as error:
        return None, not_in_build(translate("Ui", "Advice"), str(error))
    return RealAdvisor(module, simulated_transports=simulated_transports), ""


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


def real_collaborators(locations: Locations) -> Collaborators:
    from byway.measure.diagnosis import run_diagnosis
    from byway.measure.relays import directory_authorities
    from byway.targets import load_default_targets

    advisor, advisor_missing = load_real_advisor()
    connector, connector_missing = load_real_connector(lambda cls: cls(locations))
    return Collaborators(
        runner=run_diagnosis,
        advisor=advisor,
        connector=connector,
        targets=tuple(load_default_targets()),
        relays=directory_authorities,
        advisor_missing=advisor_missing,
        connector_missing=connector_missing,
    )


def demo_collaborators(scenario_name: str, time_scale: float = 1.0) -> Collaborators:
    """The simulated network and tor for ``scenario_name``; the real advisor when this build has it,
    else the demo's stand-in. Raises :class:`byway.demo.ScenarioError` with words."""
    from byway.demo import load_scenario
    from byway.demo.advisor import stand_in_plan
    from byway.demo.network import SimulatedDiagnosis, scenario_targets
    from byway.demo.tor import SimulatedConnector
    from byway.transports.catalog import load_shipped

    scenario = load_scenario(scenario_name)
    advisor, _ = load_real_advisor(simulated_transports=True)
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
    )
