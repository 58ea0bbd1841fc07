"""Each censorship technique of the lab, observed from inside the client with plain tools."""

from __future__ import annotations

import time

import pytest

from byway.lab.testing import LabHandle

pytestmark = pytest.mark.lab

BLOCKED, BENIGN, OTHER = "blocked.byway.test", "benign.byway.test", "other.byway.test"


def test_open_everything_works(scenario: LabHandle) -> None:
    info = scenario.info
    answer = scenario.probe("dns", BLOCKED, 3, 0.3)
    assert answer["replies"] == [{"rcode": "NOERROR", "addrs": [info.web_ip], "t": pytest.approx(0, abs=1)}]
    assert scenario.probe("tls", info.web_ip, 443, BLOCKED, 5)["result"] == "ok"
    assert scenario.probe("http", info.web2_ip, 80, OTHER, "/", 5)["status"] == 200
    assert scenario.probe("udp", *info.udp_echo, 3)["result"] == "ok"
    doh = scenario.probe("doh", info.doh_url, BLOCKED, 5)
    assert doh["addrs"] == [info.web_ip]


@pytest.mark.parametrize(("name", "rcode"), [("dns-nxdomain", "NXDOMAIN"), ("dns-servfail", "SERVFAIL")])
def test_dns_failures(scenario: LabHandle, name: str, rcode: str) -> None:
    scenario.switch(name)
    replies = scenario.probe("dns", BLOCKED, 3, 0.3)["replies"]
    assert isinstance(replies, list) and replies[0]["rcode"] == rcode
    assert scenario.probe("dns", BENIGN, 3, 0.3)["replies"][0]["addrs"] == [scenario.info.web_ip]  # type: ignore[index]
    # The uncensored channel still tells the truth.
    assert scenario.probe("doh", scenario.info.doh_url, BLOCKED, 5)["addrs"] == [scenario.info.web_ip]


def test_dns_timeout(scenario: LabHandle) -> None:
    scenario.switch("dns-timeout")
    assert scenario.probe("dns", BLOCKED, 2, 0.3)["result"] == "timeout"
    assert scenario.probe("dns", BENIGN, 2, 0.3)["result"] == "ok"


def test_dns_injection_points_at_blockpage(scenario: LabHandle) -> None:
    scenario.switch("dns-injection")
    replies = scenario.probe("dns", BLOCKED, 3, 0.5)["replies"]
    assert [r["addrs"] for r in replies] == [[scenario.info.blockpage_ip]]  # type: ignore[union-attr]
    page = scenario.probe("http", scenario.info.blockpage_ip, 80, BLOCKED, "/", 5)
    assert page["status"] == 403 and "Access denied" in str(page["body"])


def test_dns_race_gives_two_answers(scenario: LabHandle) -> None:
    scenario.switch("dns-race")
    replies = scenario.probe("dns", BLOCKED, 3, 0.8)["replies"]
    assert isinstance(replies, list) and len(replies) == 2
    assert replies[0]["addrs"] == ["127.0.0.1"]
    assert replies[1]["addrs"] == [scenario.info.web_ip]


def test_ip_blackhole_times_out(scenario: LabHandle) -> None:
    scenario.switch("ip-blackhole")
    assert scenario.probe("tcp", scenario.info.web2_ip, 443, 2)["result"] == "timeout"
    assert scenario.probe("tcp", scenario.info.web_ip, 443, 2)["result"] == "ok"


def test_tcp_reset_refuses_at_once(scenario: LabHandle) -> None:
    scenario.switch("tcp-reset")
    result = scenario.probe("tcp", scenario.info.web2_ip, 443, 5)
    assert result["result"] == "refused" and float(result["elapsed"]) < 1.0  # type: ignore[arg-type]
    assert scenario.probe("tcp", scenario.info.web_ip, 443, 2)["result"] == "ok"


def test_keyword_reset(scenario: LabHandle) -> None:
    scenario.switch("keyword-reset")
    bad = scenario.probe("http", scenario.info.web_ip, 80, BENIGN, "/forbidden", 5)
    assert bad["result"] in ("reset", "refused")
    assert scenario.probe("http", scenario.info.web_ip, 80, BENIGN, "/fine", 5)["status"] == 200


def test_sni_reset_spares_benign_name_on_same_address(scenario: LabHandle) -> None:
    scenario.switch("sni-reset")
    blocked = scenario.probe("tls", scenario.info.web_ip, 443, BLOCKED, 5)
    assert blocked["result"] == "reset"
    assert scenario.probe("tls", scenario.info.web_ip, 443, BENIGN, 5)["version"] == "TLSv1.3"


def test_sni_drop_times_out(scenario: LabHandle) -> None:
    scenario.switch("sni-drop")
    blocked = scenario.probe("tls", scenario.info.web_ip, 443, BLOCKED, 3)
    assert blocked["result"] == "timeout"
    assert scenario.probe("tls", scenario.info.web_ip, 443, BENIGN, 5)["result"] == "ok"


def test_sni_filter_resets_host_header_too(scenario: LabHandle) -> None:
    scenario.switch("sni-filter")
    assert scenario.probe("tls", scenario.info.web_ip, 443, BLOCKED, 5)["result"] == "reset"
    assert scenario.probe("http", scenario.info.web_ip, 80, BLOCKED, "/", 5)["result"] == "reset"


def test_http_blockpage(scenario: LabHandle) -> None:
    scenario.switch("http-blockpage")
    page = scenario.probe("http", scenario.info.web_ip, 80, BLOCKED, "/", 5)
    assert page["status"] == 403 and "Access denied" in str(page["body"])
    real = scenario.probe("http", scenario.info.web_ip, 80, BENIGN, "/", 5)
    assert real["status"] == 200 and "Welcome to benign.byway.test" in str(real["body"])
    # A censor cannot forge a page inside TLS: the blocked name's handshake is cut instead.
    assert scenario.probe("tls", scenario.info.web_ip, 443, BLOCKED, 5)["result"] != "ok"
    assert scenario.probe("tls", scenario.info.web_ip, 443, BENIGN, 5)["result"] == "ok"


def test_throttle_slows_only_the_blocked_name(scenario: LabHandle) -> None:
    scenario.switch("throttle")
    slow = scenario.probe("rate", scenario.info.web_ip, 80, BLOCKED, "/big", 2)
    fast = scenario.probe("rate", scenario.info.web_ip, 80, BENIGN, "/big", 2)
    assert float(slow["kbit_s"]) < 300  # type: ignore[arg-type]
    assert float(fast["kbit_s"]) > 2000  # type: ignore[arg-type]


def test_udp_block_spares_dns(scenario: LabHandle) -> None:
    scenario.switch("udp-block")
    assert scenario.probe("udp", *scenario.info.udp_echo, 2)["result"] == "timeout"
    assert scenario.probe("dns", BENIGN, 3, 0.2)["result"] == "ok"
    assert scenario.probe("tcp", scenario.info.web_ip, 443, 2)["result"] == "ok"


def test_stateful_blocking_outlives_the_trigger(scenario: LabHandle) -> None:
    scenario.switch("stateful")
    ip = scenario.info.web_ip
    assert scenario.probe("tls", ip, 443, BLOCKED, 5)["result"] == "reset"
    # Same client, server and port: blocked even with a benign name ...
    assert scenario.probe("tls", ip, 443, BENIGN, 5)["result"] in ("refused", "reset")
    # ... but another port of the same server is not part of the 3-tuple.
    assert scenario.probe("http", ip, 80, BENIGN, "/", 5)["status"] == 200
    time.sleep(16)
    assert scenario.probe("tls", ip, 443, BENIGN, 5)["result"] == "ok"


def test_shutdown_cuts_everything(scenario: LabHandle) -> None:
    scenario.switch("shutdown")
    assert scenario.probe("dns", BENIGN, 2, 0.2)["result"] == "timeout"
    assert scenario.probe("tcp", scenario.info.web_ip, 443, 2)["result"] == "timeout"
    assert scenario.probe("udp", *scenario.info.udp_echo, 2)["result"] == "timeout"


def test_switching_back_to_open_restores_everything(scenario: LabHandle) -> None:
    scenario.switch("country-like-iran-2022")
    scenario.switch("open")
    assert scenario.probe("tls", scenario.info.web_ip, 443, BLOCKED, 5)["result"] == "ok"
    assert scenario.probe("dns", OTHER, 3, 0.2)["replies"][0]["addrs"] == [scenario.info.web2_ip]  # type: ignore[index]
