"""The pieces of the bridge-line grammar: characters, fingerprints, arguments, obfs4 certs, URLs.

These checks are shared by the parser and by :class:`~byway.transports.bridge_line.Bridge` itself, so a
bridge built in code is held to exactly the same rules as one pasted by a user: no value that fails
here can ever reach a torrc. Each check raises :class:`BridgeLineError` with a sentence a person can act
on; none of them echoes more than a short, already-safe excerpt of the input.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from urllib.parse import urlsplit

from byway.i18n import translate
from byway.transports.bridge_errors import BridgeLineError, Reason

MAX_LINE_LENGTH = 4096
"""Real lines are under 1 KB (snowflake's, with eight STUN servers, is about 600 characters)."""

FINGERPRINT_LENGTH = 40
OBFS4_CERT_LENGTH = 70
OBFS4_CERT_BYTES = 52
IAT_MODES = ("0", "1", "2")

_HEX = frozenset("0123456789abcdefABCDEF")
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", re.ASCII)
# Plain values: base64 certs (+/), comma lists of fronts and STUN servers (host:port), versions, hex.
_PLAIN_VALUE = re.compile(r"[A-Za-z0-9._,:+/=-]+", re.ASCII)
# URL values: RFC 3986 characters minus quotes, backslash, '#', '<>', '{}', '|', '^' and '`'.
_URL_VALUE = re.compile(r"[A-Za-z0-9._~:/?\[\]@!$&()*+,;=%-]+", re.ASCII)
_PRINTABLE_LINE = re.compile(r"[ -~]*", re.ASCII)
_BASE64 = re.compile(r"[A-Za-z0-9+/]+", re.ASCII)
URL_KEYS = frozenset({"url", "ampcache", "sqsqueue"})
"""Arguments whose value is a URL: checked as an http(s) URL with a host, in the wider URL alphabet."""

_EXCERPT_LENGTH = 32


def excerpt(text: str) -> str:
    """A short, printable rendering of untrusted text for an error message.

    >>> excerpt("SocksPort")
    "'SocksPort'"
    >>> excerpt("x" * 50)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"
    """
    shown = "".join(ch if " " <= ch <= "~" else "?" for ch in text[:_EXCERPT_LENGTH])
    return repr(shown + ("..." if len(text) > _EXCERPT_LENGTH else ""))


def check_characters(line: str) -> None:
    """Refuse control characters, line separators, non-ASCII text and '#' anywhere in a line.

    Bridge lines are plain ASCII. Anything else is either a paste accident or an attempt to end the
    ``Bridge`` directive early (``\\n``, ``\\r``, NUL, U+2028, U+0085) or to hide part of it (``#``).

    >>> check_characters("obfs4 192.0.2.1:443")
    >>> check_characters("1.2.3.4:443\\nSocksPort 0.0.0.0:9050")
    Traceback (most recent call last):
    ...
    byway.transports.bridge_errors.BridgeLineError: the bridge line contains a control character \
(U+000A) at position 12; a bridge line is a single line of plain text
    """
    if len(line) > MAX_LINE_LENGTH:
        raise BridgeLineError(
            Reason.TOO_LONG,
            translate(
                "BridgeLine", "the bridge line is {length} characters long; the limit is {limit}"
            ).format(length=len(line), limit=MAX_LINE_LENGTH),
        )
    if _PRINTABLE_LINE.fullmatch(line) and "#" not in line:
        return
    for position, ch in enumerate(line, start=1):
        if " " <= ch <= "~":
            if ch == "#":
                raise BridgeLineError(
                    Reason.COMMENT,
                    translate(
                        "BridgeLine", "the bridge line contains '#' at position {position}; it is not allowed"
                    ).format(position=position),
                )
            continue
        codepoint = f"U+{ord(ch):04X}"
        if ord(ch) < 0x20 or ord(ch) == 0x7F or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            raise BridgeLineError(
                Reason.CONTROL_CHARACTER,
                translate(
                    "BridgeLine",
                    "the bridge line contains a control character ({codepoint}) at position {position};"
                    " a bridge line is a single line of plain text",
                ).format(codepoint=codepoint, position=position),
            )
        raise BridgeLineError(
            Reason.NON_ASCII,
            translate(
                "BridgeLine",
                "the bridge line contains a character that is not plain ASCII ({codepoint})"
                " at position {position}",
            ).format(codepoint=codepoint, position=position),
        )


def canonical_fingerprint(text: str) -> str:
    """The fingerprint in upper case, after checking it is 40 hexadecimal digits.

    >>> canonical_fingerprint("d9a82d2f9c2f65a18407b1d2b764f130847f8b5d")
    'D9A82D2F9C2F65A18407B1D2B764F130847F8B5D'
    >>> canonical_fingerprint("D9A82D2F9C2F65A18407B1D2B764F130847F8B5")
    Traceback (most recent call last):
    ...
    byway.transports.bridge_errors.BridgeLineError: the fingerprint must be 40 hexadecimal characters; got 39
    """
    if len(text) != FINGERPRINT_LENGTH:
        raise BridgeLineError(
            Reason.BAD_FINGERPRINT,
            translate("BridgeLine", "the fingerprint must be 40 hexadecimal characters; got {count}").format(
                count=len(text)
            ),
        )
    if not all(ch in _HEX for ch in text):
        raise BridgeLineError(
            Reason.BAD_FINGERPRINT,
            translate("BridgeLine", "the fingerprint must contain only hexadecimal characters (0-9, A-F)"),
        )
    return text.upper()


def check_key(key: str) -> None:
    """An argument name: a letter or digit, then letters, digits, '_' or '-' (at most 64)."""
    if not _KEY.fullmatch(key):
        raise BridgeLineError(
            Reason.BAD_ARGUMENT,
            translate(
                "BridgeLine",
                "the argument name {key} is not allowed; names use only letters, digits, '_' and '-'",
            ).format(key=excerpt(key)),
        )


def check_value(key: str, value: str) -> None:
    """An argument value: non-empty, in the conservative alphabet for its kind (URL or plain)."""
    if not value:
        raise BridgeLineError(
            Reason.BAD_ARGUMENT,
            translate("BridgeLine", "the argument {key} has no value").format(key=key),
        )
    if key in URL_KEYS:
        check_url(key, value)
    elif not _PLAIN_VALUE.fullmatch(value):
        raise BridgeLineError(
            Reason.UNSAFE_VALUE,
            translate(
                "BridgeLine",
                "the value of {key} contains characters that are not allowed"
                " (letters, digits and . _ , : + / = - only)",
            ).format(key=key),
        )


def check_url(key: str, value: str) -> None:
    """A URL argument: http or https, a host, no user name, no spaces, quotes, backslashes or '#'.

    >>> check_url("url", "https://1603026938.rsc.cdn77.org")
    >>> check_url("url", "javascript:alert(1)")
    Traceback (most recent call last):
    ...
    byway.transports.bridge_errors.BridgeLineError: the value of url must be an http or https address \
with a host name
    """
    if not _URL_VALUE.fullmatch(value):
        raise BridgeLineError(
            Reason.UNSAFE_VALUE,
            translate(
                "BridgeLine", "the value of {key} contains characters that are not allowed in a URL"
            ).format(key=key),
        )
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or 1 <= parts.port <= 65535
    except ValueError:
        parts, port_ok = None, False
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise BridgeLineError(
            Reason.BAD_URL,
            translate(
                "BridgeLine", "the value of {key} must be an http or https address with a host name"
            ).format(key=key),
        )
    if "@" in parts.netloc:
        raise BridgeLineError(
            Reason.BAD_URL,
            translate("BridgeLine", "the value of {key} must not contain a user name or password").format(
                key=key
            ),
        )


def check_obfs4_cert(cert: str) -> None:
    """An obfs4 cert: 70 characters of unpadded base64 that decode exactly to 52 bytes.

    The cert carries the bridge's node ID and public key; a cert that does not decode cleanly is a
    damaged copy, and obfs4 would fail later with a far less helpful message.

    >>> check_obfs4_cert("bjRaMrr1BRiAW8IE9U5z27fQaYgOhX1UCmOpg2pFpoMvo6ZgQMzLsaTzzQNTlm7hNcb+Sg")
    >>> check_obfs4_cert("bjRaMrr1BRiAW8IE9U5z27fQaYgOhX1UCmOpg2pFpoMvo6ZgQMzLsaTzzQNTlm7hNcb+Sg==")
    Traceback (most recent call last):
    ...
    byway.transports.bridge_errors.BridgeLineError: the obfs4 cert must be 70 characters of base64 \
without '=' padding; got 72 characters
    """
    if len(cert) != OBFS4_CERT_LENGTH or not _BASE64.fullmatch(cert):
        raise BridgeLineError(
            Reason.BAD_CERT,
            translate(
                "BridgeLine",
                "the obfs4 cert must be 70 characters of base64 without '=' padding; got {count} characters",
            ).format(count=len(cert)),
        )
    try:
        raw = base64.b64decode(cert + "==", validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    canonical = base64.b64encode(raw).decode("ascii").rstrip("=")
    if len(raw) != OBFS4_CERT_BYTES or canonical != cert:
        raise BridgeLineError(
            Reason.BAD_CERT,
            translate("BridgeLine", "the obfs4 cert does not decode to a valid 52-byte certificate"),
        )


def check_iat_mode(value: str) -> None:
    """obfs4's inter-arrival-time mode: 0 (off), 1 (on), or 2 (paranoid)."""
    if value not in IAT_MODES:
        raise BridgeLineError(
            Reason.BAD_IAT_MODE,
            translate("BridgeLine", "iat-mode must be 0, 1 or 2; got {value}").format(value=excerpt(value)),
        )
