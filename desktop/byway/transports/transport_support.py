"""Which transports this machine can run, why the others cannot, and the plugin specs for tor.

Byway must never offer a transport the machine cannot run: a plan that says "try webtunnel" when only
obfs4proxy (which predates webtunnel) is installed would fail with tor's terse ``PT_MISSING``. So the
answer is worked out from the programs actually found (:mod:`byway.transports.binaries`) and what each
is known to serve:

========================  ==================================================================
program                   serves (of the transports Byway uses)
========================  ==================================================================
lyrebird                  obfs4, meek_lite, webtunnel (0.2.0+), snowflake (0.6.0+)
obfs4proxy                obfs4, meek_lite (the older name of lyrebird)
snowflake-client          snowflake
conjure-client            conjure
========================  ==================================================================

Every transport, and plain bridges, also need tor itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from byway.i18n import translate
from byway.transports.binaries import (
    PLUGGABLE_TRANSPORT_BINARIES,
    BinaryName,
    BinarySearch,
    FoundBinary,
    Origin,
    RejectedCandidate,
    find_binary,
)
from byway.transports.bridge_line import Transport

LYREBIRD_WEBTUNNEL_SINCE = (0, 2, 0)
"""lyrebird 0.2.0 (2024) added the webtunnel client. A lyrebird that hides its version is assumed newer."""
LYREBIRD_SNOWFLAKE_SINCE = (0, 6, 0)
"""lyrebird took in the snowflake client in 2025 (Tor Browser 14.5); older or unknown versions: no."""

PREFERENCE: Mapping[Transport, tuple[BinaryName, ...]] = {
    Transport.OBFS4: (BinaryName.LYREBIRD, BinaryName.OBFS4PROXY),
    Transport.MEEK_LITE: (BinaryName.LYREBIRD, BinaryName.OBFS4PROXY),
    Transport.WEBTUNNEL: (BinaryName.LYREBIRD,),
    Transport.SNOWFLAKE: (BinaryName.SNOWFLAKE_CLIENT, BinaryName.LYREBIRD),
    Transport.CONJURE: (BinaryName.CONJURE_CLIENT,),
}
"""Which programs can serve each transport, best first (a program shipped beside the app still wins)."""

_KNOWN_TO_SERVE: Mapping[BinaryName, frozenset[Transport]] = {
    BinaryName.LYREBIRD: frozenset(
        {Transport.OBFS4, Transport.MEEK_LITE, Transport.WEBTUNNEL, Transport.SNOWFLAKE}
    ),
    BinaryName.OBFS4PROXY: frozenset({Transport.OBFS4, Transport.MEEK_LITE}),
    BinaryName.SNOWFLAKE_CLIENT: frozenset({Transport.SNOWFLAKE}),
    BinaryName.CONJURE_CLIENT: frozenset({Transport.CONJURE}),
}
_SAFE_ARGUMENT = re.compile(r"[A-Za-z0-9._~:/?=&%+,@-]{1,512}", re.ASCII)


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def serves(binary: FoundBinary, transport: Transport) -> bool:
    """Whether this program, at this version, can carry ``transport``.

    >>> old = FoundBinary(BinaryName.OBFS4PROXY, Path("/usr/bin/obfs4proxy"), Origin.PATH, "0.0.14")
    >>> serves(old, Transport.OBFS4), serves(old, Transport.WEBTUNNEL)
    (True, False)
    """
    if transport not in _KNOWN_TO_SERVE.get(binary.name, frozenset()):
        return False
    if binary.name is BinaryName.LYREBIRD and transport is Transport.SNOWFLAKE:
        return binary.version is not None and _version_tuple(binary.version) >= LYREBIRD_SNOWFLAKE_SINCE
    if binary.name is BinaryName.LYREBIRD and transport is Transport.WEBTUNNEL:
        return binary.version is None or _version_tuple(binary.version) >= LYREBIRD_WEBTUNNEL_SINCE
    return True


@dataclass(frozen=True)
class TransportAvailability:
    """Whether ``transport`` can be used here, the program that would carry it, and why, in words."""

    transport: Transport
    available: bool
    binary: FoundBinary | None
    reason: str


@dataclass(frozen=True)
class ClientTransportPlugin:
    """One ``ClientTransportPlugin`` for tor, as a typed value: transports, program, arguments.

    The tor configuration layer turns this into a torrc line; the path and arguments are checked here
    so that no value can carry a newline or a second directive into it.
    """

    transports: tuple[Transport, ...]
    executable: Path
    arguments: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.transports or Transport.VANILLA in self.transports:
            raise ValueError("a transport plugin serves at least one pluggable transport")
        if not self.executable.is_absolute() or any(
            ord(ch) < 0x20 or ord(ch) == 0x7F for ch in str(self.executable)
        ):
            raise ValueError("the plugin's program must be an absolute path without control characters")
        if not all(_SAFE_ARGUMENT.fullmatch(argument) for argument in self.arguments):
            raise ValueError("plugin arguments must be plain single words")


@dataclass(frozen=True)
class TransportInventory:
    """What :func:`discover_transports` found: tor, the PT programs, and each transport's availability."""

    tor: FoundBinary | None
    binaries: tuple[FoundBinary, ...]
    rejected: tuple[RejectedCandidate, ...]
    availability: tuple[TransportAvailability, ...]

    def for_transport(self, transport: Transport) -> TransportAvailability:
        return next(entry for entry in self.availability if entry.transport is transport)

    def available_transports(self) -> tuple[Transport, ...]:
        return tuple(entry.transport for entry in self.availability if entry.available)

    def client_transport_plugins(
        self,
        transports: Iterable[Transport] | None = None,
        *,
        arguments: Mapping[BinaryName, Sequence[str]] | None = None,
    ) -> tuple[ClientTransportPlugin, ...]:
        """One plugin per program for the (available) ``transports``, default all available ones.

        ``arguments`` adds fixed arguments per program (conjure-client's ``-registerURL``, which comes
        from the catalog's data, not from code). Asking for an unavailable transport is an error.
        """
        wanted = self.available_transports() if transports is None else tuple(transports)
        by_program: dict[Path, list[Transport]] = {}
        names: dict[Path, BinaryName] = {}
        for transport in wanted:
            if transport is Transport.VANILLA:
                continue
            entry = self.for_transport(transport)
            if not entry.available or entry.binary is None:
                raise TransportMissing(entry)
            by_program.setdefault(entry.binary.path, [])
            if transport not in by_program[entry.binary.path]:
                by_program[entry.binary.path].append(transport)
            names[entry.binary.path] = entry.binary.name
        extra = arguments or {}
        return tuple(
            ClientTransportPlugin(tuple(served), path, tuple(extra.get(names[path], ())))
            for path, served in by_program.items()
        )


class TransportMissing(LookupError):
    """A transport was asked for that this machine cannot run; ``availability.reason`` says why."""

    def __init__(self, availability: TransportAvailability) -> None:
        self.availability = availability
        super().__init__(availability.reason)


def _alternatives(transport: Transport) -> str:
    names = [name.value for name in PREFERENCE[transport]]
    if transport is Transport.SNOWFLAKE:
        since = ".".join(str(part) for part in LYREBIRD_SNOWFLAKE_SINCE)
        names[names.index(BinaryName.LYREBIRD.value)] = f"lyrebird {since}+"
    if len(names) == 1:
        return names[0]
    return translate("Transports", "{first} or {second}").format(
        first=", ".join(names[:-1]), second=names[-1]
    )


def _pick(transport: Transport, binaries: Sequence[FoundBinary]) -> FoundBinary | None:
    order = PREFERENCE[transport]
    able = [binary for binary in binaries if binary.name in order and serves(binary, transport)]
    able.sort(key=lambda binary: (binary.origin is not Origin.BESIDE_APP, order.index(binary.name)))
    return able[0] if able else None


def _availability(
    transport: Transport,
    tor: FoundBinary | None,
    binaries: Sequence[FoundBinary],
    rejected: Sequence[RejectedCandidate],
) -> TransportAvailability:
    if tor is None:
        why = translate("Transports", "{transport} needs tor, which was not found").format(
            transport=transport.value
        )
        return TransportAvailability(transport, False, None, _with_rejections(why, BinaryName.TOR, rejected))
    if transport is Transport.VANILLA:
        reason = translate("Transports", "plain bridges need only tor ({tor} at {path})").format(
            tor=tor.describe(), path=tor.path
        )
        return TransportAvailability(transport, True, None, reason)
    chosen = _pick(transport, binaries)
    if chosen is not None:
        reason = translate("Transports", "{transport} is carried by {program} at {path}").format(
            transport=transport.value, program=chosen.describe(), path=chosen.path
        )
        return TransportAvailability(transport, True, chosen, reason)
    # Found, but not able (too old, or the wrong member of the lyrebird family): say so by name.
    relevant = set(PREFERENCE[transport])
    if BinaryName.LYREBIRD in relevant:
        relevant.add(BinaryName.OBFS4PROXY)
    unable = [binary for binary in binaries if binary.name in relevant]
    if unable:
        reason = translate(
            "Transports", "{transport} needs {needed}; only {found} was found, which does not support it"
        )
        reason = reason.format(
            transport=transport.value,
            needed=_alternatives(transport),
            found=", ".join(b.describe() for b in unable),
        )
    else:
        reason = translate("Transports", "{transport} needs {needed}, which was not found").format(
            transport=transport.value, needed=_alternatives(transport)
        )
    for name in PREFERENCE[transport]:
        reason = _with_rejections(reason, name, rejected)
    return TransportAvailability(transport, False, None, reason)


def _with_rejections(reason: str, name: BinaryName, rejected: Sequence[RejectedCandidate]) -> str:
    for candidate in rejected:
        if candidate.name is name:
            reason = translate("Transports", "{reason} ({detail})").format(
                reason=reason, detail=candidate.why
            )
    return reason


def availability_from(searches: Iterable[BinarySearch]) -> TransportInventory:
    """Work out every transport's availability from the results of :func:`find_binary` (pure)."""
    results = list(searches)
    tor = next((s.found for s in results if s.name is BinaryName.TOR), None)
    binaries = tuple(s.found for s in results if s.found is not None and s.name is not BinaryName.TOR)
    rejected = tuple(candidate for s in results for candidate in s.rejected)
    availability = tuple(_availability(t, tor, binaries, rejected) for t in Transport)
    return TransportInventory(tor, binaries, rejected, availability)


def discover_transports(
    search_dirs: Sequence[Path] | None = None,
    *,
    path_env: str | None = None,
    probe_versions: bool = True,
) -> TransportInventory:
    """Find tor and every PT program (beside the app, then on PATH) and say what can run here.

    Blocking (it starts each program once to read its version): use ``asyncio.to_thread``.
    """
    names = (BinaryName.TOR, *PLUGGABLE_TRANSPORT_BINARIES)
    return availability_from(
        find_binary(name, search_dirs, path_env=path_env, probe_version=probe_versions) for name in names
    )
