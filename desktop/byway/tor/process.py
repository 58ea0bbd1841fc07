"""One tor process under Byway's control: launched from a typed config, driven through stem.

Why it cannot outlive Byway: the torrc names Byway's pid in ``__OwningControllerProcess``, and stem,
on authenticating, sends ``TAKEOWNERSHIP``; from then on tor exits as soon as the control connection
closes, which the kernel does when Byway dies, even by SIGKILL. Pluggable transports are tor's
children and exit with it (tor closes their stdin; they run with ``TOR_PT_EXIT_ON_STDIN_CLOSE``).

stem is synchronous and calls listeners from its own thread: every blocking call goes through
``asyncio.to_thread`` and every event is handed to the loop with ``call_soon_threadsafe``.

Why no torrc is ever written: the configuration holds secrets (``Bridge`` lines of private bridges,
``Socks5ProxyPassword``, ``HTTPSProxyAuthenticator``), and a file, even a deleted one on a journaling
disk, is what a seized laptop gives away. tor reads it from its standard input (``-f -``), once, at
start; Byway never sends SIGHUP (which would make tor read it again). The private runtime folder
(control socket, an empty defaults file, and the DataDirectory of options whose bridges are secret)
lives in RAM when the system offers it (``XDG_RUNTIME_DIR``, else ``/dev/shm``), private (0700), and
is removed when tor stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import stem
import stem.control
import stem.response
from stem.control import EventType

from byway.measure.observations import Endpoint
from byway.tor.bootstrap import TorStatus, status_from_stem
from byway.tor.errors import TorError, TorExited, TorMissing
from byway.tor.torrc import TorConfig, torrc_text

CONTROL_SOCKET_WAIT_S = 30.0
STOP_GRACE_S = 3.0


RAM_FOLDER = Path("/dev/shm")  # noqa: S108 - a parent for mkdtemp (0700, random name)
RUNTIME_PREFIX = "byway-tor-"


def runtime_parent() -> Path | None:
    """Where tor's private runtime folders go: a RAM-backed folder if there is one, else the temp folder.

    ``XDG_RUNTIME_DIR`` (a per-user tmpfs on systemd systems), else ``/dev/shm`` (tmpfs on Linux),
    else ``None`` (the system temp folder). A parent with a long path is skipped: a Unix socket path
    must stay under 108 bytes.
    """
    for candidate in (os.environ.get("XDG_RUNTIME_DIR"), str(RAM_FOLDER)):
        if not candidate or len(candidate) >= 40:
            continue
        path = Path(candidate)
        if path.is_dir() and os.access(path, os.W_OK | os.X_OK):
            return path
    return None


OWNER_FILE = "owner"


def make_runtime_dir() -> Path:
    """A private (0700), short folder for the control socket and, for secret bridges, tor's state.

    It names the Byway process that owns it, so that folders left by a Byway that was killed (no
    cleanup code runs after SIGKILL) are removed the next time Byway starts a tor.
    """
    parent = runtime_parent()
    remove_abandoned_runtime_dirs(Path(parent or tempfile.gettempdir()))
    folder = Path(tempfile.mkdtemp(prefix=RUNTIME_PREFIX, dir=parent))
    (folder / OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")
    return folder


def remove_abandoned_runtime_dirs(parent: Path) -> list[Path]:
    """Remove this user's runtime folders whose owning Byway process is gone; return them.

    A folder without an owner file (or with one that cannot be read) is left alone: it may belong to
    a Byway that is still starting.
    """
    removed = []
    for folder in parent.glob(f"{RUNTIME_PREFIX}*"):
        try:
            if folder.is_symlink() or folder.stat().st_uid != os.getuid():
                continue
            pid = int((folder / OWNER_FILE).read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def _tail(path: Path | None, lines: int = 3) -> str:
    if path is None:
        return ""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    interesting = [line for line in text.splitlines() if "[warn]" in line or "[err]" in line]
    return " ".join(line.split("] ", 1)[-1] for line in (interesting or text.splitlines())[-lines:])


def child_pids(pid: int) -> list[int]:
    """The direct children of ``pid`` (tor's pluggable transports), read from /proc."""
    children: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                children += [int(tok) for tok in (task / "children").read_text().split()]
    return children


class TorProcess:
    """A launched tor, its authenticated controller, and the status events it forwards."""

    def __init__(
        self,
        config: TorConfig,
        popen: subprocess.Popen[bytes],
        runtime_dir: Path,
        controller: Any,
    ) -> None:
        self.config = config
        self.popen = popen
        self.runtime_dir = runtime_dir
        self.controller = controller
        self.pt_pids: tuple[int, ...] = ()
        self._closed = False

    @property
    def pid(self) -> int:
        return self.popen.pid

    @classmethod
    async def launch(
        cls,
        config_for: Callable[[Path], TorConfig],
        tor_path: Path,
        on_status: Callable[[TorStatus], None],
        on_closed: Callable[[], None],
    ) -> TorProcess:
        """Start tor idle (``DisableNetwork 1``), connect, authenticate, subscribe; return it.

        ``config_for(runtime_dir)`` builds the config once the private runtime folder exists.
        ``on_status`` and ``on_closed`` run on the calling loop. Cancelling this kills the tor at once.
        """
        loop = asyncio.get_running_loop()
        runtime_dir = make_runtime_dir()
        try:
            config = config_for(runtime_dir)
            starting = asyncio.ensure_future(asyncio.to_thread(_start_tor, config, tor_path, runtime_dir))
            try:
                popen = await asyncio.shield(starting)
            except asyncio.CancelledError:
                # The thread goes on and may yet start tor: stop it as soon as it exists.
                starting.add_done_callback(_kill_started)
                raise
        except BaseException:
            shutil.rmtree(runtime_dir, ignore_errors=True)
            raise
        process = cls(config, popen, runtime_dir, None)
        try:
            await process._wait_for_control_socket()
            process.controller = await asyncio.to_thread(process._connect, loop, on_status, on_closed)
        except BaseException:
            process.kill_now()
            raise
        return process

    async def _wait_for_control_socket(self) -> None:
        # tor creates the socket within a fraction of a second; waiting on the file is cheaper than
        # retrying connections, and a dead tor is noticed at the same moment.
        deadline = time.monotonic() + CONTROL_SOCKET_WAIT_S
        while not self.config.control_socket.exists():
            if self.popen.poll() is not None:
                raise TorExited(self.popen.returncode, _tail(self.config.log_file))
            if time.monotonic() > deadline:
                raise TorExited(None, "no control socket")
            await asyncio.sleep(0.02)

    def _connect(
        self,
        loop: asyncio.AbstractEventLoop,
        on_status: Callable[[TorStatus], None],
        on_closed: Callable[[], None],
    ) -> Any:
        try:
            controller = stem.control.Controller.from_socket_file(str(self.config.control_socket))
            controller.authenticate()  # cookie; stem also sends TAKEOWNERSHIP (we are the owner)
        except (stem.SocketError, stem.connection.AuthenticationFailure) as error:
            raise TorExited(self.popen.poll(), str(error)) from error

        def forward(event: Any) -> None:
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is listening any more
                loop.call_soon_threadsafe(on_status, status_from_stem(event))

        def forward_warning(event: Any) -> None:
            # A transport that cannot start shows only here: "Managed proxy ... died in state Launched".
            status = TorStatus("LOG", str(event.runlevel), "LOG", {"MESSAGE": str(event.message)})
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(on_status, status)

        def closed(_controller: Any, state: Any, _timestamp: float) -> None:
            if state == stem.control.State.CLOSED:
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(on_closed)

        controller.add_event_listener(forward, EventType.STATUS_CLIENT, EventType.STATUS_GENERAL)
        controller.add_event_listener(forward_warning, EventType.WARN)
        controller.add_status_listener(closed, spawn=False)
        return controller

    async def enable_network(self) -> None:
        await asyncio.to_thread(self._call, "set_conf", "DisableNetwork", "0")

    async def current_bootstrap(self) -> TorStatus | None:
        """Where bootstrap is now (``status/bootstrap-phase``), read once right after subscribing, so
        that events sent before the subscription are not missed; progress after that arrives as events.
        """
        phase = await asyncio.to_thread(self._call, "get_info", "status/bootstrap-phase", "")
        if not phase:
            return None
        try:
            message = stem.response.ControlMessage.from_str(f"650 STATUS_CLIENT {phase}\r\n", "EVENT")
        except (stem.ProtocolError, ValueError):
            return None
        return status_from_stem(message)

    async def socks_endpoint(self) -> Endpoint:
        """Where tor's SOCKS port listens (tor chose it: ``SocksPort auto``)."""
        listeners = await asyncio.to_thread(self._call, "get_listeners", stem.control.Listener.SOCKS)
        host, port = listeners[0]
        return Endpoint(str(host), int(port))

    def _call(self, method: str, *args: Any) -> Any:
        try:
            return getattr(self.controller, method)(*args)
        except (stem.ControllerError, stem.SocketClosed) as error:
            raise TorExited(self.popen.poll(), str(error)) from error

    def remember_transports(self) -> None:
        """Note tor's PT children now, so they can be watched and, if need be, killed by pid."""
        self.pt_pids = tuple(child_pids(self.pid))

    def alive(self) -> bool:
        return self.popen.poll() is None

    def dead_transports(self) -> tuple[int, ...]:
        return tuple(pid for pid in self.pt_pids if not Path(f"/proc/{pid}").exists() or _zombie(pid))

    def exit_error(self) -> TorError:
        return TorExited(self.popen.poll(), _tail(self.config.log_file))

    def kill_now(self) -> None:
        """Stop tor and its transports without waiting on anything (cancellation paths).

        tor gets SIGTERM (a client exits at once) and its controller is closed, which alone would make
        it exit (TAKEOWNERSHIP); the transports get SIGKILL. A short-lived thread closes stem (which
        joins its own threads) and reaps tor, so no zombie is left behind.
        """
        if self._closed:
            return
        self._closed = True
        pts = set(self.pt_pids) | set(child_pids(self.pid))
        controller, self.controller = self.controller, None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(self.pid, signal.SIGTERM)
        for pid in pts:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        threading.Thread(
            target=_quiet_close, args=(controller, self.popen, self.runtime_dir), daemon=True
        ).start()
        shutil.rmtree(self.runtime_dir, ignore_errors=True)

    async def stop(self) -> None:
        """Stop tor (and so its transports) and wait until they are gone."""
        pts = set(self.pt_pids) | set(child_pids(self.pid))
        self.kill_now()
        try:
            await asyncio.wait_for(asyncio.to_thread(self.popen.wait), STOP_GRACE_S)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.popen.kill()
            await asyncio.to_thread(self.popen.wait)
        for pid in pts:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        # Again, now that tor is gone: it may have written its state file while it was stopping.
        shutil.rmtree(self.runtime_dir, ignore_errors=True)


def _start_tor(config: TorConfig, tor_path: Path, runtime_dir: Path) -> subprocess.Popen[bytes]:
    """Start tor with its configuration on standard input (no torrc file, see the module docstring).

    The empty defaults file keeps any system torrc-defaults out, and its path (in the runtime folder)
    marks the command line as Byway's.
    """
    if not (tor_path.is_file() and os.access(tor_path, os.X_OK)):
        raise TorMissing(str(tor_path))
    text = torrc_text(config).encode("utf-8")
    defaults = runtime_dir / "torrc-defaults"
    defaults.write_text("", encoding="utf-8")
    config.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    config.data_dir.chmod(0o700)
    with contextlib.suppress(FileNotFoundError):
        config.control_socket.unlink()
    try:
        popen = subprocess.Popen(
            [str(tor_path), "-f", "-", "--defaults-torrc", str(defaults)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in a terminal reaches Byway, which stops tor cleanly
        )
    except OSError as error:
        raise TorMissing(f"{tor_path}: {error.strerror or error}") from error
    stdin = popen.stdin
    assert stdin is not None
    # tor reads to the end before it does anything else. If it exited at once (a refused option),
    # the pipe is broken: the caller notices that tor is dead.
    with contextlib.suppress(OSError):
        stdin.write(text)
    with contextlib.suppress(OSError):
        stdin.close()
    return popen


def _kill_started(starting: asyncio.Future[subprocess.Popen[bytes]]) -> None:
    if not starting.cancelled() and starting.exception() is None:
        popen = starting.result()
        popen.kill()
        threading.Thread(target=popen.wait, daemon=True).start()


def _zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] in ("Z", "X")


def _quiet_close(controller: Any, popen: subprocess.Popen[bytes], runtime_dir: Path) -> None:
    """Close the controller, reap tor (no zombie is left), then remove what it wrote while stopping."""
    if controller is not None:
        with contextlib.suppress(Exception):
            controller.close()
    try:
        popen.wait(STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        popen.kill()
        popen.wait()
    shutil.rmtree(runtime_dir, ignore_errors=True)
