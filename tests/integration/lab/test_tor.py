"""The private Tor network through the censor: the classic Tor block and bridge blocking."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from byway.lab.testing import Bootstrap, LabHandle

pytestmark = [pytest.mark.lab, pytest.mark.tor]


def test_open_direct_and_obfs4_bootstrap(scenario: LabHandle) -> None:
    info = scenario.info
    with ThreadPoolExecutor(2) as pool:
        direct = pool.submit(scenario.bootstrap, (), watch_s=30)
        obfs4 = pool.submit(scenario.bootstrap, (info.obfs4_bridges[0],), watch_s=30)
    assert direct.result().percent == 100
    assert obfs4.result().percent == 100


def test_tor_blocked_direct_stalls_obfs4_works(scenario: LabHandle) -> None:
    scenario.switch("tor-blocked")
    info = scenario.info
    with ThreadPoolExecutor(2) as pool:
        direct = pool.submit(scenario.bootstrap, (), watch_s=12)
        obfs4 = pool.submit(scenario.bootstrap, (info.obfs4_bridges[1],), watch_s=30)
    stalled: Bootstrap = direct.result()
    assert stalled.percent <= 5, stalled.last_line
    assert obfs4.result().percent == 100, obfs4.result().last_line


def test_strict_blocks_one_obfs4_bridge_and_the_vanilla_one(scenario: LabHandle) -> None:
    scenario.switch("strict")
    info = scenario.info
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(scenario.bootstrap, (info.obfs4_bridges[0],), watch_s=12)
        vanilla = pool.submit(scenario.bootstrap, (info.vanilla_bridge,), watch_s=12)
        second = pool.submit(scenario.bootstrap, (info.obfs4_bridges[1],), watch_s=30)
    assert first.result().percent <= 2, first.result().last_line
    assert vanilla.result().percent < 100, vanilla.result().last_line
    assert second.result().percent == 100, second.result().last_line
