"""The coroutines the window runs on the worker: each wraps one stage of the core and nothing else."""

from __future__ import annotations

import asyncio
import os

from byway.analyze.addresses import AddressPolicy
from byway.analyze.analysis import Analysis, analyze_diagnosis
from byway.analyze.fingerprints import load_fingerprints
from byway.plan import Plan
from byway.tor.events import Session
from byway.ui.ports import AdviceRequest, Advisor, Collaborators, Connector
from byway.ui.worker import Job


async def diagnose(collaborators: Collaborators, job: Job) -> Analysis:
    relays = await asyncio.to_thread(lambda: tuple(collaborators.relays()))
    diagnosis = await collaborators.runner(
        collaborators.targets, collaborators.probe_settings, relays, job.report
    )

    def judge() -> Analysis:
        policy = AddressPolicy.from_environment(os.environ)
        return analyze_diagnosis(diagnosis, policy=policy, fingerprints=load_fingerprints())

    return await asyncio.to_thread(judge)


async def advise(advisor: Advisor, request: AdviceRequest) -> Plan:
    return await asyncio.to_thread(advisor, request)


async def connect(connector: Connector, plan: Plan, job: Job) -> Session:
    try:
        return await connector.connect(plan, job.report)
    except asyncio.CancelledError:
        await connector.disconnect()  # Cancel means tor stops too, not only the waiting
        raise
