"""Faults in the lab: tor killed at several phases and after connecting, the transport killed, a
missing program, a wrong proxy. Each is recovered or explained; the ``root`` fixture checks that no
tor or transport is left behind."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time
from pathlib import Path

import pytest

from byway.lab.testing import LabHandle
from byway.plan import Option, Plan, Way
from byway.tor.connector import TorConnector
from byway.tor.errors import NothingWorked, ProxyFailed, PtMissing, TorError
from byway.tor.events import (
    AttemptEvent,
    AttemptOutcome,
    BootstrapEvent,
    ConnectEvent,
    HealthEvent,
    HealthState,
)
from byway.tor.strategy import ConnectTiming
from byway.tor.torrc import UpstreamProxy
from byway.transports.bridge_line import Transport
from byway.transports.transport_support import ClientTransportPlugin
from tests.integration.connect.conftest import connector_options, locations, obfs4_option, run_inside
from tests.integration.connect.socks_proxy import Socks5Proxy
from tests.integration.connect.test_connect_lab import fetch_through
from tests.unit.tor.procs import byway_processes

pytestmark = [pytest.mark.lab, pytest.mark.tor]


def kill_all(root: Path, name: str) -> list[int]:
    pids = [pid for pid, found in byway_processes(root) if found == name]
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    return pids


@pytest.mark.parametrize("phase", [2, 25, 75])
def test_tor_killed_during_bootstrap_is_started_again(lab: LabHandle, root: Path, phase: int) -> None:
    events: list[ConnectEvent] = []
    killed: list[int] = []

    def on_event(event: ConnectEvent) -> None:
        events.append(event)
        if isinstance(event, BootstrapEvent) and event.progress >= phase and not killed:
            killed.extend(kill_all(root, "tor"))

    async def main() -> int:
        connector = TorConnector(locations(root), connector_options(lab))
        try:
            session = await connector.connect(Plan((obfs4_option(lab, 0),), "one"), on_event)
            return (await fetch_through(session, "http://www.byway.test/")).status_code
        finally:
            await connector.disconnect()

    assert run_inside(main) == 200
    assert killed
    failed = [e for e in events if isinstance(e, AttemptEvent) and e.outcome is AttemptOutcome.FAILED]
    assert len(failed) == 1 and "stopped unexpectedly" in failed[0].explanation


@pytest.mark.parametrize("victim", ["tor", "obfs4proxy"])
def test_a_process_dying_under_a_session_is_noticed_and_recovered(
    lab: LabHandle, root: Path, victim: str
) -> None:
    health: list[tuple[float, HealthEvent]] = []

    def on_event(event: ConnectEvent) -> None:
        if isinstance(event, HealthEvent):
            health.append((time.monotonic(), event))

    async def main() -> tuple[float, int, int, int]:
        connector = TorConnector(locations(root), connector_options(lab))
        try:
            session = await connector.connect(Plan((obfs4_option(lab, 0),), "one"), on_event)
            assert (await fetch_through(session, "http://www.byway.test/")).status_code == 200
            killed_at = time.monotonic()
            assert kill_all(root, victim)
            while not any(e.state is HealthState.HEALTHY for _, e in health):
                assert time.monotonic() - killed_at < 30, health
                await asyncio.sleep(0.1)
            after = connector.session
            assert after is not None
            status = (await fetch_through(after, "http://www.byway.test/")).status_code
            return killed_at, status, session.socks.port, after.socks.port
        finally:
            await connector.disconnect()

    killed_at, status, port_before, port_after = run_inside(main)
    noticed = health[0][0] - killed_at
    print(f"{victim} killed: noticed in {noticed:.2f} s, healthy again in {health[-1][0] - killed_at:.2f} s")
    assert health[0][1].state is HealthState.RECOVERING and noticed < 2.0
    assert status == 200 and port_after == port_before  # applications keep their SOCKS address


def test_a_missing_transport_program_is_explained_in_the_lab(lab: LabHandle, root: Path) -> None:
    plugin = ClientTransportPlugin((Transport.OBFS4,), Path("/opt/nowhere/obfs4proxy"))

    async def main() -> TorError:
        connector = TorConnector(locations(root), connector_options(lab, plugins=(plugin,)))
        try:
            await connector.connect(Plan((obfs4_option(lab, 0),), "one"), lambda _e: None)
        except TorError as error:
            return error
        finally:
            await connector.disconnect()
        raise AssertionError("connected without a transport program")

    error = run_inside(main)
    assert isinstance(error, NothingWorked) and isinstance(error.failures[0][1], PtMissing)
    assert "obfs4" in error.explanation() and "obfs4proxy" in error.next_step()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_wrong_proxy_is_explained(lab: LabHandle, root: Path) -> None:
    proxy = UpstreamProxy.parse(f"socks5://ann:secret@127.0.0.1:{free_port()}")

    async def main() -> TorError:
        options = connector_options(lab, proxy=proxy, timing=ConnectTiming(stall_s=4.0))
        connector = TorConnector(locations(root), options)
        try:
            await connector.connect(Plan((Option(Way.DIRECT, (), ("direct",)),), "one"), lambda _e: None)
        except TorError as error:
            return error
        finally:
            await connector.disconnect()
        raise AssertionError("connected through a proxy that does not exist")

    error = run_inside(main)
    assert isinstance(error, NothingWorked)
    failure = error.failures[0][1]
    assert isinstance(failure, ProxyFailed), failure
    assert "secret" not in failure.explanation() and "127.0.0.1" in failure.explanation()


def test_a_socks5_proxy_with_credentials_carries_tor(lab: LabHandle, root: Path) -> None:
    async def main() -> tuple[int, Socks5Proxy]:
        server = Socks5Proxy(b"ann", b"s3cret")
        port = await server.start()
        proxy = UpstreamProxy.parse(f"socks5://ann:s3cret@127.0.0.1:{port}")
        connector = TorConnector(locations(root), connector_options(lab, proxy=proxy))
        try:
            session = await connector.connect(
                Plan((Option(Way.DIRECT, (), ("direct",)),), "one"), lambda _e: None
            )
            return (await fetch_through(session, "http://www.byway.test/")).status_code, server
        finally:
            await connector.disconnect()
            await server.stop()

    status, server = run_inside(main)
    assert status == 200
    assert server.connects and server.refused_logins == 0
