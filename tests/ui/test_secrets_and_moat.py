"""No keyring: the plain choice (session only or the encrypted vault with a passphrase), never a
plaintext file. Moat: the captcha dialog against a Moat server on 127.0.0.1 (the lab's, in-process),
a wrong answer gives a new picture, the bridges obtained are kept as secrets."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from byway.lab import moat_server
from byway.store.errors import SecretStorageChoice
from byway.store.locations import Locations
from byway.store.settings import load_settings
from byway.transports.bridge_line import Transport
from byway.transports.catalog import load_shipped
from byway.ui.app import build
from byway.ui.ports import moat_factory
from byway.ui.widgets import unnamed_widgets
from tests.ui.conftest import FAST
from tests.ui.test_settings import GOOD

PASSPHRASE = "correct horse battery"


def start(qtbot, locations: Locations):
    running = build(locations, demo="iran-2022", time_scale=FAST)  # no secrets given: the keyring
    qtbot.addWidget(running.window)
    running.window.show()
    return running


def test_no_keyring_offers_session_or_vault_and_the_vault_needs_its_passphrase(
    qtbot, locations: Locations, monkeypatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    running = start(qtbot, locations)
    window = running.window
    try:
        qtbot.waitUntil(lambda: window.secret_storage.reason != "", timeout=10000)
        assert "only for this session" in window.mode.text()
        window.open_settings()
        tab = window.settings_page.bridges
        tab.custom.setPlainText(GOOD)
        tab.save.click()
        qtbot.waitUntil(lambda: window.secret_storage.dialog is not None, timeout=5000)
        dialog = window.secret_storage.dialog
        assert dialog is not None and unnamed_widgets(dialog) == []
        assert "No system keyring" in dialog.reason.text()
        assert load_settings(locations).settings.secrets.custom_bridges is None  # nothing saved yet
        dialog.vault.setChecked(True)
        dialog.passphrase.setText("short")
        dialog.confirm.setText("short")
        dialog.ok.click()
        assert "at least 8" in dialog.problem.text()
        dialog.passphrase.setText(PASSPHRASE)
        dialog.confirm.setText(PASSPHRASE)
        dialog.ok.click()
        qtbot.waitUntil(lambda: window.prefs.secrets.kind is SecretStorageChoice.VAULT, timeout=30000)
        qtbot.waitUntil(
            lambda: load_settings(locations).settings.secrets.custom_bridges is not None, timeout=20000
        )
        assert "encrypted vault" in window.mode.text()
        assert locations.vault_file.exists()
        assert b"obfs4" not in locations.vault_file.read_bytes()
        assert "obfs4" not in locations.settings_file.read_text()
        qtbot.waitUntil(
            lambda: load_settings(locations).settings.secret_storage is SecretStorageChoice.VAULT,
            timeout=5000,
        )
    finally:
        running.worker.stop()

    again = start(qtbot, locations)  # the next run asks for the vault's passphrase at once
    window = again.window
    try:
        qtbot.waitUntil(lambda: window.secret_storage.dialog is not None, timeout=10000)
        dialog = window.secret_storage.dialog
        assert dialog is not None and dialog.vault_exists and dialog.vault.isChecked()
        assert not dialog.confirm.isVisible()
        dialog.passphrase.setText("not the passphrase")
        dialog.ok.click()
        qtbot.waitUntil(lambda: "not correct" in dialog.problem.text(), timeout=30000)
        assert window.prefs.secrets.kind is SecretStorageChoice.SESSION_ONLY
        dialog.passphrase.setText(PASSPHRASE)
        dialog.ok.click()
        qtbot.waitUntil(lambda: window.prefs.secrets.kind is SecretStorageChoice.VAULT, timeout=30000)
        assert window.prefs.custom_bridges_text() == GOOD
    finally:
        again.worker.stop()


def test_session_only_is_a_choice_too(qtbot, locations: Locations, monkeypatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    running = start(qtbot, locations)
    window = running.window
    try:
        qtbot.waitUntil(lambda: window.secret_storage.reason != "", timeout=10000)
        window.open_settings()
        window.settings_page.bridges.custom.setPlainText(GOOD)
        window.settings_page.bridges.save.click()
        qtbot.waitUntil(lambda: window.secret_storage.dialog is not None, timeout=5000)
        dialog = window.secret_storage.dialog
        assert dialog is not None
        dialog.session.setChecked(True)
        dialog.ok.click()
        qtbot.waitUntil(
            lambda: load_settings(locations).settings.secrets.custom_bridges is not None, timeout=5000
        )
        # the file is written before the in-memory settings follow: wait for both
        qtbot.waitUntil(lambda: window.prefs.custom_bridges_text() == GOOD, timeout=5000)
        assert not locations.vault_file.exists()
        assert "obfs4" not in locations.settings_file.read_text()
    finally:
        running.worker.stop()


@pytest.fixture
def moat_url(tmp_path: Path) -> Iterator[tuple[str, moat_server.Moat]]:
    """The lab's Moat server on 127.0.0.1 (no traffic leaves the machine), bridges from the catalog."""
    lines = [bridge.to_torrc_value() for bridge in load_shipped().bridges_for(Transport.OBFS4)[:2]]
    network = tmp_path / "network.json"
    network.write_text(json.dumps({"obfs4_bridges": lines, "vanilla_bridge": ""}))
    moat = moat_server.Moat(network)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = asyncio.run_coroutine_threadsafe(
        asyncio.start_server(lambda r, w: moat_server.handle(moat, r, w), "127.0.0.1", port), loop
    ).result(5)
    yield f"http://127.0.0.1:{port}/moat/", moat
    loop.call_soon_threadsafe(server.close)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def test_moat_captcha_wrong_then_right_and_the_bridges_are_secrets(
    qtbot, make_app, locations: Locations, secrets, moat_url
) -> None:
    from dataclasses import replace

    from byway.ui.ports import demo_collaborators

    url, moat = moat_url
    window = make_app(
        None, replace(demo_collaborators("iran-2022", FAST), moat=moat_factory(locations, url))
    ).window
    window.open_settings()
    window.settings_page.bridges.moat.click()
    qtbot.waitUntil(lambda: getattr(window, "moat_dialog", None) is not None, timeout=5000)
    dialog = window.moat_dialog
    assert unnamed_widgets(dialog) == []
    qtbot.waitUntil(lambda: dialog.challenge is not None, timeout=10000)
    assert not dialog.image.pixmap().isNull()
    first = dialog.challenge.challenge
    dialog.answer.setText("00000x")
    dialog.submit.click()
    qtbot.waitUntil(
        lambda: dialog.challenge is not None and dialog.challenge.challenge != first, timeout=10000
    )
    assert "not the right answer" in dialog.status.text()
    solution = moat.challenges[dialog.challenge.challenge][0]
    dialog.answer.setText(solution)
    dialog.submit.click()
    qtbot.waitUntil(lambda: load_settings(locations).settings.secrets.moat_bridges is not None, timeout=10000)
    ref = load_settings(locations).settings.secrets.moat_bridges
    assert ref is not None and "obfs4" in (secrets.get(ref) or "")
    assert "obfs4" not in locations.settings_file.read_text()
    qtbot.waitUntil(
        lambda: "2 private bridges" in window.settings_page.bridges.moat_status.text(), timeout=5000
    )
    assert len(window.prefs.own_bridges()) == 2  # handed to the advisor with the user's own
