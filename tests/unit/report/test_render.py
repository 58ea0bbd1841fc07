"""The one-call edge the CLI uses: shipped fingerprints found through byway.resources."""

import json

from byway.analyze import examples as ex
from byway.analyze.addresses import AddressPolicy
from byway.measure.observations import Diagnosis
from byway.report.ooni import ProbeContext
from byway.report.render import render_json_lines, render_text


def diagnosis() -> Diagnosis:
    return ex.diagnosis((ex.http_blockpage(), ex.dns_known_injector()), ex.relays())


def test_json_lines_use_the_shipped_fingerprints() -> None:
    lines = list(render_json_lines(diagnosis(), AddressPolicy.standard(), token="t"))
    documents = [json.loads(line) for line in lines]
    assert len(documents) == 3
    assert documents[0]["report_id"] == "20260102T030405Z_webconnectivity_ZZ_0_n1_t"
    techniques = [f["evidence"]["fingerprint"] for f in documents[0]["test_keys"]["x_byway_findings"]]
    assert techniques == ["ooni.ae_3"]
    assert documents[2]["measurements"] == 2


def test_text_names_blockpage_and_injector_and_is_scrubbed() -> None:
    text = render_text(diagnosis(), context=ProbeContext(probe_ip="93.184.215.14"))
    assert "ooni.ae_3" in text and "ooni.cn_0" in text
    assert "93.184.215.14" not in text
