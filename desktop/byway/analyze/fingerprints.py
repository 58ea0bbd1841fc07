"""OONI's blocking fingerprints: known blockpages and known DNS injector addresses.

A page that differs from the control could be a CDN variant; a page that carries a national filter's
signature is a blockpage, and naming it (and the country it belongs to) is the strongest evidence a
diagnosis can give. The data come from github.com/ooni/blocking-fingerprints (see
``resources/fingerprints/SOURCES.md``). Rows with scope ``fp`` are known false positives and are
skipped. The CSVs are loaded and their regular expressions compiled once per directory.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from byway.measure.observations import HttpResponse

HTTP_FILE = "blocking-fingerprints-http.csv"
DNS_FILE = "blocking-fingerprints-dns.csv"
FALSE_POSITIVE_SCOPE = "fp"


class PatternType(StrEnum):
    FULL = "full"
    PREFIX = "prefix"
    CONTAINS = "contains"
    REGEXP = "regexp"


@dataclass(frozen=True)
class Fingerprint:
    """One row of the fingerprint database: where to look, what to look for, whose it is."""

    name: str
    scope: str  # nat, isp, prod, inst, vbw (vague blocking word), ...
    location: str  # "body", "header.<lowercase name>" or "dns"
    pattern_type: PatternType
    pattern: str
    countries: tuple[str, ...]
    confidence: int
    regexp: re.Pattern[str] | None = None

    def matches_text(self, text: str) -> bool:
        """Apply the row's pattern to ``text`` (case-sensitive, as OONI's pipeline does)."""
        if self.pattern_type is PatternType.FULL:
            return text == self.pattern
        if self.pattern_type is PatternType.PREFIX:
            return text.startswith(self.pattern)
        if self.pattern_type is PatternType.CONTAINS:
            return self.pattern in text
        return self.regexp is not None and self.regexp.search(text) is not None


@dataclass(frozen=True)
class FingerprintMatch:
    """A fingerprint that matched, with the evidence: where it matched."""

    fingerprint: Fingerprint
    location: str

    @property
    def name(self) -> str:
        return self.fingerprint.name

    @property
    def scope(self) -> str:
        return self.fingerprint.scope

    @property
    def countries(self) -> tuple[str, ...]:
        return self.fingerprint.countries


def _row_to_fingerprint(row: dict[str, str]) -> Fingerprint | None:
    scope = row.get("scope", "").strip()
    if scope == FALSE_POSITIVE_SCOPE:
        return None
    try:
        pattern_type = PatternType(row.get("pattern_type", "").strip())
    except ValueError:
        return None
    pattern = row.get("pattern", "")
    regexp: re.Pattern[str] | None = None
    if pattern_type is PatternType.REGEXP:
        try:
            regexp = re.compile(pattern)
        except re.error:
            return None
    confidence_text = row.get("confidence_no_fp", "").strip()
    countries = tuple(c.strip() for c in row.get("expected_countries", "").split(",") if c.strip())
    return Fingerprint(
        name=row.get("name", "").strip(),
        scope=scope,
        location=row.get("location_found", "").strip().lower(),
        pattern_type=pattern_type,
        pattern=pattern,
        countries=countries,
        confidence=int(confidence_text) if confidence_text.isdigit() else 0,
        regexp=regexp,
    )


def parse_fingerprints(lines: Iterable[str]) -> tuple[Fingerprint, ...]:
    """Parse CSV text in the upstream format, dropping false positives and malformed rows."""
    parsed = (_row_to_fingerprint(row) for row in csv.DictReader(lines))
    return tuple(fp for fp in parsed if fp is not None)


def _decode_body(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class FingerprintDatabase:
    """The HTTP and DNS fingerprints, ready to match."""

    http: tuple[Fingerprint, ...]
    dns: tuple[Fingerprint, ...]

    def match_http(self, response: HttpResponse) -> tuple[FingerprintMatch, ...]:
        """Every (non-false-positive) fingerprint matching the body or a header of ``response``."""
        body: str | None = None
        matches: list[FingerprintMatch] = []
        for fp in self.http:
            if fp.location == "body":
                if body is None:
                    body = _decode_body(response.body)
                if fp.matches_text(body):
                    matches.append(FingerprintMatch(fp, "body"))
            elif fp.location.startswith("header."):
                value = response.header(fp.location.removeprefix("header."))
                if value is not None and fp.matches_text(value):
                    matches.append(FingerprintMatch(fp, fp.location))
        return tuple(matches)

    def match_dns(self, addresses: Sequence[str]) -> tuple[FingerprintMatch, ...]:
        """Every DNS fingerprint naming one of ``addresses`` (a known injector's answer)."""
        wanted = {a.strip().lower() for a in addresses}
        return tuple(
            FingerprintMatch(fp, "dns")
            for fp in self.dns
            if fp.pattern.strip().lower() in wanted and fp.pattern_type is PatternType.FULL
        )


EMPTY_DATABASE = FingerprintDatabase(http=(), dns=())


def _default_directory() -> Path:
    # Imported lazily: loading from an explicit directory (tests, tools) must not need it.
    from byway.resources import resources_dir

    return resources_dir() / "fingerprints"


@functools.lru_cache(maxsize=4)
def _load(directory: Path) -> FingerprintDatabase:
    with (directory / HTTP_FILE).open(encoding="utf-8", newline="") as http_file:
        http = parse_fingerprints(http_file)
    with (directory / DNS_FILE).open(encoding="utf-8", newline="") as dns_file:
        dns = parse_fingerprints(dns_file)
    return FingerprintDatabase(http=http, dns=dns)


def load_fingerprints(directory: Path | None = None) -> FingerprintDatabase:
    """Load (once per directory) the fingerprints from ``directory``, by default the shipped ones."""
    return _load(Path(directory if directory is not None else _default_directory()).resolve())
