"""PT managed mode: SOCKS argument encoding (escapes, the 255-byte split) and the start-up protocol,
with obfs4proxy for real on loopback and fake PTs for the error lines."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from byway.transports.bridge_line import parse_bridge_line
from byway.transports.managed_pt import (
    ManagedTransportError,
    decode_pt_args,
    encode_pt_args,
    managed_transport,
    parse_pt_line,
)
from byway.transports.precheck import check_obfs4, run_prechecks

OBFS4PROXY = Path("/usr/bin/obfs4proxy")
CERT = "bjRaMrr1BRiAW8IE9U5z27fQaYgOhX1UCmOpg2pFpoMvo6ZgQMzLsaTzzQNTlm7hNcb+Sg"


def test_escapes_semicolon_equals_and_backslash() -> None:
    user, password = encode_pt_args([("url", "https://x/?a=b;c"), ("k\\", "v")])
    assert user == b"url=https://x/?a\\=b\\;c;k\\\\=v" and password == b"\x00"


def test_long_arguments_split_at_255_bytes() -> None:
    arguments = [("url", "https://reflector.example/" + "p" * 300), ("front", "front.example")]
    user, password = encode_pt_args(arguments)
    assert len(user) == 255 and password != b"\x00"
    assert decode_pt_args(user, password) == tuple(arguments)


def test_too_long_or_empty_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        encode_pt_args([("url", "x" * 600)])
    with pytest.raises(ValueError):
        encode_pt_args([])


@given(
    st.lists(
        st.tuples(
            st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=20),
            st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=120),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_encoding_round_trips(arguments: list[tuple[str, str]]) -> None:
    user, password = encode_pt_args(arguments)
    assert len(user) <= 255 and 1 <= len(password) <= 255
    assert decode_pt_args(user, password) == tuple(arguments)


def test_pt_lines_split_into_keyword_and_fields() -> None:
    assert parse_pt_line("CMETHOD obfs4 socks5 127.0.0.1:4000\n") == (
        "CMETHOD",
        ("obfs4", "socks5", "127.0.0.1:4000"),
    )
    assert parse_pt_line("CMETHODS DONE") == ("CMETHODS", ("DONE",))


def fake_pt(tmp_path: Path, lines: str) -> Path:
    script = tmp_path / "fake-pt"
    script.write_text(f"#!/bin/sh\nprintf '{lines}'\ncat >/dev/null\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.mark.parametrize(
    "lines",
    [
        "VERSION-ERROR no-version\\n",
        "VERSION 1\\nENV-ERROR no TOR_PT_STATE_LOCATION\\n",
        "VERSION 1\\nCMETHOD-ERROR obfs4 broken\\nCMETHODS DONE\\n",
        "VERSION 1\\nCMETHODS DONE\\n",
        "VERSION 2\\n",
    ],
)
def test_pt_refusals_become_errors(tmp_path: Path, lines: str) -> None:
    async def body() -> None:
        async with managed_transport(fake_pt(tmp_path, lines), ["obfs4"], timeout_s=3):
            raise AssertionError("should not start")

    with pytest.raises(ManagedTransportError):
        asyncio.run(body())


def test_silent_pt_times_out_and_is_stopped(tmp_path: Path) -> None:
    script = fake_pt(tmp_path, "VERSION 1\\n")

    async def body() -> None:
        async with managed_transport(script, ["obfs4"], timeout_s=0.5):
            raise AssertionError("should not start")

    with pytest.raises(ManagedTransportError, match="in time"):
        asyncio.run(body())


@pytest.mark.skipif(not OBFS4PROXY.exists(), reason="obfs4proxy is not installed")
def test_obfs4proxy_starts_and_stops_on_stdin_close(tmp_path: Path) -> None:
    async def body() -> int:
        async with managed_transport(OBFS4PROXY, ["obfs4"], state_dir=tmp_path / "state") as methods:
            listener = methods["obfs4"]
            assert listener.host == "127.0.0.1" and listener.port > 0
            _, writer = await asyncio.open_connection(listener.host, listener.port)
            writer.close()
            return listener.port

    port = asyncio.run(body())
    assert (tmp_path / "state").is_dir()

    async def refused() -> None:
        await asyncio.open_connection("127.0.0.1", port)

    with pytest.raises(OSError):
        asyncio.run(refused())


@pytest.mark.skipif(not OBFS4PROXY.exists(), reason="obfs4proxy is not installed")
def test_obfs4_precheck_on_loopback_reports_refusal_and_silence() -> None:
    async def body() -> tuple[object, ...]:
        silent = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = silent.sockets[0].getsockname()[1]
        closed = parse_bridge_line(
            f"obfs4 127.0.0.1:1 D9A82D2F9C2F65A18407B1D2B764F130847F8B5D cert={CERT} iat-mode=0"
        )
        stall = parse_bridge_line(
            f"obfs4 127.0.0.1:{port} D9A82D2F9C2F65A18407B1D2B764F130847F8B5D cert={CERT} iat-mode=0"
        )
        async with silent:
            return await check_obfs4([closed, stall], OBFS4PROXY, timeout_s=1.5)

    checks = asyncio.run(body())
    by = {(c.bridge.address.port if c.bridge else 0, c.method): c for c in checks}  # type: ignore[attr-defined]
    assert not by[(1, "tcp")].reachable and not by[(1, "obfs4-handshake")].reachable
    stalled = [c for key, c in by.items() if key[0] != 1]
    tcp = next(c for c in stalled if c.method == "tcp")  # type: ignore[attr-defined]
    shake = next(c for c in stalled if c.method == "obfs4-handshake")  # type: ignore[attr-defined]
    assert tcp.reachable and not shake.reachable and shake.failure == "generic_timeout_error"
    assert shake.elapsed_s < 3


def test_prechecks_without_a_pt_say_why(tmp_path: Path) -> None:
    bridge = parse_bridge_line(
        f"obfs4 127.0.0.1:1 D9A82D2F9C2F65A18407B1D2B764F130847F8B5D cert={CERT} iat-mode=0"
    )
    checks = asyncio.run(run_prechecks(bridges=[bridge], check_tor=False, timeout_s=1))
    assert {c.failure for c in checks} == {"connection_refused", "pt_missing"}
    assert os.environ.get("TOR_PT_MANAGED_TRANSPORT_VER") is None


def test_tor_network_relays_are_authorities_plus_a_sample_of_fallbacks() -> None:
    import random

    from byway.measure.relays import directory_authorities
    from byway.transports.precheck import tor_network_relays

    relays = tor_network_relays(fallbacks=4, rng=random.Random(1))
    authorities = directory_authorities()
    assert relays[: len(authorities)] == authorities and len(relays) == len(authorities) + 4


@pytest.mark.skipif(not OBFS4PROXY.exists(), reason="obfs4proxy is not installed")
def test_meek_proxy_takes_url_and_front_from_the_catalog_and_stops_the_pt() -> None:
    from byway.transports.bridge_line import Transport
    from byway.transports.catalog import load_shipped
    from byway.transports.moat import meek_proxy

    meek = load_shipped().bridges_for(Transport.MEEK_LITE)[0]

    async def body() -> int:
        async with meek_proxy(OBFS4PROXY, meek) as proxy:  # no request is sent: no real network
            assert dict(proxy.arguments)["front"] == meek.argument("front")
            assert dict(proxy.arguments)["url"] == meek.argument("url")
            assert proxy.to_httpx().raw_auth is not None
            return proxy.port

    port = asyncio.run(body())

    async def refused() -> None:
        await asyncio.open_connection("127.0.0.1", port)

    with pytest.raises(OSError):
        asyncio.run(refused())
