"""The advisor's output and the connect stage's input: a ranked plan of ways out, each with reasons.

Kept in its own small module because three rooms meet here: the advisor writes plans, the connect
strategy consumes them, and the window shows them (and lets the user reorder or change them).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from byway.transports.bridge_line import Bridge


class Way(StrEnum):
    """A way out, as the user would name it."""

    DIRECT = "direct"  # plain Tor, no bridge
    OBFS4 = "obfs4"
    SNOWFLAKE = "snowflake"
    MEEK = "meek"
    WEBTUNNEL = "webtunnel"
    CONJURE = "conjure"
    VANILLA_BRIDGE = "vanilla"
    CUSTOM = "custom"  # the user's own bridges, whatever their transport


@dataclass(frozen=True)
class Option:
    """One thing to try: a way out, the bridges to use with it (none for direct), and why."""

    way: Way
    bridges: tuple[Bridge, ...]
    reasons: tuple[str, ...]  # plain words, already translated, best first
    score: float = 0.0  # higher is better; only the order matters to the connect strategy
    source: str = ""  # "builtin", "moat", "custom", "remembered", ...
    available: bool = True  # False when this machine lacks the transport binary
    unavailable_reason: str = ""


@dataclass(frozen=True)
class Plan:
    """Options best first. An empty plan with ``shutdown`` set means: nothing can work right now."""

    options: tuple[Option, ...]
    summary: str  # one sentence for the window's Advice page
    shutdown: bool = False

    def runnable(self) -> tuple[Option, ...]:
        return tuple(option for option in self.options if option.available)


@dataclass(frozen=True)
class ReachabilityCheck:
    """A pre-check, done in seconds before any bootstrap: can this bridge (or the Tor network, when
    ``bridge`` is None) be reached from here, and how was that found out?"""

    way: Way
    bridge: Bridge | None
    reachable: bool
    method: str  # "tcp", "tcp+tls", "obfs4-handshake"
    elapsed_s: float
    failure: str | None = None  # an OONI-style failure string, or the transport's own words


@dataclass(frozen=True)
class MoatSuggestion:
    """One entry of Moat's ``circumvention/settings`` (or ``defaults``) answer, best first."""

    way: Way
    bridges: tuple[Bridge, ...]  # empty for source "builtin": use our own built-in lines
    source: str  # "builtin" or "bridgedb"
