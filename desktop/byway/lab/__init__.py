"""The real Linux censorship lab: a client, a censor and a world in network namespaces.

Public API (all need root and network namespaces, else :class:`LabUnavailable`)::

    info = up("tor-blocked")      # build everything, wait until Tor is usable -> LabInfo
    switch_scenario("strict")     # change only the censor's rules
    exec_inside(["python3", "-c", "..."])   # run inside the censored client
    status(); shell(); down()

Scenarios are TOML files in ``resources/lab/`` (see :mod:`byway.lab.scenario`).

The names above are re-exported lazily: ``import byway.lab`` (or importing any submodule, which
imports this package first) loads nothing else, so that ``byway``'s parser (which registers ``byway
lab`` through :mod:`byway.lab.command_args`) and :mod:`byway.lab.client` do not load the lab's
control code, its certificate authority and its servers. A name's module is imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from byway.lazy import lazy_exports

if TYPE_CHECKING:
    from byway.lab.control import LabStatus, down, exec_inside, shell, status, switch_scenario, up
    from byway.lab.errors import LabAlreadyUp, LabError, LabNotUp, LabUnavailable, ScenarioError
    from byway.lab.info import LabInfo, load_info

_MODULE_OF: dict[str, str] = {
    "LabStatus": "control",
    "down": "control",
    "exec_inside": "control",
    "shell": "control",
    "status": "control",
    "switch_scenario": "control",
    "up": "control",
    "LabAlreadyUp": "errors",
    "LabError": "errors",
    "LabNotUp": "errors",
    "LabUnavailable": "errors",
    "ScenarioError": "errors",
    "LabInfo": "info",
    "load_info": "info",
}

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


__getattr__, __dir__ = lazy_exports(__name__, _MODULE_OF, __all__)
