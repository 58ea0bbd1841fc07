"""Private bridges (from Moat's captcha, from ``bridgedb`` settings, or typed in by the user) in the
secret store, and the on-disk cache of Moat answers with their date.

A private bridge is a secret: whoever learns its address can block it, and a list of them on a seized
laptop shows what its owner used. So bridge lines go only to a
:class:`~byway.store.secrets.SecretStore` (keyring, vault or memory), addressed by an opaque id; the
cache of Moat answers keeps that id instead of the lines, and nothing here logs a line.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from byway.store.atomic import write_atomic
from byway.store.secrets import SecretStore, new_secret_id
from byway.transports.bridge_line import Bridge, BridgeLineError, parse_bridge_line

MOAT_KIND = "moat-bridges"
CUSTOM_KIND = "custom-bridges"
CACHE_FOLDER = "moat"
_CACHE_KEY = re.compile(r"[a-z0-9+_-]{1,120}", re.ASCII)


def bridge_id(bridge: Bridge) -> str:
    """A short stable id to name a bridge without showing it (``bridges remove 3f2a9c1e``)."""
    return hashlib.sha256(bridge.to_torrc_value().encode()).hexdigest()[:8]


def masked(bridge: Bridge) -> str:
    """How a secret bridge is shown by default: its transport, id and port, not its address."""
    return f"{bridge.transport.value} {bridge_id(bridge)} (…:{bridge.address.port})"


def read_bridges(store: SecretStore, secret_id: str | None) -> tuple[Bridge, ...]:
    """The bridges kept under ``secret_id`` (lines that no longer parse are skipped)."""
    if secret_id is None:
        return ()
    value = store.get(secret_id)
    bridges: list[Bridge] = []
    for line in (value or "").splitlines():
        try:
            bridge = parse_bridge_line(line)
        except BridgeLineError:
            continue
        if bridge not in bridges:
            bridges.append(bridge)
    return tuple(bridges)


def write_bridges(
    store: SecretStore, bridges: tuple[Bridge, ...], *, kind: str, secret_id: str | None = None
) -> str | None:
    """Keep ``bridges`` under ``secret_id`` (a new id of ``kind`` if none); an empty list deletes it."""
    if not bridges:
        if secret_id is not None:
            store.delete(secret_id)
        return None
    secret_id = secret_id or new_secret_id(kind)
    store.set(secret_id, "\n".join(bridge.to_torrc_value() for bridge in bridges))
    return secret_id


@dataclass(frozen=True)
class CachedAnswer:
    """A Moat answer as it was kept: the JSON document (without secret lines) and when it came."""

    document: Any
    fetched_at: datetime


class MoatCache:
    """Moat answers under ``<cache_dir>/moat/<key>.json``, each with its fetch date.

    Callers must strip secrets before :meth:`put` (the client replaces bridgedb lines by a secret id).
    """

    def __init__(self, cache_dir: Path) -> None:
        self.directory = cache_dir / CACHE_FOLDER

    def _path(self, key: str) -> Path:
        if not _CACHE_KEY.fullmatch(key):
            raise ValueError(f"not a cache key: {key!r}")
        return self.directory / f"{key}.json"

    def put(self, key: str, document: Any, fetched_at: datetime) -> None:
        if fetched_at.tzinfo is None:
            raise ValueError("fetched_at must be timezone-aware")
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        record = {"fetched_at": fetched_at.isoformat(), "answer": document}
        write_atomic(self._path(key), (json.dumps(record, indent=1) + "\n").encode())

    def get(self, key: str) -> CachedAnswer | None:
        try:
            record = json.loads(self._path(key).read_text(encoding="utf-8"))
            fetched_at = datetime.fromisoformat(record["fetched_at"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if fetched_at.tzinfo is None or "answer" not in record:
            return None
        return CachedAnswer(record["answer"], fetched_at)
