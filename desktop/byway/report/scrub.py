"""Removing the user's own IP address from everything a report contains, or refusing to emit it.

A censorship measurement that names the person's address can hurt them. OONI scrubs the probe IP from
every field and does not submit a measurement whose scrubbing failed; Byway does the same. The user's
address can hide anywhere: a page that echoes the visitor's IP, a header, a DNS answer, a
certificate, a URL (percent-encoded). So scrubbing walks every string, key and byte body, and a final
check looks again in the serialized document, in its percent-decoded form and inside base64 bodies.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

SCRUBBED = "[scrubbed]"
SCRUBBED_PROBE_IP = "127.0.0.1"
"""OONI's value for ``probe_ip`` once scrubbed: never itself something to scrub."""

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]


class ScrubbingFailed(Exception):
    """The document still contains an address that had to go: it must not be emitted."""


def _forms(address: str) -> tuple[str, ...]:
    """Every textual form of ``address`` worth looking for (IPv6 compressed and exploded)."""
    try:
        parsed = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return (address.strip(),) if address.strip() else ()
    if isinstance(parsed, ipaddress.IPv6Address):
        return tuple(dict.fromkeys((parsed.compressed, parsed.exploded)))
    return (parsed.compressed,)


def _pattern(form: str) -> str:
    if ":" in form:  # IPv6: not inside a longer run of hex digits and colons
        return rf"(?<![0-9A-Fa-f:]){re.escape(form)}(?![0-9A-Fa-f]|:[0-9A-Fa-f])"
    return rf"(?<![0-9.]){re.escape(form)}(?![0-9]|\.[0-9])"  # IPv4: not part of a longer number


@dataclass(frozen=True)
class Scrubber:
    """Replaces each listed address, in all its forms, with ``[scrubbed]``."""

    addresses: tuple[str, ...]

    @classmethod
    def for_addresses(cls, probe_ip: str, extra: Iterable[str] = ()) -> Scrubber:
        """The user's IP plus any other addresses to hide (e.g. a home router's public address)."""
        wanted = [a for a in (probe_ip, *extra) if a and a.strip() and a.strip() != SCRUBBED_PROBE_IP]
        return cls(tuple(dict.fromkeys(form for a in wanted for form in _forms(a))))

    @property
    def _text_pattern(self) -> re.Pattern[str] | None:
        if not self.addresses:
            return None
        return re.compile("|".join(_pattern(f) for f in self.addresses), re.IGNORECASE)

    def text(self, value: str) -> str:
        pattern = self._text_pattern
        return value if pattern is None else pattern.sub(SCRUBBED, value)

    def bytes(self, value: bytes) -> bytes:
        if not self.addresses:
            return value
        pattern = re.compile(b"|".join(_pattern(f).encode("ascii") for f in self.addresses), re.IGNORECASE)
        return pattern.sub(SCRUBBED.encode("ascii"), value)

    def value(self, value: JsonValue) -> JsonValue:
        """Scrub every string and every key in a JSON-ready value."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {self.text(key): self.value(item) for key, item in value.items()}
        return value

    def leaks(self, document: JsonValue) -> bool:
        """True when any address survives anywhere in ``document``."""
        pattern = self._text_pattern
        if pattern is None:
            return False
        serialized = json.dumps(document, ensure_ascii=False)
        if pattern.search(serialized) or pattern.search(unquote(serialized)):
            return True
        return any(pattern.search(blob.decode("utf-8", "replace")) for blob in _base64_blobs(document))

    def ensure_scrubbed(self, document: JsonValue) -> None:
        """Raise :class:`ScrubbingFailed` unless ``document`` is free of every listed address."""
        if self.leaks(document):
            raise ScrubbingFailed("an address that had to be scrubbed is still in the report")

    def scrub(self, document: Mapping[str, JsonValue]) -> dict[str, JsonValue]:
        """Scrub ``document`` and check the result; raise :class:`ScrubbingFailed` if anything is left."""
        scrubbed = self.value(dict(document))
        assert isinstance(scrubbed, dict)
        self.ensure_scrubbed(scrubbed)
        return scrubbed


def _base64_blobs(value: JsonValue) -> Iterable[bytes]:
    """The decoded data of OONI's ``{"format": "base64", "data": ...}`` objects."""
    if isinstance(value, list):
        for item in value:
            yield from _base64_blobs(item)
    elif isinstance(value, dict):
        data = value.get("data")
        if value.get("format") == "base64" and isinstance(data, str):
            try:
                yield base64.b64decode(data, validate=True)
            except (binascii.Error, ValueError):
                yield data.encode()
        for item in value.values():
            yield from _base64_blobs(item)


def encode_body(body: bytes, scrubber: Scrubber) -> JsonValue:
    """A body as OONI stores it: text when it is UTF-8, else base64; scrubbed before encoding."""
    clean = scrubber.bytes(body)
    try:
        return clean.decode("utf-8")
    except UnicodeDecodeError:
        return {"format": "base64", "data": base64.b64encode(clean).decode("ascii")}
