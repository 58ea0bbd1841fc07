"""Portable mode on a borrowed computer, in the lab: a whole diagnose / save a bridge / connect / browse
/ disconnect cycle by the real ``byway`` CLI inside the censored client namespace, then proof that

* nothing was written under HOME or the XDG config/data/cache/state folders (all empty temp folders),
* the stick holds the settings, the vault, the log and the caches,
* no file Byway wrote (on the stick, in its RAM runtime folder, in TMPDIR) holds the bridge line, its
  address, its fingerprint or its certificate, nor an upstream proxy's password.

Run these under the shared lab's lock: ``flock /tmp/byway-lab-dev.lock pytest -m "not lab_teardown"``.
"""

from __future__ import annotations

import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from byway.lab import addresses, control, namespaces
from byway.lab.testing import LabHandle
from byway.store.logs import LOG_FILE_NAME
from byway.tor.connector import EPHEMERAL_DATA_DIR
from byway.transports.bridge_line import parse_bridge_line

pytestmark = [pytest.mark.lab, pytest.mark.tor]

REPO = Path(__file__).resolve().parents[3]
PASSPHRASE = "correct horse battery staple"
PERSISTENT = ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")


@dataclass
class BorrowedComputer:
    """Empty home and XDG folders standing in for someone else's computer, plus the user's stick."""

    root: Path
    runtime: Path  # XDG_RUNTIME_DIR: a short folder on tmpfs, as on a systemd desktop
    stick: Path = field(init=False)
    folders: dict[str, Path] = field(init=False)

    def __post_init__(self) -> None:
        self.stick = self.root / "stick"
        home = self.root / "home"
        self.folders = {
            "HOME": home,
            "XDG_CONFIG_HOME": home / ".config",
            "XDG_DATA_HOME": home / ".local" / "share",
            "XDG_CACHE_HOME": home / ".cache",
            "XDG_STATE_HOME": home / ".local" / "state",
            "TMPDIR": self.root / "tmp",
        }
        for folder in self.folders.values():
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def env(self) -> dict[str, str]:
        env = control.client_env()
        env.update({name: str(path) for name, path in self.folders.items()})
        env["XDG_RUNTIME_DIR"] = str(self.runtime)
        env["BYWAY_VAULT_PASSPHRASE"] = PASSPHRASE
        for variable in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
            env.pop(variable, None)
        return env

    def argv(self, *args: str) -> list[str]:
        return namespaces.in_ns(addresses.NS_INSIDE, [sys.executable, "-m", "byway", *args])

    def byway(self, *args: str, timeout_s: float = 180.0) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.argv(*args),
            env=self.env(),
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )

    def written_files(self, *, but_tor_ram_state: bool = False) -> list[Path]:
        """Every file Byway may have written: the stick, its runtime folder, TMPDIR, the home.

        ``but_tor_ram_state`` leaves out the ephemeral DataDirectories in the RAM runtime folder,
        which do hold a private bridge while tor runs (tor needs it) and are gone afterwards.
        """
        places = [self.stick, self.runtime, *self.folders.values()]
        files = {p for place in places for p in place.rglob("*") if p.is_file()}
        if but_tor_ram_state:
            files -= set(self.runtime.glob(f"byway-tor-*/{EPHEMERAL_DATA_DIR}/**/*"))
        return sorted(files)

    def leftovers_outside_the_stick(self) -> list[Path]:
        """Anything under HOME, the XDG folders, TMPDIR or the runtime folder but the empty folders
        this test made."""
        made = set(self.folders.values()) | {self.root / "home" / ".local"}
        places = [self.runtime, *self.folders.values()]
        return sorted({p for place in places for p in place.rglob("*")} - made)


@pytest.fixture()
def borrowed(tmp_path: Path) -> Iterator[BorrowedComputer]:
    parent = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    runtime = Path(tempfile.mkdtemp(prefix="bw-run-", dir=parent))
    try:
        yield BorrowedComputer(tmp_path, runtime)
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def needles_of(line: str) -> dict[str, bytes]:
    """What must never be found in a file: the line and each part that identifies the bridge."""
    bridge = parse_bridge_line(line)
    address = str(bridge.address)
    host = address.rsplit(":", 1)[0].strip("[]")
    assert bridge.fingerprint is not None
    found = {
        "bridge line": line.encode(),
        "address": address.encode(),
        "host": host.encode(),
        "fingerprint": bridge.fingerprint.encode(),
    }
    if "cert=" in line:
        found["cert"] = line.split("cert=", 1)[1].split()[0].encode()
    return found


def find_in_files(files: Sequence[Path], needles: dict[str, bytes]) -> list[str]:
    """Byte search, case-insensitive (a fingerprint may be written in lower case)."""
    found = []
    for path in files:
        try:
            content = path.read_bytes().lower()
        except OSError:
            continue
        found += [f"{what} in {path}" for what, needle in needles.items() if needle.lower() in content]
    return found


@dataclass
class Connection:
    """A running ``byway connect`` and what it has printed."""

    proc: subprocess.Popen[str]
    stderr: list[str] = field(default_factory=list)
    socks: tuple[str, int] | None = None

    def wait_for_socks(self, timeout_s: float) -> tuple[str, int]:
        reader = threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr or ()), daemon=True)
        reader.start()
        deadline = time.monotonic() + timeout_s
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            match = re.match(r"SOCKS5 (\S+):(\d+)", line.strip())
            if match:
                self.socks = (match.group(1), int(match.group(2)))
                return self.socks
        raise AssertionError("no SOCKS address:\n" + "".join(self.stderr))

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


def connect(borrowed: BorrowedComputer, *args: str) -> Connection:
    proc = subprocess.Popen(
        borrowed.argv("--portable", str(borrowed.stick), "--log", "connect", *args),
        env=borrowed.env(),
        cwd=borrowed.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return Connection(proc)


def fetch_through(lab: LabHandle, socks: tuple[str, int]) -> str:
    fetch = lab.exec_inside(
        [
            sys.executable,
            "-c",
            "import httpx; r = httpx.get('http://www.byway.test/', "
            f"proxy='socks5://{socks[0]}:{socks[1]}', timeout=30); print(r.status_code)",
        ],
        timeout_s=60,
    )
    return fetch.stdout.strip() or fetch.stderr


def diagnose(lab: LabHandle, borrowed: BorrowedComputer, *, relays: bool) -> None:
    info = lab.info
    args = [
        "--portable",
        str(borrowed.stick),
        "--log",
        "diagnose",
        "--accept-risks",
        "--resolver",
        f"{info.resolver_ip}:53",
        "--doh",
        info.doh_url,
        "--test-helper",
        info.helper_url,
        "--timeout",
        "3",
        "--residual-window",
        "0",
    ]
    if relays:
        args += [f"--relay={a.nickname}={a.ip}:{a.or_port}" for a in info.authorities]
    else:
        args.append("--no-tor")
    done = borrowed.byway(*args, f"http://{info.benign_name}/", "http://www.byway.test/")
    assert done.returncode == 0, done.stderr


def save_bridge(borrowed: BorrowedComputer, line: str) -> None:
    added = borrowed.byway("--portable", str(borrowed.stick), "bridges", "add", line)
    assert added.returncode == 0, added.stderr
    assert "vault" in added.stdout, added.stdout


def tor_left(borrowed: BorrowedComputer) -> list[int]:
    """Processes (tor, its transports) still naming the runtime folder or the stick."""
    marks = (str(borrowed.runtime).encode(), str(borrowed.stick).encode())
    left = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if any(mark in cmdline for mark in marks):
                left.append(int(entry.name))
    return left


def assert_nothing_outside_the_stick(borrowed: BorrowedComputer) -> None:
    deadline = time.monotonic() + 5
    while tor_left(borrowed) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert tor_left(borrowed) == []
    assert borrowed.leftovers_outside_the_stick() == []


def test_a_portable_cycle_leaves_no_trace_and_no_bridge_on_disk(
    scenario: LabHandle, borrowed: BorrowedComputer
) -> None:
    line = scenario.info.obfs4_bridges[0]
    needles = {
        f"{what} of lab bridge {n}": value
        for n, bridge in enumerate((*scenario.info.obfs4_bridges, scenario.info.vanilla_bridge))
        for what, value in needles_of(bridge).items()
    }
    diagnose(scenario, borrowed, relays=True)
    save_bridge(borrowed, line)

    # The classic Tor block: only a bridge gets through, so the saved (secret) bridge carries tor.
    scenario.switch("tor-blocked")
    connection = connect(
        borrowed,
        "--transport",
        "auto",
        "--country",
        "IR",
        "--moat-url",
        scenario.info.moat_url,
        "--stall",
        "15",
    )
    try:
        connection.wait_for_socks(180)
        assert connection.socks is not None
        assert fetch_through(scenario, connection.socks) == "200"
        # While connected: no torrc anywhere, nothing on the stick; only tor's state in RAM.
        assert not list(borrowed.runtime.rglob("torrc"))
        during = find_in_files(borrowed.written_files(but_tor_ram_state=True), needles)
        assert during == [], during
    finally:
        status = connection.stop()
    said = "".join(connection.stderr)
    assert status == 0, said
    assert "Connected with" in said, said

    assert_nothing_outside_the_stick(borrowed)
    stick = borrowed.stick
    assert (stick / "config" / "settings.json").is_file()
    assert (stick / "data" / "secrets.vault").is_file()
    log = (stick / "logs" / LOG_FILE_NAME).read_text(encoding="utf-8")
    for event in ("diagnosis started", "diagnosis finished", "attempt custom (custom) started"):
        assert event in log, log
    # The saved bridge or the private (bridgedb) one Moat handed out for IR, kept in the vault: a
    # secret either way, so tor's state for it lived in RAM and the stick has no tor folder for it.
    assert re.search(r"attempt \w+ \((custom|moat)\) won", log), log
    cached = list((stick / "cache" / "moat").glob("settings-ir-*.json"))
    assert cached, "Moat's answer was not cached on the stick"
    assert "secret_id" in cached[0].read_text(encoding="utf-8")

    written = borrowed.written_files()
    assert written
    found = find_in_files(written, needles)
    assert found == [], found


def test_an_upstream_proxy_password_never_reaches_a_file(
    scenario: LabHandle, borrowed: BorrowedComputer
) -> None:
    user, password = f"u{secrets.token_hex(4)}", f"pw-{secrets.token_urlsafe(18)}"
    proxy = subprocess.Popen(
        namespaces.in_ns(
            addresses.NS_INSIDE,
            [sys.executable, "-m", "tests.integration.store.socks_proxy_runner", user, password],
        ),
        env=control.client_env(),
        cwd=REPO,  # python -m finds the tests package here
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proxy.stdout is not None
        port = int(proxy.stdout.readline().split()[1])
        diagnose(scenario, borrowed, relays=False)
        save_bridge(borrowed, scenario.info.obfs4_bridges[1])
        connection = connect(
            borrowed, "--transport", "direct", "--proxy", f"socks5://{user}:{password}@127.0.0.1:{port}"
        )
        try:
            connection.wait_for_socks(180)
            assert connection.socks is not None
            assert fetch_through(scenario, connection.socks) == "200"
            during = find_in_files(borrowed.written_files(), {"password": password.encode()})
            assert during == [], during  # not even while tor runs: no torrc, nothing in its state
        finally:
            status = connection.stop()
        assert status == 0, "".join(connection.stderr)
    finally:
        proxy.send_signal(signal.SIGTERM)
        summary, _ = proxy.communicate(timeout=10)
    connects, refused = (int(n) for n in re.findall(r"\d+", summary.split("CONNECTS", 1)[1])[:2])
    assert connects > 0 and refused == 0, summary  # tor really went through the proxy

    assert_nothing_outside_the_stick(borrowed)
    log = (borrowed.stick / "logs" / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "through an upstream proxy" in log and "connected with direct" in log, log
    written = borrowed.written_files()
    needles = {"password": password.encode(), "user:password": f"{user}:{password}".encode()}
    needles |= needles_of(scenario.info.obfs4_bridges[1])
    found = find_in_files(written, needles)
    assert found == [], found
