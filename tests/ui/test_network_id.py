"""The network id: stable for one network, different for another, salted, never an address."""

from __future__ import annotations

from pathlib import Path

from byway.ui.network_id import DEFAULT_ID, default_gateway, network_id, resolvers

ROUTES = """Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0
eth0\t0002A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
"""


def test_resolvers_and_gateway_are_read(tmp_path: Path) -> None:
    conf = tmp_path / "resolv.conf"
    conf.write_text("# comment\nsearch lan\nnameserver 192.168.2.1\nnameserver 9.9.9.9\n")
    routes = tmp_path / "route"
    routes.write_text(ROUTES)
    assert resolvers(conf) == ("192.168.2.1", "9.9.9.9")
    assert default_gateway(routes) == "192.168.2.1"
    assert resolvers(tmp_path / "missing") == () and default_gateway(tmp_path / "missing") == ""


def test_the_id_is_stable_salted_and_holds_no_address() -> None:
    here = network_id("salt", ("192.168.2.1",), "192.168.2.1")
    assert here == network_id("salt", ("192.168.2.1",), "192.168.2.1")
    assert here != network_id("salt", ("10.0.0.1",), "10.0.0.1")
    assert here != network_id("other-salt", ("192.168.2.1",), "192.168.2.1")
    assert here.startswith("net-") and "192" not in here and len(here) == 20
    assert network_id("salt", (), "") == DEFAULT_ID
