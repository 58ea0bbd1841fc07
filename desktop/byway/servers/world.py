"""The lab's world in one process: name servers, web servers (HTTP, HTTPS) and DoH from one file.

Run ``python -m byway.servers.world --config world.json``. Once every socket listens, one JSON line
goes to stdout, with the addresses actually bound (port 0 picks a free port)::

    {"event": "ready", "dns": ["10.0.2.53:53"], "http": ["10.0.2.10:80"], "https": ["10.0.2.10:443"]}

SIGTERM or SIGINT stops it (exit 0). SIGHUP re-reads the same file and applies the zone, the DNS and
DoH rules, the sites and the SNI rules (not listen addresses or certificates), then prints
``{"event": "reloaded"}``, or ``{"event": "reload_failed", "error": "..."}`` keeping the old ones.
A bad file at start prints the error to stderr and exits 2.

The configuration (every section optional; paths are relative to the file)::

    {
      "zone": {
        "ttl": 60,
        "names": {
          "example.org": ["10.0.2.10", "fd00::10"],        // A and AAAA, mixed
          "www.example.org": {"cname": "example.org"},
          "dns.example": {"addresses": ["10.0.2.53"]}
        }
      },
      "dns": {
        "listen": ["10.0.2.53:53", "[fd00::53]:53"],
        "rules": {                                         // name or "*.parent" -> rule
          "blocked.example": {"behaviour": "nxdomain"},
          "lied.example": {"behaviour": "lie", "forged": ["10.0.9.9"]},
          "raced.example": {"behaviour": "race", "forged": ["10.0.9.9"], "race_delay_s": 0.05}
        }                  // behaviours: answer nxdomain servfail refused no_answer drop lie race
      },                   //             duplicate malformed
      "sites": {                                           // Host/SNI name, or "*" for any other
        "example.org": {
          "routes": {                                      // "/p" exact, "/p/*" prefix, "*" any
            "/": {"kind": "page", "title": "Example", "body": "<p>Hello</p>",
                  "status": 200, "headers": {"X-Lab": "1"}, "chunked": false},
            "/old": {"kind": "redirect", "location": "https://example.org/", "status": 301},
            "/slow": {"kind": "trickle", "interval_s": 0.5},
            "/big": {"kind": "huge", "size": 1073741824},
            "/junk": {"kind": "garbage", "data": "not http"}
          },
          "fallback": {"kind": "blockpage", "body": "<h1>Blocked</h1>", "status": 403}
        }
      },
      "http": {"listen": ["10.0.2.10:80"]},
      "https": {
        "listen": ["10.0.2.10:443"],
        "certificates": [{"cert": "example.pem", "key": "example.key"}],  // names from the SAN
        "ca": {"cert": "ca.pem", "key": "ca.key"},   // or/and: issue a cert per site name and
                                                     // one for the listen IPs from this CA
        "sni_rules": {"blocked.example": "reset", "*.stalled.example": "stall"},
        "handshake_timeout_s": 10
      },
      "doh": {"sites": ["dns.example"], "path": "/dns-query", "rules": {}}
    }

(The ``//`` comments are for this page only: the file is plain JSON.) The DoH endpoint answers
from the same zone with its own ``rules`` (none: the uncensored control) and is mounted on the
listed sites of every web server. Make the CA files with :func:`byway.servers.ca.make_ca` and
:func:`~byway.servers.ca.write_ca`; clients trust it through ``SSL_CERT_FILE=ca.pem``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from byway.servers.dns_server import DnsAuthority, DnsServer, start_dns_server
from byway.servers.doh_server import doh_route
from byway.servers.web_routes import Site
from byway.servers.web_server import TlsConfig, WebServer, start_web_server
from byway.servers.world_config import WorldConfig, WorldConfigError, load_world_config


class World:
    """The running servers of one configuration, reconfigurable in place."""

    def __init__(self, config: WorldConfig) -> None:
        self.dns_authority = DnsAuthority(config.zone, config.dns_rules)
        self.doh_authority = DnsAuthority(config.zone, config.doh.rules if config.doh else {})
        self.dns: list[DnsServer] = []
        self.http: list[WebServer] = []
        self.https: list[WebServer] = []
        self._config = config

    @classmethod
    async def start(cls, config: WorldConfig) -> World:
        world = cls(config)
        try:
            sites = world._sites(config)
            for listen in config.dns_listen:
                server = await start_dns_server(
                    listen.host, listen.port, config.zone, authority=world.dns_authority
                )
                world.dns.append(server)
            for listen in config.http_listen:
                world.http.append(await start_web_server(listen.host, listen.port, sites))
            if config.https is not None:
                tls = TlsConfig(
                    config.https.certificates, config.https.sni_rules, config.https.handshake_timeout_s
                )
                for listen in config.https.listen:
                    world.https.append(await start_web_server(listen.host, listen.port, sites, tls))
        except BaseException:
            await world.close()
            raise
        return world

    def _sites(self, config: WorldConfig) -> dict[str, Site]:
        sites = dict(config.sites)
        if config.doh is not None:
            route = doh_route(self.doh_authority)
            for name in config.doh.sites:
                site = sites.get(name, Site())
                sites[name] = Site({**site.routes, config.doh.path: route}, site.fallback)
        return sites

    def reconfigure(self, config: WorldConfig) -> None:
        """Apply everything but listen addresses and certificates."""
        self.dns_authority.set_zone(config.zone)
        self.dns_authority.set_rules(config.dns_rules)
        self.doh_authority.set_zone(config.zone)
        self.doh_authority.set_rules(config.doh.rules if config.doh else {})
        sites = self._sites(config)
        for server in (*self.http, *self.https):
            server.set_sites(sites)
        for server in self.https:
            server.set_sni_rules(config.https.sni_rules if config.https else {})
        self._config = config

    def ready_event(self) -> dict[str, Any]:
        def addr(host: str, port: int) -> str:
            return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

        return {
            "event": "ready",
            "dns": [addr(s.address, s.port) for s in self.dns],
            "http": [addr(s.host, s.port) for s in self.http],
            "https": [addr(s.host, s.port) for s in self.https],
        }

    async def close(self) -> None:
        for server in self.dns:
            await server.close()
        for web in (*self.http, *self.https):
            await web.close()


def _say(out: TextIO, event: dict[str, Any]) -> None:
    out.write(json.dumps(event) + "\n")
    out.flush()


async def run_world(config_path: Path, *, out: TextIO = sys.stdout) -> None:
    """Serve until SIGTERM/SIGINT; reload from ``config_path`` on SIGHUP."""
    world = await World.start(load_world_config(config_path))
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def reload() -> None:
        try:
            world.reconfigure(load_world_config(config_path))
        except (WorldConfigError, ValueError) as error:
            _say(out, {"event": "reload_failed", "error": str(error)})
            return
        _say(out, {"event": "reloaded"})

    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGHUP, reload)
    try:
        _say(out, world.ready_event())
        await stop.wait()
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            loop.remove_signal_handler(signum)
        await world.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m byway.servers.world", description=__doc__.split("\n")[0])
    parser.add_argument("--config", type=Path, required=True, help="the world's JSON configuration")
    args = parser.parse_args(argv)
    try:
        asyncio.run(run_world(args.config))
    except WorldConfigError as error:
        print(f"byway world: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a listen address that cannot be bound
        print(f"byway world: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
