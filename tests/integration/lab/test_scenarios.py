"""Scenario files and the censor's plan: checked without root, so they run everywhere."""

from __future__ import annotations

import pytest

from byway.lab import LabUnavailable, censor, namespaces, scenario
from byway.lab.scenario import Technique

REQUIRED = {
    "open", "dns-nxdomain", "dns-servfail", "dns-timeout", "dns-injection", "dns-race", "ip-blackhole",
    "tcp-reset", "keyword-reset", "sni-reset", "sni-drop", "http-blockpage", "throttle", "udp-block",
    "tor-blocked", "strict", "stateful", "shutdown", "dns-poisoned", "sni-filter",
}  # fmt: skip


def test_every_required_scenario_ships_with_a_description() -> None:
    shipped = {item.name: item for item in scenario.available()}
    assert set(shipped) >= REQUIRED
    for item in shipped.values():
        assert len(item.description) > 30, item.name


def test_every_scenario_plans_without_error() -> None:
    for item in scenario.available():
        plan = censor.plan(item)
        assert "table inet byway-lab {" in plan.nft


def test_strict_blocks_only_the_first_obfs4_bridge() -> None:
    plan = censor.plan(scenario.load("strict"))
    assert "10.213.2.122 tcp dport 9443 drop" in plan.nft
    assert "10.213.2.123" not in plan.nft


def test_sni_rules_become_string_marks() -> None:
    plan = censor.plan(scenario.load("sni-reset"))
    assert any("blocked.byway.test" in argv for argv in plan.iptables)


def test_aliases_and_bad_input() -> None:
    assert [ep.ip for ep in scenario.parse_endpoints("@relays")][:1] == ["10.213.2.101"]
    assert scenario.parse_endpoints("@obfs4-bridge-2:9443")[0].port == 9443
    with pytest.raises(ValueError):
        scenario.parse_endpoints("@nowhere")
    with pytest.raises(scenario.ScenarioError):
        scenario.load("../etc/passwd")
    with pytest.raises(ValueError):
        scenario.parse_rule({"technique": "teleport"})
    assert scenario.parse_rule({"technique": "shutdown"}).technique is Technique.SHUTDOWN


def test_without_root_the_lab_says_so_in_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(namespaces.os, "geteuid", lambda: 1000)
    with pytest.raises(LabUnavailable, match=r"^The lab needs root \(it creates network namespaces\)\.$"):
        namespaces.check_available()
