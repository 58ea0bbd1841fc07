"""Reading the world's JSON: typed values out, and errors that name the key."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from byway.servers.dns_zone import DnsBehaviour
from byway.servers.web_routes import Blockpage, Page, Redirect, Trickle
from byway.servers.web_server import SniBehaviour
from byway.servers.world_config import Listen, WorldConfigError, parse_world_config


def test_a_full_config_reads_into_typed_values(tmp_path: Path) -> None:
    raw: dict[str, Any] = {
        "zone": {
            "ttl": 30,
            "names": {"Example.org": ["10.0.0.1", "fd00::1"], "www.example.org": {"cname": "example.org"}},
        },
        "dns": {
            "listen": ["127.0.0.1:53", "[::1]:5353"],
            "rules": {"x.test": {"behaviour": "race", "forged": ["10.9.9.9"]}},
        },
        "sites": {
            "Example.org": {
                "routes": {
                    "/": {"kind": "page", "title": "Hi", "headers": {"X-A": "1"}},
                    "/old": {"kind": "redirect", "location": "/"},
                    "/slow": {"kind": "trickle", "interval_s": 0.1},
                },
                "fallback": {"kind": "blockpage", "status": 403},
            }
        },
        "http": {"listen": ["127.0.0.1:80"]},
        "doh": {"sites": ["dns.test"]},
    }
    config = parse_world_config(raw, base_dir=tmp_path)
    assert config.zone.ttl == 30
    entry = config.zone.lookup("example.org")
    assert entry is not None and entry.a == ("10.0.0.1",) and entry.aaaa == ("fd00::1",)
    assert config.dns_listen == (Listen("127.0.0.1", 53), Listen("::1", 5353))
    assert config.dns_rules["x.test"].behaviour is DnsBehaviour.RACE
    site = config.sites["example.org"]
    assert site.route_for("/") == Page(title="Hi", headers=(("X-A", "1"),))
    assert isinstance(site.route_for("/old"), Redirect)
    assert site.route_for("/slow") == Trickle(interval_s=0.1)
    assert isinstance(site.route_for("/other"), Blockpage)
    assert config.https is None and config.doh is not None and config.doh.path == "/dns-query"


def test_https_needs_certificates_and_reads_sni_rules(tmp_path: Path) -> None:
    from byway.servers.ca import make_ca, write_ca

    write_ca(make_ca("CA"), tmp_path)
    raw = {
        "sites": {"a.test": {}, "*": {}},
        "https": {
            "listen": ["127.0.0.1:0"],
            "ca": {"cert": "ca.pem", "key": "ca.key"},
            "sni_rules": {"A.test": "stall"},
        },
    }
    https = parse_world_config(raw, base_dir=tmp_path).https
    assert https is not None
    assert [c.dns_names for c in https.certificates] == [("a.test",), ()]
    assert https.certificates[1].ip_addresses == ("127.0.0.1",)
    assert https.sni_rules == {"a.test": SniBehaviour.STALL}
    with pytest.raises(WorldConfigError, match="https: needs"):
        parse_world_config({"https": {"listen": []}}, base_dir=tmp_path)


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        ({"dns": {"rules": {"x.test": {"behaviour": "shout"}}}}, "dns.rules.x.test"),
        ({"dns": {"listen": ["localhost"]}}, "dns.listen"),
        ({"zone": {"names": {"a.test": ["not an ip"]}}}, "zone.names.a.test"),
        ({"sites": {"a.test": {"routes": {"/": {"kind": "teleport"}}}}}, "sites.a.test.routes./.kind"),
        (
            {"sites": {"a.test": {"routes": {"/": {"kind": "page", "colour": "red"}}}}},
            "sites.a.test.routes./",
        ),
        ({"https": {"sni_rules": {}, "tls": 1}}, "https: unknown"),
        ({"typo": {}}, "$: unknown"),
    ],
)
def test_errors_name_the_key(raw: dict[str, Any], where: str, tmp_path: Path) -> None:
    with pytest.raises(WorldConfigError, match=f"^{re.escape(where)}"):
        parse_world_config(raw, base_dir=tmp_path)
