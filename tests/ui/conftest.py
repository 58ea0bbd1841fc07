"""Fixtures for the window's tests: a temporary home, secrets in memory, demo mode at high speed.

Nothing here sends traffic: the collaborators are the demo simulations or a test's own.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("BYWAY_THEME", "light")
os.environ["BYWAY_LANG"] = "en"

import pytest

from byway.store.locations import Locations
from byway.store.secrets import MemorySecretStore
from byway.ui.app import Running, build
from byway.ui.ports import Collaborators

FAST = 0.002


@pytest.fixture
def locations(tmp_path: Path) -> Locations:
    return Locations(
        config_dir=tmp_path / "config",
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
        log_dir=tmp_path / "logs",
        portable=False,
        root=None,
    )


@pytest.fixture
def secrets() -> MemorySecretStore:
    return MemorySecretStore()


Make = Callable[..., Running]


@pytest.fixture
def make_app(qtbot: object, locations: Locations, secrets: MemorySecretStore) -> Iterator[Make]:
    built: list[Running] = []

    def make(demo: str | None = "iran-2022", collaborators: Collaborators | None = None) -> Running:
        running = build(locations, demo=demo, collaborators=collaborators, secrets=secrets, time_scale=FAST)
        qtbot.addWidget(running.window)  # type: ignore[attr-defined]
        running.window.show()
        built.append(running)
        return running

    yield make
    for running in built:
        running.window.cancel_job()
        running.worker.stop()
