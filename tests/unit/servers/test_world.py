"""The world entry point as the lab runs it: a subprocess, a ready line, SIGHUP reloads, SIGTERM."""

from __future__ import annotations

import json
import signal
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dns.message
import dns.query
import dns.rcode
import httpx
import pytest

from byway.servers.ca import make_ca, write_ca
from byway.servers.world import main as world_main

CA = make_ca("Byway world test CA")


def _config(blocked_behaviour: str) -> dict[str, Any]:
    return {
        "zone": {"names": {"example.org": ["127.10.0.1"], "blocked.test": ["127.10.0.2"]}},
        "dns": {"listen": ["127.0.0.1:0"], "rules": {"blocked.test": {"behaviour": blocked_behaviour}}},
        "sites": {
            "example.org": {"routes": {"/": {"kind": "page", "title": "Example home"}}},
            "blocked.test": {"fallback": {"kind": "blockpage", "body": "<h1>nope</h1>", "status": 403}},
        },
        "http": {"listen": ["127.0.0.1:0"]},
        "https": {
            "listen": ["127.0.0.1:0"],
            "ca": {"cert": "ca.pem", "key": "ca.key"},
            "sni_rules": {"blocked.test": "reset"},
            "handshake_timeout_s": 2,
        },
        "doh": {"sites": ["*"]},
    }


def _read_event(process: subprocess.Popen[str]) -> dict[str, Any]:
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line, f"world exited: {process.wait(5)}"
    event: dict[str, Any] = json.loads(line)
    return event


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any], Path]]:
    write_ca(CA, tmp_path)
    config = tmp_path / "world.json"
    config.write_text(json.dumps(_config("nxdomain")))
    process = subprocess.Popen(
        [sys.executable, "-m", "byway.servers.world", "--config", str(config)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        ready = _read_event(process)
        assert ready["event"] == "ready"
        yield process, ready, config
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)


def _port(address: str) -> int:
    host, _, port = address.rpartition(":")
    assert host == "127.0.0.1"
    return int(port)


def _rcode(ready: dict[str, Any], qname: str) -> dns.rcode.Rcode:
    query = dns.message.make_query(qname, "A")
    return dns.query.udp(query, "127.0.0.1", port=_port(ready["dns"][0]), timeout=2).rcode()


def _https_get(ready: dict[str, Any], server_name: str, ca_file: Path) -> bytes:
    context = ssl.create_default_context(cafile=str(ca_file))
    port = _port(ready["https"][0])
    with (
        socket.create_connection(("127.0.0.1", port), timeout=2) as raw,
        context.wrap_socket(raw, server_hostname=server_name) as tls,
    ):
        tls.sendall(f"GET / HTTP/1.1\r\nHost: {server_name}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := tls.recv(4096):
            data += chunk
        return data


def test_world_serves_dns_http_https_and_doh_and_reloads_on_sighup(
    world: tuple[subprocess.Popen[str], dict[str, Any], Path],
) -> None:
    process, ready, config = world
    ca_file = config.parent / "ca.pem"
    assert _rcode(ready, "example.org") == dns.rcode.NOERROR
    assert _rcode(ready, "blocked.test") == dns.rcode.NXDOMAIN

    with httpx.Client(trust_env=False, timeout=2) as client:
        page = client.get(f"http://{ready['http'][0]}/", headers={"Host": "example.org"})
        assert page.status_code == 200 and "<title>Example home</title>" in page.text
        blocked = client.get(f"http://{ready['http'][0]}/x", headers={"Host": "blocked.test"})
        assert blocked.status_code == 403
    with httpx.Client(
        trust_env=False, timeout=2, verify=ssl.create_default_context(cafile=str(ca_file))
    ) as client:
        wire = dns.message.make_query("blocked.test", "A").to_wire()
        doh = client.post(
            f"https://{ready['https'][0]}/dns-query",  # validates: the CA issued a cert for the IP
            content=wire,
            headers={"Content-Type": "application/dns-message"},
        )
        assert doh.status_code == 200
        assert dns.message.from_wire(doh.content).rcode() == dns.rcode.NOERROR  # DoH: no rules

    assert b"<title>Example home</title>" in _https_get(ready, "example.org", ca_file)
    with pytest.raises(ConnectionResetError):
        _https_get(ready, "blocked.test", ca_file)

    config.write_text(json.dumps(_config("refused")))
    process.send_signal(signal.SIGHUP)
    assert _read_event(process) == {"event": "reloaded"}
    assert _rcode(ready, "blocked.test") == dns.rcode.REFUSED

    config.write_text("{not json")
    process.send_signal(signal.SIGHUP)
    assert _read_event(process)["event"] == "reload_failed"
    assert _rcode(ready, "blocked.test") == dns.rcode.REFUSED  # the old rules stay

    process.send_signal(signal.SIGTERM)
    assert process.wait(5) == 0


def test_a_bad_config_exits_2_naming_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "world.json"
    config.write_text(json.dumps({"dns": {"rules": {"x.test": {"behaviour": "lie"}}}}))
    assert world_main(["--config", str(config)]) == 2
    stderr = capsys.readouterr().err
    assert "dns.rules.x.test" in stderr and "forged" in stderr
