"""The lab's lifecycle: ``up``, ``down``, ``status``, ``switch_scenario``, ``exec_inside``, ``shell``.

``up`` always starts from nothing: leftovers of a crashed lab are removed first, and a healthy lab
is refused rather than doubled. Whatever ``up`` started is found again by ``down`` through the
namespace prefix and ``ip netns pids``, not only through pid files, so ``down`` works after a crash.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from byway.i18n import translate
from byway.lab import addresses as a
from byway.lab import censor, namespaces, processes, scenario, tornet, world
from byway.lab.errors import LabAlreadyUp, LabError, LabNotUp
from byway.lab.info import LabInfo, load_info


@dataclass(frozen=True)
class ProcessState:
    name: str
    pid: int
    running: bool


@dataclass(frozen=True)
class LabStatus:
    """What is up right now, for ``byway lab status`` and for health checks."""

    up: bool
    scenario: str | None
    processes: tuple[ProcessState, ...]
    exits_in_consensus: int
    helper_problem: str | None
    info: LabInfo | None

    @property
    def healthy(self) -> bool:
        return (
            self.up and self.info is not None and all(p.running for p in self.processes if p.name != "helper")
        )


def status() -> LabStatus:
    namespaces.check_available()
    up = bool(namespaces.lab_namespaces())
    procs = tuple(ProcessState(p.name, p.pid, processes.is_running(p)) for p in processes.known())
    return LabStatus(
        up=up,
        scenario=censor.current(),
        processes=procs,
        exits_in_consensus=tornet.exits_in_consensus(),
        helper_problem=world.helper_state() if up else None,
        info=load_info() if up else None,
    )


def up(scenario_name: str = "open", *, reuse: bool = False, timeout_s: float = 120.0) -> LabInfo:
    """Build the whole lab and return its description once Tor is usable.

    With ``reuse`` a healthy running lab is switched to ``scenario_name`` and returned instead of
    being refused.
    """
    namespaces.check_available()
    wanted = scenario.load(scenario_name)
    if namespaces.lab_namespaces():
        current = status()
        if current.healthy and current.info is not None:
            if reuse:
                censor.apply(wanted)
                return current.info
            raise LabAlreadyUp(
                translate(
                    "Lab", "The lab is already up (scenario {name}); run 'byway lab down' first."
                ).format(name=current.scenario)
            )
    down()  # leftovers of a crashed lab, if any
    started = time.monotonic()
    try:
        a.STATE_DIR.mkdir(parents=True, exist_ok=True)
        namespaces.create_topology()
        certs = world.make_certificates()
        world.start_censor_helpers()
        censor.apply(wanted)
        world.start_services(certs)
        authorities = tornet.launch()
        network = tornet.wait_ready(authorities, timeout_s=timeout_s)
        world.start_moat()
        info = LabInfo.build(network, certs.ca_file, up_seconds=time.monotonic() - started)
        (a.STATE_DIR / "info.json").write_text(json.dumps(asdict(info), default=str, indent=1))
        return info
    except BaseException:
        down()
        raise


def down() -> None:
    """Remove everything of the lab: processes, namespaces, /etc/netns entries, the state dir."""
    namespaces.check_available()
    leftover = [p.pid for p in processes.known() if processes.is_running(p)]
    namespaces.remove_all()
    namespaces.kill_pids([pid for pid in leftover if namespaces.is_alive(pid)])
    shutil.rmtree(a.STATE_DIR, ignore_errors=True)


def switch_scenario(name: str) -> scenario.Scenario:
    """Change what the censor does, without rebuilding anything else."""
    namespaces.check_available()
    if not namespaces.lab_namespaces():
        raise LabNotUp(translate("Lab", "The lab is not up; run 'byway lab up' first."))
    wanted = scenario.load(name)
    censor.apply(wanted)
    return wanted


def client_env() -> dict[str, str]:
    """The environment of a program run inside: trust the lab CA, treat lab addresses as public."""
    env = dict(os.environ)
    info = load_info()
    if info is not None:
        # Python/OpenSSL, curl and requests each read their own variable.
        for variable in ("SSL_CERT_FILE", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE"):
            env[variable] = str(info.ca_file)
    env["BYWAY_LAB"] = "1"
    env["BYWAY_PUBLIC_RANGES"] = a.LAB_RANGE
    return env


def exec_inside(
    argv: Sequence[str], *, timeout_s: float | None = None, capture: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in the client namespace (where the censor is the only way out)."""
    namespaces.check_available()
    if a.NS_INSIDE not in namespaces.lab_namespaces():
        raise LabNotUp(translate("Lab", "The lab is not up; run 'byway lab up' first."))
    if not argv:
        raise LabError(translate("Lab", "Give a command to run inside the lab."))
    return subprocess.run(
        namespaces.in_ns(a.NS_INSIDE, argv),
        env=client_env(),
        capture_output=capture,
        text=True,
        timeout=timeout_s,
        check=False,
    )


def shell() -> int:
    """An interactive shell inside the client namespace; returns its exit status."""
    namespaces.check_available()
    if a.NS_INSIDE not in namespaces.lab_namespaces():
        raise LabNotUp(translate("Lab", "The lab is not up; run 'byway lab up' first."))
    env = client_env()
    env["PS1"] = "(byway-lab inside) \\w \\$ "
    user_shell = env.get("SHELL", "/bin/bash") or "/bin/bash"
    return subprocess.call(namespaces.in_ns(a.NS_INSIDE, [user_shell, "--norc", "-i"]), env=env)
