"""Every verdict Byway claims, produced through the lab's real censor (network namespaces, nft,
iptables), by the real `byway diagnose` running inside the censored client namespace."""

from __future__ import annotations

import json
import random

import pytest

pytestmark = pytest.mark.lab

BLOCKED, BENIGN, OTHER = "blocked.byway.test", "benign.byway.test", "other.byway.test"


def _diagnose(lab, tmp_path, *urls, window=0.0, seed=None, relays=False, timeout=3.0):
    info = lab.info
    args = [
        "--portable",
        str(tmp_path / "stick"),
        "diagnose",
        "--json",
        "--accept-risks",
        "--resolver",
        f"{info.resolver_ip}:53",
        "--doh",
        info.doh_url,
        "--test-helper",
        info.helper_url,
        "--timeout",
        str(timeout),
        "--residual-window",
        str(window),
    ]
    if seed is not None:
        args += ["--seed", str(seed), "--concurrency", "1"]
    if relays:
        for authority in info.authorities:
            args += ["--relay", f"{authority.nickname}={authority.ip}:{authority.or_port}"]
    else:
        args.append("--no-tor")
    proc = lab.byway(*args, *urls, timeout_s=180)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    measurements = {m["input"]: m for m in lines[:-1]}
    return measurements, lines[-1]


def _techniques(measurement):
    return {f["technique"] for f in measurement["test_keys"]["x_byway_findings"]}


def test_open_network_everything_is_accessible(scenario, tmp_path):
    scenario.switch("open")
    found, _ = _diagnose(scenario, tmp_path, f"http://{BLOCKED}/", f"https://{BLOCKED}/", f"https://{OTHER}/")
    for url, m in found.items():
        assert (m["test_keys"]["blocking"], m["test_keys"]["accessible"]) == (False, True), (
            url,
            m["test_keys"],
        )


@pytest.mark.parametrize(
    ("name", "failure"),
    [
        ("dns-nxdomain", "dns_nxdomain_error"),
        ("dns-servfail", None),
        ("dns-timeout", None),
    ],
)
def test_dns_blocking(scenario, tmp_path, name, failure):
    scenario.switch(name)
    found, _ = _diagnose(scenario, tmp_path, f"http://{BLOCKED}/", f"http://{BENIGN}/")
    blocked = found[f"http://{BLOCKED}/"]["test_keys"]
    assert blocked["blocking"] == "dns"
    assert blocked["accessible"] is False
    if failure:
        assert blocked["dns_experiment_failure"] == failure
    assert "dns_blocking" in _techniques(found[f"http://{BLOCKED}/"])
    assert found[f"http://{BENIGN}/"]["test_keys"]["accessible"] is True


def test_dns_injection_with_a_forged_answer(scenario, tmp_path):
    scenario.switch("dns-injection")
    found, _ = _diagnose(scenario, tmp_path, f"http://{BLOCKED}/")
    m = found[f"http://{BLOCKED}/"]
    assert m["test_keys"]["blocking"] == "dns"
    assert m["test_keys"]["dns_consistency"] == "inconsistent"
    assert "dns_injection" in _techniques(m)


def test_dns_injection_racing_the_genuine_reply(scenario, tmp_path):
    scenario.switch("dns-race")
    found, _ = _diagnose(scenario, tmp_path, f"http://{BLOCKED}/")
    m = found[f"http://{BLOCKED}/"]
    signs = {
        f["evidence"]["sign"] for f in m["test_keys"]["x_byway_findings"] if f["technique"] == "dns_injection"
    }
    assert "racing_reply" in signs, m["test_keys"]["x_byway_findings"]


def test_ip_black_hole(scenario, tmp_path):
    scenario.switch("ip-blackhole")
    found, _ = _diagnose(scenario, tmp_path, f"http://{OTHER}/", f"http://{BLOCKED}/")
    m = found[f"http://{OTHER}/"]
    assert m["test_keys"]["blocking"] == "tcp_ip"
    assert "ip_blackhole" in _techniques(m)
    assert found[f"http://{BLOCKED}/"]["test_keys"]["accessible"] is True


def test_tcp_reset_on_connect(scenario, tmp_path):
    scenario.switch("tcp-reset")
    found, _ = _diagnose(scenario, tmp_path, f"https://{OTHER}/")
    m = found[f"https://{OTHER}/"]
    assert m["test_keys"]["blocking"] == "tcp_ip"
    assert "tcp_reset" in _techniques(m)


@pytest.mark.parametrize("name", ["sni-reset", "sni-drop"])
def test_tls_sni_filtering_is_attributed_to_the_name(scenario, tmp_path, name):
    scenario.switch(name)
    found, _ = _diagnose(scenario, tmp_path, f"https://{BLOCKED}/")
    m = found[f"https://{BLOCKED}/"]
    assert m["test_keys"]["blocking"] == "http-failure"
    assert m["test_keys"]["accessible"] is False
    assert "tls_sni_filtering" in _techniques(m), m["test_keys"]["x_byway_findings"]


def test_http_blockpage(scenario, tmp_path):
    scenario.switch("http-blockpage")
    found, _ = _diagnose(scenario, tmp_path, f"http://{BLOCKED}/", f"http://{BENIGN}/")
    m = found[f"http://{BLOCKED}/"]
    assert m["test_keys"]["blocking"] == "http-diff"
    assert m["test_keys"]["accessible"] is False
    assert _techniques(m) & {"http_blockpage", "http_diff"}
    assert found[f"http://{BENIGN}/"]["test_keys"]["accessible"] is True


def test_keyword_reset_after_data(scenario, tmp_path):
    scenario.switch("keyword-reset")
    found, _ = _diagnose(scenario, tmp_path, f"http://{BENIGN}/forbidden", f"http://{BENIGN}/")
    m = found[f"http://{BENIGN}/forbidden"]
    assert m["test_keys"]["blocking"] == "http-failure"
    assert m["test_keys"]["http_experiment_failure"] == "connection_reset"
    assert found[f"http://{BENIGN}/"]["test_keys"]["accessible"] is True


def _seed_with_first(urls, first):
    for seed in range(1000):
        order = list(range(len(urls)))
        random.Random(seed).shuffle(order)
        if urls[order[0]] == first:
            return seed
    raise AssertionError("no seed")


def test_residual_censorship_pacing_keeps_a_benign_target_from_a_false_verdict(scenario, tmp_path):
    scenario.switch("stateful")
    urls = [f"https://{BLOCKED}/", f"https://{BENIGN}/"]
    seed = _seed_with_first(urls, urls[0])
    # With pacing, Byway refuses to re-probe that tuple inside the window and says so.
    paced, _ = _diagnose(scenario, tmp_path, *urls, window=30.0, seed=seed)
    benign = paced[urls[1]]["test_keys"]
    assert benign["blocking"] is None or benign["blocking"] is False
    assert benign["x_pacing_skips"], benign
    assert paced[urls[0]]["test_keys"]["accessible"] is False
    # Without pacing, the benign site on the same address and port is caught by the residual block
    # and would be reported as blocked: the mistake pacing prevents.
    naive, _ = _diagnose(scenario, tmp_path, *urls, window=0.0, seed=seed)
    assert naive[urls[1]]["test_keys"]["accessible"] is not True


def test_the_classic_tor_block_is_seen_on_the_authorities(scenario, tmp_path):
    scenario.switch("tor-blocked")
    _, summary = _diagnose(scenario, tmp_path, f"http://{BENIGN}/", relays=True)
    text = json.dumps(summary)
    assert "blocked_by_address" in text, summary


def test_tor_authorities_reachable_on_an_open_network(scenario, tmp_path):
    scenario.switch("open")
    _, summary = _diagnose(scenario, tmp_path, f"http://{BENIGN}/", relays=True)
    assert '"reachable"' in json.dumps(summary), summary


def test_a_shutdown_is_called_a_shutdown_not_censorship(scenario, tmp_path):
    scenario.switch("shutdown")
    _, summary = _diagnose(
        scenario, tmp_path, f"http://{BENIGN}/", f"https://{OTHER}/", relays=True, timeout=2.0
    )
    assert '"internet": false' in json.dumps(summary).lower(), summary


def test_inside_the_lab_plain_byway_diagnose_uses_the_lab_services(scenario, tmp_path):
    """A trainer types `byway lab exec -- byway diagnose`: no flags, the lab's own services."""
    scenario.switch("dns-nxdomain")
    proc = scenario.byway(
        "--portable", str(tmp_path / "stick"), "diagnose", "--json", "--accept-risks", timeout_s=180
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    found = {m["input"]: m["test_keys"] for m in lines[:-1]}
    assert found[f"http://{BLOCKED}/"]["blocking"] == "dns"
    assert found[f"https://{BENIGN}/"]["accessible"] is True
    assert lines[-1]["tor"] == "reachable"
