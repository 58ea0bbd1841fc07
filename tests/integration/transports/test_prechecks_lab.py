"""Pre-checks and the Moat client inside the censorship lab: real obfs4 handshakes through
obfs4proxy in managed mode, the vanilla bridge's TCP check, the direct check under the Tor block,
and Moat's answers and error codes at the lab's Moat URL."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from byway.lab.testing import LabHandle

pytestmark = [pytest.mark.lab]

PRECHECK = """
import asyncio, json, sys
from pathlib import Path
from byway.measure.observations import Endpoint
from byway.measure.relays import Relay
from byway.transports.bridge_line import parse_bridge_line
from byway.transports.precheck import run_prechecks
spec = json.loads(sys.argv[1])
relays = [Relay(n, Endpoint(ip, port)) for n, ip, port in spec["relays"]]
bridges = [parse_bridge_line(line) for line in spec["bridges"]]
checks = asyncio.run(run_prechecks(relays=relays, bridges=bridges, obfs4_binary=Path("/usr/bin/obfs4proxy"),
                                   timeout_s=spec["timeout"], check_tor=bool(relays)))
print(json.dumps([{"way": c.way.value, "bridge": None if c.bridge is None else str(c.bridge),
                   "reachable": c.reachable, "method": c.method, "elapsed_s": c.elapsed_s,
                   "failure": c.failure} for c in checks]))
"""


def precheck(
    lab: LabHandle, *, relays: bool = False, bridges: tuple[str, ...] = (), timeout: float = 4.0
) -> list[dict[str, Any]]:
    info = lab.info
    spec = {
        "relays": [[a.nickname, a.ip, a.or_port] for a in info.authorities] if relays else [],
        "bridges": list(bridges),
        "timeout": timeout,
    }
    proc = lab.exec_inside([sys.executable, "-c", PRECHECK, json.dumps(spec)], timeout_s=60)
    assert proc.returncode == 0, proc.stderr
    result: list[dict[str, Any]] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def find(checks: list[dict[str, Any]], bridge: str | None, method: str) -> dict[str, Any]:
    from byway.transports.bridge_line import parse_bridge_line

    canonical = None if bridge is None else str(parse_bridge_line(bridge))
    return next(c for c in checks if c["bridge"] == canonical and c["method"] == method)


def test_open_everything_reachable_with_real_obfs4_handshakes(scenario: LabHandle) -> None:
    info = scenario.info
    checks = precheck(scenario, relays=True, bridges=(*info.obfs4_bridges, info.vanilla_bridge))
    assert find(checks, None, "tcp+tls")["reachable"]
    for line in info.obfs4_bridges:
        shake = find(checks, line, "obfs4-handshake")
        assert shake["reachable"], shake
        assert shake["elapsed_s"] < 4
    assert find(checks, info.vanilla_bridge, "tcp")["reachable"]


def test_wrong_cert_fails_the_handshake_but_not_tcp(scenario: LabHandle) -> None:
    line = scenario.info.obfs4_bridges[0]
    cert = next(part for part in line.split() if part.startswith("cert="))
    wrong = line.replace(cert, "cert=" + "A" * 70)
    checks = precheck(scenario, bridges=(wrong,), timeout=4.0)
    assert find(checks, wrong, "tcp")["reachable"]
    shake = find(checks, wrong, "obfs4-handshake")
    assert not shake["reachable"] and shake["failure"] is not None
    print("wrong cert:", shake["failure"], round(shake["elapsed_s"], 2))


def test_strict_black_holed_bridge_times_out_the_other_completes(scenario: LabHandle) -> None:
    scenario.switch("strict")
    info = scenario.info
    checks = precheck(scenario, bridges=(*info.obfs4_bridges, info.vanilla_bridge), timeout=3.0)
    first = find(checks, info.obfs4_bridges[0], "obfs4-handshake")
    assert not first["reachable"] and first["failure"] == "generic_timeout_error"
    assert first["elapsed_s"] < 4.5
    assert not find(checks, info.obfs4_bridges[0], "tcp")["reachable"]
    assert find(checks, info.obfs4_bridges[1], "obfs4-handshake")["reachable"]
    assert not find(checks, info.vanilla_bridge, "tcp")["reachable"]


def test_tor_blocked_direct_check_fails_and_obfs4_works(scenario: LabHandle) -> None:
    scenario.switch("tor-blocked")
    info = scenario.info
    checks = precheck(scenario, relays=True, bridges=info.obfs4_bridges[1:], timeout=3.0)
    direct = find(checks, None, "tcp+tls")
    assert not direct["reachable"] and direct["failure"] == "generic_timeout_error"
    assert find(checks, info.obfs4_bridges[1], "obfs4-handshake")["reachable"]


MOAT = """
import asyncio, json, sys
from byway.transports.moat import MoatClient, MoatConfig
from byway.transports.moat_answers import MoatError
async def main():
    moat = MoatClient(MoatConfig(sys.argv[1], timeout_s=10))
    out = {}
    cn = await moat.settings("cn", ["obfs4"])
    out["cn"] = [[s.way.value, s.source, [str(b) for b in s.bridges]] for s in cn.suggestions]
    out["de"] = len((await moat.settings("de")).suggestions)
    out["countries"] = list(await moat.countries())
    catalog = await moat.builtin(["obfs4"])
    out["builtin"] = [[k, [str(b) for b in v]] for k, v in catalog.groups if k == "obfs4"]
    for name, call in (("406", moat.settings(None)), ("404", moat.settings("cn", ["snowflake"])),
                       ("400", moat._post("circumvention/settings", {"transports": 3}))):
        try:
            await call
            out[name] = None
        except MoatError as error:
            out[name] = [type(error).__name__, error.code]
    challenge = await moat.fetch_captcha()
    try:
        await moat.check_captcha(challenge, "wrong")
    except MoatError as error:
        out["419"] = [type(error).__name__, error.code]
    print(json.dumps(out))
asyncio.run(main())
"""


def test_moat_client_at_the_lab_moat_url(scenario: LabHandle) -> None:
    info = scenario.info
    proc = scenario.exec_inside([sys.executable, "-c", MOAT, info.moat_url], timeout_s=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["cn"] == [["obfs4", "bridgedb", [str(line) for line in info.obfs4_bridges]]]
    assert out["de"] == 0
    assert out["countries"] == ["by", "cn", "ir", "ru", "tm"]
    assert out["builtin"][0][1]
    assert out["406"] == ["MoatCountryUnknown", 406]
    assert out["404"] == ["MoatNoTransport", 404]
    assert out["400"] == ["MoatRequestMalformed", 400]
    assert out["419"] == ["MoatCaptchaWrong", 419]
