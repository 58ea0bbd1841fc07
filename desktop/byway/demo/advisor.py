"""A small stand-in advisor for demo mode, used only when this build has no :mod:`byway.advise`.

It follows the advisor's documented lessons (``censorship-cases.md``): a shutdown gets no transports;
Tor blocked by address leads with obfs4; Tor blocked by protocol (DPI) leads with snowflake; an open
network starts with plain Tor. The real advisor replaces it as soon as it is importable.
"""

from __future__ import annotations

from byway.analyze.analysis import Analysis
from byway.analyze.summary import TorReachability
from byway.i18n import translate
from byway.plan import Option, Plan, Way
from byway.transports.bridge_line import Transport
from byway.transports.catalog import Catalog

_TRANSPORTS = {Way.OBFS4: Transport.OBFS4, Way.SNOWFLAKE: Transport.SNOWFLAKE, Way.MEEK: Transport.MEEK_LITE}


def _reasons(way: Way, tor: TorReachability) -> tuple[str, ...]:
    blocked = tor in (TorReachability.BLOCKED_BY_ADDRESS, TorReachability.BLOCKED_BY_PROTOCOL)
    if way is Way.DIRECT:
        if blocked:
            return (
                translate(
                    "Advice", "The Tor relays did not answer in the test, so plain Tor will probably fail."
                ),
            )
        return (translate("Advice", "The Tor relays answered in the test: plain Tor is the fastest way."),)
    if way is Way.OBFS4:
        if tor is TorReachability.BLOCKED_BY_PROTOCOL:
            return (
                translate(
                    "Advice", "This network inspects Tor's handshake; obfs4 may be recognised as well."
                ),
            )
        return (translate("Advice", "obfs4 bridges hide Tor's traffic and are not on public relay lists."),)
    if way is Way.SNOWFLAKE:
        return (translate("Advice", "Snowflake looks like a video call and changes proxies often."),)
    return (
        translate("Advice", "meek goes through a large cloud provider, which is hard to block; it is slow."),
    )


def stand_in_plan(analysis: Analysis | None, catalog: Catalog) -> Plan:
    if analysis is not None and not analysis.summary.internet:
        return Plan(
            (),
            translate(
                "Advice",
                "Nothing reaches outside this network: this looks like a shutdown. No way out can work now.",
            ),
            shutdown=True,
        )
    tor = analysis.summary.tor if analysis is not None else TorReachability.NOT_TESTED
    if tor is TorReachability.BLOCKED_BY_PROTOCOL:
        order = (Way.SNOWFLAKE, Way.MEEK, Way.OBFS4, Way.DIRECT)
        summary = translate(
            "Advice",
            "Tor's own handshake is blocked here: start with snowflake, which looks like a video call.",
        )
    elif tor is TorReachability.BLOCKED_BY_ADDRESS:
        order = (Way.OBFS4, Way.SNOWFLAKE, Way.MEEK, Way.DIRECT)
        summary = translate("Advice", "Tor's public relays are blocked by address: start with obfs4 bridges.")
    else:
        order = (Way.DIRECT, Way.OBFS4, Way.SNOWFLAKE, Way.MEEK)
        summary = translate("Advice", "Tor's relays answered: plain Tor first, with bridges as a fallback.")
    options = tuple(
        Option(
            way=way,
            bridges=catalog.bridges_for(_TRANSPORTS[way]) if way in _TRANSPORTS else (),
            reasons=_reasons(way, tor),
            score=float(len(order) - rank),
            source="builtin" if way in _TRANSPORTS else "",
        )
        for rank, way in enumerate(order)
    )
    return Plan(options, summary)
