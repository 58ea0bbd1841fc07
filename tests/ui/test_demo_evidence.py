"""Demo mode's simulated pre-checks: derived from the scenario file, in the real pre-checks' words,
and weighed by the real advisor, so the advice a trainer shows matches what the simulated tor does
(Iran 2022 stalls obfs4 at 2%: the advice must not put obfs4 first). No traffic, no Qt needed."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from byway.analyze.analysis import analyze_diagnosis
from byway.analyze.fingerprints import load_fingerprints
from byway.demo import load_scenario
from byway.demo.evidence import SimulatedEvidence, direct_check, obfs4_checks
from byway.demo.network import SimulatedDiagnosis
from byway.demo.scenario import Outcome, RelayTechnique, WayBehaviour
from byway.demo.tor import SimulatedConnector
from byway.plan import Way
from byway.store.secrets import MemorySecretStore
from byway.transports.bridge_line import Transport
from byway.transports.catalog import load_shipped
from byway.transports.precheck import OBFS4_HANDSHAKE
from byway.ui.ports import AdviceRequest, demo_collaborators

SAMPLE = load_shipped().bridges_for(Transport.OBFS4)[:4]


def by_method(checks, method: str):
    return [c for c in checks if c.way is Way.OBFS4 and c.method == method]


def test_iran_obfs4_answers_tcp_but_its_handshakes_stall() -> None:
    checks = obfs4_checks(load_scenario("iran-2022"), SAMPLE)
    assert len(by_method(checks, "tcp")) == len(SAMPLE) == len(by_method(checks, OBFS4_HANDSHAKE))
    assert all(c.reachable for c in by_method(checks, "tcp"))
    assert {(c.reachable, c.failure) for c in by_method(checks, OBFS4_HANDSHAKE)} == {
        (False, "generic_timeout_error")
    }
    assert {c.bridge for c in checks} == set(SAMPLE)


def test_a_failing_way_is_reset_and_a_way_stopped_later_passed_the_handshake() -> None:
    scenario = load_scenario("iran-2022")
    failing = replace(scenario, ways=(WayBehaviour(Way.OBFS4, Outcome.FAILS, 5, 1.0, "CONNECTRESET"),))
    assert {c.failure for c in by_method(obfs4_checks(failing, SAMPLE), OBFS4_HANDSHAKE)} == {
        "connection_reset"
    }
    later = replace(scenario, ways=(WayBehaviour(Way.OBFS4, Outcome.STALLS, 50, 1.0, ""),))
    assert all(c.reachable for c in obfs4_checks(later, SAMPLE))


def test_plain_tor_follows_the_relays() -> None:
    scenario = load_scenario("iran-2022")
    expected = {
        RelayTechnique.OK: (True, None),
        RelayTechnique.BLACKHOLE: (False, "generic_timeout_error"),
        RelayTechnique.RESET: (False, "connection_refused"),
        RelayTechnique.TLS_RESET: (False, "tls_connection_reset"),
        RelayTechnique.SHUTDOWN: (False, "generic_timeout_error"),
    }
    for technique, (reachable, failure) in expected.items():
        check = direct_check(replace(scenario, relays=technique))
        assert (check.way, check.bridge, check.method) == (Way.DIRECT, None, "tcp+tls")
        assert (check.reachable, check.failure) == (reachable, failure), technique


def test_in_a_shutdown_nothing_answers() -> None:
    checks = obfs4_checks(load_scenario("shutdown"), SAMPLE)
    assert checks and not any(c.reachable for c in checks)


def advice_for(name: str):
    collaborators = demo_collaborators(name, 0.0)
    scenario = load_scenario(name)
    diagnosis = asyncio.run(SimulatedDiagnosis(scenario, 0)((), None, (), lambda _: None))
    analysis = analyze_diagnosis(diagnosis, fingerprints=load_fingerprints())
    assert isinstance(collaborators.evidence, SimulatedEvidence)
    request = AdviceRequest(analysis=analysis, country=scenario.country)
    request = asyncio.run(collaborators.evidence(request, MemorySecretStore()))
    assert collaborators.advisor is not None
    return scenario, request, collaborators.advisor(request)


@pytest.mark.parametrize("name", ["iran-2022", "china-gfw", "russia-2022"])
def test_the_first_way_advised_is_one_the_simulated_tor_lets_through(name: str) -> None:
    scenario, request, plan = advice_for(name)
    assert request.checks and request.moat is None  # Moat is "not reached" in demo mode
    first = plan.runnable()[0]
    assert scenario.behaviour(first.way).outcome is Outcome.WORKS, [o.way for o in plan.options]
    session = asyncio.run(SimulatedConnector(scenario, 0).connect(plan, lambda _: None))
    assert session.option.way is first.way  # connected on the first try


def test_iran_says_why_obfs4_is_not_first() -> None:
    _, _, plan = advice_for("iran-2022")
    obfs4 = next(o for o in plan.options if o.way is Way.OBFS4)
    assert any("handshakes were reset or stalled" in reason for reason in obfs4.reasons)
    assert plan.options[0].way is not Way.OBFS4
