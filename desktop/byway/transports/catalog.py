"""The built-in bridges: shipped in Tor Browser's pt_config.json shape, refreshable through Moat.

Built-in bridges are public and change every few months (a meek reflector moves, an obfs4 bridge is
retired). Byway ships the lines Tor Browser ships (``resources/bridges/pt_config.json``), and can take
a fresher set from Moat's ``circumvention/builtin``. Both are untrusted text until every line has been
parsed into a :class:`~byway.transports.bridge_line.Bridge`; a line that does not parse is set aside
(and remembered in :attr:`Catalog.rejected`), never passed on. The network fetch lives elsewhere; this
module only checks, keeps and chooses the data.

>>> shipped = load_shipped()
>>> [bridge.transport.value for bridge in shipped.bridges_for(Transport.MEEK_LITE)]
['meek_lite']
>>> len(shipped.bridges_for(Transport.OBFS4)) > 0, shipped.rejected
(True, ())
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from byway.i18n import translate
from byway.resources import resources_dir
from byway.transports.bridge_line import Bridge, BridgeLineError, Transport, parse_bridge_line

SHIPPED_FILE = "pt_config.json"
SHIPPED_SOURCE_FILE = "pt_config.source.json"
REFRESHED_FILE = "pt_config.refreshed.json"
MAX_LINES_PER_KIND = 256

KIND_TRANSPORTS: Mapping[str, Transport] = {
    "obfs4": Transport.OBFS4,
    "snowflake": Transport.SNOWFLAKE,
    "meek": Transport.MEEK_LITE,
    "meek-azure": Transport.MEEK_LITE,
    "meek_lite": Transport.MEEK_LITE,
    "webtunnel": Transport.WEBTUNNEL,
    "conjure": Transport.CONJURE,
    "vanilla": Transport.VANILLA,
}
"""pt_config.json and Moat group lines by a *kind* name; this is the transport each kind must use."""

_KIND = re.compile(r"[a-z0-9_-]{1,32}", re.ASCII)
_TEMPLATE = re.compile(r"[ -~]{1,1024}", re.ASCII)


class CatalogSource(StrEnum):
    SHIPPED = "shipped"
    MOAT = "moat"


class CatalogError(ValueError):
    """A bridge list that cannot be used at all (wrong shape, a Moat error, no usable line)."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


@dataclass(frozen=True)
class RejectedLine:
    """A line from the list that did not parse or did not match its kind, with the reason why."""

    kind: str
    index: int
    reason: str
    message: str


@dataclass(frozen=True)
class Catalog:
    """Built-in bridges grouped by kind, in the order the source listed them.

    ``as_of`` says how fresh the lines are: the upstream commit date for the shipped copy, the fetch
    time for a Moat refresh. ``plugin_templates`` keeps pt_config's ``pluggableTransports`` text for
    reference only: torrc plugin lines come from :mod:`byway.transports.binaries`, never from here.
    """

    groups: tuple[tuple[str, tuple[Bridge, ...]], ...]
    source: CatalogSource
    as_of: datetime | None = None
    recommended_default: str | None = None
    plugin_templates: tuple[tuple[str, str], ...] = ()
    rejected: tuple[RejectedLine, ...] = ()

    def kinds(self) -> tuple[str, ...]:
        return tuple(kind for kind, _ in self.groups)

    def bridges_for(self, transport: Transport) -> tuple[Bridge, ...]:
        """Every built-in bridge that uses ``transport``, whatever kind it was listed under."""
        return tuple(
            bridge for _, bridges in self.groups for bridge in bridges if bridge.transport is transport
        )

    def plugin_arguments(self, program: str) -> tuple[str, ...]:
        """Fixed arguments the pt_config template gives ``program`` (conjure-client's ``-registerURL``).

        >>> load_shipped().plugin_arguments("conjure-client")
        ('-registerURL', 'https://registration.refraction.network/api')
        >>> load_shipped().plugin_arguments("lyrebird")
        ()
        """
        executable = "${pt_path}" + program + "${pt_extension}"
        for _, template in self.plugin_templates:
            words = template.split()
            if words[:1] == ["ClientTransportPlugin"] and words[2:4] == ["exec", executable]:
                return tuple(words[4:])
        return ()

    def to_pt_config(self) -> dict[str, Any]:
        """The catalog in pt_config.json's shape, each line re-serialised from its typed value."""
        document: dict[str, Any] = {}
        if self.recommended_default is not None:
            document["recommendedDefault"] = self.recommended_default
        if self.plugin_templates:
            document["pluggableTransports"] = dict(self.plugin_templates)
        document["bridges"] = {kind: [str(bridge) for bridge in bridges] for kind, bridges in self.groups}
        return document


def _shape_error(what: str) -> CatalogError:
    return CatalogError(
        "bad_shape",
        translate("Catalog", "the bridge list is not in the expected format: {what}").format(what=what),
    )


def _parse_groups(
    bridges: Mapping[str, Any],
) -> tuple[tuple[tuple[str, tuple[Bridge, ...]], ...], tuple[RejectedLine, ...]]:
    """Parse ``{kind: [line, ...]}``, keeping good lines and recording the rest."""
    groups: list[tuple[str, tuple[Bridge, ...]]] = []
    rejected: list[RejectedLine] = []
    for kind, lines in bridges.items():
        if not isinstance(kind, str) or not _KIND.fullmatch(kind):
            raise _shape_error(translate("Catalog", "a bridge kind name is not a short lowercase word"))
        if not isinstance(lines, list) or len(lines) > MAX_LINES_PER_KIND:
            raise _shape_error(
                translate(
                    "Catalog", "the bridges of kind {kind} are not a list of at most {limit} lines"
                ).format(kind=kind, limit=MAX_LINES_PER_KIND)
            )
        expected = KIND_TRANSPORTS.get(kind)
        if expected is None:
            message = translate("Catalog", "bridges of kind {kind} are not supported").format(kind=kind)
            rejected.extend(RejectedLine(kind, i, "unknown_kind", message) for i in range(len(lines)))
            continue
        good: list[Bridge] = []
        for index, line in enumerate(lines):
            if not isinstance(line, str):
                message = translate("Catalog", "a bridge line is not text")
                rejected.append(RejectedLine(kind, index, "not_text", message))
                continue
            try:
                bridge = parse_bridge_line(line)
            except BridgeLineError as error:
                rejected.append(RejectedLine(kind, index, error.reason.value, str(error)))
                continue
            if bridge.transport is not expected:
                message = translate("Catalog", "a {transport} bridge is listed under {kind}").format(
                    transport=bridge.transport.value, kind=kind
                )
                rejected.append(RejectedLine(kind, index, "wrong_kind", message))
            elif bridge not in good:
                good.append(bridge)
        if good:
            groups.append((kind, tuple(good)))
    return tuple(groups), tuple(rejected)


def catalog_from_pt_config(
    document: Mapping[str, Any], *, source: CatalogSource, as_of: datetime | None
) -> Catalog:
    """Check a pt_config.json document and turn it into a :class:`Catalog`."""
    if not isinstance(document, Mapping):
        raise _shape_error(translate("Catalog", "the document is not a JSON object"))
    bridges = document.get("bridges")
    if not isinstance(bridges, Mapping):
        raise _shape_error(translate("Catalog", 'there is no "bridges" object'))
    default = document.get("recommendedDefault")
    if default is not None and not (isinstance(default, str) and _KIND.fullmatch(default)):
        raise _shape_error(translate("Catalog", "recommendedDefault is not a bridge kind name"))
    templates = document.get("pluggableTransports", {})
    if not isinstance(templates, Mapping) or not all(
        isinstance(name, str)
        and _KIND.fullmatch(name)
        and isinstance(text, str)
        and _TEMPLATE.fullmatch(text)
        for name, text in templates.items()
    ):
        raise _shape_error(translate("Catalog", "pluggableTransports is not a set of single-line templates"))
    groups, rejected = _parse_groups(bridges)
    return Catalog(groups, source, as_of, default, tuple(templates.items()), rejected)


def _shipped_date(directory: Path) -> datetime | None:
    """The upstream commit date recorded next to the shipped list (``None`` if it cannot be read)."""
    try:
        recorded = json.loads((directory / SHIPPED_SOURCE_FILE).read_text(encoding="utf-8"))
        day = date.fromisoformat(recorded["date"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def load_shipped(resources: Path | None = None) -> Catalog:
    """The catalog that ships with Byway, from ``resources/bridges/``."""
    directory = (resources or resources_dir()) / "bridges"
    document = json.loads((directory / SHIPPED_FILE).read_text(encoding="utf-8"))
    return catalog_from_pt_config(document, source=CatalogSource.SHIPPED, as_of=_shipped_date(directory))


def refresh_from_moat(
    builtin_json: Mapping[str, Any], now: datetime, *, base: Catalog | None = None
) -> Catalog:
    """A catalog from Moat's ``circumvention/builtin`` answer (``{"obfs4": [lines], ...}``), as of ``now``.

    Kinds the answer leaves out keep the lines of ``base`` (by default the shipped catalog): asking
    Moat for obfs4 only must not lose the meek line Byway needs to reach Moat next time. Lines that do
    not parse are left out and listed in ``rejected``; an answer with no usable line is an error.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not isinstance(builtin_json, Mapping):
        raise _shape_error(translate("Catalog", "the Moat answer is not a JSON object"))
    if "errors" in builtin_json:
        raise CatalogError("moat_error", translate("Catalog", "the bridge server answered with an error"))
    groups, rejected = _parse_groups(builtin_json)
    if not groups:
        raise CatalogError("no_bridges", translate("Catalog", "the bridge server sent no usable bridges"))
    base = base if base is not None else load_shipped()
    fresh_kinds = {kind for kind, _ in groups}
    kept = tuple((kind, bridges) for kind, bridges in base.groups if kind not in fresh_kinds)
    return Catalog(
        groups + kept, CatalogSource.MOAT, now, base.recommended_default, base.plugin_templates, rejected
    )


def save_refreshed(catalog: Catalog, directory: Path) -> Path:
    """Keep a refreshed catalog (with its date) in ``directory``; written atomically. Returns the file."""
    if catalog.as_of is None:
        raise ValueError("a refreshed catalog needs its as_of date")
    document = catalog.to_pt_config()
    document["byway"] = {"source": catalog.source.value, "as_of": catalog.as_of.isoformat()}
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / REFRESHED_FILE
    partial = target.with_name(target.name + ".partial")
    partial.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    partial.replace(target)
    return target


def load_refreshed(directory: Path) -> Catalog:
    """The catalog kept by :func:`save_refreshed`; raises ``OSError``/``ValueError`` if unusable."""
    document = json.loads((directory / REFRESHED_FILE).read_text(encoding="utf-8"))
    meta = document.get("byway") if isinstance(document, dict) else None
    if not isinstance(meta, dict) or not isinstance(meta.get("as_of"), str):
        raise _shape_error(translate("Catalog", "the saved list has no date"))
    as_of = datetime.fromisoformat(meta["as_of"])
    if as_of.tzinfo is None:
        raise _shape_error(translate("Catalog", "the saved list has no date"))
    catalog = catalog_from_pt_config(document, source=CatalogSource.MOAT, as_of=as_of)
    if not catalog.groups:
        raise CatalogError("no_bridges", translate("Catalog", "the saved list has no usable bridges"))
    return catalog


def load_best(directory: Path, *, resources: Path | None = None) -> Catalog:
    """The refreshed catalog in ``directory`` if it is usable and newer than the shipped one; else shipped.

    "Newer" matters after an upgrade: a Byway release may ship lines fresher than an old refresh.
    """
    shipped = load_shipped(resources)
    try:
        refreshed = load_refreshed(directory)
    except (OSError, ValueError):
        return shipped
    if shipped.as_of is not None and refreshed.as_of is not None and refreshed.as_of < shipped.as_of:
        return shipped
    return refreshed
