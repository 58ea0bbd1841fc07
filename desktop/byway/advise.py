"""The advisor: what the diagnosis found, where the user is, what the pre-checks reached and what is
installed, turned into a ranked :class:`~byway.plan.Plan` with a reason for every entry.

Tor Browser tries one setting after another, each a full bootstrap, without looking at the network.
Byway ranks first, from evidence, and says why. Each option gets an *evidence* level and a
*preference* within it; the score is ``evidence * 100 + preference``:

=========  ====================================================================================
evidence   meaning
=========  ====================================================================================
 3         the user's own bridges passed their pre-check (their choice, proven to work)
 2         a pre-check from here reached it (Tor's handshake, an obfs4 handshake, TCP for vanilla)
 1         the diagnosis points to it (relays answered; obfs4 while relays are blocked by
           address; snowflake/meek/webtunnel when obfs4 or Tor is recognised by DPI), or it
           worked on this network last time
 0         nothing known
-1 / -2    the diagnosis argues against it / a pre-check from here failed
=========  ====================================================================================

Preference follows Moat's order when Moat (or the cached or built-in country map) gave one, and a
fixed order otherwise. Options whose transport cannot run here stay in the plan, last, with the
reason. A network where nothing answers gets no options at all: that is a shutdown, not a block.
The function is pure: every input is a plain value, so the rules are tested with hand-built inputs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from byway.analyze.summary import NetworkSummary, TorReachability
from byway.i18n import translate
from byway.plan import MoatSuggestion, Option, Plan, ReachabilityCheck, Way
from byway.resources import resources_dir
from byway.transports.bridge_line import Bridge, Transport
from byway.transports.catalog import Catalog
from byway.transports.transport_support import TransportAvailability

WAY_TRANSPORT: Mapping[Way, Transport] = {
    Way.DIRECT: Transport.VANILLA,  # plain Tor needs only tor, like a vanilla bridge
    Way.OBFS4: Transport.OBFS4,
    Way.SNOWFLAKE: Transport.SNOWFLAKE,
    Way.MEEK: Transport.MEEK_LITE,
    Way.WEBTUNNEL: Transport.WEBTUNNEL,
    Way.CONJURE: Transport.CONJURE,
    Way.VANILLA_BRIDGE: Transport.VANILLA,
}
BASE_PREFERENCE: Mapping[Way, int] = {
    Way.CUSTOM: 70,
    Way.DIRECT: 60,
    Way.OBFS4: 50,
    Way.SNOWFLAKE: 45,
    Way.WEBTUNNEL: 42,
    Way.VANILLA_BRIDGE: 35,
    Way.MEEK: 30,
    Way.CONJURE: 20,
}
LOOKS_LIKE_WEB = frozenset({Way.SNOWFLAKE, Way.MEEK, Way.WEBTUNNEL})
STALL_OR_RESET = frozenset({"connection_reset", "eof_error", "generic_timeout_error", "general_failure"})


@dataclass(frozen=True)
class AdviceInputs:
    """Everything the advisor looks at. ``moat`` is ``None`` when Moat was not reached; an empty
    tuple is Moat saying "no circumvention needed here". ``country_map`` is the cached or built-in
    ``circumvention/map``, used only when ``moat`` is ``None``."""

    summary: NetworkSummary | None = None
    country: str | None = None
    checks: tuple[ReachabilityCheck, ...] = ()
    availability: Mapping[Transport, TransportAvailability] = field(default_factory=dict)
    catalog: Catalog | None = None
    custom_bridges: tuple[Bridge, ...] = ()
    remembered: Way | None = None
    moat: tuple[MoatSuggestion, ...] | None = None
    country_map: Mapping[str, tuple[MoatSuggestion, ...]] = field(default_factory=dict)


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


@dataclass(frozen=True)
class _Candidate:
    way: Way
    bridges: tuple[Bridge, ...]
    source: str


@dataclass(frozen=True)
class _Judged:
    evidence: int
    bridges: tuple[Bridge, ...]
    reasons: tuple[str, ...]


def _checks_for(inputs: AdviceInputs, bridge: Bridge) -> tuple[ReachabilityCheck, ...]:
    return tuple(c for c in inputs.checks if c.bridge == bridge)


def _passed(checks: tuple[ReachabilityCheck, ...], bridge: Bridge) -> ReachabilityCheck | None:
    """The check that proves ``bridge`` works: the handshake for obfs4, TCP for the others."""
    decisive = "obfs4-handshake" if bridge.transport is Transport.OBFS4 else "tcp"
    return next((c for c in checks if c.reachable and c.method == decisive), None)


def _failed(checks: tuple[ReachabilityCheck, ...], bridge: Bridge) -> bool:
    if bridge.transport is Transport.OBFS4:
        shake = [
            c
            for c in checks
            if c.method == "obfs4-handshake" and c.failure not in ("pt_missing", "pt_failed")
        ]
        tcp_failed = any(c.method == "tcp" and not c.reachable for c in checks)
        return (bool(shake) and not any(c.reachable for c in shake)) or tcp_failed
    return any(not c.reachable for c in checks) and not any(c.reachable for c in checks)


def obfs4_dpi_suspected(inputs: AdviceInputs) -> bool:
    """Every obfs4 handshake failed although the bridges' addresses answered TCP (or the handshakes
    were reset/stalled with no TCP check to tell otherwise): the network recognises obfs4 itself."""
    shakes = [
        c
        for c in inputs.checks
        if c.method == "obfs4-handshake" and c.failure not in ("pt_missing", "pt_failed")
    ]
    if not shakes or any(c.reachable for c in shakes):
        return False
    tcp = [c for c in inputs.checks if c.way is Way.OBFS4 and c.method == "tcp"]
    if tcp:
        return any(c.reachable for c in tcp)
    return all(c.failure in STALL_OR_RESET for c in shakes)


def _tor_protocol_blocked(inputs: AdviceInputs) -> bool:
    return inputs.summary is not None and inputs.summary.tor is TorReachability.BLOCKED_BY_PROTOCOL


def _judge_direct(inputs: AdviceInputs, moat_wants_bridges: bool) -> _Judged:
    direct = [c for c in inputs.checks if c.way is Way.DIRECT and c.bridge is None]
    good = [c for c in direct if c.reachable]
    if good:
        fastest = min(c.elapsed_s for c in good)
        text = translate("Advice", "the Tor relays answered a handshake from here in {ms} ms").format(
            ms=_ms(fastest)
        )
        return _Judged(2, (), (text,))
    tor = inputs.summary.tor if inputs.summary is not None else TorReachability.NOT_TESTED
    handshake_only = bool(direct) and all((c.failure or "").startswith("tls_") for c in direct)
    if tor is TorReachability.BLOCKED_BY_PROTOCOL or handshake_only:
        return _Judged(
            -2,
            (),
            (translate("Advice", "Tor's own handshake is blocked here (connections open, then stall)"),),
        )
    if direct or tor in (TorReachability.BLOCKED_BY_ADDRESS, TorReachability.UNREACHABLE):
        return _Judged(-2, (), (translate("Advice", "the Tor relays are blocked by address"),))
    if tor is TorReachability.REACHABLE:
        return _Judged(1, (), (translate("Advice", "the Tor relays answered during the diagnosis"),))
    if tor is TorReachability.PARTLY_BLOCKED:
        return _Judged(0, (), (translate("Advice", "only some Tor relays answered during the diagnosis"),))
    if inputs.moat == ():
        return _Judged(
            1,
            (),
            (translate("Advice", "the Tor Project's advice for this country is that no bridge is needed"),),
        )
    if moat_wants_bridges:
        return _Judged(-1, (), (translate("Advice", "bridges are usually needed in this country"),))
    return _Judged(0, (), (translate("Advice", "plain Tor is the fastest way when it is not blocked"),))


def _judge_bridges(inputs: AdviceInputs, candidate: _Candidate) -> _Judged:
    """Order the bridges (proven ones first, failed ones dropped when another passed) and judge."""
    passed: list[tuple[float, int, Bridge]] = []
    unknown: list[Bridge] = []
    failed: list[Bridge] = []
    for index, bridge in enumerate(candidate.bridges, 1):
        checks = _checks_for(inputs, bridge)
        proof = _passed(checks, bridge)
        if proof is not None:
            passed.append((proof.elapsed_s, index, bridge))
        elif _failed(checks, bridge):
            failed.append(bridge)
        else:
            unknown.append(bridge)
    passed.sort(key=lambda item: (item[0], item[1]))
    name = candidate.way.value
    if passed:
        elapsed, index, _ = passed[0]
        what = (
            translate("Advice", "handshake")
            if passed[0][2].transport is Transport.OBFS4
            else translate("Advice", "connection")
        )
        text = translate("Advice", "{name} bridge {n} completed a {what} in {ms} ms").format(
            name=name, n=index, what=what, ms=_ms(elapsed)
        )
        reasons = [text]
        if failed:
            reasons.append(
                translate("Advice", "{count} that did not answer were left out").format(count=len(failed))
            )
        evidence = 3 if candidate.way is Way.CUSTOM else 2
        return _Judged(evidence, tuple(b for _, _, b in passed) + tuple(unknown), tuple(reasons))
    ordered = tuple(unknown) + tuple(failed)
    if failed and not unknown:
        if candidate.way is Way.OBFS4 and obfs4_dpi_suspected(inputs):
            text = translate(
                "Advice", "obfs4 bridges can be reached, but their handshakes were reset or stalled"
            )
        else:
            text = translate("Advice", "none of these {name} bridges could be reached from here").format(
                name=name
            )
        return _Judged(-2, ordered, (text,))
    prior = _prior_reasons(inputs, candidate)
    if failed and candidate.way is Way.OBFS4 and obfs4_dpi_suspected(inputs):
        # The bridges tried failed their handshakes; the others were not tried: say what was seen.
        seen = translate("Advice", "obfs4 bridges can be reached, but their handshakes were reset or stalled")
        prior = (seen, *prior)
    return _Judged(_prior(inputs, candidate), ordered, prior)


def _prior(inputs: AdviceInputs, candidate: _Candidate) -> int:
    """Evidence from the diagnosis alone, for bridges no pre-check has tried."""
    way, summary = candidate.way, inputs.summary
    if way is Way.CUSTOM:
        return 1
    dpi = obfs4_dpi_suspected(inputs) or _tor_protocol_blocked(inputs)
    if way in LOOKS_LIKE_WEB and dpi:
        return 1
    if way is Way.OBFS4 and dpi:
        return -1
    if way is Way.OBFS4 and summary is not None and summary.tor is TorReachability.BLOCKED_BY_ADDRESS:
        return 1
    if way is Way.VANILLA_BRIDGE and _tor_protocol_blocked(inputs):
        return -1
    return 0


def _prior_reasons(inputs: AdviceInputs, candidate: _Candidate) -> tuple[str, ...]:
    way = candidate.way
    dpi = obfs4_dpi_suspected(inputs) or _tor_protocol_blocked(inputs)
    texts = {
        Way.CUSTOM: translate("Advice", "these are your own bridges"),
        Way.OBFS4: translate("Advice", "obfs4 bridges hide Tor's traffic and are not on public relay lists"),
        Way.SNOWFLAKE: translate("Advice", "snowflake looks like a video call and changes proxies often"),
        Way.MEEK: translate(
            "Advice", "meek goes through a large cloud provider, which is hard to block; it is slow"
        ),
        Way.WEBTUNNEL: translate("Advice", "webtunnel looks like an ordinary visit to a website"),
        Way.VANILLA_BRIDGE: translate(
            "Advice", "plain bridges are not on public relay lists, but look like Tor"
        ),
        Way.CONJURE: translate("Advice", "conjure hides among unused addresses of a friendly network"),
    }
    reasons = [texts.get(way, way.value)]
    if way in LOOKS_LIKE_WEB and dpi:
        reasons.insert(
            0,
            translate(
                "Advice", "this network seems to recognise Tor-like traffic; {name} looks like the web"
            ).format(name=way.value),
        )
    return tuple(reasons)


def _suggested_order(inputs: AdviceInputs) -> tuple[tuple[MoatSuggestion, ...], str]:
    """Moat's order when it answered, else the (cached or built-in) map's for the country."""
    if inputs.moat:
        return inputs.moat, translate(
            "Advice", "the Tor Project's bridge service recommends it for your network"
        )
    if inputs.moat is None and inputs.country and inputs.country.lower() in inputs.country_map:
        text = translate("Advice", "the saved advice for {country} recommends it").format(
            country=inputs.country.upper()
        )
        return inputs.country_map[inputs.country.lower()], text
    return (), ""


def _candidates(inputs: AdviceInputs) -> list[_Candidate]:
    found: list[_Candidate] = []

    def add(candidate: _Candidate) -> None:
        if candidate not in found and (candidate.bridges or candidate.way is Way.DIRECT):
            found.append(candidate)

    if inputs.custom_bridges:
        add(_Candidate(Way.CUSTOM, inputs.custom_bridges, "custom"))
    for suggestion in inputs.moat or ():
        if (
            suggestion.source == "bridgedb"
            and suggestion.way in WAY_TRANSPORT
            and suggestion.way is not Way.DIRECT
        ):
            wanted = WAY_TRANSPORT[suggestion.way]
            lines = tuple(b for b in suggestion.bridges if b.transport is wanted)
            add(_Candidate(suggestion.way, lines, "moat"))
    add(_Candidate(Way.DIRECT, (), ""))
    if inputs.catalog is not None:
        for way in (Way.OBFS4, Way.SNOWFLAKE, Way.WEBTUNNEL, Way.MEEK, Way.CONJURE):
            add(_Candidate(way, inputs.catalog.bridges_for(WAY_TRANSPORT[way]), "builtin"))
    return found


def _availability(inputs: AdviceInputs, candidate: _Candidate) -> tuple[bool, str, tuple[Bridge, ...]]:
    """Whether this machine can run the option; custom bridges keep those whose transport it can."""

    def entry(transport: Transport) -> TransportAvailability | None:
        return inputs.availability.get(transport)

    if candidate.way is Way.CUSTOM:
        usable = tuple(b for b in candidate.bridges if (e := entry(b.transport)) is not None and e.available)
        if usable:
            return True, "", usable
        reasons = {e.reason for b in candidate.bridges if (e := entry(b.transport)) is not None}
        return (
            False,
            "; ".join(sorted(reasons)) or translate("Advice", "no program for these bridges was found"),
            candidate.bridges,
        )
    found = entry(WAY_TRANSPORT[candidate.way])
    if found is None:
        return (
            False,
            translate("Advice", "the program for {name} was not looked for").format(name=candidate.way.value),
            candidate.bridges,
        )
    return found.available, "" if found.available else found.reason, candidate.bridges


def _option(inputs: AdviceInputs, candidate: _Candidate, moat_wants_bridges: bool) -> Option:
    judged = (
        _judge_direct(inputs, moat_wants_bridges)
        if candidate.way is Way.DIRECT
        else _judge_bridges(inputs, candidate)
    )
    evidence, reasons = judged.evidence, list(judged.reasons)
    order, order_reason = _suggested_order(inputs)
    preference = BASE_PREFERENCE[candidate.way] + (5 if candidate.source == "moat" else 0)
    if order and candidate.way is not Way.CUSTOM:
        rank = _rank_in(order, candidate)
        preference = 90 - 8 * rank if rank is not None else preference // 2
        if rank is not None:
            reasons.append(order_reason)
    if inputs.remembered is candidate.way and evidence > -2:
        evidence = max(evidence, 1)
        preference += 15
        reasons.insert(0, translate("Advice", "this worked on this network last time"))
    available, why_not, bridges = _availability(inputs, candidate)
    if not available:
        reasons.append(why_not)
    return Option(
        way=candidate.way,
        bridges=tuple(b for b in judged.bridges if b in bridges) if available else judged.bridges,
        reasons=tuple(reasons),
        score=float(evidence * 100 + min(preference, 99)),
        source=candidate.source,
        available=available,
        unavailable_reason=why_not,
    )


def _rank_in(order: tuple[MoatSuggestion, ...], candidate: _Candidate) -> int | None:
    wanted = "bridgedb" if candidate.source == "moat" else "builtin"
    for rank, suggestion in enumerate(order):
        if suggestion.way is candidate.way and suggestion.source == wanted:
            return rank
    return next((rank for rank, s in enumerate(order) if s.way is candidate.way), None)


def _is_shutdown(inputs: AdviceInputs) -> bool:
    return (
        inputs.summary is not None
        and not inputs.summary.internet
        and not any(c.reachable for c in inputs.checks)
    )


def _summary(inputs: AdviceInputs, options: tuple[Option, ...]) -> str:
    runnable = [o for o in options if o.available]
    if not runnable:
        return translate("Advice", "Nothing can be tried on this computer: the programs needed are missing.")
    parts: list[str] = []
    direct = next((o for o in options if o.way is Way.DIRECT), None)
    if direct is not None and runnable[0].way is not Way.DIRECT and direct.reasons:
        parts.append(direct.reasons[0])
    parts.append(runnable[0].reasons[0] if runnable[0].reasons else runnable[0].way.value)
    if len(runnable) > 1:
        parts.append(translate("Advice", "{name} is the backup").format(name=runnable[1].way.value))
    # The punctuation is the translator's too: "؛" in Farsi and Arabic, "；" and "。" in Chinese.
    text = parts[0]
    for part in parts[1:]:
        text = translate("Advice", "{first}; {next}").format(first=text, next=part)
    return translate("Advice", "{summary}.").format(summary=text[:1].upper() + text[1:])


def advise(inputs: AdviceInputs) -> Plan:
    """A ranked plan: runnable options first, best evidence first, every option with its reasons."""
    if _is_shutdown(inputs):
        return Plan(
            (),
            translate(
                "Advice",
                "Nothing reaches outside this network, not even sites that are never blocked: this is a "
                "shutdown, not a block. No way out can work until the connection comes back.",
            ),
            shutdown=True,
        )
    order, _ = _suggested_order(inputs)
    moat_wants_bridges = bool(order)
    options = [_option(inputs, candidate, moat_wants_bridges) for candidate in _candidates(inputs)]
    ranked = tuple(
        option
        for _, option in sorted(
            enumerate(options), key=lambda item: (not item[1].available, -item[1].score, item[0])
        )
    )
    return Plan(ranked, _summary(inputs, ranked))


def load_country_map(resources: Path | None = None) -> dict[str, tuple[MoatSuggestion, ...]]:
    """The built-in ``circumvention/map`` in ``resources/advice/map.json``, for when Moat is offline."""
    from byway.transports.moat_answers import parse_map

    path = (resources or resources_dir()) / "advice" / "map.json"
    return parse_map(json.loads(path.read_text(encoding="utf-8")))
