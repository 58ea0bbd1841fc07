"""A diagnosis of the simulated network: the same progress callbacks and the same ``Diagnosis`` value
as :func:`byway.measure.diagnosis.run_diagnosis`, with the scenario's delays and no traffic at all."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

from byway.demo.scenario import Scenario, demo_dir
from byway.demo.world import DIRECTORY_AUTHORITIES, DOH_URL, observe, relay_view
from byway.measure.diagnosis import Progress, ProgressCallback, ProgressKind
from byway.measure.observations import Diagnosis, Observation, RelayReachability, Target
from byway.measure.relays import Relay
from byway.measure.settings import ProbeSettings

CONCURRENCY = 4
"""Fewer probes at once than a real run, so an audience can follow the targets one by one."""


def blockpage_body(scenario: Scenario, name: str) -> bytes:
    folder = scenario.path.parent / "blockpages"
    if not folder.is_dir():
        folder = demo_dir() / "blockpages"
    return (folder / f"{name}.html").read_bytes()


def scenario_targets(scenario: Scenario) -> tuple[Target, ...]:
    return tuple(Target(site.url) for site in scenario.sites)


class SimulatedDiagnosis:
    """A :class:`~byway.ui.ports.DiagnosisRunner` over a scenario (the targets given are ignored:
    the scenario decides what is tested). ``time_scale`` shortens every delay (tests use 0.01)."""

    def __init__(self, scenario: Scenario, time_scale: float = 1.0) -> None:
        self.scenario = scenario
        self.time_scale = time_scale

    async def __call__(
        self,
        targets: Sequence[Target],
        settings: ProbeSettings,
        relays: Sequence[Relay],
        on_progress: ProgressCallback,
        /,
    ) -> Diagnosis:
        scenario = self.scenario
        started_at = datetime.now(UTC)
        loop = asyncio.get_running_loop()
        start = loop.time()
        total = len(scenario.sites) + len(DIRECTORY_AUTHORITIES)
        done = 0
        slots = asyncio.Semaphore(CONCURRENCY)
        on_progress(Progress(ProgressKind.STARTED, 0, total))

        async def one_relay(index: int, nickname: str, ip: str, port: int) -> RelayReachability:
            nonlocal done
            await asyncio.sleep(scenario.relay_seconds * (1 + index / 4) * self.time_scale)
            result = relay_view(nickname, ip, port, scenario.relays)
            done += 1
            on_progress(Progress(ProgressKind.RELAY_DONE, done, total, relay=result))
            return result

        async def one_site(index: int) -> Observation:
            nonlocal done
            site = scenario.sites[index]
            target = Target(site.url)
            async with slots:
                on_progress(Progress(ProgressKind.TARGET_STARTED, done, total, target=target))
                await asyncio.sleep(site.seconds * self.time_scale)
                body = (
                    blockpage_body(scenario, site.blockpage) if site.technique.value == "blockpage" else b""
                )
                observation = observe(site, datetime.now(UTC), body)
            done += 1
            on_progress(
                Progress(ProgressKind.TARGET_DONE, done, total, target=target, observation=observation)
            )
            return observation

        relay_results, observations = await asyncio.gather(
            asyncio.gather(*(one_relay(i, *relay) for i, relay in enumerate(DIRECTORY_AUTHORITIES))),
            asyncio.gather(*(one_site(i) for i in range(len(scenario.sites)))),
        )
        diagnosis = Diagnosis(
            started_at=started_at,
            runtime_s=loop.time() - start,
            observations=tuple(observations),
            relays=tuple(relay_results),
            resolver="",
            doh_url=DOH_URL,
            test_helper="demo",
        )
        on_progress(Progress(ProgressKind.FINISHED, done, total))
        return diagnosis
