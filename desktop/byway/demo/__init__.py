"""Workshop demo mode: a simulated network and a simulated tor, driven by scenario files.

Nothing here touches the network or imports Qt. The simulation produces the same plain values as the
real stages (:class:`~byway.measure.observations.Diagnosis`, connect events, a
:class:`~byway.tor.events.Session`), so the real analysis and the real advisor run on them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from byway.demo.scenario import Scenario, ScenarioError, load_scenario, scenario_names

__all__ = ["Scenario", "ScenarioError", "load_scenario", "scenario_names"]


def __getattr__(name: str) -> Any:
    """Loaded on first use: the window's menu needs only the names (:mod:`byway.demo.words`)."""
    if name in __all__:
        from byway.demo import scenario

        return getattr(scenario, name)
    raise AttributeError(name)
