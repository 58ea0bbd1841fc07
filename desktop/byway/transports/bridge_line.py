"""Bridge lines as typed, immutable values: the only way a bridge reaches a torrc.

A bridge line comes from untrusted places (a chat message, a QR code, a Moat answer). Pasting it into
a torrc as text would let ``obfs4 ... iat-mode=0\\nSocksPort 0.0.0.0:9050`` open a SOCKS port to the
world. So a line is parsed into a :class:`Bridge` (every part checked, see :mod:`bridge_rules`), and
the torrc gets ``Bridge`` + :meth:`Bridge.to_torrc_value`, the canonical re-serialisation, never the
original text. Parsing the serialisation gives back an equal value.

>>> bridge = parse_bridge_line(
...     "Bridge obfs4 37.218.245.14:38224 d9a82d2f9c2f65a18407b1d2b764f130847f8b5d "
...     "cert=bjRaMrr1BRiAW8IE9U5z27fQaYgOhX1UCmOpg2pFpoMvo6ZgQMzLsaTzzQNTlm7hNcb+Sg iat-mode=0"
... )
>>> bridge.transport, str(bridge.address), bridge.fingerprint
(<Transport.OBFS4: 'obfs4'>, '37.218.245.14:38224', 'D9A82D2F9C2F65A18407B1D2B764F130847F8B5D')
>>> bridge.argument("iat-mode")
'0'
>>> parse_bridge_line(bridge.to_torrc_value()) == bridge
True
>>> str(parse_bridge_line("[2001:DB8::1]:443"))
'[2001:db8::1]:443'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Address, IPv6Address

from byway.i18n import translate
from byway.transports import bridge_rules as rules
from byway.transports.bridge_errors import BridgeLineError, Reason

__all__ = [
    "Bridge",
    "BridgeAddress",
    "BridgeLineError",
    "Reason",
    "Transport",
    "parse_bridge_line",
    "parse_bridge_lines",
]


class Transport(StrEnum):
    """How tor reaches a bridge. ``VANILLA`` is a plain bridge, written without a transport name."""

    VANILLA = "vanilla"
    OBFS4 = "obfs4"
    SNOWFLAKE = "snowflake"
    MEEK_LITE = "meek_lite"
    WEBTUNNEL = "webtunnel"
    CONJURE = "conjure"


_NAMED = {t.value: t for t in Transport if t is not Transport.VANILLA}
_NEEDS_FINGERPRINT = frozenset({Transport.OBFS4, Transport.WEBTUNNEL})
_REQUIRED_KEYS: dict[Transport, tuple[str, ...]] = {
    Transport.OBFS4: ("cert", "iat-mode"),
    Transport.MEEK_LITE: ("url",),
    Transport.WEBTUNNEL: ("url",),
}
_IP_CHARACTERS = re.compile(r"[0-9A-Fa-f:.]{2,45}", re.ASCII)
_PORT = re.compile(r"[0-9]{1,5}", re.ASCII)
_TRANSPORT_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}", re.ASCII)


@dataclass(frozen=True)
class BridgeAddress:
    """Where the bridge listens: an IP address (never a host name) and a port from 1 to 65535.

    >>> str(BridgeAddress.parse("192.0.2.3:80"))
    '192.0.2.3:80'
    >>> BridgeAddress.parse("192.0.2.3:0")
    Traceback (most recent call last):
    ...
    byway.transports.bridge_errors.BridgeLineError: the port must be a number from 1 to 65535
    """

    ip: IPv4Address | IPv6Address
    port: int

    def __post_init__(self) -> None:
        if not isinstance(self.ip, IPv4Address | IPv6Address) or (
            isinstance(self.ip, IPv6Address) and self.ip.scope_id is not None
        ):
            raise BridgeLineError(Reason.BAD_ADDRESS, _bad_address_message())
        if isinstance(self.port, bool) or not isinstance(self.port, int) or not 1 <= self.port <= 65535:
            raise BridgeLineError(Reason.BAD_PORT, _bad_port_message())

    @classmethod
    def parse(cls, text: str) -> BridgeAddress:
        """Read ``IPv4:PORT`` or ``[IPv6]:PORT``; IPv6 without brackets would be ambiguous."""
        host, colon, digits = text.rpartition(":")
        if not colon or not host:
            raise BridgeLineError(
                Reason.BAD_ADDRESS,
                translate("BridgeLine", "the address must be an IP address and a port, like 192.0.2.1:443"),
            )
        ip: IPv4Address | IPv6Address
        if host.startswith("[") and host.endswith("]"):
            ip = IPv6Address(_checked_ip(host[1:-1], 6))
        elif ":" in host:
            raise BridgeLineError(
                Reason.BAD_ADDRESS,
                translate("BridgeLine", "IPv6 addresses must be written in brackets, like [2001:db8::1]:443"),
            )
        else:
            ip = IPv4Address(_checked_ip(host, 4))
        if not _PORT.fullmatch(digits) or not 1 <= int(digits) <= 65535:
            raise BridgeLineError(Reason.BAD_PORT, _bad_port_message())
        return cls(ip, int(digits))

    def __str__(self) -> str:
        return f"[{self.ip}]:{self.port}" if self.ip.version == 6 else f"{self.ip}:{self.port}"


def _checked_ip(text: str, version: int) -> str:
    """The text, if it is a valid address of that version (no zone ID, no leading zeros)."""
    try:
        if _IP_CHARACTERS.fullmatch(text):
            (IPv6Address if version == 6 else IPv4Address)(text)
            return text
    except ValueError:
        pass
    raise BridgeLineError(Reason.BAD_ADDRESS, _bad_address_message())


def _bad_address_message() -> str:
    return translate("BridgeLine", "the address is not a valid IPv4 or IPv6 address")


def _bad_port_message() -> str:
    return translate("BridgeLine", "the port must be a number from 1 to 65535")


@dataclass(frozen=True)
class Bridge:
    """One bridge, checked against the grammar for its transport when it is made.

    ``arguments`` keeps the ``key=value`` pairs in their original order (tor and the transports do not
    care about order; people comparing a line with its source do). ``fingerprint`` is upper case.
    Building a ``Bridge`` directly applies the same checks as parsing, so no code path can create one
    that would serialise into something other than a single, well-formed line.
    """

    transport: Transport
    address: BridgeAddress
    fingerprint: str | None = None
    arguments: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.transport, Transport):
            raise BridgeLineError(Reason.UNKNOWN_TRANSPORT, _unknown_transport_message(str(self.transport)))
        if not isinstance(self.address, BridgeAddress):
            raise BridgeLineError(Reason.BAD_ADDRESS, _bad_address_message())
        if self.fingerprint is not None and not isinstance(self.fingerprint, str):
            raise BridgeLineError(
                Reason.BAD_FINGERPRINT, translate("BridgeLine", "the fingerprint must be text")
            )
        if self.fingerprint is not None:
            object.__setattr__(self, "fingerprint", rules.canonical_fingerprint(self.fingerprint))
        elif self.transport in _NEEDS_FINGERPRINT:
            raise BridgeLineError(
                Reason.MISSING_FINGERPRINT,
                translate("BridgeLine", "{transport} bridges need a fingerprint after the address").format(
                    transport=self.transport.value
                ),
            )
        object.__setattr__(self, "arguments", _checked_arguments(self.transport, self.arguments))
        _check_snowflake_fingerprint(self)

    @classmethod
    def parse(cls, line: str) -> Bridge:
        """The same as :func:`parse_bridge_line`."""
        return parse_bridge_line(line)

    def argument(self, key: str) -> str | None:
        """The value of one ``key=value`` argument, or ``None``."""
        return next((value for name, value in self.arguments if name == key), None)

    def to_torrc_value(self) -> str:
        """The canonical line: the value of a torrc ``Bridge`` option (without the word ``Bridge``)."""
        parts = [] if self.transport is Transport.VANILLA else [self.transport.value]
        parts.append(str(self.address))
        if self.fingerprint is not None:
            parts.append(self.fingerprint)
        parts.extend(f"{key}={value}" for key, value in self.arguments)
        return " ".join(parts)

    def __str__(self) -> str:
        return self.to_torrc_value()


def _checked_arguments(
    transport: Transport, arguments: Iterable[tuple[str, str]]
) -> tuple[tuple[str, str], ...]:
    checked: list[tuple[str, str]] = []
    seen: set[str] = set()
    for pair in arguments:
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(part, str) for part in pair)):
            raise BridgeLineError(
                Reason.BAD_ARGUMENT, translate("BridgeLine", "arguments must be pairs of text")
            )
        key, value = pair
        rules.check_key(key)
        if key in seen:
            raise BridgeLineError(
                Reason.DUPLICATE_KEY,
                translate("BridgeLine", "the argument {key} appears more than once").format(key=key),
            )
        seen.add(key)
        rules.check_value(key, value)
        checked.append((key, value))
    if transport is Transport.VANILLA and checked:
        raise BridgeLineError(
            Reason.EXTRA_TEXT,
            translate(
                "BridgeLine", "a plain bridge has only an address and a fingerprint; found {key}=..."
            ).format(key=checked[0][0]),
        )
    for key in _REQUIRED_KEYS.get(transport, ()):
        if key not in seen:
            raise BridgeLineError(
                Reason.MISSING_ARGUMENT,
                translate("BridgeLine", "{transport} bridges need the argument {key}=").format(
                    transport=transport.value, key=key
                ),
            )
    if transport is Transport.OBFS4:
        _check_obfs4(checked)
    return tuple(checked)


def _check_obfs4(arguments: list[tuple[str, str]]) -> None:
    for key, value in arguments:
        if key == "cert":
            rules.check_obfs4_cert(value)
        elif key == "iat-mode":
            rules.check_iat_mode(value)
        else:
            raise BridgeLineError(
                Reason.UNKNOWN_ARGUMENT,
                translate(
                    "BridgeLine", "an obfs4 bridge takes only cert= and iat-mode=; found {key}="
                ).format(key=key),
            )


def _check_snowflake_fingerprint(bridge: Bridge) -> None:
    """snowflake repeats the fingerprint as ``fingerprint=``: both copies must agree."""
    repeated = bridge.argument("fingerprint")
    if repeated is None:
        return
    if rules.canonical_fingerprint(repeated) != (bridge.fingerprint or repeated.upper()):
        raise BridgeLineError(
            Reason.FINGERPRINT_MISMATCH,
            translate(
                "BridgeLine", "the fingerprint= argument differs from the fingerprint after the address"
            ),
        )


def _unknown_transport_message(name: str) -> str:
    return translate(
        "BridgeLine", "{name} is not a transport Byway knows; expected one of: {known}, or a plain IP:PORT"
    ).format(name=rules.excerpt(name), known=", ".join(_NAMED))


def parse_bridge_line(line: str) -> Bridge:
    """Parse one bridge line (an optional leading ``Bridge`` is accepted, as in a torrc).

    Raises :class:`BridgeLineError` for anything outside the grammar.

    >>> parse_bridge_line("192.0.2.7:9001 4C331FA9B3D1D6D8FB0D8FBBF0C259C360D97E6A").transport
    <Transport.VANILLA: 'vanilla'>
    >>> parse_bridge_line("obfs4 1.2.3.4:443 SocksPort")
    Traceback (most recent call last):
    ...
    byway.transports.bridge_errors.BridgeLineError: the fingerprint must be 40 hexadecimal characters; got 9
    """
    if not isinstance(line, str):
        raise BridgeLineError(Reason.EMPTY, translate("BridgeLine", "a bridge line must be text"))
    rules.check_characters(line)
    tokens = line.split()
    if tokens and tokens[0].lower() == "bridge":
        tokens = tokens[1:]
    if not tokens:
        raise BridgeLineError(Reason.EMPTY, translate("BridgeLine", "the bridge line is empty"))
    first = tokens[0]
    transport: Transport
    if first[0].isalpha():
        named = _NAMED.get(first)
        if named is None:
            raise BridgeLineError(Reason.UNKNOWN_TRANSPORT, _unknown_transport_message(first))
        transport = named
        tokens = tokens[1:]
    else:
        transport = Transport.VANILLA
    if not tokens:
        raise BridgeLineError(
            Reason.MISSING_ADDRESS,
            translate("BridgeLine", "the bridge line needs an address, like 192.0.2.1:443"),
        )
    address = BridgeAddress.parse(tokens[0])
    rest = tokens[1:]
    fingerprint = None
    if rest and "=" not in rest[0]:
        fingerprint = rules.canonical_fingerprint(rest[0])
        rest = rest[1:]
    return Bridge(transport, address, fingerprint, _split_arguments(rest))


def _split_arguments(tokens: list[str]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for token in tokens:
        key, equals, value = token.partition("=")
        if not equals:
            raise BridgeLineError(
                Reason.EXTRA_TEXT,
                translate(
                    "BridgeLine",
                    "unexpected text {text}; after the address only key=value arguments may follow",
                ).format(text=rules.excerpt(token)),
            )
        pairs.append((key, value))
    return tuple(pairs)


def parse_bridge_lines(text: str) -> tuple[list[Bridge], list[BridgeLineError]]:
    """Parse a pasted block: one bridge per line; blank lines and repeated bridges are skipped.

    Lines end at ``\\n`` (a ``\\r`` just before it is dropped, for Windows pastes). Any other control
    character refuses that line. Every refused line is reported with its line number.

    >>> bridges, errors = parse_bridge_lines("192.0.2.1:443\\r\\n\\n192.0.2.1:443\\nobfs4 192.0.2.2:1\\n")
    >>> [str(b) for b in bridges], [str(e) for e in errors]
    (['192.0.2.1:443'], ['line 4: obfs4 bridges need a fingerprint after the address'])
    """
    bridges: list[Bridge] = []
    errors: list[BridgeLineError] = []
    seen: set[Bridge] = set()
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line.strip(" "):
            continue
        try:
            bridge = parse_bridge_line(line)
        except BridgeLineError as error:
            errors.append(error.at_line(number))
            continue
        if bridge not in seen:
            seen.add(bridge)
            bridges.append(bridge)
    return bridges, errors
