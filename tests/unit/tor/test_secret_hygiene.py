"""No tor file on disk names a secret: no torrc is written, the runtime folder is in RAM and private,
and options whose bridges are secret (or a proxy with a password) get an ephemeral DataDirectory.

tor runs on loopback only: ``DisableNetwork 1``, or a made-up test network whose authority is a
silent loopback port.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from byway.plan import Option, Plan, Way
from byway.store.locations import Locations
from byway.tor import process as tor_process
from byway.tor.connector import EPHEMERAL_DATA_DIR, ConnectorOptions, TorConnector, keeps_secrets
from byway.tor.errors import NothingWorked, TorError
from byway.tor.process import OWNER_FILE, TorProcess, make_runtime_dir, remove_abandoned_runtime_dirs
from byway.tor.strategy import ConnectTiming
from byway.tor.torrc import DirectoryAuthority, TestNetwork, TorConfig, UpstreamProxy
from byway.transports.bridge_line import Transport, parse_bridge_line
from byway.transports.transport_support import ClientTransportPlugin
from tests.unit.tor.procs import snapshot, wait_gone

TOR = shutil.which("tor")
needs_tor = pytest.mark.skipif(TOR is None, reason="tor is not installed")
FAST = ConnectTiming(stall_s=2.0, late_stall_s=2.0, warned_s=1.0, head_start_s=0.3)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def where(root: Path) -> Locations:
    return Locations(root / "config", root / "data", root / "cache", root / "logs", True, root)


def files_containing(folder: Path, needles: list[bytes]) -> list[tuple[Path, bytes]]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            content = path.read_bytes()
            found += [(path, needle) for needle in needles if needle in content]
    return found


def cmdline(pid: int) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes()


def ephemeral_dirs(parent: Path) -> list[Path]:
    return list(parent.glob(f"byway-tor-*/{EPHEMERAL_DATA_DIR}"))


@pytest.fixture()
def ram_runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A short private folder standing in for ``XDG_RUNTIME_DIR``, so leftovers can be counted."""
    parent = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    folder = Path(tempfile.mkdtemp(prefix="bw-", dir=parent))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture()
def root(tmp_path: Path) -> Iterator[Path]:
    before = snapshot(tmp_path)
    yield tmp_path
    assert wait_gone(tmp_path, 5.0, ignore=before) == []


def test_the_runtime_folder_prefers_ram_and_is_private(
    monkeypatch: pytest.MonkeyPatch, ram_runtime: Path, tmp_path: Path
) -> None:
    made = make_runtime_dir()
    assert made.parent == ram_runtime and stat.S_IMODE(made.stat().st_mode) == 0o700
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    fake_shm = Path(tempfile.mkdtemp(prefix="shm-", dir=ram_runtime))
    monkeypatch.setattr(tor_process, "RAM_FOLDER", fake_shm)
    assert make_runtime_dir().parent == fake_shm  # no XDG_RUNTIME_DIR: /dev/shm
    monkeypatch.setattr(tor_process, "RAM_FOLDER", tmp_path / "no-shm-here")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the "system" temp folder, for this test
    assert make_runtime_dir().parent == tmp_path  # neither: the temp folder
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/" + "x" * 60)  # too long for a socket path: skipped
    assert make_runtime_dir().parent == tmp_path


def test_folders_of_a_killed_byway_are_removed_at_the_next_start(ram_runtime: Path) -> None:
    """After SIGKILL no cleanup runs: the next Byway removes what the dead one left (its tor's RAM
    state may name a private bridge); folders of live or unknown owners stay."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    owners = {"dead": dead.stdout.decode().strip(), "alive": str(os.getppid()), "unknown": None}
    folders = {}
    for name, owner in owners.items():
        folder = ram_runtime / f"byway-tor-{name}"
        (folder / "data").mkdir(parents=True)
        (folder / "data" / "state").write_text("Guard in=bridges rsa_id=...")
        if owner is not None:
            (folder / OWNER_FILE).write_text(owner)
        folders[name] = folder
    assert remove_abandoned_runtime_dirs(ram_runtime) == [folders["dead"]]
    assert not folders["dead"].exists() and folders["alive"].exists() and folders["unknown"].exists()
    shutil.rmtree(folders["alive"])
    (folders["dead"] / "data").mkdir(parents=True)
    (folders["dead"] / OWNER_FILE).write_text(owners["dead"] or "")
    made = make_runtime_dir()  # sweeps first
    assert not folders["dead"].exists()
    assert (made / OWNER_FILE).read_text() == str(os.getpid())


@needs_tor
def test_tor_gets_its_config_without_a_torrc_on_disk(root: Path, ram_runtime: Path) -> None:
    password = "pw-" + secrets.token_hex(12)
    fingerprint = secrets.token_hex(20).upper()
    port = free_port()
    bridge = parse_bridge_line(f"127.0.0.1:{port} {fingerprint}")
    proxy = UpstreamProxy.parse(f"socks5://ann:{password}@127.0.0.1:{free_port()}")
    needles = [password.encode(), fingerprint.encode(), f":{port}".encode()]

    async def scenario() -> Path:
        process = await TorProcess.launch(
            lambda runtime: TorConfig(
                root / "data",
                runtime / "control",
                owning_pid=os.getpid(),
                bridges=(bridge,),
                proxy=proxy,
                log_file=root / "data" / "notice.log",
            ),
            Path(str(TOR)),
            lambda _status: None,
            lambda: None,
        )
        try:
            runtime = process.runtime_dir
            assert runtime.parent == ram_runtime and stat.S_IMODE(runtime.stat().st_mode) == 0o700
            # tor has the secrets (it read them from its standard input) ...
            assert process.controller.get_conf("Socks5ProxyPassword") == password
            assert fingerprint in process.controller.get_conf("Bridge")
            # ... and no file does: not in the runtime folder, not on tor's command line.
            assert not (runtime / "torrc").exists()
            assert files_containing(runtime, needles) == []
            assert files_containing(root, needles) == []
            assert all(needle not in cmdline(process.pid) for needle in needles)
            return runtime
        finally:
            await process.stop()

    runtime = asyncio.run(scenario())
    assert not runtime.exists()
    assert list(ram_runtime.iterdir()) == []


def option(way: Way, source: str = "", line: str = "192.0.2.1:443") -> Option:
    return Option(way, (parse_bridge_line(line),) if way is not Way.DIRECT else (), ("x",), source=source)


@pytest.mark.parametrize(
    ("chosen", "proxy", "ephemeral"),
    [
        (option(Way.CUSTOM, "custom"), None, True),
        (option(Way.VANILLA_BRIDGE, "custom"), None, True),
        (option(Way.VANILLA_BRIDGE, "moat"), None, True),
        (option(Way.VANILLA_BRIDGE, "bridgedb"), None, True),
        (option(Way.CUSTOM), None, True),
        (option(Way.VANILLA_BRIDGE, "builtin"), None, False),
        (option(Way.DIRECT), None, False),
        (option(Way.DIRECT), "socks5://127.0.0.1:1080", False),
        (option(Way.DIRECT), "socks5://ann:pw@127.0.0.1:1080", True),
        (option(Way.VANILLA_BRIDGE, "builtin"), "http://ann:pw@127.0.0.1:8080", True),
    ],
)
def test_secret_options_get_an_ephemeral_data_directory(
    tmp_path: Path, chosen: Option, proxy: str | None, ephemeral: bool
) -> None:
    upstream = UpstreamProxy.parse(proxy) if proxy else None
    assert keeps_secrets(chosen, upstream) is ephemeral
    connector = TorConnector(
        where(tmp_path), ConnectorOptions(tor_path=Path("/bin/true"), plugins=(), proxy=upstream)
    )
    runtime = tmp_path / "runtime"
    config = connector._config_for(chosen, runtime)
    if ephemeral:
        assert config.data_dir == runtime / EPHEMERAL_DATA_DIR
        assert not (tmp_path / "data" / "tor").exists()  # nothing was created in the profile either
    else:
        assert config.data_dir.parent == where(tmp_path).tor_data_dir("default")
    assert config.log_file is not None and config.log_file.parent == config.data_dir


@needs_tor
def test_a_private_bridge_leaves_nothing_behind(root: Path, ram_runtime: Path) -> None:
    """tor runs the user's bridge (and fails: the network is a silent port); afterwards no file
    anywhere (the profile, the runtime folder) names it, and the ephemeral folder is gone."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    fingerprint = secrets.token_hex(20).upper()
    cert = secrets.token_urlsafe(52).replace("-", "+").replace("_", "/")[:70]
    port = free_port()
    line = f"obfs4 127.0.0.1:{port} {fingerprint} cert={cert} iat-mode=0"
    mine = Option(Way.CUSTOM, (parse_bridge_line(line),), ("yours",), source="custom")
    authority = DirectoryAuthority(
        "fake", "127.0.0.1", listener.getsockname()[1], listener.getsockname()[1], "A" * 40, "B" * 40
    )
    options = ConnectorOptions(
        tor_path=Path(str(TOR)),
        plugins=(ClientTransportPlugin((Transport.OBFS4,), Path("/bin/true")),),
        test_network=TestNetwork((authority,)),
        timing=FAST,
    )
    seen: list[Path] = []

    async def scenario() -> object:
        connector = TorConnector(where(root), options)
        task = asyncio.create_task(connector.connect(Plan((mine,), "test"), lambda _event: None))
        while not seen and not task.done():
            seen.extend(ephemeral_dirs(ram_runtime))
            await asyncio.sleep(0.05)
        try:
            return await task
        except TorError as error:
            return error
        finally:
            await connector.disconnect()

    try:
        result = asyncio.run(scenario())
    finally:
        listener.close()
    assert isinstance(result, NothingWorked), result
    assert seen, "tor never used an ephemeral DataDirectory"
    assert not any(path.exists() for path in seen)
    needles = [fingerprint.encode(), cert.encode(), f":{port}".encode(), line.encode()]
    assert files_containing(root, needles) == []
    assert files_containing(ram_runtime, needles) == []
    assert not (root / "data" / "tor").exists()
