"""The Moat client against the lab's Moat server on 127.0.0.1, and against hostile loopback servers."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import struct
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from byway.lab.captcha import _GLYPHS, SCALE
from byway.lab.moat_server import Moat, handle
from byway.plan import Way
from byway.store.secrets import MemorySecretStore
from byway.transports.managed_pt import ClientMethod, decode_pt_args
from byway.transports.moat import MoatClient, MoatConfig, MoatProxy
from byway.transports.moat_answers import (
    MoatBadAnswer,
    MoatCaptchaWrong,
    MoatCountryUnknown,
    MoatNoTransport,
    MoatRequestMalformed,
    MoatUnreachable,
)
from byway.transports.moat_secrets import MoatCache

CERT = "bjRaMrr1BRiAW8IE9U5z27fQaYgOhX1UCmOpg2pFpoMvo6ZgQMzLsaTzzQNTlm7hNcb+Sg"
SECRET_IP = "203.0.113.77"
OBFS4 = f"obfs4 {SECRET_IP}:9443 D9A82D2F9C2F65A18407B1D2B764F130847F8B5D cert={CERT} iat-mode=0"
VANILLA = "198.51.100.9:9001 D9A82D2F9C2F65A18407B1D2B764F130847F8B5D"
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.anyio


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def serve(handler: Handler) -> tuple[asyncio.Server, int]:
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


@pytest.fixture()
async def lab_moat(tmp_path: Path) -> AsyncIterator[str]:
    network = tmp_path / "network.json"
    network.write_text(json.dumps({"obfs4_bridges": [OBFS4], "vanilla_bridge": VANILLA}))
    moat = Moat(network)
    server, port = await serve(lambda r, w: handle(moat, r, w))
    async with server:
        yield f"http://127.0.0.1:{port}/moat/"


def client(url: str, tmp_path: Path, **kw: object) -> MoatClient:
    return MoatClient(
        MoatConfig(url, timeout_s=5),
        cache=MoatCache(tmp_path / "cache"),
        clock=lambda: NOW,
        **kw,  # type: ignore[arg-type]
    )


def read_captcha(image: bytes) -> str:
    width, height = struct.unpack("!II", image[16:24])
    idat_len = struct.unpack("!I", image[33:37])[0]
    raw = zlib.decompress(image[41 : 41 + idat_len])
    rows = [raw[y * (width + 1) + 1 : (y + 1) * (width + 1)] for y in range(height)]
    text = ""
    for index in range((width // SCALE - 1) // 4):
        cells = tuple(
            "".join(
                "1" if rows[(r + 1) * SCALE][(index * 4 + c + 1) * SCALE] < 128 else "0" for c in range(3)
            )
            for r in range(5)
        )
        text += next(d for d, glyph in _GLYPHS.items() if glyph == cells)
    return text


async def test_settings_defaults_map_countries_builtin(lab_moat: str, tmp_path: Path) -> None:
    moat = client(lab_moat, tmp_path, secrets=MemorySecretStore())
    cn = await moat.settings("CN", ["obfs4"])
    assert cn.country == "cn" and cn.fetched_at == NOW and not cn.from_cache
    assert cn.suggestions[0].way is Way.OBFS4 and cn.suggestions[0].source == "bridgedb"
    assert str(cn.suggestions[0].bridges[0]) == OBFS4
    ir = await moat.settings("ir")
    first = ir.suggestions[0]
    assert (first.way, first.source, first.bridges) == (Way.OBFS4, "builtin", ())
    assert (await moat.settings("de")).suggestions == ()
    assert (await moat.defaults(["obfs4"])).suggestions[0].way is Way.OBFS4
    country_map, fetched = await moat.circumvention_map()
    assert fetched == NOW and country_map["cn"][0].way is Way.OBFS4
    assert await moat.countries() == ("by", "cn", "ir", "ru", "tm")
    catalog = await moat.builtin(["obfs4"])
    assert catalog.as_of == NOW and [str(b) for b in catalog.groups[0][1]] == [OBFS4]


async def test_error_codes_become_typed_errors(lab_moat: str, tmp_path: Path) -> None:
    moat = client(lab_moat, tmp_path)
    with pytest.raises(MoatCountryUnknown) as unknown:
        await moat.settings(None)
    assert unknown.value.code == 406 and "choose" in str(unknown.value)
    with pytest.raises(MoatNoTransport):
        await moat.settings("cn", ["snowflake"])
    with pytest.raises(MoatRequestMalformed):
        await moat._post("circumvention/settings", {"transports": "obfs4"})
    with pytest.raises(MoatNoTransport):
        await moat._post("circumvention/nothing-here", {})
    from byway.transports.moat_answers import MoatContentTypeRefused

    with pytest.raises(MoatContentTypeRefused):
        await moat._exchange("POST", "fetch", {"data": []}, "application/json")


async def test_captcha_flow_wrong_answer_then_right_one(lab_moat: str, tmp_path: Path) -> None:
    store = MemorySecretStore()
    moat = client(lab_moat, tmp_path, secrets=store)
    first = await moat.fetch_captcha()
    assert first.image.startswith(b"\x89PNG")
    with pytest.raises(MoatCaptchaWrong) as wrong:
        await moat.check_captcha(first, "not-the-answer")
    assert wrong.value.code == 419
    second = await moat.fetch_captcha()
    obtained = await moat.check_captcha(second, read_captcha(second.image))
    assert [str(b) for b in obtained.bridges] == [OBFS4]
    assert obtained.secret_id is not None and OBFS4 in (store.get(obtained.secret_id) or "")


async def test_cache_keeps_the_date_never_the_secret_lines_and_serves_offline(
    lab_moat: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = MemorySecretStore()
    moat = client(lab_moat, tmp_path, secrets=store)
    await moat.settings("cn", ["obfs4"])
    await moat.circumvention_map()
    files = list((tmp_path / "cache" / "moat").iterdir())
    assert files and all(SECRET_IP not in f.read_text() for f in files)
    assert SECRET_IP not in caplog.text
    offline = client("http://127.0.0.1:9/moat/", tmp_path, secrets=store)
    cached = await offline.settings("cn", ["obfs4"])
    assert cached.from_cache and cached.fetched_at == NOW and str(cached.suggestions[0].bridges[0]) == OBFS4
    country_map, fetched = await offline.circumvention_map()
    assert fetched == NOW and "ir" in country_map
    # Without the secret store, the private-bridge entry cannot come back from the cache.
    no_secrets = client("http://127.0.0.1:9/moat/", tmp_path)
    assert (await no_secrets.settings("cn", ["obfs4"])).suggestions == ()
    with pytest.raises(MoatUnreachable):
        await offline.settings("ru", ["obfs4"])


async def _answer(body: bytes, status: str = "200 OK") -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        )
        writer.write(body)
        await writer.drain()
        writer.close()

    return handler


HOSTILE = [
    b"not json at all",
    b"[" * 5000 + b"]" * 5000,
    json.dumps({"settings": "a string"}).encode(),
    json.dumps({"settings": [{"bridges": {"type": "obfs4"}}] * 100}).encode(),
    json.dumps({"settings": [], "country": "<script>"}).encode(),
    json.dumps({"errors": [{"detail": "no code"}]}).encode(),
    b"\xff\xfe garbage",
]


@pytest.mark.parametrize("body", HOSTILE)
async def test_hostile_answers_are_refused(body: bytes, tmp_path: Path) -> None:
    server, port = await serve(await _answer(body))
    async with server:
        with pytest.raises(MoatBadAnswer):
            await client(f"http://127.0.0.1:{port}/moat/", tmp_path).settings("ir")


async def test_oversized_answer_and_bad_status_are_refused(tmp_path: Path) -> None:
    big, _ = await serve(await _answer(b"[" + b"1," * 600_000 + b"1]"))
    async with big:
        port = big.sockets[0].getsockname()[1]
        with pytest.raises(MoatBadAnswer, match="too large"):
            await client(f"http://127.0.0.1:{port}/moat/", tmp_path).countries()
    teapot, _ = await serve(await _answer(b"{}", "418 I'm a teapot"))
    async with teapot:
        port = teapot.sockets[0].getsockname()[1]
        with pytest.raises(MoatBadAnswer, match="418"):
            await client(f"http://127.0.0.1:{port}/moat/", tmp_path).countries()


async def test_bad_captcha_answers_are_refused(tmp_path: Path) -> None:
    body = {"data": [{"type": "moat-challenge", "image": "!!!not base64", "challenge": "c"}]}
    server, port = await serve(await _answer(json.dumps(body).encode()))
    async with server:
        with pytest.raises(MoatBadAnswer):
            await client(f"http://127.0.0.1:{port}/moat/", tmp_path).fetch_captcha()


async def test_requests_go_through_a_socks_proxy_with_the_transport_arguments(
    lab_moat: str, tmp_path: Path
) -> None:
    """What meek fronting does, with a loopback SOCKS5 server standing in for the PT."""
    seen: list[tuple[tuple[str, str], ...]] = []
    moat_port = int(lab_moat.rsplit(":", 1)[1].split("/")[0])

    async def socks(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        _, n = await reader.readexactly(2)
        methods = await reader.readexactly(n)
        assert 2 in methods
        writer.write(b"\x05\x02")
        _, ulen = await reader.readexactly(2)
        user = await reader.readexactly(ulen)
        plen = (await reader.readexactly(1))[0]
        password = await reader.readexactly(plen)
        seen.append(decode_pt_args(user, password))
        writer.write(b"\x01\x00")
        head = await reader.readexactly(4)
        if head[3] == 3:
            await reader.readexactly((await reader.readexactly(1))[0] + 2)
        else:
            await reader.readexactly(6)
        writer.write(b"\x05\x00\x00\x01" + bytes(4) + b"\x00\x00")
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", moat_port)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            while data := await src.read(65536):
                dst.write(data)
                await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    server, port = await serve(socks)
    arguments = (("url", "https://reflector.example/"), ("front", "front.example"))
    async with server:
        direct = client("http://moat.invalid/moat/", tmp_path)
        fronted = direct.through(MoatProxy("127.0.0.1", port, arguments))
        assert await fronted.countries() == ("by", "cn", "ir", "ru", "tm")
    assert seen == [arguments]
    assert ClientMethod("meek_lite", "127.0.0.1", port).port == port


def test_moat_proxy_needs_ascii_arguments_within_socks_limits() -> None:
    proxy = MoatProxy("127.0.0.1", 1080, (("url", "https://x.example/" + "a" * 300), ("front", "f.example")))
    raw = proxy.to_httpx().raw_auth
    assert raw is not None and len(raw[0]) == 255 and raw[1] != b"\x00"
    assert base64  # imported for the captcha helpers' symmetry with the lab tests
