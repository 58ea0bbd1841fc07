"""The world's JSON configuration, read into typed values (the format is documented in ``world``).

Parsing is strict and names the offending key, because a trainer editing a scenario file by hand
should learn at once which line is wrong, not find a server silently answering the old way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from byway.servers.ca import CertFiles, IssuedCert, issue, load_ca, load_cert
from byway.servers.dns_zone import DnsBehaviour, DnsRule, Zone, ZoneEntry
from byway.servers.web_routes import (
    NOT_FOUND,
    Blockpage,
    Garbage,
    Huge,
    Page,
    Redirect,
    Route,
    Site,
    Trickle,
)
from byway.servers.web_server import SniBehaviour


class WorldConfigError(ValueError):
    """The configuration file is wrong; the message names the key."""


@dataclass(frozen=True)
class Listen:
    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


@dataclass(frozen=True)
class DohConfig:
    sites: tuple[str, ...]
    path: str
    rules: Mapping[str, DnsRule]


@dataclass(frozen=True)
class HttpsConfig:
    listen: tuple[Listen, ...]
    certificates: tuple[IssuedCert, ...]
    sni_rules: Mapping[str, SniBehaviour]
    handshake_timeout_s: float


@dataclass(frozen=True)
class WorldConfig:
    zone: Zone
    dns_listen: tuple[Listen, ...]
    dns_rules: Mapping[str, DnsRule]
    sites: Mapping[str, Site]
    http_listen: tuple[Listen, ...]
    https: HttpsConfig | None
    doh: DohConfig | None


def load_world_config(path: Path) -> WorldConfig:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise WorldConfigError(f"{path}: {error}") from error
    return parse_world_config(_obj(raw, "$"), base_dir=path.parent)


def parse_world_config(raw: Mapping[str, Any], *, base_dir: Path) -> WorldConfig:
    _known(raw, "$", {"zone", "dns", "doh", "sites", "http", "https"})
    zone = _zone(_obj(raw.get("zone", {}), "zone"))
    dns = _obj(raw.get("dns", {}), "dns")
    _known(dns, "dns", {"listen", "rules"})
    sites = {
        name.lower(): _site(_obj(site, f"sites.{name}"), f"sites.{name}")
        for name, site in _obj(raw.get("sites", {}), "sites").items()
    }
    http = _obj(raw.get("http", {}), "http")
    _known(http, "http", {"listen"})
    return WorldConfig(
        zone=zone,
        dns_listen=_listens(dns.get("listen", []), "dns.listen"),
        dns_rules=_rules(_obj(dns.get("rules", {}), "dns.rules"), "dns.rules"),
        sites=sites,
        http_listen=_listens(http.get("listen", []), "http.listen"),
        https=_https(_obj(raw["https"], "https"), sites, base_dir) if "https" in raw else None,
        doh=_doh(_obj(raw["doh"], "doh")) if "doh" in raw else None,
    )


def _zone(raw: Mapping[str, Any]) -> Zone:
    _known(raw, "zone", {"ttl", "names"})
    entries: dict[str, ZoneEntry] = {}
    for name, value in _obj(raw.get("names", {}), "zone.names").items():
        where = f"zone.names.{name}"
        try:
            if isinstance(value, list):
                entries[name] = ZoneEntry.of(_strs(value, where))
            else:
                entry = _obj(value, where)
                _known(entry, where, {"addresses", "cname"})
                entries[name] = ZoneEntry.of(_strs(entry.get("addresses", []), where), entry.get("cname"))
        except ValueError as error:
            raise WorldConfigError(f"{where}: {error}") from error
    return Zone(entries, ttl=int(raw.get("ttl", 60)))


def _rules(raw: Mapping[str, Any], where: str) -> dict[str, DnsRule]:
    rules: dict[str, DnsRule] = {}
    for name, value in raw.items():
        here = f"{where}.{name}"
        rule = _obj(value, here)
        _known(rule, here, {"behaviour", "forged", "race_delay_s"})
        try:
            rules[name] = DnsRule(
                DnsBehaviour(rule.get("behaviour")),
                forged=_strs(rule.get("forged", []), here),
                race_delay_s=float(rule.get("race_delay_s", 0.05)),
            )
        except ValueError as error:
            raise WorldConfigError(f"{here}: {error}") from error
    return rules


def _route(raw: Mapping[str, Any], where: str) -> Route:
    kind = raw.get("kind")
    fields = {key: value for key, value in raw.items() if key != "kind"}
    if "headers" in fields:
        fields["headers"] = tuple((str(k), str(v)) for k, v in _obj(fields["headers"], where).items())
    if kind == "garbage" and "data" in fields:
        fields["data"] = str(fields["data"]).encode("utf-8")
    kinds: dict[str, type[Route]] = {
        "page": Page,
        "redirect": Redirect,
        "blockpage": Blockpage,
        "trickle": Trickle,
        "huge": Huge,
        "garbage": Garbage,
    }
    if kind not in kinds:
        raise WorldConfigError(f"{where}.kind: one of {', '.join(kinds)}, not {kind!r}")
    try:
        return kinds[kind](**fields)
    except TypeError as error:
        raise WorldConfigError(f"{where}: {error}") from error


def _site(raw: Mapping[str, Any], where: str) -> Site:
    _known(raw, where, {"routes", "fallback"})
    routes = {
        path: _route(_obj(route, f"{where}.routes.{path}"), f"{where}.routes.{path}")
        for path, route in _obj(raw.get("routes", {}), f"{where}.routes").items()
    }
    fallback = (
        _route(_obj(raw["fallback"], f"{where}.fallback"), f"{where}.fallback")
        if "fallback" in raw
        else NOT_FOUND
    )
    return Site(routes, fallback)


def _https(raw: Mapping[str, Any], sites: Mapping[str, Site], base_dir: Path) -> HttpsConfig:
    _known(raw, "https", {"listen", "certificates", "ca", "sni_rules", "handshake_timeout_s"})
    listen = _listens(raw.get("listen", []), "https.listen")
    certificates = [
        load_cert(_files(_obj(item, "https.certificates[]"), base_dir, "https.certificates[]"))
        for item in raw.get("certificates", [])
    ]
    if "ca" in raw:
        ca = load_ca(_files(_obj(raw["ca"], "https.ca"), base_dir, "https.ca"))
        certificates += [issue(ca, [name]) for name in sites if name != "*"]
        ips = [item.host for item in listen if item.host not in ("0.0.0.0", "::")]  # noqa: S104
        if ips:
            certificates.append(issue(ca, [], ips))
    if not certificates:
        raise WorldConfigError("https: needs 'certificates' or a 'ca' to issue them")
    try:
        sni_rules = {
            name.lower(): SniBehaviour(value)
            for name, value in _obj(raw.get("sni_rules", {}), "https.sni_rules").items()
        }
    except ValueError as error:
        raise WorldConfigError(f"https.sni_rules: {error}") from error
    return HttpsConfig(listen, tuple(certificates), sni_rules, float(raw.get("handshake_timeout_s", 10.0)))


def _doh(raw: Mapping[str, Any]) -> DohConfig:
    _known(raw, "doh", {"sites", "path", "rules"})
    return DohConfig(
        sites=tuple(name.lower() for name in _strs(raw.get("sites", ["*"]), "doh.sites")),
        path=str(raw.get("path", "/dns-query")),
        rules=_rules(_obj(raw.get("rules", {}), "doh.rules"), "doh.rules"),
    )


def _files(raw: Mapping[str, Any], base_dir: Path, where: str) -> CertFiles:
    _known(raw, where, {"cert", "key"})
    if "cert" not in raw or "key" not in raw:
        raise WorldConfigError(f"{where}: needs 'cert' and 'key'")
    return CertFiles(base_dir / str(raw["cert"]), base_dir / str(raw["key"]))


def _listens(raw: Any, where: str) -> tuple[Listen, ...]:
    result = []
    for item in _strs(raw, where):
        host, colon, port = item.rpartition(":")
        if not colon or not port.isdigit():
            raise WorldConfigError(f"{where}: {item!r} is not HOST:PORT")
        result.append(Listen(host.strip("[]"), int(port)))
    return tuple(result)


def _obj(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise WorldConfigError(f"{where}: expected an object")
    return value


def _strs(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise WorldConfigError(f"{where}: expected a list of strings")
    return tuple(value)


def _known(raw: Mapping[str, Any], where: str, keys: set[str]) -> None:
    unknown = set(raw) - keys
    if unknown:
        raise WorldConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
