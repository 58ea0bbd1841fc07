"""Changing the vault's passphrase from Settings > General: the current passphrase first, the new one
twice; the check and the re-encryption on the worker; nothing lost on any failure; all by keyboard.

Every test runs against a real vault file in tmp_path (fast scrypt parameters), holding several
secrets, as the store the window uses.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from byway.store.errors import SecretStorageChoice, StorageUnavailable, StoreError, VaultPassphraseWrong
from byway.store.locations import Locations
from byway.store.secrets import KeyringSecretStore, MemorySecretStore
from byway.store.vault import ScryptParams, VaultSecretStore
from byway.ui.widgets import unnamed_widgets
from tests.ui.test_keyboard import focused, press, tab_to
from tests.ui.test_settings import GOOD

FAST_KDF = ScryptParams(n=2**10, r=8, p=1)
OLD = "correct horse battery"
NEW = "a new and longer passphrase"
SECRETS = {
    "custom-bridges/aaaaaaaa": GOOD,
    "proxy/bbbbbbbb": json.dumps({"username": "alice", "password": "s3cret pass"}),
    "moat-bridges/cccccccc": "obfs4 192.0.2.20:443 " + "B" * 40 + " cert=" + "C" * 70 + " iat-mode=0",
}


@pytest.fixture
def secrets(locations: Locations) -> VaultSecretStore:
    """The window's store: a vault file opened with OLD, already holding SECRETS."""
    locations.data_dir.mkdir(parents=True, exist_ok=True)
    vault = VaultSecretStore.create(locations.vault_file, OLD, FAST_KDF)
    for secret_id, value in SECRETS.items():
        vault.set(secret_id, value)
    return vault


def contents(path: Path, passphrase: str) -> dict[str, str]:
    vault = VaultSecretStore.unlock(path, passphrase)
    return {secret_id: vault.get(secret_id) or "" for secret_id in vault.list_ids()}


def refused(path: Path, passphrase: str) -> bool:
    try:
        VaultSecretStore.unlock(path, passphrase)
    except VaultPassphraseWrong:
        return True
    return False


def open_general(make_app):
    window = make_app("iran-2022").window
    window.open_settings()
    window.settings_page.tabs.setCurrentWidget(window.settings_page.general)
    return window, window.settings_page.general


def open_dialog(qtbot, tab):
    assert tab.passphrase_button.isVisible()
    tab.passphrase_button.click()
    dialog = tab.passphrase_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    return dialog


def fill(dialog, current: str, new: str, again: str) -> None:
    dialog.current.setText(current)
    dialog.new.setText(new)
    dialog.confirm.setText(again)


class Backend:
    """A keyring that keeps its entries in memory (what an OS keyring looks like to Byway)."""

    priority = 5

    def __init__(self) -> None:
        self.stored: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.stored.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.stored[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.stored[(service, username)]


def test_the_button_is_shown_only_while_secrets_are_in_the_vault(qtbot, make_app, secrets) -> None:
    window, tab = open_general(make_app)
    assert tab.passphrase_button.isVisible()
    assert tab.passphrase_button.text().replace("&", "") == "Change the vault passphrase..."
    for store in (KeyringSecretStore(Backend()), MemorySecretStore()):
        window.prefs.use_secret_store(store)
        window.show_mode()  # what the window does whenever the store changes
        assert not tab.passphrase_button.isVisible(), store.kind
    window.prefs.use_secret_store(secrets)
    window.show_mode()
    assert tab.passphrase_button.isVisible()
    # The real way out of the vault: "Where secrets are kept..." > only for this session.
    tab.storage_button.click()
    storage = window.secret_storage.dialog
    assert storage is not None
    storage.session.setChecked(True)
    storage.ok.click()
    qtbot.waitUntil(lambda: window.prefs.secrets.kind is SecretStorageChoice.SESSION_ONLY, timeout=5000)
    qtbot.waitUntil(lambda: not tab.passphrase_button.isVisible(), timeout=5000)
    assert contents(secrets.path, OLD) == SECRETS  # leaving the vault does not touch it


def test_without_the_vault_there_is_no_passphrase_to_change(make_app, locations, secrets) -> None:
    window, _tab = open_general(make_app)
    window.prefs.use_secret_store(MemorySecretStore())
    with pytest.raises(StoreError, match="no passphrase to change"):
        window.prefs.change_vault_passphrase(OLD, NEW)
    assert contents(locations.vault_file, OLD) == SECRETS


def test_the_dialog_is_named_and_hides_what_is_typed(qtbot, make_app) -> None:
    window, tab = open_general(make_app)
    assert unnamed_widgets(window) == []
    dialog = open_dialog(qtbot, tab)
    assert unnamed_widgets(dialog) == []
    assert dialog.isModal()
    for field in (dialog.current, dialog.new, dialog.confirm):
        assert field.echoMode() is QLineEdit.EchoMode.Password, field.accessibleName()
    assert [
        dialog.current.accessibleName(),
        dialog.new.accessibleName(),
        dialog.confirm.accessibleName(),
    ] == [
        "Current passphrase",
        "New passphrase",
        "New passphrase again",
    ]


def test_a_wrong_current_passphrase_is_refused_in_words_and_nothing_changes(
    qtbot, make_app, locations: Locations, secrets
) -> None:
    _window, tab = open_general(make_app)
    before = locations.vault_file.read_bytes()
    dialog = open_dialog(qtbot, tab)
    fill(dialog, "not the passphrase", NEW, NEW)
    dialog.ok.click()
    assert dialog.busy and not dialog.ok.isEnabled() and not dialog.cancel.isEnabled()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)
    assert dialog.problem.text() == VaultPassphraseWrong().message
    assert dialog.problem.isVisible() and dialog.isVisible()
    assert dialog.focusWidget() is dialog.current  # where the mistake is
    assert not tab.passphrase_changed.isVisible()
    assert locations.vault_file.read_bytes() == before
    assert contents(locations.vault_file, OLD) == SECRETS
    assert refused(locations.vault_file, NEW)
    # Still open: the right passphrase now goes through.
    dialog.current.setText(OLD)
    dialog.ok.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
    assert contents(locations.vault_file, NEW) == SECRETS


@pytest.mark.parametrize(
    ("current", "new", "again", "words", "where"),
    [
        ("", NEW, NEW, "Type the passphrase that opens the vault now.", "current"),
        (OLD, "short", "short", "at least 8 characters", "new"),
        (OLD, "1234567", "1234567", "at least 8 characters", "new"),
        (OLD, NEW, NEW + "!", "not the same", "confirm"),
        (OLD, OLD, OLD, "same as the current one", "new"),
    ],
    ids=["no-current", "short", "seven", "mismatch", "unchanged"],
)
def test_a_new_passphrase_that_breaks_the_rules_is_refused_at_once(
    qtbot, make_app, locations: Locations, secrets, monkeypatch, current, new, again, words, where
) -> None:
    window, tab = open_general(make_app)
    started: list[tuple[str, str]] = []
    monkeypatch.setattr(window.prefs, "change_vault_passphrase", lambda *args: started.append(args))
    before = locations.vault_file.read_bytes()
    dialog = open_dialog(qtbot, tab)
    fill(dialog, current, new, again)
    dialog.ok.click()
    assert words in dialog.problem.text()
    assert dialog.isVisible() and not dialog.busy and dialog.ok.isEnabled()
    assert dialog.focusWidget() is getattr(dialog, where)
    qtbot.wait(50)
    assert started == []  # nothing reached the worker
    assert locations.vault_file.read_bytes() == before
    assert contents(locations.vault_file, OLD) == SECRETS


def test_a_change_re_encrypts_every_secret_under_the_new_passphrase(
    qtbot, make_app, locations: Locations, secrets, monkeypatch
) -> None:
    announced: list[str] = []
    monkeypatch.setattr("byway.ui.pages.settings.announce", lambda _widget, text, **_: announced.append(text))
    threads: list[str] = []  # scrypt runs twice (check, re-encrypt): never on the GUI thread
    unlock, change = VaultSecretStore.unlock.__func__, VaultSecretStore.change_passphrase

    def unlocking(cls, *args):
        threads.append(threading.current_thread().name)
        return unlock(cls, *args)

    def changing(self, *args):
        threads.append(threading.current_thread().name)
        return change(self, *args)

    monkeypatch.setattr(VaultSecretStore, "unlock", classmethod(unlocking))
    monkeypatch.setattr(VaultSecretStore, "change_passphrase", changing)
    _window, tab = open_general(make_app)
    dialog = open_dialog(qtbot, tab)
    fill(dialog, OLD, NEW, NEW)
    dialog.ok.click()
    qtbot.waitUntil(lambda: tab.passphrase_dialog is None, timeout=20000)
    assert not dialog.isVisible()
    assert [dialog.current.text(), dialog.new.text(), dialog.confirm.text()] == ["", "", ""]
    assert tab.passphrase_changed.isVisible()
    assert "passphrase was changed" in tab.passphrase_changed.text()
    assert announced == [tab.passphrase_changed.text()]
    assert len(threads) == 2 and threading.main_thread().name not in threads
    assert refused(locations.vault_file, OLD)
    assert contents(locations.vault_file, NEW) == SECRETS
    raw = locations.vault_file.read_bytes()
    assert b"alice" not in raw and b"obfs4" not in raw
    # The store in use goes on under the new passphrase.
    secrets.set("proxy/dddddddd", "later")
    assert contents(locations.vault_file, NEW)["proxy/dddddddd"] == "later"


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (StorageUnavailable(Path("/media/stick/secrets.vault"), "the drive is read-only"), "cannot save"),
        (RuntimeError("a bug"), "Something unexpected went wrong"),
    ],
    ids=["write-refused", "unexpected"],
)
def test_a_failed_change_keeps_the_vault_and_its_old_passphrase(
    qtbot, make_app, locations: Locations, secrets, monkeypatch, error, words
) -> None:
    _window, tab = open_general(make_app)
    before = locations.vault_file.read_bytes()

    def refuse(path: Path, data: bytes) -> None:
        raise error

    monkeypatch.setattr("byway.store.vault.write_atomic", refuse)
    dialog = open_dialog(qtbot, tab)
    fill(dialog, OLD, NEW, NEW)
    dialog.ok.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)
    monkeypatch.undo()
    assert words in dialog.problem.text()
    assert "Traceback" not in dialog.problem.text()
    assert dialog.isVisible() and not tab.passphrase_changed.isVisible()
    assert locations.vault_file.read_bytes() == before
    assert contents(locations.vault_file, OLD) == SECRETS
    assert refused(locations.vault_file, NEW)
    # The open store kept the old key: what is saved next still opens with the old passphrase.
    secrets.set("proxy/dddddddd", "later")
    assert contents(locations.vault_file, OLD)["proxy/dddddddd"] == "later"


def test_closing_is_refused_while_the_vault_is_re_encrypted(qtbot, make_app, locations, secrets) -> None:
    _window, tab = open_general(make_app)
    dialog = open_dialog(qtbot, tab)
    fill(dialog, OLD, NEW, NEW)
    dialog.ok.click()
    dialog.reject()  # Esc or the window's close button while the worker runs
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: tab.passphrase_dialog is None, timeout=20000)
    assert contents(locations.vault_file, NEW) == SECRETS


def window_manager_reactivates(qtbot, window) -> None:
    """A desktop's window manager activates the window again when its modal dialog closes;
    offscreen Qt has no window manager, so the test does it (the focus within is the app's)."""
    if QApplication.activeWindow() is None:
        window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)


def test_the_whole_change_by_keyboard(qtbot, make_app, locations: Locations, secrets) -> None:
    window = make_app("iran-2022").window
    window.activateWindow()
    qtbot.waitUntil(lambda: focused() is not None, timeout=3000)
    qtbot.keyClick(focused(), Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    settings = window.settings_page
    assert window.stack.currentWidget() is settings
    assert focused() is settings.tabs.tabBar()
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_Right)
    general = settings.general
    assert settings.tabs.currentWidget() is general
    tab_to(qtbot, general.passphrase_button)
    press(qtbot, Qt.Key.Key_Space)
    dialog = general.passphrase_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: focused() is dialog.current, timeout=3000)
    press(qtbot, Qt.Key.Key_Escape)  # Esc cancels, and nothing changes
    assert not dialog.isVisible() and general.passphrase_dialog is None
    assert contents(locations.vault_file, OLD) == SECRETS
    window_manager_reactivates(qtbot, window)
    qtbot.waitUntil(lambda: focused() is general.passphrase_button, timeout=3000)
    press(qtbot, Qt.Key.Key_Return)
    dialog = general.passphrase_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: focused() is dialog.current, timeout=3000)
    qtbot.keyClicks(focused(), OLD)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.new
    qtbot.keyClicks(focused(), "short")
    press(qtbot, Qt.Key.Key_Return)  # Enter submits from any field
    assert "at least 8" in dialog.problem.text() and focused() is dialog.new
    qtbot.keyClicks(focused(), NEW)  # the refused text was selected: typing replaces it
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.confirm
    qtbot.keyClicks(focused(), NEW)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.ok
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.cancel
    tab_to(qtbot, dialog.confirm)  # past Cancel and back: Enter still means "Change passphrase"
    assert dialog.ok.isDefault() and not dialog.cancel.isDefault()
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: general.passphrase_dialog is None, timeout=20000)
    assert general.passphrase_changed.isVisible()
    window_manager_reactivates(qtbot, window)
    assert focused() is general.passphrase_button
    assert refused(locations.vault_file, OLD)
    assert contents(locations.vault_file, NEW) == SECRETS
