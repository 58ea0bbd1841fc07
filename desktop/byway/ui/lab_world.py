"""The real collaborators, pointed at the censorship lab instead of the Internet.

Everything is real (the diagnosis, the pre-checks, the advisor, tor and obfs4proxy, Moat); only the
addresses are the lab's: its resolver, DoH server and test helper, its directory authorities as the
relays to probe and as tor's private network, its obfs4 bridges as the built-in ones, its Moat. The
process must run inside the lab's client namespace (``byway lab exec``/``LabHandle.exec_inside``),
so every packet crosses the lab's censor. Used by the lab test of the whole window flow and by the
GUI benchmark.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from byway.ui.ports import (
    Collaborators,
    RealEvidence,
    load_real_advisor,
    moat_factory,
    tor_connector_factory,
)

if TYPE_CHECKING:
    from byway.lab.info import LabInfo
    from byway.store.locations import Locations
    from byway.transports.catalog import Catalog


def lab_collaborators(locations: Locations, info: LabInfo, *, timeout_s: float = 3.0) -> Collaborators:
    from byway.measure.diagnosis import run_diagnosis
    from byway.measure.observations import Endpoint
    from byway.measure.relays import Relay
    from byway.measure.settings import ProbeSettings
    from byway.targets import parse_url
    from byway.tor.connector import ConnectorOptions
    from byway.tor.strategy import ConnectTiming
    from byway.tor.torrc import DirectoryAuthority, TestNetwork
    from byway.transports.catalog import CatalogSource, catalog_from_pt_config
    from byway.ui.network_id import current_network_id

    relays = tuple(Relay(a.nickname, Endpoint(a.ip, a.or_port)) for a in info.authorities)
    settings = ProbeSettings(
        resolver=Endpoint(info.resolver_ip, 53),
        doh_url=info.doh_url,
        test_helper=info.helper_url,
        dns_timeout_s=min(4.0, timeout_s),
        tcp_timeout_s=timeout_s,
        tls_timeout_s=timeout_s,
        http_timeout_s=timeout_s,
        control_timeout_s=max(timeout_s * 3, 15.0),
        residual_window_s=0.0,
    )
    targets = tuple(
        parse_url(url)
        for url in (
            f"https://{info.blocked_name}/",
            f"http://{info.benign_name}/",
            f"https://{info.other_name}/",
        )
    )

    def catalog() -> Catalog:
        document = {"bridges": {"obfs4": list(info.obfs4_bridges)}}
        return catalog_from_pt_config(document, source=CatalogSource.SHIPPED, as_of=None)

    network = TestNetwork(
        tuple(
            DirectoryAuthority(a.nickname, a.ip, a.or_port, a.dir_port, a.v3ident, a.fingerprint)
            for a in info.authorities
        )
    )
    base = ConnectorOptions(test_network=network, timing=ConnectTiming(stall_s=8.0))
    advisor, advisor_missing = load_real_advisor(catalog=catalog)
    moat = moat_factory(locations, info.moat_url, timeout_s=4.0)
    return Collaborators(
        runner=run_diagnosis,
        advisor=advisor,
        connector=None,
        targets=targets,
        probe_settings=settings,
        relays=lambda: relays,
        advisor_missing=advisor_missing,
        connector_for=tor_connector_factory(locations, base),
        evidence=RealEvidence(catalog, lambda: relays, moat, timeout_s=4.0),
        moat=moat,
        network_id=current_network_id,
    )
