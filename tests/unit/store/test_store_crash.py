"""Crash consistency: SIGKILL a process in the middle of writing settings, 100 times."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import time
from multiprocessing.synchronize import Event

from byway.store import Locations, Settings, load_settings, save_settings
from byway.store.settings import encode_settings


def two_versions() -> tuple[Settings, Settings]:
    """Two settings big enough (~60 KB) that a kill often lands inside a write."""
    first = Settings(language="fa", target_lists=tuple(f"list-a-{i:05d}" for i in range(3000)))
    second = Settings(language="ar", target_lists=tuple(f"list-b-{i:05d}" for i in range(3000)))
    return first, second


def keep_writing(locations: Locations, started: Event) -> None:
    first, second = two_versions()
    started.set()
    while True:
        save_settings(locations, second)
        save_settings(locations, first)


def test_sigkill_mid_write_leaves_old_or_new_file(locations: Locations) -> None:
    first, second = two_versions()
    expected = {encode_settings(first): "first", encode_settings(second): "second"}
    save_settings(locations, first)
    context = multiprocessing.get_context("fork")
    seen: dict[str, int] = {"first": 0, "second": 0}
    rng = random.Random(20261129)
    deadline = time.monotonic() + 60
    for _ in range(100):
        started = context.Event()
        writer = context.Process(target=keep_writing, args=(locations, started), daemon=True)
        writer.start()
        assert started.wait(10)
        time.sleep(rng.uniform(0.0, 0.015))
        assert writer.pid is not None
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(10)
        assert writer.exitcode == -signal.SIGKILL
        raw = locations.settings_file.read_bytes()
        assert raw in expected, f"torn settings file ({len(raw)} bytes)"
        json.loads(raw)
        seen[expected[raw]] += 1
        loaded = load_settings(locations)
        assert loaded.warnings == ()
        assert loaded.settings in (first, second)
        assert time.monotonic() < deadline
    # Both outcomes happened, so the kills really landed while the child was writing.
    assert seen["first"] > 5 and seen["second"] > 5, seen
