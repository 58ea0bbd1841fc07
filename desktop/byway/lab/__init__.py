"""The real Linux censorship lab: a client, a censor and a world in network namespaces.

Public API (all need root and network namespaces, else :class:`LabUnavailable`)::

    info = up("tor-blocked")      # build everything, wait until Tor is usable -> LabInfo
    switch_scenario("strict")     # change only the censor's rules
    exec_inside(["python3", "-c", "..."])   # run inside the censored client
    status(); shell(); down()

Scenarios are TOML files in ``resources/lab/`` (see :mod:`byway.lab.scenario`).
"""

from byway.lab.control import LabStatus, down, exec_inside, shell, status, switch_scenario, up
from byway.lab.errors import LabAlreadyUp, LabError, LabNotUp, LabUnavailable, ScenarioError
from byway.lab.info import LabInfo, load_info

__all__ = [
    "LabAlreadyUp",
    "LabError",
    "LabInfo",
    "LabNotUp",
    "LabStatus",
    "LabUnavailable",
    "ScenarioError",
    "down",
    "exec_inside",
    "load_info",
    "shell",
    "status",
    "switch_scenario",
    "up",
]
