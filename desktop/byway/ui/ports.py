"""The three collaborators the window drives, as small protocols, and where the real ones come from.

The window never imports the network, the advisor or tor directly: it receives a
:class:`Collaborators` bundle. The real bundle imports lazily, so a build that lacks the advisor or
the tor connector still opens and says so in words; demo mode swaps in the simulations; tests (and
the lab test of the whole flow) pass their own.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from byway.analyze.analysis import Analysis
from byway.i18n import translate
from byway.measure.diagnosis import ProgressCallback
from byway.measure.observations import Diagnosis, Target
from byway.measure.relays import Relay
from byway.measure.settings import ProbeSettings
from byway.plan import Plan, Way
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
    """Calls :func:`byway.advise.advise`, filling its inputs from an :class:`AdviceRequest` plus the
    built-in catalog and the transports found on this machine (file I/O: runs on the worker)."""

    def __init__(self, advise: Callable[[Any], Plan], inputs_type: type[Any]) -> None:
        self._advise = advise
        self._inputs_type = inputs_type

    def _value_for(self, name: str, request: AdviceRequest) -> Any:
        lowered = name.lower()
        if "analysis" in lowered:
            return request.analysis
        if "country" in lowered:
            return request.country
        if "custom" in lowered:
            return request.custom_bridges
        if "remember" in lowered or "last" in lowered:
            return request.remembered_way
        if "catalog" in lowered or "builtin" in lowered:
            from byway.transports.catalog import load_shipped

            return load_shipped()
        if "avail" in lowered or "inventory" in lowered or "transport" in lowered:
            from byway.transports.transport_support import discover_transports

            return discover_transports()
        if "check" in lowered or "moat" in lowered or "suggest" in lowered:
            return ()
        raise LookupError(name)

    def __call__(self, request: AdviceRequest, /) -> Plan:
        values: dict[str, Any] = {}
        for item in dataclasses.fields(self._inputs_type):
            required = item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
            try:
                values[item.name] = self._value_for(item.name, request)
            except LookupError:
                if required:
                    raise
        return self._advise(self._inputs_type(**values))


def load_real_advisor() -> tuple[Advisor | None, str]:
    try:
        module = importlib.import_module("byway.advise")
        advise, inputs_type = module.advise, module.AdviceInputs
    except (ImportError, AttributeError) as error:
        return None, not_in_build(translate("Ui", "Advice"), str(error))
    if not dataclasses.is_dataclass(inputs_type):
        return None, not_in_build(translate("Ui", "Advice"), "AdviceInputs")
    return RealAdvisor(advise, cast(type[Any], inputs_type)), ""


CONNECTOR_MODULES = ("byway.tor.connect", "byway.tor.connector", "byway.tor.strategy", "byway.tor")


def _is_connector_class(value: Any) -> bool:
    return (
        inspect.isclass(value)
        and inspect.iscoroutinefunction(getattr(value, "connect", None))
        and inspect.iscoroutinefunction(getattr(value, "disconnect", None))
    )


def load_real_connector(factory: Callable[[type[Any]], Any] | None = None) -> tuple[Connector | None, str]:
    """Find the tor connector class; ``factory`` builds it (the default calls it with no argument)."""
    for name in CONNECTOR_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for value in vars(module).values():
            if _is_connector_class(value) and value.__module__.startswith("byway.tor"):
                try:
                    connector: Connector = factory(value) if factory else value()
                except Exception as error:  # a constructor we cannot satisfy: say so, do not crash
                    return None, not_in_build(translate("Ui", "Connecting"), f"{value.__name__}: {error}")
                return connector, ""
    return None, not_in_build(translate("Ui", "Connecting"), "byway.tor")


def real_collaborators() -> Collaborators:
    from byway.measure.diagnosis import run_diagnosis
    from byway.measure.relays import directory_authorities
    from byway.targets import load_default_targets

    advisor, advisor_missing = load_real_advisor()
    connector, connector_missing = load_real_connector()
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
    advisor, _ = load_real_advisor()
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
