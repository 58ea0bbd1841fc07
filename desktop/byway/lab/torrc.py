"""Typed torrc for the lab's private Tor network: values in, option lines out.

Every value is validated when the dataclass is built (addresses through :mod:`ipaddress`,
nicknames and fingerprints by pattern), so no free text is ever pasted into a torrc.
The options are the ones verified in lab-recipes.md for a fast private network.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from byway.tor.torrc import DirectoryAuthority

_NICK = re.compile(r"^[A-Za-z0-9]{1,19}$")


class Role(Enum):
    """What a tor process of the lab is for."""

    AUTHORITY = "authority"
    EXIT = "exit"
    BRIDGE = "bridge"
    OBFS4_BRIDGE = "obfs4-bridge"


def _ip(value: str) -> str:
    return str(ipaddress.IPv4Address(value))


def _port(value: int) -> int:
    if not 0 < value < 65536:
        raise ValueError(f"bad port {value}")
    return value


@dataclass(frozen=True)
class RelaySpec:
    """One server-side tor process of the lab."""

    nickname: str
    role: Role
    ip: str
    or_port: int
    dir_port: int | None = None
    obfs4_port: int | None = None

    def __post_init__(self) -> None:
        if not _NICK.match(self.nickname):
            raise ValueError(f"bad nickname {self.nickname!r}")
        _ip(self.ip)
        _port(self.or_port)
        if self.dir_port is not None:
            _port(self.dir_port)
        if self.obfs4_port is not None:
            _port(self.obfs4_port)


def network_lines(authorities: tuple[DirectoryAuthority, ...]) -> list[str]:
    """Options every member of the private network shares, clients included."""
    return [
        "TestingTorNetwork 1",
        "PathsNeededToBuildCircuits 0.67",
        "TestingDirAuthVoteExit *",
        "TestingDirAuthVoteGuard *",
        "TestingDirAuthVoteHSDir *",
        "V3AuthNIntervalsValid 2",
        "TestingMinExitFlagThreshold 0",
        *(f"DirAuthority {auth.value()}" for auth in authorities),
    ]


def relay_lines(
    spec: RelaySpec, datadir: Path, authorities: tuple[DirectoryAuthority, ...], resolv_conf: Path
) -> list[str]:
    """The full torrc of one server-side process."""
    lines = [
        f"Nickname {spec.nickname}",
        f"DataDirectory {datadir}",
        "RunAsDaemon 0",
        "SocksPort 0",
        "Log notice stdout",
        "ContactInfo byway-lab",
        f"Address {_ip(spec.ip)}",
        f"OutboundBindAddress {_ip(spec.ip)}",
        f"ORPort {_ip(spec.ip)}:{_port(spec.or_port)}",
        "AssumeReachable 1",
        *network_lines(authorities),
    ]
    if spec.dir_port is not None:
        lines.append(f"DirPort {_ip(spec.ip)}:{_port(spec.dir_port)}")
    if spec.role is Role.AUTHORITY:
        lines += [
            "AuthoritativeDirectory 1",
            "V3AuthoritativeDirectory 1",
            "V3AuthVotingInterval 10",
            "V3AuthVoteDelay 2",
            "V3AuthDistDelay 2",
            "TestingV3AuthInitialVotingInterval 10",
            "TestingV3AuthInitialVoteDelay 2",
            "TestingV3AuthInitialDistDelay 2",
            "ExitPolicy reject *:*",
        ]
    elif spec.role is Role.EXIT:
        lines += [
            "ExitRelay 1",
            "ExitPolicyRejectPrivate 0",
            "ExitPolicy accept *:*",
            "ServerDNSDetectHijacking 0",
            "ServerDNSAllowBrokenConfig 1",
            f"ServerDNSResolvConfFile {resolv_conf}",
        ]
    else:
        lines += ["BridgeRelay 1", "PublishServerDescriptor 0", "ExitPolicy reject *:*"]
        if spec.role is Role.OBFS4_BRIDGE:
            port = spec.obfs4_port if spec.obfs4_port is not None else 443
            lines += [
                "ServerTransportPlugin obfs4 exec /usr/bin/obfs4proxy",
                f"ServerTransportListenAddr obfs4 {_ip(spec.ip)}:{_port(port)}",
                "ExtORPort auto",
            ]
    return lines


def client_lines(
    datadir: Path,
    authorities: tuple[DirectoryAuthority, ...],
    *,
    socks_port: int | None = None,
    bridges: tuple[str, ...] = (),
) -> list[str]:
    """A client of the lab's network; ``bridges`` are bridge lines as the lab printed them.

    Bridge lines come from the lab's own bridges (their shape is checked), never from a user.
    """
    lines = [
        f"DataDirectory {datadir}",
        "Log notice stdout",
        f"SocksPort {socks_port}" if socks_port is not None else "SocksPort auto",
        *network_lines(authorities),
    ]
    if bridges:
        lines.append("UseBridges 1")
        if any(line.startswith("obfs4 ") for line in bridges):
            lines.append("ClientTransportPlugin obfs4 exec /usr/bin/obfs4proxy")
        for bridge in bridges:
            if "\n" in bridge:
                raise ValueError("a bridge line is one line")
            lines.append(f"Bridge {bridge}")
    return lines
