"""Benchmark: diagnose 30 local targets, 10 of them black-holed.

Reports the wall time divided by the longest single step timeout (goal <= 1.3), and, measured
in the same run, the same targets probed one at a time (the sequential baseline). The world's
servers and the control run in a child process, as they would on other machines, so the figure is
the probe's own. Only loopback traffic.

    .venv/bin/python benchmarks/bench_diagnose.py [--timeout 4.0]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import sys
import tempfile
import time
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.world import loopback_world

from byway.measure.diagnosis import run_diagnosis
from byway.measure.observations import Endpoint, Target
from byway.measure.settings import ProbeSettings
from byway.servers.tcp_endpoints import TcpBehaviour, start_tcp_endpoint

TOTAL, BLACK_HOLED = 30, 10


def _serve_world(conn: Connection, tmp: str) -> None:
    """The child process: the loopback world, the control and the black holes, until told to stop."""

    async def run() -> None:
        async with loopback_world(Path(tmp)) as world:
            holes = [
                await start_tcp_endpoint("127.0.0.1", 0, TcpBehaviour.BLACK_HOLE) for _ in range(BLACK_HOLED)
            ]
            conn.send(
                {
                    "dns": world.isp_dns.port,
                    "http": world.http.port,
                    "https": world.https.port,
                    "helper": world.helper.port,
                    "ca": str(world.ca_file),
                    "holes": [h.port for h in holes],
                }
            )
            await asyncio.get_running_loop().run_in_executor(None, conn.recv)
            for hole in holes:
                await hole.close()

    asyncio.run(run())


async def measure(timeout_s: float, ports: dict[str, object]) -> dict[str, float]:
    os.environ["SSL_CERT_FILE"] = str(ports["ca"])
    names = ["site.test", "news.test", "other.test", "blocked.test"]
    targets = [Target(f"http://site.test:{port}/") for port in ports["holes"]]  # type: ignore[attr-defined]
    for i in range(TOTAL - BLACK_HOLED):
        https = i % 2 == 0
        port = ports["https"] if https else ports["http"]
        targets.append(Target(f"{'https' if https else 'http'}://{names[i % len(names)]}:{port}/page{i}"))
    settings = ProbeSettings(
        use_system_resolver=False,
        resolver=Endpoint("127.0.0.1", int(ports["dns"])),  # type: ignore[call-overload]
        doh_url=None,
        test_helper=f"http://127.0.0.1:{ports['helper']}/",
        dns_timeout_s=min(timeout_s, 4.0),
        tcp_timeout_s=timeout_s,
        tls_timeout_s=timeout_s,
        http_timeout_s=timeout_s,
        control_timeout_s=timeout_s * 4,
        udp_listen_s=0.2,
        concurrency=32,
        residual_window_s=0.0,
    )
    longest = settings.longest_step_s
    start = time.monotonic()
    diagnosis = await run_diagnosis(targets, settings)
    concurrent_s = time.monotonic() - start
    timeouts = sum(
        1 for o in diagnosis.observations if any(t.failure == "generic_timeout_error" for t in o.tcp_connect)
    )
    start = time.monotonic()
    for target in targets:
        await run_diagnosis([target], replace(settings, concurrency=1))
    sequential_s = time.monotonic() - start
    return {
        "targets": TOTAL,
        "black_holed": BLACK_HOLED,
        "black_holes_seen": timeouts,
        "longest_step_timeout_s": longest,
        "concurrent_wall_s": round(concurrent_s, 3),
        "concurrent_ratio": round(concurrent_s / longest, 3),
        "sequential_wall_s": round(sequential_s, 3),
        "sequential_ratio": round(sequential_s / longest, 3),
        "speedup": round(sequential_s / concurrent_s, 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=4.0)
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results" / "diagnose.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        parent, child = multiprocessing.Pipe()
        world = multiprocessing.Process(target=_serve_world, args=(child, tmp), daemon=True)
        world.start()
        try:
            ports = parent.recv()
            result = asyncio.run(measure(args.timeout, ports))
        finally:
            parent.send("stop")
            world.join(10)
            if world.is_alive():
                world.kill()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0 if result["black_holes_seen"] == BLACK_HOLED else 1


if __name__ == "__main__":
    raise SystemExit(main())
