"""Scenarios: what the censor does, as data a trainer can read and a test can switch to.

A scenario is a TOML file in ``resources/lab/``::

    description = "One sentence a trainer can read aloud."

    [[rule]]
    technique = "sni-reset"           # one of Technique
    names = ["blocked.byway.test"]    # DNS names or SNI/Host names the rule is about
    endpoints = ["@web:443"]          # IP, IP:PORT, @alias or @alias:PORT (aliases below)
    keywords = ["forbidden"]          # byte strings that trigger keyword rules
    answer = "127.0.0.1"              # the forged address of DNS injection
    seconds = 60                      # how long stateful blocking lasts
    kbit = 150                        # the throttled rate

Aliases name the lab's own machines so scenario files do not repeat addresses:
web, web2, dns, doh, helper, moat, authorities, exits, relays (authorities and exits),
vanilla-bridge, obfs4-bridge-1, obfs4-bridge-2, blockpage.
"""

from __future__ import annotations

import ipaddress
import tomllib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from byway.i18n import translate
from byway.lab import addresses as a
from byway.lab.errors import ScenarioError


class Technique(Enum):
    """Every censorship technique the lab's censor can apply."""

    DNS_NXDOMAIN = "dns-nxdomain"
    DNS_SERVFAIL = "dns-servfail"
    DNS_TIMEOUT = "dns-timeout"
    DNS_INJECT = "dns-inject"
    DNS_RACE = "dns-race"
    IP_BLACKHOLE = "ip-blackhole"
    TCP_RESET = "tcp-reset"
    KEYWORD_RESET = "keyword-reset"
    SNI_RESET = "sni-reset"
    SNI_DROP = "sni-drop"
    HTTP_BLOCKPAGE = "http-blockpage"
    THROTTLE = "throttle"
    UDP_BLOCK = "udp-block"
    TOR_BLOCK = "tor-block"
    STATEFUL = "stateful"
    SHUTDOWN = "shutdown"


DNS_TECHNIQUES = frozenset(
    {
        Technique.DNS_NXDOMAIN,
        Technique.DNS_SERVFAIL,
        Technique.DNS_TIMEOUT,
        Technique.DNS_INJECT,
        Technique.DNS_RACE,
    }
)
MIDDLEBOX_TECHNIQUES = frozenset({Technique.HTTP_BLOCKPAGE, Technique.THROTTLE})


@dataclass(frozen=True)
class Endpoint:
    """An address, optionally narrowed to one TCP/UDP port."""

    ip: str
    port: int | None = None


@dataclass(frozen=True)
class Rule:
    """One technique applied to some names, endpoints or keywords."""

    technique: Technique
    names: tuple[str, ...] = ()
    endpoints: tuple[Endpoint, ...] = ()
    keywords: tuple[str, ...] = ()
    answer: str = a.BLOCKPAGE_IP
    seconds: int = 60
    kbit: int = 150


@dataclass(frozen=True)
class Scenario:
    """A named combination of rules, with the sentence a trainer reads aloud."""

    name: str
    description: str
    rules: tuple[Rule, ...]

    def uses(self, techniques: frozenset[Technique]) -> bool:
        return any(rule.technique in techniques for rule in self.rules)


def aliases() -> dict[str, tuple[str, ...]]:
    w = a.WORLD
    return {
        "web": (w.web_ip,),
        "web2": (w.web2_ip,),
        "dns": (w.dns_ip,),
        "doh": (w.doh_ip,),
        "helper": (w.helper_ip,),
        "moat": (w.moat_ip,),
        "authorities": w.authority_ips,
        "exits": w.exit_ips,
        "relays": w.tor_relay_ips(),
        "vanilla-bridge": (w.vanilla_bridge_ip,),
        "obfs4-bridge-1": (w.obfs4_bridge_ips[0],),
        "obfs4-bridge-2": (w.obfs4_bridge_ips[1],),
        "blockpage": (a.BLOCKPAGE_IP,),
    }


def parse_endpoints(text: str) -> tuple[Endpoint, ...]:
    """``10.213.2.20``, ``10.213.2.20:443``, ``@relays`` or ``@obfs4-bridge-1:9443``."""
    host, sep, port_text = text.rpartition(":") if ":" in text else (text, "", "")
    port = int(port_text) if sep else None
    if port is not None and not 0 < port < 65536:
        raise ValueError(f"bad port in {text!r}")
    if host.startswith("@"):
        ips = aliases().get(host[1:])
        if ips is None:
            raise ValueError(f"unknown alias {host!r}")
    else:
        ips = (str(ipaddress.IPv4Address(host)),)
    return tuple(Endpoint(ip, port) for ip in ips)


def _strings(raw: dict[str, object], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{key} must be a list of strings")
    return tuple(str(item) for item in value)


def _int(raw: dict[str, object], key: str, default: int) -> int:
    value = raw.get(key, default)
    if not isinstance(value, int) or value <= 0:
        raise ValueError(f"{key} must be a positive integer")
    return value


def parse_rule(raw: dict[str, object]) -> Rule:
    technique = Technique(str(raw.get("technique")))
    names = tuple(name.lower().rstrip(".") for name in _strings(raw, "names"))
    endpoints = tuple(ep for text in _strings(raw, "endpoints") for ep in parse_endpoints(text))
    answer = str(raw.get("answer", a.BLOCKPAGE_IP))
    ipaddress.ip_address(answer)
    return Rule(
        technique,
        names,
        endpoints,
        _strings(raw, "keywords"),
        answer,
        _int(raw, "seconds", 60),
        _int(raw, "kbit", 150),
    )


def scenario_dir() -> Path:
    """``resources/lab`` of this checkout (the package lives in ``desktop/byway/lab``)."""
    return Path(__file__).resolve().parents[3] / "resources" / "lab"


def load(name: str, directory: Path | None = None) -> Scenario:
    """Read and check one scenario; any mistake becomes a :class:`ScenarioError` sentence."""
    path = (directory or scenario_dir()) / f"{name}.toml"
    if not name.replace("-", "").isalnum() or not path.is_file():
        raise ScenarioError(translate("Lab", "There is no lab scenario called {name}.").format(name=name))
    try:
        raw = tomllib.loads(path.read_text())
        rules_raw = raw.get("rule", [])
        if not isinstance(rules_raw, list):
            raise ValueError("rule must be an array of tables")
        rules = tuple(parse_rule(rule) for rule in rules_raw)
        description = str(raw["description"])
    except (ValueError, KeyError, tomllib.TOMLDecodeError) as err:
        raise ScenarioError(
            translate("Lab", "The lab scenario {name} is malformed: {error}").format(name=name, error=err)
        ) from err
    return Scenario(name, description, rules)


def available(directory: Path | None = None) -> list[Scenario]:
    """Every scenario shipped, sorted by name."""
    folder = directory or scenario_dir()
    return [load(path.stem, folder) for path in sorted(folder.glob("*.toml"))]
