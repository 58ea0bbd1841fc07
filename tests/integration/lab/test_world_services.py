"""The world's services seen from inside: Moat (with its captcha) and the OONI test helper."""

from __future__ import annotations

import base64
import json
import struct
import zlib

import pytest

from byway.lab import status
from byway.lab.captcha import _GLYPHS, SCALE
from byway.lab.testing import LabHandle

pytestmark = pytest.mark.lab

FETCH = {"data": [{"version": "0.1.0", "type": "client-transports", "supported": ["obfs4"]}]}


def post(lab: LabHandle, url: str, body: object, content_type: str = "application/json") -> dict[str, object]:
    code = (
        "import json, sys, urllib.request\n"
        "req = urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), "
        "headers={'Content-Type': sys.argv[3]})\n"
        "print(urllib.request.urlopen(req, timeout=10).read().decode())\n"
    )
    proc = lab.exec_inside(["python3", "-c", code, url, json.dumps(body), content_type])
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def read_captcha(image_b64: str) -> str:
    """Decode the lab's own PNG captcha (a test can, a bot in the wild could not do it this easily)."""
    png = base64.b64decode(image_b64)
    width, height = struct.unpack("!II", png[16:24])
    idat_len = struct.unpack("!I", png[33:37])[0]
    raw = zlib.decompress(png[41 : 41 + idat_len])
    rows = [raw[y * (width + 1) + 1 : (y + 1) * (width + 1)] for y in range(height)]
    digits = (width // SCALE - 1) // 4
    text = ""
    for index in range(digits):
        cells = tuple(
            "".join(
                "1" if rows[(r + 1) * SCALE][(index * 4 + c + 1) * SCALE] < 128 else "0" for c in range(3)
            )
            for r in range(5)
        )
        text += next(digit for digit, glyph in _GLYPHS.items() if glyph == cells)
    return text


def test_moat_settings_and_errors(lab: LabHandle) -> None:
    base = lab.info.moat_url
    settings = post(lab, base + "circumvention/settings", {"country": "cn", "transports": ["obfs4"]})
    bridges = settings["settings"][0]["bridges"]  # type: ignore[index]
    assert bridges["type"] == "obfs4" and bridges["bridge_strings"] == list(lab.info.obfs4_bridges)
    assert post(lab, base + "circumvention/settings", {})["errors"][0]["code"] == 406  # type: ignore[index]
    assert post(lab, base + "circumvention/settings", {"country": "de"})["settings"] == []
    nothing = post(lab, base + "circumvention/settings", {"country": "cn", "transports": ["snowflake"]})
    assert nothing["errors"][0]["code"] == 404  # type: ignore[index]
    assert post(lab, base + "fetch", FETCH)["errors"][0]["code"] == 415  # type: ignore[index]


def test_moat_captcha_flow(lab: LabHandle) -> None:
    base, jsonapi = lab.info.moat_url, "application/vnd.api+json"
    challenge = post(lab, base + "fetch", FETCH, jsonapi)["data"][0]  # type: ignore[index]
    solution = {
        "id": "2",
        "type": "moat-solution",
        "version": "0.1.0",
        "transport": "obfs4",
        "qrcode": "false",
    }
    wrong = {"data": [{**solution, "challenge": challenge["challenge"], "solution": "nope"}]}
    assert post(lab, base + "check", wrong, jsonapi)["errors"][0]["code"] == 419  # type: ignore[index]
    challenge = post(lab, base + "fetch", FETCH, jsonapi)["data"][0]  # type: ignore[index]
    right = json.loads(json.dumps(wrong))
    right["data"][0].update(challenge=challenge["challenge"], solution=read_captcha(challenge["image"]))
    answer = post(lab, base + "check", right, jsonapi)["data"][0]  # type: ignore[index]
    assert answer["bridges"] == list(lab.info.obfs4_bridges)


def test_test_helper_is_the_uncensored_control(scenario: LabHandle) -> None:
    assert status().helper_problem is None, f"the lab's test helper is not running: {status().helper_problem}"
    scenario.switch("dns-nxdomain")
    request = {"http_request": "https://blocked.byway.test/", "http_request_headers": {},
               "tcp_connect": [f"{scenario.info.web_ip}:443"], "x_quic_enabled": False}  # fmt: skip
    answer = post(scenario, scenario.info.helper_url, request)
    assert answer["dns"]["addrs"] == [scenario.info.web_ip]  # type: ignore[index]
    assert answer["http_request"]["status_code"] == 200, answer["http_request"]  # type: ignore[index]
