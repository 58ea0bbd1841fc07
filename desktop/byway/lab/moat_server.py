"""A Moat-compatible server for the lab, handing out the lab's own bridges.

It follows the API in moat-api.md: ``circumvention/{settings,defaults,map,builtin,countries}`` and
the captcha flow ``moat/fetch`` then ``moat/check``, under both ``/moat/`` and ``/meek/moat/``.
Like the real server it answers HTTP 200 even for errors, with ``{"errors": [{code, detail}]}``:
400 malformed, 404 no requested transport works there, 406 country unknown, 415 wrong content
type, 419 wrong captcha solution. The lab cannot geolocate, so a request without a country is 406.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import secrets
import time
from pathlib import Path
from typing import Any

from byway.lab import addresses as a
from byway.lab.captcha import new_solution, render_png

JSONAPI = "application/vnd.api+json"
# Country advice, modelled loosely on the real map: which transports, from which source, best first.
ADVICE: dict[str, list[tuple[str, str]]] = {
    "cn": [("obfs4", "bridgedb")],
    "ir": [("obfs4", "builtin"), ("vanilla", "bridgedb")],
    "ru": [("obfs4", "bridgedb"), ("obfs4", "builtin")],
    "by": [("obfs4", "builtin")],
    "tm": [("obfs4", "bridgedb")],
}
OPEN_COUNTRIES = frozenset({"de", "us", "zz"})  # here the answer is "no circumvention needed"


class MoatError(Exception):
    def __init__(self, code: int, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


class Moat:
    """The server's state: where the bridges are, and the captchas handed out."""

    def __init__(self, network_file: Path) -> None:
        self.network_file = network_file
        self.challenges: dict[str, tuple[str, float]] = {}

    def bridges(self) -> dict[str, list[str]]:
        try:
            raw = json.loads(self.network_file.read_text())
        except (OSError, ValueError):
            return {"obfs4": [], "vanilla": []}
        return {"obfs4": list(raw["obfs4_bridges"]), "vanilla": [raw["vanilla_bridge"]]}

    def _settings(self, advice: list[tuple[str, str]], transports: list[str] | None) -> list[dict[str, Any]]:
        pool = self.bridges()
        chosen = [(kind, source) for kind, source in advice if transports is None or kind in transports]
        if not chosen:
            raise MoatError(404, "no requested transport works in this country")
        return [
            {"bridges": {"type": kind, "source": source, "bridge_strings": pool.get(kind, [])}}
            for kind, source in chosen
        ]

    def route(self, path: str, body: dict[str, Any] | None, content_type: str) -> Any:
        if path == "circumvention/countries":
            return sorted(ADVICE)
        if path == "circumvention/map":
            return {
                cc: {"settings": [{"bridges": {"type": k, "source": s}} for k, s in advice]}
                for cc, advice in ADVICE.items()
            }
        body = body or {}
        transports = body.get("transports")
        if transports is not None and not (
            isinstance(transports, list) and all(isinstance(t, str) for t in transports)
        ):
            raise MoatError(400, "transports must be a list of strings")
        if path == "circumvention/builtin":
            pool = self.bridges()
            return {k: v for k, v in pool.items() if transports is None or k in transports}
        if path == "circumvention/defaults":
            return {"settings": self._settings([("obfs4", "builtin")], transports)}
        if path == "circumvention/settings":
            country = str(body.get("country") or "").lower()
            if not country:
                raise MoatError(406, "could not determine the country; choose one")
            if country in OPEN_COUNTRIES or country not in ADVICE:
                return {"settings": [], "country": country}
            return {"settings": self._settings(ADVICE[country], transports), "country": country}
        if path in ("fetch", "check"):
            if content_type.split(";")[0].strip() != JSONAPI:
                raise MoatError(415, f"Content-Type must be {JSONAPI}")
            return self.fetch(body) if path == "fetch" else self.check(body)
        raise MoatError(404, "no such endpoint")

    def fetch(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            item = body["data"][0]
            supported = [str(t) for t in item.get("supported", ["obfs4"])]
        except (KeyError, IndexError, TypeError) as err:
            raise MoatError(400, "expected data[0] of type client-transports") from err
        if "obfs4" not in supported and "vanilla" not in supported:
            raise MoatError(404, "no supported transport is available")
        transport = "obfs4" if "obfs4" in supported else "vanilla"
        solution = new_solution()
        challenge = secrets.token_urlsafe(24)
        self.challenges[challenge] = (solution, time.monotonic())
        image = base64.b64encode(render_png(solution)).decode()
        return {"data": [{"type": "moat-challenge", "version": "0.1.0", "transport": transport,
                          "image": image, "challenge": challenge}]}  # fmt: skip

    def check(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            item = body["data"][0]
            challenge, solution = str(item["challenge"]), str(item["solution"])
            transport = str(item.get("transport", "obfs4"))
        except (KeyError, IndexError, TypeError) as err:
            raise MoatError(400, "expected data[0] of type moat-solution") from err
        expected = self.challenges.pop(challenge, None)
        if expected is None or expected[0] != solution.strip() or time.monotonic() - expected[1] > 600:
            raise MoatError(419, "the captcha solution was wrong; fetch a new challenge")
        bridges = self.bridges().get(transport, [])
        return {"data": [{"type": "moat-bridges", "version": "0.1.0", "bridges": bridges, "qrcode": None}]}


def _reply(status: str, payload: Any, content_type: str = "application/json") -> bytes:
    body = json.dumps(payload).encode()
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


async def handle(moat: Moat, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10.0)
        lines = head.decode("latin-1").split("\r\n")
        _method, target, _ = lines[0].split(" ", 2)
        headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
        length = min(int(headers.get("content-length", "0") or 0), 65536)
        raw = await asyncio.wait_for(reader.readexactly(length), timeout=10.0) if length else b""
        path = target.split("?", 1)[0].strip("/")
        for prefix in ("meek/moat/", "moat/"):
            if path.startswith(prefix):
                path = path[len(prefix) :]
        ctype = headers.get("content-type", "")
        try:
            body = json.loads(raw) if raw.strip() else None
            if body is not None and not isinstance(body, dict):
                raise MoatError(400, "the request body must be a JSON object")
            answer = moat.route(path, body, ctype)
            out_type = JSONAPI if path in ("fetch", "check") else "application/json"
            writer.write(_reply("200 OK", answer, out_type))
        except ValueError:
            writer.write(_reply("200 OK", {"errors": [{"code": 400, "detail": "malformed JSON"}]}))
        except MoatError as err:
            writer.write(_reply("200 OK", {"errors": [{"code": err.code, "detail": err.detail}]}))
        await writer.drain()
    except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def serve(host: str, port: int, network_file: Path) -> None:
    moat = Moat(network_file)
    server = await asyncio.start_server(lambda r, w: handle(moat, r, w), host, port)
    print(f"byway lab moat listening on {host}:{port}", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description="The Byway lab's Moat server.")
    parser.add_argument("--listen", default=f"{a.WORLD.moat_ip}:{a.WORLD.moat_port}")
    parser.add_argument("--network", type=Path, default=a.STATE_DIR / "tor" / "network.json")
    args = parser.parse_args()
    host, _, port = str(args.listen).rpartition(":")
    asyncio.run(serve(host, int(port), args.network))


if __name__ == "__main__":
    main()
