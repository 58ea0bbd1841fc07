"""Benchmark: time to a working SOCKS port in the lab's ``strict`` scenario, three strategies, one run.

Candidates, in plan order: the vanilla bridge (black-holed), obfs4 bridge 1 (black-holed), obfs4
bridge 2 (works). Strategies:

* ``byway``: Byway's connector with its default timing (race close options, head start, stall).
* ``oracle``: Byway's connector given only the working bridge (the best any strategy could do).
* ``sequential``: one option at a time, each failure waiting for its timeout (Connection Assist style).

Each run starts cold (a fresh DataDirectory); ``byway_warm`` reconnects with Byway's warm state.
"Working" means an HTTP GET through the SOCKS port reached the lab's web server; both the time to the
SOCKS port and to that first answer are reported, as medians over the rounds, with the ratios.
Run as root with the lab up (``byway lab up``); it takes the lab lock and puts ``open`` back.

    .venv/bin/python benchmarks/bench_connect.py [--rounds 3] [--sequential-timeout 30]
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from tests.integration.connect.netns import inside_lab

from byway.lab import control
from byway.lab.info import LabInfo, load_info
from byway.plan import Option, Plan, Way
from byway.store.locations import Locations
from byway.tor.connector import ConnectorOptions, TorConnector
from byway.tor.strategy import ConnectTiming
from byway.tor.torrc import DirectoryAuthority, TestNetwork
from byway.transports.bridge_line import Transport, parse_bridge_line
from byway.transports.transport_support import ClientTransportPlugin

LOCK = "/tmp/byway-lab-dev.lock"
RESULTS = Path(__file__).resolve().parent / "results" / "connect.json"


def candidates(info: LabInfo) -> tuple[Option, Option, Option]:
    vanilla = Option(Way.VANILLA_BRIDGE, (parse_bridge_line(info.vanilla_bridge),), ("vanilla",))
    blocked = Option(Way.OBFS4, (parse_bridge_line(info.obfs4_bridges[0]),), ("obfs4 bridge 1",))
    working = Option(Way.OBFS4, (parse_bridge_line(info.obfs4_bridges[1]),), ("obfs4 bridge 2",))
    return vanilla, blocked, working


def options_for(info: LabInfo, timing: ConnectTiming) -> ConnectorOptions:
    network = TestNetwork(
        tuple(
            DirectoryAuthority(a.nickname, a.ip, a.or_port, a.dir_port, a.v3ident, a.fingerprint)
            for a in info.authorities
        )
    )
    plugins = (ClientTransportPlugin((Transport.OBFS4,), Path("/usr/bin/obfs4proxy")),)
    return ConnectorOptions(
        tor_path=Path("/usr/bin/tor"), plugins=plugins, test_network=network, timing=timing, recover=False
    )


async def time_to_working(locations: Locations, plan: Plan, options: ConnectorOptions) -> dict[str, Any]:
    connector = TorConnector(locations, options)
    started = time.monotonic()
    try:
        session = await connector.connect(plan, lambda _event: None)
        socks_s = time.monotonic() - started
        async with httpx.AsyncClient(proxy=f"socks5://{session.socks}", timeout=20) as client:
            response = await client.get("http://www.byway.test/")
        get_s = time.monotonic() - started
        return {
            "socks_s": round(socks_s, 3),
            "first_get_s": round(get_s, 3),
            "status": response.status_code,
            "won": session.option.reasons[0],
        }
    finally:
        await connector.disconnect()


async def one_round(info: LabInfo, sequential_timeout_s: float, rotate: int) -> dict[str, dict[str, Any]]:
    vanilla, blocked, working = candidates(info)
    all_three = Plan((vanilla, blocked, working), "strict")
    sequential = ConnectTiming(
        stall_s=sequential_timeout_s,
        late_stall_s=sequential_timeout_s,
        warned_s=sequential_timeout_s,
        head_start_s=float("inf"),
        race_margin=-1.0,
        max_parallel=1,
    )
    runs = {
        "byway": (all_three, ConnectTiming()),
        "oracle": (Plan((working,), "oracle"), ConnectTiming()),
        "sequential": (all_three, sequential),
    }
    names = list(runs)
    names = names[rotate % 3 :] + names[: rotate % 3]
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            root = Path(tmp) / name
            root.mkdir()
            where = Locations(root / "c", root / "d", root / "ca", root / "l", True, root)
            plan, timing = runs[name]
            results[name] = await time_to_working(where, plan, options_for(info, timing))
            if name == "byway":
                results["byway_warm"] = await time_to_working(where, plan, options_for(info, timing))
    return results


def summarize(rounds: list[dict[str, dict[str, Any]]]) -> dict[str, Any]:
    medians: dict[str, dict[str, float]] = {}
    for name in ("byway", "byway_warm", "oracle", "sequential"):
        medians[name] = {
            key: round(statistics.median(r[name][key] for r in rounds), 3)
            for key in ("socks_s", "first_get_s")
        }
    oracle = medians["oracle"]
    ratios = {
        f"{name}/oracle": {key: round(medians[name][key] / oracle[key], 3) for key in oracle}
        for name in ("byway", "sequential")
    }
    return {"medians": medians, "ratios": ratios, "goal": "byway/oracle <= 1.25"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sequential-timeout", type=float, default=30.0)
    args = parser.parse_args()
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        info = load_info()
        if info is None:
            print("The lab is not up: run 'byway lab up' first.", file=sys.stderr)
            return 2
        control.switch_scenario("strict")
        try:
            rounds = []
            for number in range(args.rounds):
                with inside_lab():
                    result = asyncio.run(one_round(info, args.sequential_timeout, number))
                print(json.dumps(result), flush=True)
                rounds.append(result)
        finally:
            control.switch_scenario("open")
    report = {
        "scenario": "strict",
        "candidates": ["vanilla (black-holed)", "obfs4 bridge 1 (black-holed)", "obfs4 bridge 2 (works)"],
        "sequential_timeout_s": args.sequential_timeout,
        "rounds": rounds,
        **summarize(rounds),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: report[k] for k in ("medians", "ratios")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
