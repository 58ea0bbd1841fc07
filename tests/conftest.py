"""The ``lab`` fixture: one censorship lab for the whole test session, switched per test (any suite:
integration, ui and benchmarks-as-tests request it by name).

Other suites (the diagnosis engine's lab tests) build on this: request ``lab``, call
``lab.switch("sni-reset")``, then run Byway inside with ``lab.exec_inside([...])``. The handle is
typed and carries every address, name, bridge line and URL the lab uses (``lab.info``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from byway.lab import LabUnavailable, control, namespaces
from byway.lab.testing import LabHandle


def lab_unavailable_reason() -> str | None:
    try:
        namespaces.check_available()
    except LabUnavailable as err:
        return f"LAB TESTS SKIPPED: {err}"
    return None


@pytest.fixture(scope="session")
def lab() -> Iterator[LabHandle]:
    reason = lab_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    already = bool(namespaces.lab_namespaces()) and control.status().healthy
    info = control.up("open", reuse=True)
    handle = LabHandle(info, started_here=not already)
    try:
        yield handle
    finally:
        if handle.started_here and not os.environ.get("BYWAY_LAB_KEEP"):
            control.down()


@pytest.fixture()
def scenario(lab: LabHandle) -> Iterator[LabHandle]:
    """The lab, put back to ``open`` after the test whatever scenario it switched to."""
    try:
        yield lab
    finally:
        if namespaces.lab_namespaces():
            lab.switch("open")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the teardown check last, after every other test that uses the shared lab."""
    items.sort(key=lambda item: item.get_closest_marker("lab_teardown") is not None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "lab_teardown: takes the shared lab down; runs last")
