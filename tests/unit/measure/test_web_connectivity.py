"""The whole per-target measurement, from real traffic on loopback, judged by the analysis.

Loopback can give the probe and the control different *resolvers* (the probe asks the "ISP" name
server, the control a clean one), so every DNS technique is produced here end to end. Techniques
that need a different network *path* for the probe (black holes, resets, SNI filtering) are
produced through a real censor in tests/integration/lab.
"""

from __future__ import annotations

import asyncio

from byway.analyze.addresses import AddressPolicy
from byway.analyze.analysis import analyze_observation
from byway.analyze.findings import Sign, Technique
from byway.analyze.fingerprints import load_fingerprints
from byway.analyze.words import describe
from byway.measure.diagnosis import run_diagnosis
from byway.measure.observations import DnsEngine, SniRole, Target
from byway.servers.dns_zone import DnsBehaviour, DnsRule
from byway.servers.web_routes import Blockpage, Site
from byway.servers.web_server import SniBehaviour, start_web_server
from tests.support.world import BOGON, PUBLIC_RANGES, loopback_world

POLICY = AddressPolicy.with_public_ranges([PUBLIC_RANGES])


def _measure(tmp_path, urls_for, isp_rules=None, **world_kwargs):
    async def run():
        async with loopback_world(tmp_path, isp_rules, **world_kwargs) as world:
            targets = [Target(u) for u in urls_for(world)]
            diagnosis = await run_diagnosis(targets, world.settings(**world_kwargs.get("settings", {})))
            return world, diagnosis

    world_kwargs_for_world = {k: v for k, v in world_kwargs.items() if k != "settings"}
    world_kwargs.clear()
    world_kwargs.update(world_kwargs_for_world)
    return asyncio.run(run())


def _analyze(observation):
    return analyze_observation(observation, policy=POLICY, fingerprints=load_fingerprints())


def test_an_open_site_is_accessible_over_http_and_https(tmp_path):
    _, diagnosis = _measure(tmp_path, lambda w: [w.url("site.test"), w.url("news.test", https=True)])
    for observation in diagnosis.observations:
        result = _analyze(observation)
        assert observation.control_failure is None
        assert (result.verdict.blocking, result.verdict.accessible) == (False, True), observation
        assert not [f for f in result.findings if f.is_interference]
    https = diagnosis.observations[1]
    roles = {h.role: h for h in https.tls_handshakes}
    assert roles[SniRole.REAL].failure is None
    assert roles[SniRole.BENIGN].handshake_completed
    assert SniRole.NONE not in roles  # only tried when the real name fails


def test_nxdomain_from_the_isp_resolver_is_dns_blocking(tmp_path):
    rules = {"blocked.test": DnsRule(DnsBehaviour.NXDOMAIN)}
    _, diagnosis = _measure(tmp_path, lambda w: [w.url("blocked.test")], rules)
    result = _analyze(diagnosis.observations[0])
    assert result.verdict.blocking == "dns"
    assert result.verdict.accessible is False
    assert result.verdict.dns_experiment_failure == "dns_nxdomain_error"
    assert Technique.DNS_BLOCKING in {f.technique for f in result.findings}


def test_a_bogon_answer_is_dns_injection_named_as_a_bogon(tmp_path):
    rules = {"blocked.test": DnsRule(DnsBehaviour.LIE, forged=(BOGON,))}
    _, diagnosis = _measure(tmp_path, lambda w: [w.url("blocked.test")], rules)
    result = _analyze(diagnosis.observations[0])
    assert result.verdict.blocking == "dns"
    injections = [f for f in result.findings if f.technique is Technique.DNS_INJECTION]
    assert injections and injections[0].evidence.sign is Sign.BOGON
    text = describe(injections[0])
    assert BOGON in text and "127.0.0.1" in text


def test_a_forged_reply_racing_the_genuine_one_is_caught_by_listening(tmp_path):
    rules = {"blocked.test": DnsRule(DnsBehaviour.RACE, forged=("127.0.0.9",), race_delay_s=0.05)}
    _, diagnosis = _measure(tmp_path, lambda w: [w.url("blocked.test")], rules)
    observation = diagnosis.observations[0]
    udp = observation.query(DnsEngine.UDP)
    assert udp is not None and udp.addresses == ("127.0.0.9",)
    result = _analyze(observation)
    signs = {f.evidence.sign for f in result.findings if f.technique is Technique.DNS_INJECTION}
    assert Sign.RACING_REPLY in signs


def test_a_dns_redirect_to_a_blockpage_is_found_and_the_blockpage_named(tmp_path):
    # A real blockpage text from OONI's fingerprints (Iran's national blockpage iframe).
    body = (
        "<html><head><title>Blocked</title></head><body>"
        '<iframe src="http://10.10.34.34?type=Invalid Site&policy=MainPolicy"></iframe></body></html>'
    )

    async def run():
        async with loopback_world(tmp_path) as world:
            blockpage = await start_web_server(
                "127.0.0.2", world.http.port, {"*": Site({"*": Blockpage(body)})}
            )
            try:
                world.isp_dns.set_rules({"blocked.test": DnsRule(DnsBehaviour.LIE, forged=("127.0.0.2",))})
                return await run_diagnosis([Target(world.url("blocked.test"))], world.settings())
            finally:
                await blockpage.close()

    diagnosis = asyncio.run(run())
    observation = diagnosis.observations[0]
    assert observation.http is not None and observation.http.response is not None
    assert b"10.10.34.34" in observation.http.response.body
    result = _analyze(observation)
    assert result.verdict.blocking == "dns"
    blockpages = [f for f in result.findings if f.technique is Technique.HTTP_BLOCKPAGE]
    assert blockpages, result.findings
    assert "IR" in blockpages[0].evidence.countries


def test_a_site_that_is_down_for_the_control_too_is_not_censorship(tmp_path):
    _, diagnosis = _measure(tmp_path, lambda w: ["http://site.test:1/"])
    result = _analyze(diagnosis.observations[0])
    assert (result.verdict.blocking, result.verdict.accessible) == (False, False)
    assert not [f for f in result.findings if f.is_interference]


def test_sni_reset_fails_the_real_name_while_a_benign_name_completes(tmp_path):
    _, diagnosis = _measure(
        tmp_path,
        lambda w: [w.url("blocked.test", https=True)],
        sni_rules={"blocked.test": SniBehaviour.RESET},
    )
    handshakes = {h.role: h for h in diagnosis.observations[0].tls_handshakes}
    assert handshakes[SniRole.BENIGN].handshake_completed
    assert handshakes[SniRole.REAL].failure == "connection_reset"
    assert handshakes[SniRole.NONE].handshake_completed


def test_doh_resolves_through_the_https_endpoint(tmp_path):
    async def run():
        async with loopback_world(tmp_path) as world:
            return await run_diagnosis(
                [Target(world.url("site.test"))], world.settings(doh_url=world.doh_url)
            )

    doh = asyncio.run(run()).observations[0].query(DnsEngine.DOH)
    assert doh is not None and doh.failure is None
    assert doh.addresses == ("127.0.0.1",)
