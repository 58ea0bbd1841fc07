"""The typed description of a running lab: what tests, the diagnosis and a trainer need to know."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from byway.lab import addresses as a
from byway.lab.tornet import TorNetwork, load
from byway.tor.torrc import DirectoryAuthority


@dataclass(frozen=True)
class LabInfo:
    """Addresses, names, bridges and URLs of the running lab (saved as ``/run/byway-lab/info.json``)."""

    inside_ip: str
    censor_ip: str
    resolver_ip: str
    names: dict[str, str]
    web_ip: str
    web2_ip: str
    blocked_name: str
    benign_name: str
    other_name: str
    ca_file: Path
    doh_url: str
    helper_url: str
    moat_url: str
    udp_echo: tuple[str, int]
    authorities: tuple[DirectoryAuthority, ...]
    relay_ips: tuple[str, ...]
    vanilla_bridge: str
    obfs4_bridges: tuple[str, ...]
    up_seconds: float = 0.0
    public_ranges: str = a.LAB_RANGE
    blockpage_ip: str = a.BLOCKPAGE_IP
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, network: TorNetwork, ca_file: Path, *, up_seconds: float) -> LabInfo:
        w = a.WORLD
        return cls(
            inside_ip=a.INSIDE_IP,
            censor_ip=a.CENSOR_INSIDE_IP,
            resolver_ip=w.dns_ip,
            names={host.name: host.ip for host in w.hosts()},
            web_ip=w.web_ip,
            web2_ip=w.web2_ip,
            blocked_name=f"blocked.{a.DOMAIN}",
            benign_name=f"benign.{a.DOMAIN}",
            other_name=f"other.{a.DOMAIN}",
            ca_file=ca_file,
            doh_url=f"https://dns.{a.DOMAIN}/dns-query",
            helper_url=f"https://th.{a.DOMAIN}/",
            moat_url=f"http://moat.{a.DOMAIN}/moat/",
            udp_echo=(w.web_ip, w.udp_echo_port),
            authorities=network.authorities,
            relay_ips=w.tor_relay_ips(),
            vanilla_bridge=network.vanilla_bridge,
            obfs4_bridges=network.obfs4_bridges,
            up_seconds=round(up_seconds, 1),
        )

    def network(self) -> TorNetwork:
        return TorNetwork(self.authorities, self.vanilla_bridge, self.obfs4_bridges)

    def client_torrc(
        self, datadir: Path, *, socks_port: int | None = None, bridges: tuple[str, ...] = ()
    ) -> str:
        """The torrc of a tor client inside the lab (direct, or through the given bridge lines)."""
        return self.network().client_torrc(datadir, socks_port=socks_port, bridges=bridges)


def load_info() -> LabInfo | None:
    """The running lab's description, or ``None`` when it is not (yet) up."""
    try:
        raw = json.loads((a.STATE_DIR / "info.json").read_text())
    except (OSError, ValueError):
        return None
    network = load()
    if network is None:
        return None
    raw["ca_file"] = Path(raw["ca_file"])
    raw["udp_echo"] = (str(raw["udp_echo"][0]), int(raw["udp_echo"][1]))
    raw["authorities"] = network.authorities
    raw["relay_ips"] = tuple(raw["relay_ips"])
    raw["obfs4_bridges"] = tuple(raw["obfs4_bridges"])
    return LabInfo(**raw)
