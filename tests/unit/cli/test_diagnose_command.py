"""`byway diagnose` run as a real process against the loopback world."""

from __future__ import annotations

import asyncio
import json
import os
import sys

from byway.servers.dns_zone import DnsBehaviour, DnsRule
from tests.support.world import PUBLIC_RANGES, loopback_world


def _env(tmp_path):
    env = dict(os.environ)
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_CACHE_HOME=str(tmp_path / "xdg-cache"),
        XDG_STATE_HOME=str(tmp_path / "xdg-state"),
        BYWAY_PUBLIC_RANGES=PUBLIC_RANGES,
    )
    return env


async def _byway(env, *args, stdin=b""):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "byway",
        *args,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin), 120)
    return process.returncode, out.decode(), err.decode()


def _diagnose_args(world, *extra):
    return [
        "diagnose",
        "--no-system-resolver",
        "--resolver",
        f"127.0.0.1:{world.isp_dns.port}",
        "--no-doh",
        "--test-helper",
        f"http://127.0.0.1:{world.helper.port}/",
        "--timeout",
        "2",
        "--no-tor",
        *extra,
    ]


def test_json_lines_are_ooni_measurements_then_a_summary(tmp_path):
    env = _env(tmp_path)

    async def run():
        rules = {"blocked.test": DnsRule(DnsBehaviour.NXDOMAIN)}
        async with loopback_world(tmp_path, rules) as world:
            env["SSL_CERT_FILE"] = str(world.ca_file)
            return await _byway(
                env,
                "--portable",
                str(tmp_path / "stick"),
                *_diagnose_args(
                    world, world.url("site.test"), world.url("blocked.test"), "--json", "--accept-risks"
                ),
            )

    code, out, err = asyncio.run(run())
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 3
    by_input = {m["input"]: m for m in lines[:2]}
    blocked = next(m for url, m in by_input.items() if "blocked.test" in url)
    ok = next(m for url, m in by_input.items() if "site.test" in url)
    for measurement in (blocked, ok):
        assert measurement["test_name"] == "web_connectivity"
        assert measurement["data_format_version"] == "0.2.0"
        assert measurement["probe_ip"] == "127.0.0.1"
        assert measurement["software_name"] == "byway"
    assert blocked["test_keys"]["blocking"] == "dns"
    assert blocked["test_keys"]["accessible"] is False
    assert ok["test_keys"]["blocking"] is False
    assert ok["test_keys"]["accessible"] is True
    assert "summary" in json.dumps(lines[2]).lower() or lines[2]
    # Consent was remembered on the stick, not in the home folder.
    assert (tmp_path / "stick").exists()
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").rglob("*"))


def test_no_probe_without_consent_and_consent_is_remembered(tmp_path):
    env = _env(tmp_path)

    async def run():
        async with loopback_world(tmp_path) as world:
            env["SSL_CERT_FILE"] = str(world.ca_file)
            args = _diagnose_args(world, world.url("site.test"))
            refused = await _byway(env, *args)
            agreed = await _byway(env, *args, "--accept-risks")
            remembered = await _byway(env, *args)
            return refused, agreed, remembered

    (code1, out1, err1), (code2, out2, _), (code3, out3, err3) = asyncio.run(run())
    assert code1 == 3
    assert "Anyone who watches this connection" in err1
    assert out1 == ""
    assert code2 == 0 and "site.test" in out2
    assert code3 == 0 and "site.test" in out3
    assert "Anyone who watches" not in err3


def test_a_bad_url_is_refused_in_plain_words(tmp_path):
    code, _, err = asyncio.run(_byway(_env(tmp_path), "diagnose", "ftp://example.org/", "--accept-risks"))
    assert code == 2
    assert "Only http:// and https://" in err
