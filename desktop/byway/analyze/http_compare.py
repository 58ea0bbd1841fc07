"""OONI's comparison of the probe's web page with the control's: body, status, headers, title.

A censor's blockpage rarely resembles the real page in all four ways, while a CDN's variants of the
real page usually agree in at least one. Each check answers ``None`` when it cannot tell, exactly
where OONI's web_connectivity does, so that Byway's keys line up with OONI's data.
"""

from __future__ import annotations

from collections.abc import Iterable

BODY_PROPORTION_THRESHOLD = 0.7
"""OONI: bodies match when the shorter is more than 70% of the longer."""

MIN_TITLE_WORD = 5
"""OONI ignores title words shorter than five characters (the average English word length)."""

COMMON_HEADERS: frozenset[str] = frozenset(
    {
        "date",
        "content-type",
        "server",
        "cache-control",
        "vary",
        "set-cookie",
        "location",
        "expires",
        "x-powered-by",
        "content-encoding",
        "last-modified",
        "accept-ranges",
        "pragma",
        "x-frame-options",
        "etag",
        "x-content-type-options",
        "age",
        "via",
        "p3p",
        "x-xss-protection",
        "content-language",
        "cf-ray",
        "strict-transport-security",
        "link",
        "x-varnish",
    }
)
"""Headers nearly every server sends: sharing them says nothing about sharing a server (OONI's list)."""


def body_proportion(probe_length: int, control_length: int) -> float | None:
    """``min(a/b, b/a)``: 1.0 for equal lengths; ``None`` when either body is empty.

    >>> body_proportion(50, 100), body_proportion(100, 50), body_proportion(0, 10)
    (0.5, 0.5, None)
    """
    if probe_length <= 0 or control_length <= 0:
        return None
    return min(probe_length, control_length) / max(probe_length, control_length)


def body_length_match(
    probe_length: int, control_length: int, *, truncated: bool
) -> tuple[bool | None, float | None]:
    """Return ``(body_length_match, body_proportion)``; both ``None`` for a truncated probe body."""
    if truncated:
        return None, None
    proportion = body_proportion(probe_length, control_length)
    if proportion is None:
        return None, None
    return proportion > BODY_PROPORTION_THRESHOLD, proportion


def status_code_match(probe_status: int, control_status: int) -> bool | None:
    """Equal status codes; ``None`` (unknown) when the control itself got a server error (5xx).

    >>> status_code_match(200, 200), status_code_match(403, 200), status_code_match(200, 503)
    (True, False, None)
    """
    if probe_status <= 0 or control_status <= 0:
        return None
    if probe_status == control_status:
        return True
    if control_status // 100 == 5:
        return None
    return False


def _names(headers: Iterable[tuple[str, str]]) -> set[str]:
    return {name.strip().lower() for name, _ in headers}


def headers_match(probe: Iterable[tuple[str, str]], control: Iterable[tuple[str, str]]) -> bool:
    """True when both carry the very same header names, or share one outside :data:`COMMON_HEADERS`.

    >>> headers_match([("X-Drupal-Cache", "HIT")], [("x-drupal-cache", "MISS"), ("Date", "x")])
    True
    >>> headers_match([("Server", "nginx")], [("Server", "Apache"), ("X-Id", "1")])
    False
    """
    ours, theirs = _names(probe), _names(control)
    if ours and ours == theirs:
        return True
    return bool((ours - COMMON_HEADERS) & (theirs - COMMON_HEADERS))


def _long_words(title: str) -> set[str]:
    return {word.lower() for word in title.split() if len(word) >= MIN_TITLE_WORD}


def title_match(probe_title: str, control_title: str) -> bool | None:
    """True when the titles share a word of at least five characters; ``None`` if there is nothing
    to compare (no probe title, or no long word on either side).

    >>> title_match("Example Domain", "Example Domain"), title_match("Access denied", "Example Domain")
    (True, False)
    """
    if not probe_title.strip():
        return None
    ours, theirs = _long_words(probe_title), _long_words(control_title)
    if not ours and not theirs:
        return None
    return bool(ours & theirs)
