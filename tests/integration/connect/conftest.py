"""Helpers for connect tests in the lab: the lab's test network, plans from its bridges, and a way to
run Byway's connector in-process inside the censored client's namespace."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from byway.lab.testing import LabHandle
from byway.plan import Option, Way
from byway.store.locations import Locations
from byway.tor.connector import ConnectorOptions
from byway.tor.strategy import ConnectTiming
from byway.tor.torrc import DirectoryAuthority, TestNetwork
from byway.transports.bridge_line import Transport, parse_bridge_line
from byway.transports.transport_support import ClientTransportPlugin
from tests.integration.connect.netns import inside_lab
from tests.unit.tor.procs import snapshot, wait_gone

T = TypeVar("T")
OBFS4PROXY = Path("/usr/bin/obfs4proxy")
TOR = Path("/usr/bin/tor")


def lab_network(lab: LabHandle) -> TestNetwork:
    return TestNetwork(
        tuple(
            DirectoryAuthority(a.nickname, a.ip, a.or_port, a.dir_port, a.v3ident, a.fingerprint)
            for a in lab.info.authorities
        )
    )


def obfs4_option(lab: LabHandle, index: int, score: float = 0.0) -> Option:
    bridge = parse_bridge_line(lab.info.obfs4_bridges[index])
    return Option(Way.OBFS4, (bridge,), (f"lab obfs4 bridge {index + 1}",), score=score)


def vanilla_option(lab: LabHandle, score: float = 0.0) -> Option:
    bridge = parse_bridge_line(lab.info.vanilla_bridge)
    return Option(Way.VANILLA_BRIDGE, (bridge,), ("lab vanilla bridge",), score=score)


def connector_options(lab: LabHandle, **changes: Any) -> ConnectorOptions:
    values: dict[str, Any] = {
        "tor_path": TOR,
        "plugins": (ClientTransportPlugin((Transport.OBFS4,), OBFS4PROXY),),
        "test_network": lab_network(lab),
        "timing": ConnectTiming(stall_s=5.0),
    }
    values.update(changes)
    return ConnectorOptions(**values)


def locations(root: Path) -> Locations:
    return Locations(root / "config", root / "data", root / "cache", root / "logs", True, root)


def run_inside(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``main`` on a fresh event loop whose threads and child processes live in the lab's client."""
    with inside_lab():
        return asyncio.run(main())


@pytest.fixture()
def root(tmp_path: Path) -> Iterator[Path]:
    """A Byway data folder; after the test, no tor or transport of Byway's may be left running."""
    before = snapshot(tmp_path)
    yield tmp_path
    assert wait_gone(tmp_path, 5.0, ignore=before) == []
