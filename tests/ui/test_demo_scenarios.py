"""Scenario files: the shipped ones load, a trainer's mistakes are reported in words, and the
simulation produces what the analysis expects (no Qt needed, no traffic)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from byway.analyze.analysis import analyze_diagnosis
from byway.analyze.findings import Technique
from byway.analyze.fingerprints import load_fingerprints
from byway.analyze.summary import TorReachability
from byway.demo import ScenarioError, load_scenario
from byway.demo.network import SimulatedDiagnosis
from byway.demo.scenario import parse_scenario
from byway.demo.tor import SimulatedConnector
from byway.plan import Option, Plan, Way
from byway.tor.events import AttemptEvent, AttemptOutcome, BootstrapEvent


def analysed(name: str):
    scenario = load_scenario(name)
    diagnosis = asyncio.run(SimulatedDiagnosis(scenario, 0)((), None, (), lambda _: None))
    return analyze_diagnosis(diagnosis, fingerprints=load_fingerprints())


def test_iran_shows_each_technique_of_2022() -> None:
    analysis = analysed("iran-2022")
    techniques = set(analysis.summary.techniques())
    assert {Technique.TLS_SNI_FILTERING, Technique.DNS_INJECTION, Technique.HTTP_BLOCKPAGE} <= techniques
    assert analysis.summary.tor is TorReachability.BLOCKED_BY_ADDRESS


def test_russia_blocks_tor_by_protocol() -> None:
    assert analysed("russia-2022").summary.tor is TorReachability.BLOCKED_BY_PROTOCOL


def test_china_names_the_known_injector() -> None:
    findings = [f for r in analysed("china-gfw").results for f in r.findings]
    assert any(f.evidence.fingerprint.startswith("ooni.cn") for f in findings)


def test_shutdown_is_not_called_censorship() -> None:
    summary = analysed("shutdown").summary
    assert not summary.internet and not summary.censored


def test_simulated_tor_stalls_then_works() -> None:
    scenario = load_scenario("iran-2022")
    plan = Plan((Option(Way.OBFS4, (), ()), Option(Way.SNOWFLAKE, (), ())), "")
    events: list[object] = []
    session = asyncio.run(SimulatedConnector(scenario, 0).connect(plan, events.append))
    assert session.option.way is Way.SNOWFLAKE and session.option.source == "demo"
    obfs4 = [e.progress for e in events if isinstance(e, BootstrapEvent) and e.option.way is Way.OBFS4]
    assert max(obfs4) == 2
    outcomes = [e.outcome for e in events if isinstance(e, AttemptEvent)]
    assert outcomes == [
        AttemptOutcome.STARTED,
        AttemptOutcome.STALLED,
        AttemptOutcome.STARTED,
        AttemptOutcome.WON,
    ]


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ({"name": "x", "description": "x", "presenter_note": "x"}, "at least one"),
        (
            {"name": "x", "description": "x", "presenter_note": "x", "site": [{"url": "ftp://a"}]},
            "site 1.url",
        ),
        (
            {
                "name": "x",
                "description": "x",
                "presenter_note": "x",
                "site": [{"url": "https://a.b", "technique": "magic"}],
            },
            "magic is not one of",
        ),
        (
            {
                "name": "x",
                "description": "x",
                "presenter_note": "x",
                "site": [{"url": "https://a.b", "technique": "blockpage"}],
            },
            "http://",
        ),
        ({"name": "x", "description": "x", "site": [{"url": "https://a.b"}]}, "presenter_note"),
        (
            {
                "name": "x",
                "description": "x",
                "presenter_note": "x",
                "site": [{"url": "https://a.b", "seconds": -1}],
            },
            "from 0.0 to 120.0",
        ),
    ],
)
def test_mistakes_are_reported_in_words(document, words: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(document, Path("/tmp/mine.toml"))
    assert "mine.toml" in str(caught.value) and words in str(caught.value)


def test_unknown_scenario_lists_the_known_ones() -> None:
    with pytest.raises(ScenarioError, match="iran-2022"):
        load_scenario("atlantis")
