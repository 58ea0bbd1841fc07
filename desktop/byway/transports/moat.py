"""The Moat client: circumvention settings, built-in bridges, and private bridges behind a captcha.

Moat is asked directly, or, when bridges.torproject.org is itself blocked, through meek domain
fronting: lyrebird/obfs4proxy runs in client managed mode for ``meek_lite`` and the HTTP requests
travel through its SOCKS port with ``url=...;front=...`` as the SOCKS credentials. The reflector URL
and front come from the built-in meek bridge line (the catalog, refreshable), never from code.

Every answer is size-capped and parsed by :mod:`byway.transports.moat_answers`; good answers are
cached on disk with their date (without secret lines, which go to the secret store), so advice still
exists offline. Tests point ``base_url`` at the lab's Moat or a loopback server, never the real one.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from byway.i18n import translate
from byway.plan import MoatSuggestion
from byway.store.secrets import SecretStore
from byway.transports.bridge_line import Bridge, Transport
from byway.transports.catalog import Catalog, refresh_from_moat
from byway.transports.managed_pt import encode_pt_args, managed_transport
from byway.transports.moat_answers import (
    MoatBadAnswer,
    MoatChallenge,
    MoatError,
    MoatUnreachable,
    bad_answer,
    parse_builtin,
    parse_challenge,
    parse_countries,
    parse_map,
    parse_obtained_bridges,
    parse_settings,
    raise_for_errors,
)
from byway.transports.moat_secrets import MOAT_KIND, MoatCache, read_bridges, write_bridges

DEFAULT_BASE_URL = "https://bridges.torproject.org/moat/"
JSONAPI = "application/vnd.api+json"
MAX_ANSWER_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32
DEFAULT_TRANSPORTS = ("obfs4", "snowflake", "webtunnel", "meek", "vanilla")


@dataclass(frozen=True)
class MoatProxy:
    """A SOCKS5 listener (a PT's) and the transport arguments to pass to it as credentials."""

    host: str
    port: int
    arguments: tuple[tuple[str, str], ...] = ()

    def to_httpx(self) -> httpx.Proxy:
        if not self.arguments:
            return httpx.Proxy(f"socks5://{self.host}:{self.port}")
        username, password = encode_pt_args(self.arguments)
        return httpx.Proxy(
            f"socks5://{self.host}:{self.port}", auth=(username.decode("ascii"), password.decode("ascii"))
        )


@dataclass(frozen=True)
class MoatConfig:
    base_url: str = DEFAULT_BASE_URL
    timeout_s: float = 30.0
    proxy: MoatProxy | None = None
    max_answer_bytes: int = MAX_ANSWER_BYTES


@dataclass(frozen=True)
class MoatSettings:
    """Moat's advice, best first (empty: no circumvention needed), and where it came from."""

    suggestions: tuple[MoatSuggestion, ...]
    country: str | None
    fetched_at: datetime
    from_cache: bool = False


@dataclass(frozen=True)
class ObtainedBridges:
    """Private bridges from the captcha, and the secret id they are kept under (if a store was given)."""

    bridges: tuple[Bridge, ...]
    secret_id: str | None


def _depth(value: Any, limit: int) -> int:
    """Nesting depth, stopping early past ``limit`` (a hostile answer can nest thousands deep)."""
    stack = [(value, 1)]
    deepest = 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


def decode_answer(raw: bytes) -> Any:
    """Bytes to JSON, refusing what is not UTF-8 JSON or nests absurdly deep."""
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise bad_answer(translate("Moat", "it is not JSON")) from error
    if _depth(document, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise bad_answer(translate("Moat", "it is nested too deeply"))
    return document


def meek_proxy_arguments(meek: Bridge) -> tuple[tuple[str, str], ...]:
    """The SOCKS arguments for reaching Moat through a meek bridge line (``url``, ``front``, ...)."""
    if meek.transport is not Transport.MEEK_LITE or meek.argument("url") is None:
        raise ValueError("a meek_lite bridge line with a url is needed")
    return meek.arguments


@contextlib.asynccontextmanager
async def meek_proxy(
    pt_binary: Path, meek: Bridge, *, state_dir: Path | None = None
) -> AsyncIterator[MoatProxy]:
    """Run the PT for ``meek_lite`` and yield the proxy that fronts Moat requests through it."""
    arguments = meek_proxy_arguments(meek)
    async with managed_transport(pt_binary, ["meek_lite"], state_dir=state_dir) as methods:
        listener = methods["meek_lite"]
        yield MoatProxy(listener.host, listener.port, arguments)


class MoatClient:
    """Ask Moat (or the cache when Moat cannot be reached). Secrets go to ``secrets`` when given."""

    def __init__(
        self,
        config: MoatConfig = MoatConfig(),
        *,
        cache: MoatCache | None = None,
        secrets: SecretStore | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config
        self.cache = cache
        self.secrets = secrets
        self._clock = clock
        self._transport = transport

    def _client(self) -> httpx.AsyncClient:
        proxy = self.config.proxy.to_httpx() if self.config.proxy is not None else None
        return httpx.AsyncClient(
            timeout=self.config.timeout_s,
            proxy=proxy,
            transport=self._transport,
            trust_env=False,
            follow_redirects=False,
            headers={"User-Agent": ""},
        )

    async def _exchange(self, method: str, path: str, body: Any, content_type: str) -> Any:
        url = self.config.base_url.rstrip("/") + "/" + path
        content = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": content_type} if content is not None else {}
        try:
            async with (
                self._client() as client,
                client.stream(method, url, content=content, headers=headers) as response,
            ):
                if response.status_code != 200:
                    raise bad_answer(
                        translate("Moat", "HTTP status {status}").format(status=response.status_code)
                    )
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.config.max_answer_bytes:
                    raise bad_answer(translate("Moat", "it is too large"))
                raw = bytearray()
                async for chunk in response.aiter_raw():
                    raw += chunk
                    if len(raw) > self.config.max_answer_bytes:
                        raise bad_answer(translate("Moat", "it is too large"))
        except MoatError:
            raise
        except (httpx.HTTPError, OSError, TimeoutError) as error:
            raise MoatUnreachable(
                translate("Moat", "The bridge server could not be reached ({error}).").format(
                    error=type(error).__name__
                )
            ) from error
        document = decode_answer(bytes(raw))
        raise_for_errors(document)  # Moat answers errors with HTTP 200
        return document

    async def _post(self, path: str, body: Any) -> Any:
        return await self._exchange("POST", path, body, "application/json")

    # -- circumvention settings --------------------------------------------------------------------

    async def settings(
        self, country: str | None = None, transports: Sequence[str] = DEFAULT_TRANSPORTS
    ) -> MoatSettings:
        """Advice for ``country`` (or where Moat thinks we are). 406 means: ask the user."""
        body: dict[str, Any] = {"transports": list(transports)}
        if country:
            body["country"] = country.lower()
        key = f"settings-{country.lower() if country else 'auto'}-{'+'.join(sorted(transports))}"
        return await self._settings_like("circumvention/settings", body, key)

    async def defaults(self, transports: Sequence[str] = DEFAULT_TRANSPORTS) -> MoatSettings:
        key = f"defaults-{'+'.join(sorted(transports))}"
        return await self._settings_like("circumvention/defaults", {"transports": list(transports)}, key)

    async def _settings_like(self, path: str, body: Any, key: str) -> MoatSettings:
        try:
            document = await self._post(path, body)
        except MoatUnreachable:
            cached = self._cached_settings(key)
            if cached is None:
                raise
            return cached
        suggestions, country = parse_settings(document)
        now = self._clock()
        self._keep_settings(key, suggestions, country, now)
        return MoatSettings(suggestions, country, now)

    def _keep_settings(
        self, key: str, suggestions: tuple[MoatSuggestion, ...], country: str | None, now: datetime
    ) -> None:
        """Cache the advice; bridgedb lines go to the secret store (or are not kept at all)."""
        if self.cache is None:
            return
        entries: list[dict[str, Any]] = []
        for suggestion in suggestions:
            entry: dict[str, Any] = {"type": suggestion.way.value, "source": suggestion.source}
            if suggestion.bridges and self.secrets is not None:
                entry["secret_id"] = write_bridges(self.secrets, suggestion.bridges, kind=MOAT_KIND)
            elif suggestion.bridges:
                continue  # without a secret store a private-bridge entry cannot be kept safely
            entries.append(entry)
        self.cache.put(key, {"settings": entries, "country": country}, now)

    def _cached_settings(self, key: str) -> MoatSettings | None:
        if self.cache is None or (cached := self.cache.get(key)) is None:
            return None
        settings: list[dict[str, Any]] = []
        try:
            for entry in cached.document["settings"]:
                bridges: dict[str, Any] = {"type": entry["type"], "source": entry["source"]}
                if entry.get("secret_id") and self.secrets is not None:
                    lines = read_bridges(self.secrets, entry["secret_id"])
                    bridges["bridge_strings"] = [bridge.to_torrc_value() for bridge in lines]
                settings.append({"bridges": bridges})
            suggestions, country = parse_settings(
                {"settings": settings, "country": cached.document["country"]}
            )
        except (MoatError, KeyError, TypeError):
            return None
        suggestions = tuple(s for s in suggestions if s.source != "bridgedb" or s.bridges)
        return MoatSettings(suggestions, country, cached.fetched_at, from_cache=True)

    async def circumvention_map(self) -> tuple[dict[str, tuple[MoatSuggestion, ...]], datetime]:
        """Advice for every country, with the date it was fetched (from the cache when offline)."""
        document, fetched_at = await self._cached_get("map", "circumvention/map", None)
        return parse_map(document), fetched_at

    async def countries(self) -> tuple[str, ...]:
        document, _ = await self._cached_get("countries", "circumvention/countries", None, method="GET")
        return parse_countries(document)

    async def _cached_get(
        self, key: str, path: str, body: Any, *, method: str = "POST"
    ) -> tuple[Any, datetime]:
        try:
            document = await self._exchange(method, path, body, "application/json")
        except MoatUnreachable:
            cached = self.cache.get(key) if self.cache is not None else None
            if cached is None:
                raise
            return cached.document, cached.fetched_at
        now = self._clock()
        if self.cache is not None:
            self.cache.put(key, document, now)
        return document, now

    async def builtin(
        self, transports: Sequence[str] | None = None, *, base: Catalog | None = None
    ) -> Catalog:
        """Fresh built-in bridges as a :class:`Catalog` dated now (save it with ``save_refreshed``)."""
        body = None if transports is None else {"transports": list(transports)}
        document = parse_builtin(await self._post("circumvention/builtin", body))
        try:
            return refresh_from_moat(document, self._clock(), base=base)
        except ValueError as error:  # CatalogError: no usable line, wrong shape
            raise bad_answer(str(error)) from error

    # -- private bridges behind a captcha ----------------------------------------------------------

    async def fetch_captcha(self, transports: Sequence[str] = ("obfs4",)) -> MoatChallenge:
        body = {"data": [{"version": "0.1.0", "type": "client-transports", "supported": list(transports)}]}
        return parse_challenge(await self._exchange("POST", "fetch", body, JSONAPI))

    async def check_captcha(self, challenge: MoatChallenge, solution: str) -> ObtainedBridges:
        """Send the user's answer; :class:`MoatCaptchaWrong` (419) means fetch a new one and ask again."""
        body = {
            "data": [
                {
                    "id": "2",
                    "type": "moat-solution",
                    "version": "0.1.0",
                    "transport": challenge.transport,
                    "challenge": challenge.challenge,
                    "solution": solution.strip(),
                    "qrcode": "false",
                }
            ]
        }
        bridges = parse_obtained_bridges(await self._exchange("POST", "check", body, JSONAPI))
        secret_id = None
        if self.secrets is not None:
            secret_id = write_bridges(self.secrets, bridges, kind=MOAT_KIND)
        return ObtainedBridges(bridges, secret_id)

    def through(self, proxy: MoatProxy | None) -> MoatClient:
        """The same client, sending its requests through ``proxy`` (e.g. :func:`meek_proxy`)."""
        return MoatClient(
            replace(self.config, proxy=proxy),
            cache=self.cache,
            secrets=self.secrets,
            clock=self._clock,
            transport=self._transport,
        )


__all__ = [
    "DEFAULT_BASE_URL",
    "MoatBadAnswer",
    "MoatCache",
    "MoatChallenge",
    "MoatClient",
    "MoatConfig",
    "MoatProxy",
    "MoatSettings",
    "ObtainedBridges",
    "decode_answer",
    "meek_proxy",
]
