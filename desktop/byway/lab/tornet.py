"""The lab's private Tor network: 3 authorities, 3 exits, a vanilla and two obfs4 bridges.

All of it runs in the world namespace, each relay on its own address, so the censor can block the
public network by address while bridges on other addresses still work (the classic Tor block).
``wait_ready`` polls an authority's cached consensus until it lists the exits, which is when a
client can first build a circuit (25-45 s after launch on this kind of machine).
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from byway.i18n import translate
from byway.lab import addresses as a
from byway.lab.errors import LabError
from byway.lab.namespaces import run
from byway.lab.processes import spawn
from byway.lab.torrc import RelaySpec, Role, client_lines, relay_lines
from byway.tor.torrc import DirectoryAuthority

_PASSPHRASE = b"byway-lab\n"


@dataclass(frozen=True)
class TorNetwork:
    """What a client needs to know about the private network once it is up."""

    authorities: tuple[DirectoryAuthority, ...]
    vanilla_bridge: str
    obfs4_bridges: tuple[str, ...]

    def client_torrc(
        self, datadir: Path, *, socks_port: int | None = None, bridges: tuple[str, ...] = ()
    ) -> str:
        """The torrc text of a client inside the lab (direct when ``bridges`` is empty)."""
        return (
            "\n".join(client_lines(datadir, self.authorities, socks_port=socks_port, bridges=bridges)) + "\n"
        )


def tor_dir() -> Path:
    return a.STATE_DIR / "tor"


def relay_specs() -> tuple[RelaySpec, ...]:
    """The network's server-side members, from the address plan."""
    w = a.WORLD
    specs = [
        RelaySpec(f"auth{i}", Role.AUTHORITY, ip, w.or_port, w.dir_port)
        for i, ip in enumerate(w.authority_ips, 1)
    ]
    specs += [
        RelaySpec(f"exit{i}", Role.EXIT, ip, w.or_port, w.dir_port) for i, ip in enumerate(w.exit_ips, 1)
    ]
    specs.append(RelaySpec("bridge", Role.BRIDGE, w.vanilla_bridge_ip, w.or_port))
    specs += [
        RelaySpec(f"obfs4bridge{i}", Role.OBFS4_BRIDGE, ip, w.or_port, obfs4_port=w.obfs4_port)
        for i, ip in enumerate(w.obfs4_bridge_ips, 1)
    ]
    return tuple(specs)


def _make_authority(spec: RelaySpec, datadir: Path) -> DirectoryAuthority:
    """Create an authority's v3 keys and relay identity, and return its DirAuthority line."""
    keys = datadir / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["tor-gencert", "--create-identity-key", "-m", "12", "-a", f"{spec.ip}:{spec.dir_port}",
         "--passphrase-fd", "0"],
        input=_PASSPHRASE, cwd=keys, capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    cert = (keys / "authority_certificate").read_text()
    match = re.search(r"^fingerprint ([0-9A-F]{40})$", cert, re.MULTILINE)
    if match is None:
        raise LabError(translate("Lab", "tor-gencert wrote no authority fingerprint."))
    out = run(["tor", "--list-fingerprint", "--DataDirectory", str(datadir), "--ORPort", "1",
               "-f", "/dev/null", "--ignore-missing-torrc"])  # fmt: skip
    fpr = _fingerprint_from(out) or _fingerprint_from((datadir / "fingerprint").read_text())
    if fpr is None:
        raise LabError(translate("Lab", "tor did not report an authority's fingerprint."))
    assert spec.dir_port is not None
    return DirectoryAuthority(spec.nickname, spec.ip, spec.or_port, spec.dir_port, match.group(1), fpr)


def _fingerprint_from(text: str) -> str | None:
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            joined = "".join(parts[1:])
            if re.fullmatch(r"[0-9A-F]{40}", joined):
                return joined
    return None


def launch() -> tuple[DirectoryAuthority, ...]:
    """Generate keys and torrcs, start every relay in the world namespace; do not wait."""
    base = tor_dir()
    base.mkdir(parents=True, exist_ok=True)
    resolv = base / "resolv.conf"
    resolv.write_text(f"nameserver {a.WORLD.dns_ip}\n")
    specs = relay_specs()
    authorities = tuple(
        _make_authority(spec, base / spec.nickname) for spec in specs if spec.role is Role.AUTHORITY
    )
    for spec in specs:
        datadir = base / spec.nickname
        datadir.mkdir(parents=True, exist_ok=True)
        datadir.chmod(0o700)
        torrc = base / f"{spec.nickname}.torrc"
        torrc.write_text("\n".join(relay_lines(spec, datadir, authorities, resolv)) + "\n")
        spawn(f"tor-{spec.nickname}", a.NS_WORLD, ["tor", "-f", str(torrc)])
    (base / "authorities.json").write_text(json.dumps([asdict(auth) for auth in authorities]))
    return authorities


def exits_in_consensus() -> int:
    """How many of the lab's exit relays the first authority's cached consensus lists with the Exit flag.

    Counted by nickname: ``TestingDirAuthVoteExit *`` flags the authorities as exits too, but their
    policy rejects everything, so they would make the network look ready before it is.
    """
    path = tor_dir() / "auth1" / "cached-consensus"
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return 0
    count, nickname = 0, ""
    for line in text.splitlines():
        if line.startswith("r "):
            nickname = line.split()[1]
        elif line.startswith("s ") and " Exit" in line and nickname.startswith("exit"):
            count += 1
    return count


def wait_ready(authorities: tuple[DirectoryAuthority, ...], *, timeout_s: float = 120.0) -> TorNetwork:
    """Block until the consensus lists every exit and each bridge has written its identity."""
    deadline = time.monotonic() + timeout_s
    want_exits = len(a.WORLD.exit_ips)
    network: TorNetwork | None = None
    while time.monotonic() < deadline:
        if network is None:
            network = _bridges(authorities)
        if network is not None and exits_in_consensus() >= want_exits:
            (tor_dir() / "network.json").write_text(json.dumps(_to_json(network)))
            return network
        time.sleep(0.5)
    raise LabError(
        translate("Lab", "The lab's Tor network did not publish a consensus with exits in {s} s.").format(
            s=int(timeout_s)
        )
    )


def _bridges(authorities: tuple[DirectoryAuthority, ...]) -> TorNetwork | None:
    base = tor_dir()
    try:
        vanilla_fpr = _fingerprint_from((base / "bridge" / "fingerprint").read_text())
    except OSError:
        return None
    if vanilla_fpr is None:
        return None
    lines: list[str] = []
    for i, ip in enumerate(a.WORLD.obfs4_bridge_ips, 1):
        datadir = base / f"obfs4bridge{i}"
        try:
            fpr = _fingerprint_from((datadir / "fingerprint").read_text())
            template = (datadir / "pt_state" / "obfs4_bridgeline.txt").read_text()
        except OSError:
            return None
        cert = re.search(r"cert=(\S+)", template)
        iat = re.search(r"iat-mode=(\d)", template)
        if fpr is None or cert is None:
            return None
        iat_mode = iat.group(1) if iat else "0"
        lines.append(f"obfs4 {ip}:{a.WORLD.obfs4_port} {fpr} cert={cert.group(1)} iat-mode={iat_mode}")
    vanilla = f"{a.WORLD.vanilla_bridge_ip}:{a.WORLD.or_port} {vanilla_fpr}"
    return TorNetwork(authorities, vanilla, tuple(lines))


def _to_json(network: TorNetwork) -> dict[str, object]:
    return {
        "authorities": [asdict(auth) for auth in network.authorities],
        "vanilla_bridge": network.vanilla_bridge,
        "obfs4_bridges": list(network.obfs4_bridges),
    }


def load() -> TorNetwork | None:
    """The network a running lab recorded, or ``None`` before it became ready."""
    try:
        raw = json.loads((tor_dir() / "network.json").read_text())
    except (OSError, ValueError):
        return None
    authorities = tuple(DirectoryAuthority(**auth) for auth in raw["authorities"])
    return TorNetwork(authorities, str(raw["vanilla_bridge"]), tuple(str(x) for x in raw["obfs4_bridges"]))
