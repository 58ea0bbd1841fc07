"""Network namespaces and the wires between them.

The lab never touches the host's own interfaces, routes or firewall: veth pairs are created
directly inside the lab's namespaces, and every later command runs with ``ip netns exec``.
Everything is found again by the ``byway-lab-`` prefix, so cleanup works after a crash too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from byway.i18n import translate
from byway.lab import addresses as a
from byway.lab.errors import LabError, LabUnavailable

_CREATED_ETC_MARK = a.STATE_DIR / "created-etc-netns"
REQUIRED_TOOLS = ("ip", "nft", "iptables", "tor", "tor-gencert", "obfs4proxy")


def run(argv: Sequence[str], *, check: bool = True, timeout: float = 30.0) -> str:
    """Run a short command and return its stdout; a failure becomes a :class:`LabError`."""
    proc = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, check=False)
    if check and proc.returncode != 0:
        raise LabError(
            translate("Lab", "Command failed: {command}: {error}").format(
                command=" ".join(argv), error=proc.stderr.strip()
            )
        )
    return proc.stdout


def in_ns(ns: str, argv: Sequence[str]) -> list[str]:
    """The argv that runs ``argv`` inside namespace ``ns``."""
    return ["ip", "netns", "exec", ns, *argv]


def check_available() -> None:
    """Raise :class:`LabUnavailable` with one sentence if this machine cannot host the lab."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        raise LabUnavailable(translate("Lab", "The lab needs root (it creates network namespaces)."))
    if not Path("/proc/self/ns/net").exists():
        raise LabUnavailable(translate("Lab", "This system has no network namespace support."))
    missing = [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
    if missing:
        raise LabUnavailable(
            translate("Lab", "The lab needs these programs installed: {tools}.").format(
                tools=", ".join(missing)
            )
        )


def lab_namespaces() -> list[str]:
    """Every namespace that carries the lab's prefix, whoever created it."""
    out = run(["ip", "netns", "list"], check=False)
    names = [line.split()[0] for line in out.splitlines() if line.strip()]
    return [name for name in names if name.startswith(a.PREFIX)]


def namespace_pids(ns: str) -> list[int]:
    """Processes whose network namespace is ``ns``."""
    out = run(["ip", "netns", "pids", ns], check=False)
    return [int(tok) for tok in out.split() if tok.isdigit()]


def kill_pids(pids: Sequence[int], *, grace_s: float = 3.0) -> None:
    """TERM, wait a little, then KILL whatever is left; never touches a pid not given."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in alive if is_alive(pid)]
        if alive:
            time.sleep(0.1)
    for pid in alive:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def remove_all() -> None:
    """Kill every process in a lab namespace, delete the namespaces and their /etc/netns dirs."""
    names = lab_namespaces()
    pids = sorted({pid for ns in names for pid in namespace_pids(ns)})
    kill_pids(pids)
    for ns in names:
        run(["ip", "netns", "del", ns], check=False)
    if a.NETNS_ETC.is_dir():
        for entry in a.NETNS_ETC.iterdir():
            if entry.name.startswith(a.PREFIX):
                shutil.rmtree(entry, ignore_errors=True)
        if _CREATED_ETC_MARK.exists() and not any(a.NETNS_ETC.iterdir()):
            a.NETNS_ETC.rmdir()  # the lab made /etc/netns, so the lab takes it away again


def create_topology() -> None:
    """Three namespaces, two veth pairs, addresses, routes, forwarding and the client's resolver."""
    for ns in a.NAMESPACES:
        run(["ip", "netns", "add", ns])
    run(["ip", "link", "add", a.VETH_INSIDE, "netns", a.NS_INSIDE, "type", "veth",
         "peer", "name", a.VETH_CENSOR_IN, "netns", a.NS_CENSOR])  # fmt: skip
    run(["ip", "link", "add", a.VETH_CENSOR_OUT, "netns", a.NS_CENSOR, "type", "veth",
         "peer", "name", a.VETH_WORLD, "netns", a.NS_WORLD])  # fmt: skip
    _ns_ip(a.NS_INSIDE, ["addr", "add", f"{a.INSIDE_IP}/24", "dev", a.VETH_INSIDE])
    _ns_ip(a.NS_CENSOR, ["addr", "add", f"{a.CENSOR_INSIDE_IP}/24", "dev", a.VETH_CENSOR_IN])
    _ns_ip(a.NS_CENSOR, ["addr", "add", f"{a.CENSOR_WORLD_IP}/24", "dev", a.VETH_CENSOR_OUT])
    for ip in a.WORLD.all_ips():
        _ns_ip(a.NS_WORLD, ["addr", "add", f"{ip}/24", "dev", a.VETH_WORLD])
    for ns, dev in (
        (a.NS_INSIDE, a.VETH_INSIDE),
        (a.NS_CENSOR, a.VETH_CENSOR_IN),
        (a.NS_CENSOR, a.VETH_CENSOR_OUT),
        (a.NS_WORLD, a.VETH_WORLD),
    ):
        _ns_ip(ns, ["link", "set", "lo", "up"])
        _ns_ip(ns, ["link", "set", dev, "up"])
    _ns_ip(a.NS_INSIDE, ["route", "add", "default", "via", a.CENSOR_INSIDE_IP])
    _ns_ip(a.NS_WORLD, ["route", "add", a.INSIDE_NET, "via", a.CENSOR_WORLD_IP])
    run(in_ns(a.NS_CENSOR, ["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]))
    if not a.NETNS_ETC.exists():
        a.STATE_DIR.mkdir(parents=True, exist_ok=True)
        _CREATED_ETC_MARK.write_text("")
    etc = a.NETNS_ETC / a.NS_INSIDE
    etc.mkdir(parents=True, exist_ok=True)
    (etc / "resolv.conf").write_text(f"# written by byway lab\nnameserver {a.WORLD.dns_ip}\n")


def _ns_ip(ns: str, args: Sequence[str]) -> None:
    run(["ip", "-n", ns, *args])
