"""The real tor, on loopback only: control socket, cookie auth, ownership, SOCKS port, strategy, cancel.

No test here can reach the public Tor network: tor either starts with ``DisableNetwork 1`` or uses a
made-up test network whose only authority is 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from byway.plan import Option, Plan, Way
from byway.store.locations import Locations
from byway.tor.bootstrap import TorStatus
from byway.tor.connector import ConnectorOptions, TorConnector, remember_working, remembered_way
from byway.tor.errors import BootstrapStalled, NothingWorked, PtMissing, TorError, TorMissing
from byway.tor.events import AttemptEvent, AttemptOutcome, BootstrapEvent, ConnectEvent
from byway.tor.process import TorProcess
from byway.tor.strategy import ConnectTiming, order_options, slot_name
from byway.tor.torrc import DirectoryAuthority, TestNetwork, TorConfig
from byway.transports.bridge_line import Transport, parse_bridge_line
from byway.transports.transport_support import ClientTransportPlugin
from tests.unit.tor.procs import snapshot, wait_gone

TOR = shutil.which("tor")
pytestmark = [pytest.mark.tor, pytest.mark.skipif(TOR is None, reason="tor is not installed")]
FAST = ConnectTiming(stall_s=2.0, late_stall_s=2.0, warned_s=1.0, head_start_s=0.3)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def silent_listener() -> Iterator[int]:
    """A loopback port that accepts connections and never says a word: a black hole one hop in."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield int(server.getsockname()[1])
    server.close()


def loopback_network(port: int) -> TestNetwork:
    return TestNetwork((DirectoryAuthority("fake", "127.0.0.1", port, port, "A" * 40, "B" * 40),))


def locations(root: Path) -> Locations:
    return Locations(root / "config", root / "data", root / "cache", root / "logs", True, root)


@pytest.fixture()
def root(tmp_path: Path) -> Iterator[Path]:
    before = snapshot(tmp_path)
    yield tmp_path
    assert wait_gone(tmp_path, 5.0, ignore=before) == []


def test_tor_starts_idle_with_a_private_cookie_authenticated_control_socket(root: Path) -> None:
    statuses: list[TorStatus] = []
    closed: list[bool] = []

    async def scenario() -> None:
        process = await TorProcess.launch(
            lambda runtime: TorConfig(root / "data", runtime / "control", owning_pid=os.getpid()),
            Path(str(TOR)),
            statuses.append,
            lambda: closed.append(True),
        )
        try:
            socket_dir = process.config.control_socket.parent
            assert stat.S_IMODE(socket_dir.stat().st_mode) == 0o700
            assert stat.S_ISSOCK(process.config.control_socket.stat().st_mode)
            assert (root / "data" / "control_auth_cookie").is_file()
            assert process.controller.is_authenticated()
            # stem sent TAKEOWNERSHIP (we are __OwningControllerProcess) and then cleared the option:
            assert process.controller.get_conf("__OwningControllerProcess", None) is None
            assert process.controller.get_conf("DisableNetwork") == "1"
            assert process.controller.get_listeners("socks") == []  # idle: nothing listens yet
        finally:
            process.controller.close()  # the owning connection closes: tor must exit by itself
            started = time.monotonic()
            await asyncio.to_thread(process.popen.wait, 5)
            assert time.monotonic() - started < 3
            await process.stop()

    asyncio.run(scenario())


def test_tor_opens_its_socks_port_on_loopback_once_the_network_is_enabled(root: Path) -> None:
    async def scenario() -> None:
        process = await TorProcess.launch(
            lambda runtime: TorConfig(
                root / "data",
                runtime / "control",
                owning_pid=os.getpid(),
                test_network=loopback_network(closed_port()),
            ),
            Path(str(TOR)),
            lambda _status: None,
            lambda: None,
        )
        try:
            await process.enable_network()
            endpoint = await process.socks_endpoint()
            assert endpoint.ip == "127.0.0.1" and endpoint.port > 0
            with socket.create_connection((endpoint.ip, endpoint.port), timeout=2):
                pass
            current = await process.current_bootstrap()
            assert current is not None and current.action == "BOOTSTRAP"
        finally:
            await process.stop()
        assert process.popen.returncode is not None

    asyncio.run(scenario())


def connect(root: Path, plan: Plan, options: ConnectorOptions) -> tuple[list[ConnectEvent], object]:
    events: list[ConnectEvent] = []

    async def scenario() -> object:
        connector = TorConnector(locations(root), options)
        try:
            return await connector.connect(plan, events.append)
        except TorError as error:
            return error
        finally:
            await connector.disconnect()

    return events, asyncio.run(scenario())


def test_a_silent_first_hop_is_judged_stalled_and_the_next_option_is_tried(
    root: Path, silent_listener: int
) -> None:
    direct = Option(Way.DIRECT, (), ("first",), score=100)
    bridge = parse_bridge_line(f"127.0.0.1:{closed_port()}")
    vanilla = Option(Way.VANILLA_BRIDGE, (bridge,), ("second",), score=50)
    options = ConnectorOptions(
        tor_path=Path(str(TOR)), plugins=(), test_network=loopback_network(silent_listener), timing=FAST
    )
    started = time.monotonic()
    events, result = connect(root, Plan((direct, vanilla), "test"), options)
    assert isinstance(result, NothingWorked), result
    assert time.monotonic() - started < 15
    names = [name for name, _ in result.failures]
    assert sorted(names) == ["direct", "vanilla"]
    assert any(isinstance(error, BootstrapStalled) for _, error in result.failures)
    outcomes = [(e.option.way, e.outcome) for e in events if isinstance(e, AttemptEvent)]
    assert (Way.DIRECT, AttemptOutcome.STARTED) in outcomes and (
        Way.VANILLA_BRIDGE,
        AttemptOutcome.STARTED,
    ) in outcomes
    assert any(isinstance(e, BootstrapEvent) for e in events)


@pytest.mark.parametrize("program", ["/nonexistent/obfs4proxy", "/bin/false"])
def test_a_missing_or_broken_transport_program_is_explained(root: Path, program: str) -> None:
    bridge = parse_bridge_line(
        f"obfs4 127.0.0.1:{closed_port()} D9A82D2F9C2F65A18407B1D2B764F130847F8B5D "
        "cert=bjRaMrr1BRiAW8IE9U5z27fQaYgOhX1UCmOpg2pFpoMvo6ZgQMzLsaTzzQNTlm7hNcb+Sg iat-mode=0"
    )
    plugin = ClientTransportPlugin((Transport.OBFS4,), Path(program))
    options = ConnectorOptions(
        tor_path=Path(str(TOR)), plugins=(plugin,), test_network=loopback_network(closed_port()), timing=FAST
    )
    _, result = connect(root, Plan((Option(Way.OBFS4, (bridge,), ("x",)),), "test"), options)
    assert isinstance(result, NothingWorked)
    error = result.failures[0][1]
    assert isinstance(error, PtMissing), error
    assert error.explanation() and error.next_step()


def test_a_missing_tor_is_explained(root: Path) -> None:
    options = ConnectorOptions(tor_path=Path("/nonexistent/tor"), plugins=(), timing=FAST)
    _, result = connect(root, Plan((Option(Way.DIRECT, (), ("x",)),), "test"), options)
    assert isinstance(result, NothingWorked)
    assert isinstance(result.failures[0][1], TorMissing)


def test_cancelling_connect_stops_every_tor_at_once(root: Path, silent_listener: int) -> None:
    plan = Plan(
        tuple(
            Option(
                Way.DIRECT if i == 0 else Way.VANILLA_BRIDGE,
                () if i == 0 else (parse_bridge_line(f"127.0.0.{i + 1}:{silent_listener}"),),
                (str(i),),
            )
            for i in range(3)
        ),
        "test",
    )
    options = ConnectorOptions(
        tor_path=Path(str(TOR)),
        plugins=(),
        test_network=loopback_network(silent_listener),
        timing=ConnectTiming(stall_s=30, head_start_s=0.2),
    )
    before = snapshot(root)

    async def scenario() -> None:
        connector = TorConnector(locations(root), options)
        task = asyncio.create_task(connector.connect(plan, lambda _event: None))
        await asyncio.sleep(1.5)
        assert len(set(_byway_tor_pids(root)) - before) >= 2  # the race is on
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    started = time.monotonic()
    asyncio.run(scenario())
    assert wait_gone(root, 2.0, ignore=before) == []
    assert time.monotonic() - started < 5


def _byway_tor_pids(root: Path) -> list[int]:
    from tests.unit.tor.procs import byway_processes

    return [pid for pid, name in byway_processes(root) if name == "tor"]


def test_what_worked_last_time_goes_first(tmp_path: Path) -> None:
    direct = Option(Way.DIRECT, (), ("a",))
    obfs4 = Option(Way.OBFS4, (), ("b",))
    assert order_options((direct, obfs4), None) == (direct, obfs4)
    assert order_options((direct, obfs4), "obfs4") == (obfs4, direct)
    where = locations(tmp_path)
    assert remembered_way(where, "home") is None
    remember_working(where, "home", obfs4)
    assert remembered_way(where, "home") == "obfs4"


def test_each_option_has_its_own_stable_data_directory() -> None:
    one = Option(Way.VANILLA_BRIDGE, (parse_bridge_line("192.0.2.1:443"),), ())
    two = Option(Way.VANILLA_BRIDGE, (parse_bridge_line("192.0.2.2:443"),), ())
    assert slot_name(one) == slot_name(Option(Way.VANILLA_BRIDGE, one.bridges, ("other reasons",)))
    assert slot_name(one) != slot_name(two)
