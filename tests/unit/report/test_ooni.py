"""OONI measurement export: the base fields, the web_connectivity keys, scrubbing."""

import json
from dataclasses import replace
from typing import Any

import pytest

from byway import __version__
from byway.analyze import examples as ex
from byway.analyze.analysis import analyze_diagnosis, analyze_observation
from byway.measure.observations import Observation
from byway.report import ooni
from byway.report.scrub import SCRUBBED, ScrubbingFailed

BASE_KEYS = {
    "annotations",
    "data_format_version",
    "extensions",
    "input",
    "measurement_start_time",
    "probe_asn",
    "probe_cc",
    "probe_ip",
    "probe_network_name",
    "report_id",
    "resolver_asn",
    "resolver_ip",
    "resolver_network_name",
    "software_name",
    "software_version",
    "test_helpers",
    "test_keys",
    "test_name",
    "test_runtime",
    "test_start_time",
    "test_version",
}
VERDICT_KEYS = {
    "dns_consistency",
    "dns_experiment_failure",
    "http_experiment_failure",
    "control_failure",
    "body_length_match",
    "body_proportion",
    "status_code_match",
    "headers_match",
    "title_match",
    "blocking",
    "accessible",
}
USER_IP = "198.51.100.23"


def export(observation: Observation | None = None, context: ooni.ProbeContext | None = None) -> Any:
    result = analyze_observation(observation or ex.ip_blackhole())
    return ooni.measurement(
        result,
        context or ooni.ProbeContext(probe_ip=USER_IP),
        report_id="20260102T030405Z_webconnectivity_ZZ_0_n1_test",
        test_start_time=ex.STARTED_AT,
        test_helper="https://0.th.ooni.org/",
    )


def test_base_fields() -> None:
    document = export()
    assert set(document) == BASE_KEYS
    assert document["data_format_version"] == "0.2.0"
    assert document["measurement_start_time"] == "2026-01-02 03:04:05"
    assert document["probe_asn"] == "AS0" and document["probe_cc"] == "ZZ"
    assert document["probe_ip"] == "127.0.0.1"
    assert document["software_name"] == "byway" and document["software_version"] == __version__
    assert document["test_name"] == "web_connectivity"
    assert document["input"] == "https://example.org/"
    json.dumps(document)  # JSON-ready


def test_web_connectivity_keys() -> None:
    keys = export()["test_keys"]
    assert isinstance(keys, dict)
    assert set(keys) >= VERDICT_KEYS
    assert keys["blocking"] == "tcp_ip" and keys["accessible"] is False
    assert keys["tcp_connect"] == [
        {
            "ip": "93.184.215.14",
            "port": 443,
            "status": {"success": False, "failure": "generic_timeout_error", "blocked": True},
            "t": 0.05,
        }
    ]
    query = keys["queries"][0]
    assert query["engine"] == "getaddrinfo"
    assert query["answers"] == [
        {"answer_type": "A", "ipv4": "93.184.215.14", "asn": 15133, "as_org_name": ""}
    ]
    assert keys["control"]["tcp_connect"]["93.184.215.14:443"] == {"status": True, "failure": None}
    assert keys["x_byway_findings"][0]["technique"] == "ip_blackhole"


def test_verdict_keys_of_an_accessible_site() -> None:
    keys = export(ex.accessible())["test_keys"]
    assert (keys["blocking"], keys["accessible"], keys["dns_consistency"]) == (False, True, "consistent")
    assert keys["tls_handshakes"][0]["address"] == "93.184.215.14:443"
    assert keys["requests"][0]["response"]["code"] == 200


def test_user_ip_is_scrubbed_everywhere() -> None:
    url = "http://example.org/"
    page = ex.response(url, body=f"Your address: {USER_IP}".encode(), headers=(("X-Client-IP", USER_IP),))
    observation = ex.observation(url, http=ex.fetch(url, page=page))
    text = json.dumps(export(observation))
    assert USER_IP not in text
    assert SCRUBBED in text


def test_configured_addresses_are_scrubbed() -> None:
    context = ooni.ProbeContext(probe_ip=USER_IP, scrub=("93.184.215.14",))
    text = json.dumps(export(ex.accessible(), context))
    assert "93.184.215.14" not in text


def test_refuses_to_emit_when_scrubbing_fails() -> None:
    url = "http://example.org/?ip=2001%3Adb8%3A%3A5"
    observation = replace(
        ex.observation("http://example.org/"), target=replace(ex.accessible().target, url=url)
    )
    with pytest.raises(ScrubbingFailed):
        export(observation, ooni.ProbeContext(probe_ip="2001:db8::5"))


def test_measurements_and_summary_line() -> None:
    diagnosis = ex.diagnosis(
        (ex.accessible(), ex.dns_bogon_injection()), ex.relays(tcp_failure="generic_timeout_error")
    )
    analysis = analyze_diagnosis(diagnosis)
    context = ooni.ProbeContext(probe_ip=USER_IP)
    documents = list(ooni.measurements(analysis, context, report_id="r"))
    assert [d["input"] for d in documents] == ["https://example.org/", "https://example.org/"]
    line = ooni.summary_line(analysis, context, report_id="r")
    assert line["measurements"] == 2
    assert line["blocked"] == 1
    assert line["tor"] == "blocked_by_address"
    assert line["interfered_layers"] == ["dns"]
    json.dumps(line)


def test_report_id_shape() -> None:
    context = ooni.ProbeContext(probe_asn="AS1234", probe_cc="IR")
    assert ooni.report_id(ex.STARTED_AT, context, "xyz") == "20260102T030405Z_webconnectivity_IR_1234_n1_xyz"
