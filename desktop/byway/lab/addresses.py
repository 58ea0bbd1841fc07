"""The lab's address plan and names, in one place so tests and trainers read the same map.

Everything lives in 10.213.0.0/16, a private range unlikely to collide with a real network; the
addresses exist only inside the lab's namespaces. The client (``inside``) reaches the world only
through the censor, who therefore sees (and may tamper with) every packet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PREFIX = "byway-lab-"
NS_INSIDE = "byway-lab-inside"
NS_CENSOR = "byway-lab-censor"
NS_WORLD = "byway-lab-world"
NAMESPACES = (NS_INSIDE, NS_CENSOR, NS_WORLD)

# veth names are per namespace but are created in one command; keep them short (<= 15 chars).
VETH_INSIDE = "bwlab-in"
VETH_CENSOR_IN = "bwlab-cin"
VETH_CENSOR_OUT = "bwlab-cout"
VETH_WORLD = "bwlab-world"

LAB_RANGE = "10.213.0.0/16"
INSIDE_NET = "10.213.1.0/24"
WORLD_NET = "10.213.2.0/24"
INSIDE_IP = "10.213.1.2"
CENSOR_INSIDE_IP = "10.213.1.1"
CENSOR_WORLD_IP = "10.213.2.1"

DOMAIN = "byway.test"

STATE_DIR = Path("/run/byway-lab")
NETNS_ETC = Path("/etc/netns")


@dataclass(frozen=True)
class Host:
    """One named service address in the world."""

    name: str
    ip: str


@dataclass(frozen=True)
class WorldPlan:
    """Which world address carries which service (all on the world's single interface)."""

    dns_ip: str = "10.213.2.10"
    web_ip: str = "10.213.2.20"
    web2_ip: str = "10.213.2.21"
    doh_ip: str = "10.213.2.30"
    helper_ip: str = "10.213.2.31"
    moat_ip: str = "10.213.2.32"
    authority_ips: tuple[str, ...] = ("10.213.2.101", "10.213.2.102", "10.213.2.103")
    exit_ips: tuple[str, ...] = ("10.213.2.111", "10.213.2.112", "10.213.2.113")
    vanilla_bridge_ip: str = "10.213.2.121"
    obfs4_bridge_ips: tuple[str, ...] = ("10.213.2.122", "10.213.2.123")
    helper_port: int = 443  # HTTPS, like OONI's helpers: the censor must not read the request
    moat_port: int = 80
    udp_echo_port: int = 7007
    or_port: int = 9001
    dir_port: int = 9030
    obfs4_port: int = 9443

    def all_ips(self) -> tuple[str, ...]:
        """Every address the world interface must hold."""
        return (
            self.dns_ip,
            self.web_ip,
            self.web2_ip,
            self.doh_ip,
            self.helper_ip,
            self.moat_ip,
            *self.authority_ips,
            *self.exit_ips,
            self.vanilla_bridge_ip,
            *self.obfs4_bridge_ips,
        )

    def tor_relay_ips(self) -> tuple[str, ...]:
        """The public Tor network: what the classic Tor block drops."""
        return (*self.authority_ips, *self.exit_ips)

    def hosts(self) -> tuple[Host, ...]:
        """The names the lab's DNS answers for, and the address behind each.

        ``blocked`` and ``benign`` share an address on purpose: SNI and Host filtering can only be
        told apart from IP blocking by retrying the same address with another name.
        """
        return (
            Host(f"blocked.{DOMAIN}", self.web_ip),
            Host(f"benign.{DOMAIN}", self.web_ip),
            Host(f"www.{DOMAIN}", self.web_ip),
            Host(f"other.{DOMAIN}", self.web2_ip),
            Host(f"dns.{DOMAIN}", self.doh_ip),
            Host(f"th.{DOMAIN}", self.helper_ip),
            Host(f"moat.{DOMAIN}", self.moat_ip),
        )


WORLD = WorldPlan()
BLOCKPAGE_IP = CENSOR_INSIDE_IP
BLOCKPAGE_PORT = 80
MIDDLEBOX_PORT = 8080
INJECTOR_PORT = 53
