"""Workshop demo mode: a simulated network and a simulated tor, driven by scenario files.

Nothing here touches the network or imports Qt. The simulation produces the same plain values as the
real stages (:class:`~byway.measure.observations.Diagnosis`, connect events, a
:class:`~byway.tor.events.Session`), so the real analysis and the real advisor run on them.
"""

from byway.demo.scenario import Scenario, ScenarioError, load_scenario, scenario_names

__all__ = ["Scenario", "ScenarioError", "load_scenario", "scenario_names"]
