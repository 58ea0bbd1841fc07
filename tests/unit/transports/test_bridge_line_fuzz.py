"""100,000 generated bridge lines: nothing crashes the parser and nothing sneaks a directive through.

Four strategies share the budget: well-formed lines of every transport, well-formed lines with one
mutation, injection attempts (a valid line, a line separator or '#', a torrc directive), and arbitrary
text. For every input the parser may only succeed or raise ``BridgeLineError``. Whatever it accepts must
serialise to one line of printable ASCII that parses back to the same value. A module-level counter
proves the examples really ran; the last test in this file checks it, so run the file as a whole.
About 2 minutes on a 2-core machine: hypothesis itself costs ~0.85 ms per example there.
"""

from __future__ import annotations

import base64
import random
import re
import string
from collections import Counter
from ipaddress import IPv4Address, IPv6Address

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from byway.transports.bridge_line import Bridge, BridgeLineError, Reason, Transport, parse_bridge_line

VALID_EXAMPLES = 30_000
MUTATED_EXAMPLES = 30_000
INJECTION_EXAMPLES = 25_000
ARBITRARY_EXAMPLES = 15_000
TOTAL_EXAMPLES = VALID_EXAMPLES + MUTATED_EXAMPLES + INJECTION_EXAMPLES + ARBITRARY_EXAMPLES

RAN: Counter[str] = Counter()


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- building blocks -------------------------------------------------------------------------------
# Hypothesis costs about a millisecond per example on a slow machine, more for each extra draw, and
# more per byte drawn. So each example draws one 16-byte seed, and the line's transport and parts come
# from a PRNG seeded with it. A failure still replays exactly from hypothesis's
# report; the price is that shrinking cannot simplify the line.

SEED_SIZE = 16
_LABEL = string.ascii_lowercase + string.digits
_PATH = string.ascii_letters + string.digits + "-._~/"
_PLAIN = string.ascii_letters + string.digits + "._,:+/=-"
_EXTRA_KEYS = ["utls", "utls-imitate", "ice", "fronts", "front", "ver", "servername", "x_1"]
_TLDS = ["org", "net", "com", "cdn77.org"]


class Raw:
    """Typed pieces of a line, drawn from a PRNG seeded by hypothesis."""

    def __init__(self, seed: bytes) -> None:
        self.rng = random.Random(seed)

    def take(self, n: int) -> bytes:
        return self.rng.randbytes(n)

    def number(self, below: int) -> int:
        return self.rng.randrange(below)

    def text(self, alphabet: str, longest: int) -> str:
        return "".join(self.rng.choices(alphabet, k=1 + self.number(longest)))

    def address(self) -> str:
        port = 1 + self.number(65535)
        if self.number(4) == 0:
            return f"[{IPv6Address(self.take(16))}]:{port}"
        return f"{IPv4Address(self.take(4))}:{port}"

    def fingerprint(self) -> str:
        raw = self.take(20).hex()
        return raw.upper() if self.number(2) else raw

    def url(self) -> str:
        scheme = "https" if self.number(3) else "http"
        host = f"{self.text(_LABEL, 12)}.{_TLDS[self.number(len(_TLDS))]}"
        return f"{scheme}://{host}/" + self.text(_PATH, 16) * self.number(2)

    def extras(self, most: int) -> list[str]:
        chosen: dict[str, str] = {}
        for _ in range(self.number(most + 1)):
            chosen.setdefault(_EXTRA_KEYS[self.number(len(_EXTRA_KEYS))], self.text(_PLAIN, 20))
        return [f"{key}={value}" for key, value in chosen.items()]


def line_from(kind: Transport, data: bytes) -> str:
    """A well-formed line of the given transport, every part derived from ``data``."""
    raw = Raw(data)
    address = raw.address()
    if kind is Transport.VANILLA:
        return f"{address} {raw.fingerprint()}" if raw.number(2) else address
    if kind is Transport.OBFS4:
        cert = base64.b64encode(raw.take(52)).decode().rstrip("=")
        return f"obfs4 {address} {raw.fingerprint()} cert={cert} iat-mode={raw.number(3)}"
    if kind is Transport.SNOWFLAKE:
        fp = raw.fingerprint()
        return " ".join([f"snowflake {address} {fp} fingerprint={fp} url={raw.url()}", *raw.extras(3)])
    if kind is Transport.WEBTUNNEL:
        return f"webtunnel {address} {raw.fingerprint()} url={raw.url()} ver={raw.text(_PLAIN, 8)}"
    front = [] if kind is Transport.CONJURE else [f"front={raw.text(_LABEL, 12)}.net"]
    extras = [pair for pair in raw.extras(2) if not pair.startswith("front=")]
    return " ".join([f"{kind.value} {address} url={raw.url()}", *front, *extras])


TRANSPORTS = list(Transport)
seeds = st.binary(min_size=SEED_SIZE, max_size=SEED_SIZE)


def valid_line(seed: bytes) -> str:
    """A well-formed line; the first seed byte picks the transport (one draw is cheaper than two)."""
    return line_from(TRANSPORTS[seed[0] % len(TRANSPORTS)], seed)


valid_lines = seeds.map(valid_line)

# Separators that would end a torrc directive or hide the rest of it, and the directives to smuggle.
SEPARATORS = [
    "\n",
    "\r",
    "\r\n",
    "\x00",
    "#",
    " #",
    "\u2028",
    "\u2029",
    "\u0085",
    "\x0b",
    "\x0c",
    "\x1c",
    "\t",
]
DIRECTIVES = [
    "SocksPort 0.0.0.0:9050",
    "ControlPort 0.0.0.0:9051",
    "HashedControlPassword 16:00",
    "Bridge 192.0.2.66:443",
    "ClientTransportPlugin obfs4 exec /tmp/evil",
    "%include /etc/passwd",
    "UseBridges 0",
    # Payloads that also fit the key=value grammar: only the separator itself can stop these.
    "SocksPort=0.0.0.0:9050",
    "DataDirectory=/tmp/evil",
    "ControlPort x=0.0.0.0:9051",
]
# Characters a mutation may insert: grammar characters, look-alikes and troublemakers.
TROUBLE = list(" =:[].,/+#\\\"'%@;\n\r\x00\t\u2028\u0085\u00a0\ufeff\u200b\uff10")
MUTATIONS = ["insert", "delete", "replace", "duplicate", "truncate", "case"]


def any_character(raw: Raw) -> str:
    if raw.number(2):
        return TROUBLE[raw.number(len(TROUBLE))]
    codepoint = raw.number(0x110000)
    return chr(codepoint) if not 0xD800 <= codepoint < 0xE000 else "\ufffd"


def mutate(line: str, data: bytes) -> str:
    """One random edit of a valid line: the near misses a person or an attacker would produce."""
    raw = Raw(data)
    kind, at = MUTATIONS[raw.number(len(MUTATIONS))], raw.number(len(line) + 1)
    if kind == "insert":
        return line[:at] + any_character(raw) + line[at:]
    if kind == "delete":
        return line[:at] + line[at + 1 + raw.number(8) :]
    if kind == "replace":
        return line[:at] + any_character(raw) + line[at + 1 :]
    if kind == "duplicate":
        tokens = line.split(" ")
        return " ".join([*tokens, tokens[raw.number(len(tokens))]])
    if kind == "truncate":
        return line[:at]
    return line[:at] + line[at:].swapcase()


mutated_lines = seeds.map(lambda seed: mutate(valid_line(seed), seed[::-1]))


# --- invariants ------------------------------------------------------------------------------------


PRINTABLE_LINE = re.compile(r"[ -~]+", re.ASCII)
"""One line of printable ASCII: no control character, no line separator, nothing beyond ASCII."""


def parse_or_refuse(line: str) -> Bridge | None:
    """Parse; any exception but BridgeLineError escapes and fails the test as a crash."""
    try:
        bridge = parse_bridge_line(line)
    except BridgeLineError as error:
        assert isinstance(error.reason, Reason)
        assert PRINTABLE_LINE.fullmatch(error.message), repr(error.message)
        return None
    assert_single_safe_line(bridge)
    return bridge


def assert_single_safe_line(bridge: Bridge) -> None:
    """What reaches a torrc is one printable ASCII line without '#', and it re-parses to the same value."""
    text = bridge.to_torrc_value()
    assert text == str(bridge)
    assert PRINTABLE_LINE.fullmatch(text), repr(text)
    assert "#" not in text and "  " not in text
    assert f"Bridge {text}\n".count("\n") == 1
    assert parse_bridge_line(text) == bridge


# --- the four strategies ---------------------------------------------------------------------------


@fuzz_settings(VALID_EXAMPLES)
@given(valid_lines)
def test_every_valid_line_parses_and_round_trips(line: str) -> None:
    RAN["valid"] += 1
    # Every other line is pasted torrc-style, with the keyword and stray spaces.
    bridge = parse_or_refuse(f"Bridge  {line} " if len(line) % 2 else line)
    assert bridge is not None, line
    expected = Transport(line.split(" ")[0]) if line[0].isalpha() else Transport.VANILLA
    assert bridge.transport is expected
    assert bridge.to_torrc_value().upper() == line.upper()


@fuzz_settings(MUTATED_EXAMPLES)
@given(mutated_lines)
def test_mutated_lines_never_crash_and_never_inject(line: str) -> None:
    RAN["mutated"] += 1
    parse_or_refuse(line)


@fuzz_settings(INJECTION_EXAMPLES)
@given(seeds)
def test_injection_attempts_are_refused(seed: bytes) -> None:
    RAN["injection"] += 1
    line, raw = valid_line(seed), Raw(seed[::-1])
    separator, directive = SEPARATORS[raw.number(len(SEPARATORS))], DIRECTIVES[raw.number(len(DIRECTIVES))]
    attempt = f"{directive}{separator}{line}" if raw.number(2) else f"{line}{separator}{directive}"
    assert parse_or_refuse(attempt) is None, repr(attempt)
    # Without a separator the directive is just more words on the line: refused or kept inside it.
    parse_or_refuse(f"{line} {directive}")


WORDS = ["obfs4", "Bridge", "snowflake", "1.2.3.4:1", "[::1]:2", "cert=", "url=http://a", "=", "iat-mode=1"]


def arbitrary_text(data: bytes) -> str:
    """Raw UTF-8 (with replacement characters), printable ASCII, or grammar words in random order."""
    mode, body = (data[0] % 3, data[1:]) if data else (0, b"")
    if mode == 0:
        return body.decode("utf-8", errors="replace")
    if mode == 1:
        return "".join(string.printable[b % len(string.printable)] for b in body)
    return " ".join(WORDS[b % len(WORDS)] for b in body[:20])


@fuzz_settings(ARBITRARY_EXAMPLES)
@given(st.binary(max_size=200).map(arbitrary_text))
def test_arbitrary_text_is_parsed_or_refused(text: str) -> None:
    RAN["arbitrary"] += 1
    parse_or_refuse(text)


def test_zz_all_hundred_thousand_examples_ran() -> None:
    """Runs last (pytest keeps file order): the strategies above really generated 10^5 lines."""
    assert RAN["valid"] >= VALID_EXAMPLES
    assert RAN["mutated"] >= MUTATED_EXAMPLES
    assert RAN["injection"] >= INJECTION_EXAMPLES
    assert RAN["arbitrary"] >= ARBITRARY_EXAMPLES
    assert sum(RAN.values()) >= TOTAL_EXAMPLES == 100_000
