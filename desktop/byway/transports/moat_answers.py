"""Moat's answers turned into typed values, and Moat's error codes into typed errors (pure, no I/O).

Moat answers HTTP 200 even for errors (``{"errors": [{"code": 406, "detail": "..."}]}``), and its
answers arrive over a network a censor controls: any of them may be truncated, enormous, nested a
thousand deep or simply lying. So every answer is checked for shape and size here, every bridge line
is parsed into a :class:`~byway.transports.bridge_line.Bridge`, and anything else is refused with a
:class:`MoatBadAnswer` that says so in plain words. The server's own ``detail`` text is never shown
as-is: it is untrusted too, so each code maps to our own sentence.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from byway.i18n import translate
from byway.plan import MoatSuggestion, Way
from byway.transports.bridge_line import Bridge, BridgeLineError, parse_bridge_line

MAX_SETTINGS = 32
MAX_BRIDGES = 64
MAX_COUNTRIES = 300
MAX_IMAGE_BYTES = 512 * 1024
_COUNTRY = re.compile(r"[a-z]{2}", re.ASCII)
_CHALLENGE = re.compile(r"[ -~]{1,4096}", re.ASCII)

MOAT_WAYS: Mapping[str, Way] = {
    "obfs4": Way.OBFS4,
    "snowflake": Way.SNOWFLAKE,
    "meek": Way.MEEK,
    "meek-azure": Way.MEEK,
    "meek_lite": Way.MEEK,
    "webtunnel": Way.WEBTUNNEL,
    "conjure": Way.CONJURE,
    "vanilla": Way.VANILLA_BRIDGE,
}
"""Moat's transport names and the way each one is."""


class MoatError(Exception):
    """Anything that kept Moat from giving a usable answer; ``code`` is Moat's, when it sent one."""

    code: int | None = None

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class MoatRequestMalformed(MoatError):
    code = 400


class MoatNoTransport(MoatError):
    code = 404


class MoatCountryUnknown(MoatError):
    """Moat could not tell where we are: ask the user to choose their country."""

    code = 406


class MoatContentTypeRefused(MoatError):
    code = 415


class MoatCaptchaWrong(MoatError):
    """The captcha answer was wrong (or too late): fetch a new challenge and ask again."""

    code = 419


class MoatServerError(MoatError):
    """An error code this client does not know."""


class MoatUnreachable(MoatError):
    """No answer at all: blocked, offline, or too slow. Cached or built-in advice takes over."""


class MoatBadAnswer(MoatError):
    """An answer that is not what Moat sends: malformed, oversized, or hostile. Never used."""


def _messages() -> dict[int, tuple[type[MoatError], str]]:
    return {
        400: (MoatRequestMalformed, translate("Moat", "The bridge server did not understand the request.")),
        404: (
            MoatNoTransport,
            translate("Moat", "The bridge server knows no working transport of those asked for here."),
        ),
        406: (
            MoatCountryUnknown,
            translate("Moat", "The bridge server could not tell which country you are in; choose it."),
        ),
        415: (MoatContentTypeRefused, translate("Moat", "The bridge server refused the request's format.")),
        419: (MoatCaptchaWrong, translate("Moat", "The answer to the picture was wrong; try a new one.")),
    }


def bad_answer(what: str) -> MoatBadAnswer:
    return MoatBadAnswer(
        translate("Moat", "The bridge server's answer was refused: {what}").format(what=what)
    )


def raise_for_errors(document: Any) -> None:
    """Raise the typed error for a Moat error body (``{"errors": [...]}``); do nothing otherwise."""
    if not isinstance(document, dict) or "errors" not in document:
        return
    errors = document["errors"]
    code: int | None = None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        raw = errors[0].get("code")
        code = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
    if code is None:
        raise bad_answer(translate("Moat", "an error without a code"))
    kind, message = _messages().get(
        code,
        (
            MoatServerError,
            translate("Moat", "The bridge server answered with error {code}.").format(code=code),
        ),
    )
    raise kind(message, code)


@dataclass(frozen=True)
class MoatChallenge:
    """A captcha to show: the image bytes (JPEG from the real Moat, PNG from the lab) and its token."""

    image: bytes
    challenge: str
    transport: str


def way_for(kind: str) -> Way | None:
    return MOAT_WAYS.get(kind)


def _bridge_lines(raw: Any, limit: int = MAX_BRIDGES) -> tuple[Bridge, ...]:
    """Parse a list of bridge lines, keeping the good ones; a non-list or an overlong list is refused."""
    if not isinstance(raw, list) or len(raw) > limit:
        raise bad_answer(translate("Moat", "bridge lines are not a list of at most {n}").format(n=limit))
    bridges: list[Bridge] = []
    for line in raw:
        if not isinstance(line, str):
            raise bad_answer(translate("Moat", "a bridge line is not text"))
        try:
            bridge = parse_bridge_line(line)
        except BridgeLineError:
            continue  # one bad line from the server costs that line, not the whole answer
        if bridge not in bridges:
            bridges.append(bridge)
    return tuple(bridges)


def parse_suggestions(raw: Any, *, with_bridges: bool = True) -> tuple[MoatSuggestion, ...]:
    """The ``settings`` list of a settings/defaults/map entry, best first; unknown transports skipped.

    Bridge lines are kept only for source ``bridgedb`` (private bridges); for ``builtin`` the client
    uses its own built-in lines, as Tor Browser does. A bridgedb entry whose lines all fail is dropped.
    """
    if not isinstance(raw, list) or len(raw) > MAX_SETTINGS:
        raise bad_answer(translate("Moat", "settings are not a short list"))
    suggestions: list[MoatSuggestion] = []
    for entry in raw:
        bridges = entry.get("bridges") if isinstance(entry, dict) else None
        if not isinstance(bridges, dict):
            raise bad_answer(translate("Moat", "a setting has no bridges object"))
        kind, source = bridges.get("type"), bridges.get("source", "builtin")
        if not isinstance(kind, str) or not isinstance(source, str):
            raise bad_answer(translate("Moat", "a setting has no transport type"))
        way = way_for(kind)
        if way is None:
            continue
        lines: tuple[Bridge, ...] = ()
        if source == "bridgedb" and with_bridges:
            lines = _bridge_lines(bridges.get("bridge_strings", []))
            lines = tuple(bridge for bridge in lines if way_for(bridge.transport.value) is way)
            if not lines:
                continue
        suggestion = MoatSuggestion(way, lines, "bridgedb" if source == "bridgedb" else "builtin")
        if suggestion not in suggestions:
            suggestions.append(suggestion)
    return tuple(suggestions)


def parse_settings(document: Any) -> tuple[tuple[MoatSuggestion, ...], str | None]:
    """``settings`` or ``defaults``: the suggestions (empty = no circumvention needed) and the country."""
    raise_for_errors(document)
    if not isinstance(document, dict) or "settings" not in document:
        raise bad_answer(translate("Moat", "there is no settings list"))
    country = document.get("country")
    if country is not None and not (isinstance(country, str) and _COUNTRY.fullmatch(country)):
        raise bad_answer(translate("Moat", "the country is not a two-letter code"))
    suggestions = parse_suggestions(document["settings"])
    return suggestions, country


def parse_map(document: Any) -> dict[str, tuple[MoatSuggestion, ...]]:
    """``circumvention/map``: advice per country (no bridge lines)."""
    raise_for_errors(document)
    if not isinstance(document, dict) or len(document) > MAX_COUNTRIES:
        raise bad_answer(translate("Moat", "the country map is not an object of countries"))
    result: dict[str, tuple[MoatSuggestion, ...]] = {}
    for country, entry in document.items():
        if not (isinstance(country, str) and _COUNTRY.fullmatch(country)) or not isinstance(entry, dict):
            raise bad_answer(translate("Moat", "the country map has an entry that is not a country"))
        result[country] = parse_suggestions(entry.get("settings", []), with_bridges=False)
    return result


def parse_countries(document: Any) -> tuple[str, ...]:
    raise_for_errors(document)
    if not isinstance(document, list) or len(document) > MAX_COUNTRIES:
        raise bad_answer(translate("Moat", "the country list is not a list"))
    if not all(isinstance(cc, str) and _COUNTRY.fullmatch(cc) for cc in document):
        raise bad_answer(translate("Moat", "the country list holds something that is not a country"))
    return tuple(document)


def parse_builtin(document: Any) -> dict[str, Any]:
    """``circumvention/builtin`` checked for errors and shape; the catalog parses the lines."""
    raise_for_errors(document)
    if not isinstance(document, dict):
        raise bad_answer(translate("Moat", "the built-in bridge list is not an object"))
    return document


def _first_data(document: Any, kind: str) -> dict[str, Any]:
    raise_for_errors(document)
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        raise bad_answer(translate("Moat", "there is no data item"))
    item: dict[str, Any] = data[0]
    if item.get("type") != kind:
        raise bad_answer(translate("Moat", "the data item is of the wrong type"))
    return item


def parse_challenge(document: Any) -> MoatChallenge:
    """``moat/fetch``: the captcha image (base64, size-capped) and its opaque challenge."""
    item = _first_data(document, "moat-challenge")
    image, challenge, transport = item.get("image"), item.get("challenge"), item.get("transport", "obfs4")
    if not isinstance(image, str) or len(image) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        raise bad_answer(translate("Moat", "the captcha image is missing or too large"))
    if (
        not isinstance(challenge, str)
        or not _CHALLENGE.fullmatch(challenge)
        or not isinstance(transport, str)
    ):
        raise bad_answer(translate("Moat", "the captcha challenge is missing"))
    try:
        decoded = base64.b64decode(image, validate=True)
    except (binascii.Error, ValueError) as error:
        raise bad_answer(translate("Moat", "the captcha image is not base64")) from error
    if not decoded:
        raise bad_answer(translate("Moat", "the captcha image is empty"))
    return MoatChallenge(decoded, challenge, transport)


def parse_obtained_bridges(document: Any) -> tuple[Bridge, ...]:
    """``moat/check``: the private bridges the captcha earned (at least one usable line)."""
    item = _first_data(document, "moat-bridges")
    bridges = _bridge_lines(item.get("bridges"))
    if not bridges:
        raise bad_answer(translate("Moat", "no usable bridge came back"))
    return bridges
