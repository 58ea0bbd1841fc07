"""The connector against the censorship lab: real tor, real obfs4proxy, a real censor in between."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from byway.advise import AdviceInputs, advise
from byway.lab.testing import LabHandle
from byway.plan import Plan, ReachabilityCheck, Way
from byway.tor.connector import TorConnector
from byway.tor.errors import BootstrapStalled
from byway.tor.events import AttemptEvent, AttemptOutcome, BootstrapEvent, ConnectEvent, Session
from byway.tor.strategy import ConnectTiming
from byway.transports.catalog import CatalogSource, catalog_from_pt_config
from byway.transports.transport_support import discover_transports
from tests.integration.connect.conftest import (
    connector_options,
    locations,
    obfs4_option,
    run_inside,
    vanilla_option,
)

pytestmark = [pytest.mark.lab, pytest.mark.tor]


async def fetch_through(session: Session, url: str) -> httpx.Response:
    async with httpx.AsyncClient(proxy=f"socks5://{session.socks}", timeout=15) as client:
        return await client.get(url)


def test_tor_blocked_the_advisor_puts_obfs4_first_and_the_world_is_reached(
    scenario: LabHandle, root: Path
) -> None:
    scenario.switch("tor-blocked")
    inventory = discover_transports()
    catalog = catalog_from_pt_config(
        {"bridges": {"obfs4": list(scenario.info.obfs4_bridges)}}, source=CatalogSource.SHIPPED, as_of=None
    )
    checks = (ReachabilityCheck(Way.DIRECT, None, False, "tcp", 3.0, "generic_timeout_error"),)
    plan = advise(
        AdviceInputs(
            checks=checks, availability={e.transport: e for e in inventory.availability}, catalog=catalog
        )
    )
    assert plan.options[0].way is Way.OBFS4
    events: list[ConnectEvent] = []

    async def main() -> tuple[Session, httpx.Response, float]:
        connector = TorConnector(locations(root), connector_options(scenario))
        started = time.monotonic()
        try:
            session = await connector.connect(plan, events.append)
            elapsed = time.monotonic() - started
            return session, await fetch_through(session, f"http://www.{'byway.test'}/"), elapsed
        finally:
            await connector.disconnect()

    session, response, elapsed = run_inside(main)
    print(f"tor-blocked: connected with {session.option.way} in {elapsed:.2f} s")
    assert session.option.way is Way.OBFS4
    assert session.socks.ip == "127.0.0.1"
    assert response.status_code == 200 and "www.byway.test" in response.text
    progress = [e.progress for e in events if isinstance(e, BootstrapEvent) and e.option.way is Way.OBFS4]
    assert progress and progress[-1] == 100 and 2 in progress


def test_strict_a_black_holed_bridge_stalls_and_the_fallback_connects(
    scenario: LabHandle, root: Path
) -> None:
    scenario.switch("strict")
    blocked, working = obfs4_option(scenario, 0, score=100), obfs4_option(scenario, 1, score=50)
    events: list[ConnectEvent] = []
    # No head start, no race: the only way forward is to notice the stall.
    timing = ConnectTiming(stall_s=4.0, head_start_s=3600.0)

    async def main() -> tuple[Session, httpx.Response]:
        connector = TorConnector(locations(root), connector_options(scenario, timing=timing))
        try:
            session = await connector.connect(Plan((blocked, working), "strict"), events.append)
            return session, await fetch_through(session, "http://www.byway.test/")
        finally:
            await connector.disconnect()

    started = time.monotonic()
    session, response = run_inside(main)
    elapsed = time.monotonic() - started
    print(f"strict: stalled, moved on and connected in {elapsed:.2f} s")
    assert session.option == working and response.status_code == 200
    stalled = [e for e in events if isinstance(e, AttemptEvent) and e.outcome is AttemptOutcome.STALLED]
    assert [e.option for e in stalled] == [blocked]
    assert "2%" in stalled[0].explanation
    blocked_progress = {e.progress for e in events if isinstance(e, BootstrapEvent) and e.option == blocked}
    assert max(blocked_progress) == 2  # conn_done_pt, with no warning at all
    assert not any(isinstance(e, BootstrapEvent) and e.option == blocked and e.warning for e in events)
    assert elapsed < 4.0 + 15.0


def test_strict_three_candidates_with_defaults_race_to_the_working_one(
    scenario: LabHandle, root: Path
) -> None:
    scenario.switch("strict")
    plan = Plan((vanilla_option(scenario), obfs4_option(scenario, 0), obfs4_option(scenario, 1)), "strict")
    events: list[ConnectEvent] = []

    async def main() -> Session:
        connector = TorConnector(locations(root), connector_options(scenario, timing=ConnectTiming()))
        try:
            return await connector.connect(plan, events.append)
        finally:
            await connector.disconnect()

    session = run_inside(main)
    print(f"strict, default strategy: {session.bootstrap_s:.2f} s")
    assert session.option == plan.options[2]
    abandoned = {
        e.option for e in events if isinstance(e, AttemptEvent) and e.outcome is AttemptOutcome.ABANDONED
    }
    assert abandoned == set(plan.options[:2])
    assert session.bootstrap_s < 10


def test_stalled_is_a_bootstrap_stalled_error_with_words(scenario: LabHandle, root: Path) -> None:
    scenario.switch("strict")

    async def main() -> BaseException:
        connector = TorConnector(
            locations(root), connector_options(scenario, timing=ConnectTiming(stall_s=3.0))
        )
        try:
            await connector.connect(Plan((obfs4_option(scenario, 0),), "one"), lambda _e: None)
        except Exception as error:
            return error
        finally:
            await connector.disconnect()
        raise AssertionError("connected through a blocked bridge")

    error = run_inside(main)
    failures = getattr(error, "failures", ())
    assert len(failures) == 1 and isinstance(failures[0][1], BootstrapStalled)
    assert error.explanation() and error.next_step()  # type: ignore[attr-defined]
