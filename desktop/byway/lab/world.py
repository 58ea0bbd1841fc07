"""Starting the world's services: lab CA, DNS/web/DoH, the OONI test helper, Moat.

DNS, HTTP(S) and DoH come from ``byway.servers.world`` (one JSON config), the UDP echo from
``byway.lab.udp_echo``, the control from ``byway helper`` over HTTPS. If the test helper dies, the
lab keeps running and ``status`` says so in one line.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from byway.i18n import translate
from byway.lab import addresses as a
from byway.lab.errors import LabUnavailable
from byway.lab.processes import LabProcess, is_running, known, log_dir, python_module, spawn, stop
from byway.servers.ca import issue, make_ca, write_ca, write_cert


@dataclass(frozen=True)
class CaFiles:
    """The lab CA bundle clients trust, and the world's server certificate."""

    ca_file: Path
    ca_key_file: Path
    cert_file: Path
    key_file: Path


def make_certificates() -> CaFiles:
    """A fresh lab CA per ``up``, and one certificate for every lab name and service address."""
    folder = a.STATE_DIR / "ca"
    folder.mkdir(parents=True, exist_ok=True)
    ca = make_ca("Byway Lab CA")
    ca_paths = write_ca(ca, folder)
    names = [host.name for host in a.WORLD.hosts()]
    ips = [a.WORLD.web_ip, a.WORLD.web2_ip, a.WORLD.doh_ip, a.WORLD.helper_ip, a.WORLD.moat_ip]
    cert_paths = write_cert(issue(ca, names, ips, valid_days=30), folder, "world")
    return CaFiles(ca_paths.cert_path, ca_paths.key_path, cert_paths.cert_path, cert_paths.key_path)


def servers_world_config(certs: CaFiles) -> dict[str, object]:
    """The configuration of ``byway.servers.world`` for the lab's names (format: its docstring)."""
    w = a.WORLD
    pages: dict[str, object] = {}
    for host in w.hosts():
        routes = {
            "/": {"kind": "page", "title": f"Byway lab site {host.name}",
                  "body": f"<h1>Welcome to {host.name}</h1>" + "<p>lorem ipsum</p>" * 40},
            "/big": {"kind": "huge", "size": 512 * 1024},
            "*": {"kind": "page", "title": f"Byway lab site {host.name}", "body": f"<p>{host.name}</p>"},
        }  # fmt: skip
        pages[host.name] = {"routes": routes}
    webs = (w.web_ip, w.web2_ip, w.doh_ip)
    return {
        "zone": {"ttl": 60, "names": {host.name: [host.ip] for host in w.hosts()}},
        "dns": {"listen": [f"{w.dns_ip}:53"]},
        "sites": pages,
        "http": {"listen": [f"{ip}:80" for ip in webs]},
        "https": {
            "listen": [f"{ip}:443" for ip in webs],
            "ca": {"cert": str(certs.ca_file), "key": str(certs.ca_key_file)},
            "handshake_timeout_s": 10,
        },
        "doh": {"sites": [f"dns.{a.DOMAIN}"], "path": "/dns-query"},
    }


def start_services(certs: CaFiles) -> list[LabProcess]:
    """Start DNS, HTTP(S), DoH (``byway.servers.world``), the UDP echo and the test helper."""
    etc = a.NETNS_ETC / a.NS_WORLD
    etc.mkdir(parents=True, exist_ok=True)
    (etc / "resolv.conf").write_text(f"# written by byway lab\nnameserver {a.WORLD.dns_ip}\n")
    config = a.STATE_DIR / "world.json"
    config.write_text(json.dumps(servers_world_config(certs), indent=1))
    world = spawn("world", a.NS_WORLD, python_module("byway.servers.world", "--config", str(config)))
    if not wait_for_log(world, '"event": "ready"'):
        stop(world.name)
        raise LabUnavailable(
            translate("Lab", "The lab's web and DNS servers did not start; see {log}.").format(
                log=log_dir() / "world.log"
            )
        )
    echo = spawn("world-udp", a.NS_WORLD, python_module("byway.lab.udp_echo"))
    wait_for_log(echo, '"world": "ready"')
    return [world, echo, start_helper(certs)]


def start_helper(certs: CaFiles) -> LabProcess:
    """The OONI test helper; it trusts the lab CA, as a real helper trusts the web's CAs."""
    listen = f"{a.WORLD.helper_ip}:{a.WORLD.helper_port}"
    argv = python_module(
        "byway", "helper", "--listen", listen,
        "--tls-cert", str(certs.cert_file), "--tls-key", str(certs.key_file),
    )  # fmt: skip
    return spawn("helper", a.NS_WORLD, argv, env={"SSL_CERT_FILE": str(certs.ca_file)})


def start_moat() -> LabProcess:
    network = a.STATE_DIR / "tor" / "network.json"
    listen = f"{a.WORLD.moat_ip}:{a.WORLD.moat_port}"
    proc = spawn(
        "moat",
        a.NS_WORLD,
        python_module("byway.lab.moat_server", "--listen", listen, "--network", str(network)),
    )
    wait_for_log(proc, "moat listening")
    return proc


def start_censor_helpers() -> list[LabProcess]:
    """The rogue resolver and the blockpage/throttle relay; idle until a scenario routes to them."""
    folder = a.STATE_DIR / "censor"
    folder.mkdir(parents=True, exist_ok=True)
    for name, value in (("dns.json", {"upstream": a.WORLD.dns_ip, "rules": []}), ("middlebox.json", {})):
        if not (folder / name).exists():
            (folder / name).write_text(json.dumps(value))
    return [
        spawn(
            "censor-dns",
            a.NS_CENSOR,
            python_module("byway.lab.dns_injector", "--config", str(folder / "dns.json")),
        ),
        spawn(
            "censor-middlebox",
            a.NS_CENSOR,
            python_module("byway.lab.middlebox", "--config", str(folder / "middlebox.json")),
        ),
    ]


def wait_for_log(proc: LabProcess, marker: str, *, timeout_s: float = 15.0) -> bool:
    """Wait until ``proc`` logs ``marker`` (it is listening), or dies, or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if marker in proc.log.read_text(errors="replace"):
                return True
        except OSError:
            pass
        if not is_running(proc):
            return False
        time.sleep(0.1)
    return False


def helper_state() -> str | None:
    """``None`` when the test helper runs; otherwise the last line of its log, to explain why not."""

    for proc in known():
        if proc.name == "helper":
            if is_running(proc):
                return None
            try:
                lines = (log_dir() / "helper.log").read_text(errors="replace").strip().splitlines()
            except OSError:
                lines = []
            return lines[-1] if lines else "exited"
    return "not started"
