"""Every store test runs in a throwaway home: HOME and the XDG folders point into tmp_path."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from byway.store import Locations, ScryptParams, configure_logging, resolve_locations

# Small enough to keep tests fast; production uses ScryptParams() (n=2**17).
FAST_KDF = ScryptParams(n=2**10, r=8, p=1)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    for name, sub in {
        "HOME": "",
        "XDG_CONFIG_HOME": ".config",
        "XDG_DATA_HOME": ".local/share",
        "XDG_CACHE_HOME": ".cache",
        "XDG_STATE_HOME": ".local/state",
        "XDG_RUNTIME_DIR": "run",
    }.items():
        path = home / sub
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        monkeypatch.setenv(name, str(path))
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return home


@pytest.fixture
def locations(home: Path) -> Iterator[Locations]:
    """Platform (non-portable) locations inside the temporary home."""
    found = resolve_locations(None, home / "bin" / "byway")
    yield found
    configure_logging(found, enabled=False)
    logging.getLogger("byway").setLevel(logging.NOTSET)


@pytest.fixture
def portable(tmp_path: Path, home: Path) -> Iterator[Locations]:
    """Portable locations under tmp_path/stick (the marker next to the launch script)."""
    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "byway-portable").write_text("")
    found = resolve_locations(None, stick / "byway.py")
    yield found
    configure_logging(found, enabled=False)
    logging.getLogger("byway").setLevel(logging.NOTSET)


class MemoryBackend:
    """A well-behaved non-plaintext backend (what an OS keyring looks like to the adapter)."""

    priority = 5

    def __init__(self) -> None:
        self.stored: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.stored.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.stored[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.stored[(service, username)]


def files_under(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]
