"""Demo scenarios: one TOML file per simulated country, documented in ``docs/demo-scenarios.md``.

A trainer adds a scenario by dropping a file into ``resources/demo/`` (or passing a path). Every
field is checked when the file is loaded, and a mistake is reported in words with the file and the
field, so a typo never shows up in front of an audience.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from byway.i18n import translate
from byway.plan import Way
from byway.resources import resources_dir
from byway.targets import TargetError, parse_url


class SiteTechnique(StrEnum):
    """What the simulated censor does to one site."""

    OK = "ok"
    THROTTLE = "throttle"
    DNS_NXDOMAIN = "dns-nxdomain"
    DNS_INJECTION = "dns-injection"
    BLACKHOLE = "blackhole"
    RESET = "reset"
    SNI = "sni"
    BLOCKPAGE = "blockpage"
    SHUTDOWN = "shutdown"


class RelayTechnique(StrEnum):
    """What the simulated censor does to the Tor directory authorities."""

    OK = "ok"
    BLACKHOLE = "blackhole"
    RESET = "reset"
    TLS_RESET = "tls-reset"  # TCP connects, the Tor TLS handshake is reset (DPI)
    SHUTDOWN = "shutdown"


class Outcome(StrEnum):
    """What the simulated tor does with one way out."""

    WORKS = "works"
    STALLS = "stalls"  # progress stops at ``at`` with no warning; Byway gives up after a while
    FAILS = "fails"  # tor reports a warning with ``reason`` at ``at``


@dataclass(frozen=True)
class Site:
    url: str
    technique: SiteTechnique
    seconds: float
    answer: str  # dns-injection: the forged address
    blockpage: str  # blockpage: the file name under resources/demo/blockpages (no extension)
    address: str  # the site's genuine address (the control's answer)


@dataclass(frozen=True)
class WayBehaviour:
    way: Way
    outcome: Outcome
    at: int  # bootstrap percentage where it stalls or fails (100 for works)
    seconds: float  # how long until it stalls, fails or finishes
    reason: str  # tor's REASON for a failure, e.g. CONNECTREFUSED


@dataclass(frozen=True)
class Scenario:
    """One simulated network, with the words a presenter needs."""

    key: str  # the file name without ``.toml``: what ``--demo`` takes
    name: str
    description: str
    presenter_note: str
    country: str | None
    sites: tuple[Site, ...]
    relays: RelayTechnique
    relay_seconds: float
    ways: tuple[WayBehaviour, ...]
    path: Path

    def behaviour(self, way: Way) -> WayBehaviour:
        """How the simulated tor treats ``way``; a way the file does not mention stalls at 2%."""
        for behaviour in self.ways:
            if behaviour.way is way:
                return behaviour
        return WayBehaviour(way, Outcome.STALLS, 2, 8.0, "")


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message names the file and the field."""


def demo_dir() -> Path:
    return resources_dir() / "demo"


def scenario_names(directory: Path | None = None) -> tuple[str, ...]:
    """The scenarios shipped (or added by a trainer), sorted by name."""
    folder = directory or demo_dir()
    return tuple(sorted(p.stem for p in folder.glob("*.toml")))


def _fail(path: Path, field: str, problem: str) -> ScenarioError:
    text = translate("Demo", "Demo scenario {file}, {field}: {problem}")
    return ScenarioError(text.format(file=path.name, field=field, problem=problem))


def _number(path: Path, field: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        problem = translate("Demo", "expected a number from {low} to {high}").format(low=low, high=high)
        raise _fail(path, field, problem)
    return float(value)


def _text(path: Path, field: str, value: Any, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(path, field, translate("Demo", "expected some text"))
    return value.strip()


def _choice(path: Path, field: str, value: Any, kind: type[StrEnum]) -> Any:
    try:
        return kind(value)
    except ValueError:
        known = ", ".join(member.value for member in kind)
        problem = translate("Demo", "{value} is not one of: {known}").format(value=value, known=known)
        raise _fail(path, field, problem) from None


def _site(path: Path, index: int, raw: Any) -> Site:
    field = f"site {index + 1}"
    if not isinstance(raw, dict):
        raise _fail(path, field, translate("Demo", "expected a [[site]] table"))
    try:
        target = parse_url(_text(path, field + ".url", raw.get("url")))
    except TargetError as error:
        raise _fail(path, field + ".url", str(error)) from None
    technique = _choice(path, field + ".technique", raw.get("technique", "ok"), SiteTechnique)
    blockpage = _text(path, field + ".blockpage", raw.get("blockpage", "generic"))
    if technique is SiteTechnique.BLOCKPAGE:
        if target.scheme != "http":
            problem = translate("Demo", "a blockpage needs an http:// address (HTTPS is reset instead)")
            raise _fail(path, field + ".url", problem)
        if not (path.parent / "blockpages" / f"{blockpage}.html").is_file():
            problem = translate("Demo", "no file blockpages/{name}.html").format(name=blockpage)
            raise _fail(path, field + ".blockpage", problem)
    return Site(
        url=target.url,
        technique=technique,
        seconds=_number(path, field + ".seconds", raw.get("seconds", 2.0), 0.0, 120.0),
        answer=_text(path, field + ".answer", raw.get("answer", "10.10.34.35")),
        blockpage=blockpage,
        address=_text(path, field + ".address", raw.get("address", ""), required=False),
    )


def _way(path: Path, index: int, raw: Any) -> WayBehaviour:
    field = f"way {index + 1}"
    if not isinstance(raw, dict):
        raise _fail(path, field, translate("Demo", "expected a [[way]] table"))
    outcome = _choice(path, field + ".outcome", raw.get("outcome"), Outcome)
    default_at = 100 if outcome is Outcome.WORKS else 5
    return WayBehaviour(
        way=_choice(path, field + ".way", raw.get("way"), Way),
        outcome=outcome,
        at=int(_number(path, field + ".at", raw.get("at", default_at), 0, 100)),
        seconds=_number(path, field + ".seconds", raw.get("seconds", 6.0), 0.0, 300.0),
        reason=_text(path, field + ".reason", raw.get("reason", ""), required=False),
    )


def parse_scenario(document: dict[str, Any], path: Path) -> Scenario:
    sites = document.get("site", [])
    if not isinstance(sites, list) or not sites:
        raise _fail(path, "site", translate("Demo", "a scenario needs at least one [[site]]"))
    ways = document.get("way", [])
    if not isinstance(ways, list):
        raise _fail(path, "way", translate("Demo", "expected [[way]] tables"))
    tor = document.get("tor", {})
    if not isinstance(tor, dict):
        raise _fail(path, "tor", translate("Demo", "expected a [tor] table"))
    country = _text(path, "country", document.get("country"), required=False).upper() or None
    return Scenario(
        key=path.stem,
        name=_text(path, "name", document.get("name")),
        description=_text(path, "description", document.get("description")),
        presenter_note=_text(path, "presenter_note", document.get("presenter_note")),
        country=country,
        sites=tuple(_site(path, i, raw) for i, raw in enumerate(sites)),
        relays=_choice(path, "tor.relays", tor.get("relays", "ok"), RelayTechnique),
        relay_seconds=_number(path, "tor.seconds", tor.get("seconds", 1.5), 0.0, 120.0),
        ways=tuple(_way(path, i, raw) for i, raw in enumerate(ways)),
        path=path,
    )


def scenario_path(name_or_path: str, directory: Path | None = None) -> Path:
    """A shipped scenario's name (``iran-2022``) or a path to a trainer's own file."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" and candidate.is_file():
        return candidate
    return (directory or demo_dir()) / f"{name_or_path}.toml"


def load_scenario(name_or_path: str, directory: Path | None = None) -> Scenario:
    path = scenario_path(name_or_path, directory)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        known = ", ".join(scenario_names(directory)) or "-"
        text = translate("Demo", "There is no demo scenario called {name}. Known scenarios: {known}")
        raise ScenarioError(text.format(name=name_or_path, known=known)) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise _fail(path, "-", str(error)) from None
    return parse_scenario(document, path)
