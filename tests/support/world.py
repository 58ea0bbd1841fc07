"""A small uncensored-and-censored world on loopback, built from Byway's own servers.

Two name servers: the "ISP" resolver the probe asks (with censor rules) and a clean one the test
helper uses. An HTTP and an HTTPS server (a test CA, trusted through SSL_CERT_FILE) serve the sites;
the HTTPS server also serves DNS-over-HTTPS from the clean zone; Byway's own test helper is the
control. Every address is in 127.0.0.0/8.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from byway.measure.observations import Endpoint
from byway.measure.settings import ProbeSettings
from byway.servers.ca import issue, make_ca, write_ca
from byway.servers.dns_server import DnsAuthority, DnsServer, start_dns_server
from byway.servers.dns_zone import DnsRule, Zone
from byway.servers.doh_server import doh_route
from byway.servers.web_routes import Page, Route, Site
from byway.servers.web_server import SniBehaviour, TlsConfig, WebServer, start_web_server
from byway.testhelper.server import HelperConfig, TestHelperServer

# The lab-like rule: 127.0.0.0/9 stands for "the public Internet"; anything else in 127/8 is a
# bogon, which lets tests forge a bogon answer without leaving loopback.
PUBLIC_RANGES = "127.0.0.0/9"
BOGON = "127.200.0.1"

NAMES = ("site.test", "news.test", "blocked.test", "other.test", "dns.test")


@dataclass
class LoopbackWorld:
    isp_dns: DnsServer
    clean_dns: DnsServer
    http: WebServer
    https: WebServer
    helper: TestHelperServer
    ca_file: Path
    extra: list[object] = field(default_factory=list)

    def url(self, name: str, *, https: bool = False, path: str = "/") -> str:
        port = self.https.port if https else self.http.port
        return f"{'https' if https else 'http'}://{name}:{port}{path}"

    @property
    def doh_url(self) -> str:
        """By address: nothing on loopback resolves the DoH server's own name."""
        return f"https://127.0.0.1:{self.https.port}/dns-query"

    def settings(self, **overrides: object) -> ProbeSettings:
        base: dict[str, object] = dict(
            use_system_resolver=False,
            resolver=Endpoint("127.0.0.1", self.isp_dns.port),
            doh_url=None,
            test_helper=f"http://127.0.0.1:{self.helper.port}/",
            dns_timeout_s=1.0,
            tcp_timeout_s=1.5,
            tls_timeout_s=1.5,
            http_timeout_s=2.0,
            control_timeout_s=8.0,
            udp_listen_s=0.2,
            residual_window_s=0.0,
            shuffle_seed=1,
        )
        base.update(overrides)
        return ProbeSettings(**base)  # type: ignore[arg-type]


def default_sites() -> dict[str, Site]:
    page = Page(
        title="Welcome to the example site",
        body="<p>" + "real content " * 200 + "</p>",
        headers=(("X-Site-Id", "real"),),
    )
    return {name: Site({"*": page}) for name in NAMES} | {"*": Site({"*": page})}


@contextlib.asynccontextmanager
async def loopback_world(
    tmp_path: Path,
    isp_rules: Mapping[str, DnsRule] | None = None,
    *,
    sites: Mapping[str, Site] | None = None,
    routes: Mapping[str, Route] | None = None,
    sni_rules: Mapping[str, SniBehaviour] | None = None,
    isp_zone: Mapping[str, list[str]] | None = None,
) -> AsyncIterator[LoopbackWorld]:
    """Start everything on 127.0.0.1 with ephemeral ports; SSL_CERT_FILE is set for the duration."""
    zone = Zone.of({name: ["127.0.0.1"] for name in NAMES})
    ca = make_ca("Byway test CA")
    ca_files = write_ca(ca, tmp_path)
    cert = issue(ca, list(NAMES), ["127.0.0.1"])
    all_sites = dict(sites or default_sites())
    if routes:
        all_sites = {name: Site({**site.routes, **routes}) for name, site in all_sites.items()}
    clean = DnsAuthority(zone)
    doh = doh_route(clean)
    all_sites = {name: Site({**site.routes, "/dns-query": doh}) for name, site in all_sites.items()}
    previous = os.environ.get("SSL_CERT_FILE")
    os.environ["SSL_CERT_FILE"] = str(ca_files.cert_path)
    started: list[object] = []
    try:
        isp_dns = await start_dns_server(
            "127.0.0.1", 0, Zone.of(isp_zone) if isp_zone else zone, isp_rules or {}
        )
        started.append(isp_dns)
        clean_dns = await start_dns_server("127.0.0.1", 0, zone, authority=clean)
        started.append(clean_dns)
        http = await start_web_server("127.0.0.1", 0, all_sites)
        started.append(http)
        https = await start_web_server(
            "127.0.0.1", 0, all_sites, TlsConfig([cert], sni_rules or {}, handshake_timeout_s=3.0)
        )
        started.append(https)
        helper = TestHelperServer(
            HelperConfig(
                step_timeout_s=1.5, request_timeout_s=8.0, resolver=Endpoint("127.0.0.1", clean_dns.port)
            )
        )
        await helper.start("127.0.0.1", 0)
        started.append(helper)
        yield LoopbackWorld(isp_dns, clean_dns, http, https, helper, ca_files.cert_path)
    finally:
        for server in reversed(started):
            await server.close()  # type: ignore[attr-defined]
        if previous is None:
            os.environ.pop("SSL_CERT_FILE", None)
        else:
            os.environ["SSL_CERT_FILE"] = previous
