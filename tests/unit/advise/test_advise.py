"""The advisor's rules, with hand-built inputs, and its totality, with hypothesis."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byway.advise import AdviceInputs, advise, load_country_map, obfs4_dpi_suspected
from byway.analyze.summary import NetworkSummary, TorReachability
from byway.plan import MoatSuggestion, Plan, ReachabilityCheck, Way
from byway.transports.bridge_line import Bridge, Transport, parse_bridge_line
from byway.transports.catalog import load_shipped
from byway.transports.moat_answers import MoatBadAnswer
from byway.transports.transport_support import TransportAvailability

CERT = "bjRaMrr1BRiAW8IE9U5z27fQaYgOhX1UCmOpg2pFpoMvo6ZgQMzLsaTzzQNTlm7hNcb+Sg"
FP = "D9A82D2F9C2F65A18407B1D2B764F130847F8B5D"


def obfs4(n: int) -> Bridge:
    return parse_bridge_line(f"obfs4 203.0.113.{n}:443 {FP} cert={CERT} iat-mode=0")


def vanilla(n: int) -> Bridge:
    return parse_bridge_line(f"198.51.100.{n}:9001 {FP}")


def summary(tor: TorReachability, *, internet: bool = True) -> NetworkSummary:
    return NetworkSummary(internet, (), tor, 0, 9, 10, 0, 0, 0)


def available(*missing: Transport) -> dict[Transport, TransportAvailability]:
    return {
        t: TransportAvailability(t, t not in missing, None, f"{t.value} needs a program that was not found")
        for t in Transport
    }


CATALOG = load_shipped()
B1, B2, B3 = obfs4(1), obfs4(2), obfs4(3)
OBFS4_CATALOG = CATALOG  # the shipped obfs4 lines are never checked here; the Moat ones are


def shake(bridge: Bridge, ok: bool, elapsed: float = 0.14, failure: str | None = None) -> ReachabilityCheck:
    return ReachabilityCheck(Way.OBFS4, bridge, ok, "obfs4-handshake", elapsed, None if ok else failure)


def tcp(bridge: Bridge, ok: bool, way: Way = Way.OBFS4) -> ReachabilityCheck:
    return ReachabilityCheck(way, bridge, ok, "tcp", 0.02, None if ok else "generic_timeout_error")


def direct(ok: bool) -> ReachabilityCheck:
    return ReachabilityCheck(Way.DIRECT, None, ok, "tcp+tls", 0.05, None if ok else "generic_timeout_error")


def ways(plan: Plan) -> list[Way]:
    return [option.way for option in plan.options]


def test_no_internet_is_a_shutdown_not_a_block() -> None:
    plan = advise(AdviceInputs(summary(TorReachability.UNREACHABLE, internet=False), catalog=CATALOG))
    assert plan.shutdown and plan.options == ()
    assert "shutdown, not a block" in plan.summary


def test_a_reachable_check_overrules_a_shutdown_guess() -> None:
    inputs = AdviceInputs(
        summary(TorReachability.UNREACHABLE, internet=False),
        checks=(direct(True),),
        availability=available(),
        catalog=CATALOG,
    )
    assert not advise(inputs).shutdown


def test_tor_reachable_directly_goes_first() -> None:
    plan = advise(AdviceInputs(summary(TorReachability.REACHABLE), availability=available(), catalog=CATALOG))
    assert ways(plan)[0] is Way.DIRECT
    plan = advise(AdviceInputs(checks=(direct(True),), availability=available(), catalog=CATALOG))
    assert ways(plan)[0] is Way.DIRECT and "50 ms" in plan.options[0].reasons[0]


def test_blocked_by_address_with_a_handshake_leads_with_obfs4_working_bridge_first() -> None:
    moat = (MoatSuggestion(Way.OBFS4, (B1, B2, B3), "bridgedb"),)
    checks = (
        direct(False),
        shake(B1, False, 6.0, "generic_timeout_error"),
        tcp(B1, False),
        shake(B2, True, 0.14),
        tcp(B2, True),
        shake(B3, True, 0.30),
    )
    inputs = AdviceInputs(
        summary(TorReachability.BLOCKED_BY_ADDRESS),
        checks=checks,
        availability=available(),
        catalog=CATALOG,
        moat=moat,
    )
    plan = advise(inputs)
    first = plan.options[0]
    assert first.way is Way.OBFS4 and first.source == "moat"
    assert first.bridges == (B2, B3)  # fastest first, the black-holed one dropped
    assert "obfs4 bridge 2 completed a handshake in 140 ms" in first.reasons[0]
    assert ways(plan).index(Way.DIRECT) > ways(plan).index(Way.SNOWFLAKE)
    assert "blocked by address" in plan.summary and "140 ms" in plan.summary and "backup" in plan.summary


def test_obfs4_all_failing_bridges_are_kept_last_in_their_option() -> None:
    moat = (MoatSuggestion(Way.OBFS4, (B1, B2), "bridgedb"),)
    inputs = AdviceInputs(checks=(tcp(B1, False),), availability=available(), catalog=CATALOG, moat=moat)
    option = next(o for o in advise(inputs).options if o.source == "moat")
    assert option.bridges == (B2, B1)


def test_obfs4_handshakes_reset_while_tcp_connects_means_dpi_and_web_like_transports_lead() -> None:
    moat = (MoatSuggestion(Way.OBFS4, (B1, B2), "bridgedb"),)
    checks = (
        shake(B1, False, 1.0, "eof_error"),
        tcp(B1, True),
        shake(B2, False, 6.0, "generic_timeout_error"),
        tcp(B2, True),
    )
    inputs = AdviceInputs(
        summary(TorReachability.BLOCKED_BY_PROTOCOL),
        checks=checks,
        availability=available(),
        catalog=CATALOG,
        moat=moat,
    )
    assert obfs4_dpi_suspected(inputs)
    plan = advise(inputs)
    assert plan.options[0].way in (Way.SNOWFLAKE, Way.MEEK, Way.WEBTUNNEL)
    order = ways(plan)
    assert order.index(Way.SNOWFLAKE) < order.index(Way.OBFS4)
    assert order.index(Way.MEEK) < order.index(Way.OBFS4)


def test_stalled_handshakes_of_some_bridges_are_named_though_others_were_not_tried() -> None:
    moat = (MoatSuggestion(Way.OBFS4, (B1, B2, B3), "bridgedb"),)
    checks = (shake(B1, False, 6.0, "generic_timeout_error"), tcp(B1, True))  # B2, B3 untried
    inputs = AdviceInputs(checks=checks, availability=available(), catalog=CATALOG, moat=moat)
    option = next(o for o in advise(inputs).options if o.source == "moat")
    assert option.reasons[0] == "obfs4 bridges can be reached, but their handshakes were reset or stalled"
    assert option.bridges[-1] == B1


def test_a_plain_tor_check_failing_only_at_tls_means_the_handshake_is_blocked() -> None:
    reset = ReachabilityCheck(Way.DIRECT, None, False, "tcp+tls", 0.3, "tls_connection_reset")
    inputs = AdviceInputs(checks=(reset,), availability=available(), catalog=CATALOG)
    option = next(o for o in advise(inputs).options if o.way is Way.DIRECT)
    assert option.reasons == ("Tor's own handshake is blocked here (connections open, then stall)",)
    timeout = AdviceInputs(checks=(direct(False),), availability=available(), catalog=CATALOG)
    option = next(o for o in advise(timeout).options if o.way is Way.DIRECT)
    assert option.reasons == ("the Tor relays are blocked by address",)


def test_custom_bridges_that_pass_come_first() -> None:
    mine = vanilla(7)
    inputs = AdviceInputs(
        summary(TorReachability.REACHABLE),
        checks=(direct(True), tcp(mine, True, Way.VANILLA_BRIDGE)),
        availability=available(),
        catalog=CATALOG,
        custom_bridges=(mine,),
    )
    plan = advise(inputs)
    assert plan.options[0].way is Way.CUSTOM and plan.options[0].bridges == (mine,)


def test_custom_bridges_that_fail_do_not_lead() -> None:
    mine = vanilla(7)
    inputs = AdviceInputs(
        checks=(direct(True), tcp(mine, False, Way.VANILLA_BRIDGE)),
        availability=available(),
        catalog=CATALOG,
        custom_bridges=(mine,),
    )
    assert ways(advise(inputs))[0] is Way.DIRECT


def test_remembered_way_is_boosted() -> None:
    plain = advise(AdviceInputs(availability=available(), catalog=CATALOG))
    remembered = advise(AdviceInputs(availability=available(), catalog=CATALOG, remembered=Way.MEEK))
    assert ways(remembered).index(Way.MEEK) < ways(plain).index(Way.MEEK)
    assert ways(remembered)[0] is Way.MEEK
    assert "last time" in remembered.options[0].reasons[0]


def test_moat_order_is_respected() -> None:
    moat = (
        MoatSuggestion(Way.MEEK, (), "builtin"),
        MoatSuggestion(Way.SNOWFLAKE, (), "builtin"),
        MoatSuggestion(Way.OBFS4, (), "builtin"),
    )
    plan = advise(AdviceInputs(availability=available(), catalog=CATALOG, moat=moat))
    order = ways(plan)
    assert order[:3] == [Way.MEEK, Way.SNOWFLAKE, Way.OBFS4]
    assert any("recommends" in reason for reason in plan.options[0].reasons)


def test_moat_saying_no_circumvention_needed_puts_direct_first() -> None:
    plan = advise(AdviceInputs(availability=available(), catalog=CATALOG, moat=()))
    assert ways(plan)[0] is Way.DIRECT


def test_missing_binary_stays_in_the_plan_as_unavailable_never_first() -> None:
    moat = (MoatSuggestion(Way.SNOWFLAKE, (), "builtin"),)
    plan = advise(
        AdviceInputs(
            summary(TorReachability.BLOCKED_BY_PROTOCOL),
            availability=available(Transport.SNOWFLAKE),
            catalog=CATALOG,
            moat=moat,
        )
    )
    snowflake = next(o for o in plan.options if o.way is Way.SNOWFLAKE)
    assert not snowflake.available and "not found" in snowflake.unavailable_reason
    assert snowflake.unavailable_reason in snowflake.reasons
    assert plan.options[0].available and plan.options[-1] == snowflake


def test_offline_map_is_used_when_moat_is_unreachable() -> None:
    country_map = load_country_map()
    assert country_map["ir"][0].way is Way.SNOWFLAKE
    plan = advise(
        AdviceInputs(country="IR", availability=available(), catalog=CATALOG, country_map=country_map)
    )
    assert ways(plan)[0] is Way.SNOWFLAKE
    assert any("saved advice for IR" in reason for reason in plan.options[0].reasons)
    # Moat's own answer wins over the map.
    moat = (MoatSuggestion(Way.OBFS4, (), "builtin"),)
    plan = advise(
        AdviceInputs(
            country="ir", availability=available(), catalog=CATALOG, country_map=country_map, moat=moat
        )
    )
    assert ways(plan)[0] is Way.OBFS4


def test_offline_map_has_moats_shape(tmp_path: Path) -> None:
    assert set(load_country_map()) >= {"cn", "ir", "ru", "by", "tm"}
    (tmp_path / "advice").mkdir()
    (tmp_path / "advice" / "map.json").write_text('{"xx": {"settings": "nope"}}')
    with pytest.raises(MoatBadAnswer):
        load_country_map(tmp_path)


# -- totality -------------------------------------------------------------------------------------

BRIDGES = [obfs4(n) for n in range(1, 5)] + [vanilla(n) for n in range(1, 3)]
checks_st = st.builds(
    ReachabilityCheck,
    way=st.sampled_from(list(Way)),
    bridge=st.one_of(st.none(), st.sampled_from(BRIDGES)),
    reachable=st.booleans(),
    method=st.sampled_from(["tcp", "tcp+tls", "obfs4-handshake"]),
    elapsed_s=st.floats(0, 30),
    failure=st.one_of(st.none(), st.sampled_from(["eof_error", "generic_timeout_error", "pt_missing"])),
)
summary_st = st.one_of(
    st.none(),
    st.builds(summary, st.sampled_from(list(TorReachability)), internet=st.booleans()),
)
suggestion_st = st.builds(
    MoatSuggestion,
    way=st.sampled_from(list(Way)),
    bridges=st.lists(st.sampled_from(BRIDGES), max_size=3, unique=True).map(tuple),
    source=st.sampled_from(["builtin", "bridgedb"]),
)
inputs_st = st.builds(
    AdviceInputs,
    summary=summary_st,
    country=st.one_of(st.none(), st.sampled_from(["ir", "cn", "de", "IR"])),
    checks=st.lists(checks_st, max_size=8).map(tuple),
    availability=st.sets(st.sampled_from(list(Transport))).map(lambda missing: available(*missing)),
    catalog=st.one_of(st.none(), st.just(CATALOG)),
    custom_bridges=st.lists(st.sampled_from(BRIDGES), max_size=3, unique=True).map(tuple),
    remembered=st.one_of(st.none(), st.sampled_from(list(Way))),
    moat=st.one_of(st.none(), st.lists(suggestion_st, max_size=4).map(tuple)),
    country_map=st.just(load_country_map()),
)


@settings(max_examples=300, deadline=None)
@given(inputs_st)
def test_any_inputs_give_a_plan_with_unique_options_runnable_first(inputs: AdviceInputs) -> None:
    plan = advise(inputs)
    assert isinstance(plan, Plan) and plan.summary
    keys = [(o.way, o.source, o.bridges) for o in plan.options]
    assert len(keys) == len(set(keys))
    flags = [o.available for o in plan.options]
    assert flags == sorted(flags, reverse=True)
    for option in plan.options:
        assert option.reasons and all(isinstance(r, str) and r for r in option.reasons)
        assert option.available or option.unavailable_reason
        assert len(option.bridges) == len(set(option.bridges))
        if option.way is not Way.DIRECT and option.way is not Way.CUSTOM:
            assert all(b.transport is _transport(option.way) for b in option.bridges)
    if plan.shutdown:
        assert plan.options == ()


def _transport(way: Way) -> Transport:
    from byway.advise import WAY_TRANSPORT

    return WAY_TRANSPORT[way]
