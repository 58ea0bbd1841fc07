"""Whatever the observation and whichever of its addresses is the user's, the export never leaks it."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from byway.analyze import examples as ex
from byway.analyze.analysis import analyze_observation
from byway.measure.observations import Observation
from byway.report import ooni

EXAMPLES = [
    ex.accessible(),
    ex.dns_blocking(),
    ex.dns_bogon_injection(),
    ex.dns_known_injector(),
    ex.dns_racing_reply(),
    ex.dns_differs(),
    ex.ip_blackhole(),
    ex.tcp_reset_on_connect(),
    ex.tcp_reset_after_data(),
    ex.sni_filtering(),
    ex.tls_interference(),
    ex.http_blockpage(),
    ex.http_diff(),
    ex.http_failure(),
    ex.site_down(),
    ex.doh_blocked(),
    ex.paced(),
]
ADDRESSES = [ex.REAL_IP, ex.BOGON_IP, ex.CN_INJECTOR_IP, ex.OTHER_IP, "8.8.8.8"]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(EXAMPLES), st.sampled_from(ADDRESSES), st.lists(st.sampled_from(ADDRESSES), max_size=2)
)
def test_export_never_contains_a_scrubbed_address(
    observation: Observation, user_ip: str, extra: list[str]
) -> None:
    context = ooni.ProbeContext(probe_ip=user_ip, scrub=tuple(extra))
    document = ooni.measurement(
        analyze_observation(observation), context, report_id="r", test_start_time=ex.STARTED_AT
    )
    text = json.dumps(document)
    for address in (user_ip, *extra):
        assert f'"{address}' not in text and f"{address}:" not in text and f" {address}" not in text
    assert document["probe_ip"] == "127.0.0.1"
