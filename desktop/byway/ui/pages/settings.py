"""Settings: bridges, upstream proxy, language, where things are kept, and forgetting everything."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from byway.store.errors import SecretStorageChoice
from byway.ui.pages.bridges import BridgesTab, RunBlocking
from byway.ui.pages.proxy import ProxyTab
from byway.ui.preferences import Preferences
from byway.ui.translation import available_languages, native_name
from byway.ui.widgets import Page, announce, button, label, named

if TYPE_CHECKING:
    from byway.ui.passphrase_dialog import PassphraseDialog


def isolated(path: object) -> str:
    """A path inside a sentence, kept left to right even in a right-to-left sentence (left-to-right
    marks on both sides), so "/tmp/x" is not shown as "tmp/x/" in Farsi or Arabic."""
    return f"\u200e{path}\u200e"


class GeneralTab(QWidget):
    forgotten = Signal()
    language_chosen = Signal(str)  # a code from LANGUAGES ("" = the system's)
    storage_requested = Signal()

    def __init__(self, prefs: Preferences, run: RunBlocking, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.run = run
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        form = QFormLayout()
        self.language = named(
            QComboBox(), self.tr("Language"), self.tr("The language of Byway's window and messages")
        )
        self.language.addItem(self.tr("Same as the system"), "")
        for code in available_languages():
            self.language.addItem(native_name(code), code)
        form.addRow(self.tr("Language:"), self.language)
        layout.addLayout(form)
        self.storage = label("", selectable=True)
        layout.addWidget(self.storage)
        storage_row = QHBoxLayout()
        self.storage_button = button(
            self.tr("&Where secrets are kept..."),
            self.tr("Choose between keeping secrets for this session only and Byway's encrypted vault"),
        )
        self.storage_button.clicked.connect(self.storage_requested)
        storage_row.addWidget(self.storage_button)
        self.passphrase_button = button(
            self.tr("&Change the vault passphrase..."),
            self.tr("Type the vault's current passphrase, then choose a new one"),
        )
        self.passphrase_button.clicked.connect(self.change_passphrase)
        storage_row.addWidget(self.passphrase_button)
        storage_row.addStretch(1)
        layout.addLayout(storage_row)
        self.passphrase_changed = label("", "good")
        self.passphrase_changed.hide()
        layout.addWidget(self.passphrase_changed)
        self.passphrase_dialog: PassphraseDialog | None = None
        layout.addStretch(1)
        row = QHBoxLayout()
        self.forget = button(
            self.tr("&Forget everything..."),
            self.tr(
                "Delete Byway's settings, saved bridges, passwords, Tor state and logs from this computer"
            ),
        )
        self.forget.clicked.connect(self._forget)
        row.addWidget(self.forget)
        row.addStretch(1)
        layout.addLayout(row)
        self.result = label("", "muted")
        layout.addWidget(self.result)
        self.language.currentIndexChanged.connect(self._language_changed)

    def load(self) -> None:
        self.language.blockSignals(True)
        self.language.setCurrentIndex(max(0, self.language.findData(self.prefs.settings.language or "")))
        self.language.blockSignals(False)
        self.show_storage()

    def show_storage(self, reason: str = "") -> None:
        """Which mode is active (portable or installed) and where secrets are kept, in full."""
        kind = self.prefs.secrets.kind
        where = {
            SecretStorageChoice.KEYRING: self.tr("Secrets are kept in the system keyring."),
            SecretStorageChoice.VAULT: self.tr(
                "Secrets are kept in Byway's own vault, protected by a passphrase."
            ),
            SecretStorageChoice.SESSION_ONLY: self.tr(
                "Secrets are kept only until Byway closes, and never written to disk."
            ),
        }[kind]
        if kind is SecretStorageChoice.SESSION_ONLY and reason:
            where += " " + reason
        mode = (
            self.tr("Portable mode: everything stays in {folder}.").format(
                folder=isolated(self.prefs.locations.root)
            )
            if self.prefs.locations.portable
            else self.tr("Installed mode: settings are in {folder}.").format(
                folder=isolated(self.prefs.locations.config_dir)
            )
        )
        self.storage.setText(f"{mode}\n{where}")
        self.storage_button.setVisible(kind is not SecretStorageChoice.KEYRING)
        self.passphrase_button.setVisible(kind is SecretStorageChoice.VAULT)
        if kind is not SecretStorageChoice.VAULT:
            self.passphrase_changed.hide()

    def change_passphrase(self) -> PassphraseDialog:
        """Ask for the vault's current passphrase and a new one; check and re-encrypt on the worker."""
        if self.passphrase_dialog is not None:
            self.passphrase_dialog.raise_()
            return self.passphrase_dialog
        from byway.ui.passphrase_dialog import PassphraseDialog

        dialog = PassphraseDialog(self)
        dialog.setModal(True)
        dialog.submitted.connect(lambda current, new: self._change(dialog, current, new))
        dialog.finished.connect(lambda _: setattr(self, "passphrase_dialog", None))
        self.passphrase_dialog = dialog
        self.passphrase_changed.hide()
        dialog.show()
        return dialog

    def _change(self, dialog: PassphraseDialog, current: str, new: str) -> None:
        prefs = self.prefs

        def changed(_: object) -> None:
            dialog.finish()
            text = self.tr("The vault's passphrase was changed. From now on, only the new one opens it.")
            self.passphrase_changed.setText(text)
            self.passphrase_changed.show()
            announce(self, text)
            self.passphrase_button.setFocus()

        def failed(error: BaseException) -> None:
            from byway.store.errors import VaultPassphraseWrong
            from byway.ui.errors import is_worded, show_crash

            if is_worded(error):
                text = str(error)
            else:  # the app's own way: a scrubbed report to copy, and here what it means
                show_crash(error, dialog)
                text = self.tr(
                    "Something unexpected went wrong. The passphrase was not changed: the vault"
                    " still opens with its current passphrase."
                )
            dialog.show_problem(text, wrong_current=isinstance(error, VaultPassphraseWrong))
            announce(dialog, text, assertive=True)

        self.run(lambda: prefs.change_vault_passphrase(current, new), changed, failed)

    def _language_changed(self) -> None:
        code = str(self.language.currentData())
        self.run(
            lambda: self.prefs.save_language(code), lambda _: None, lambda e: self.result.setText(str(e))
        )
        self.language_chosen.emit(code)

    def _forget(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Forget everything?"),
            self.tr(
                "This deletes Byway's settings, your saved bridges and passwords, Tor's state and the logs"
                " from this computer. It cannot be undone."
            ),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        confirm = box.addButton(self.tr("Forget everything"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not confirm:
            return

        def done(report: object) -> None:
            failures = getattr(report, "failures", ())
            if failures:
                text = self.tr("Some things could not be deleted: {what}").format(
                    what="; ".join(f"{f.what}: {f.reason}" for f in failures)
                )
            else:
                text = self.tr("Everything Byway kept on this computer has been deleted.")
            self.result.setText(text)
            self.forgotten.emit()

        self.run(self.prefs.forget, done, lambda e: self.result.setText(str(e)))


class SettingsPage(Page):
    done = Signal()

    def __init__(
        self,
        prefs: Preferences,
        run: RunBlocking,
        run_secret: RunBlocking | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.set_title(self.tr("Settings"))
        self.tabs = named(QTabWidget(), self.tr("Settings sections"), self.tr("Bridges, proxy, and general"))
        self.bridges = BridgesTab(prefs, run, run_secret)
        self.proxy = ProxyTab(prefs, run, run_secret)
        self.general = GeneralTab(prefs, run)
        self.tabs.addTab(self.bridges, self.tr("&Bridges"))
        self.tabs.addTab(self.proxy, self.tr("Pro&xy"))
        self.tabs.addTab(self.general, self.tr("&General"))
        bar = self.tabs.tabBar()
        named(bar, self.tr("Settings sections"), self.tr("Choose a section with the arrow keys"))
        self.body.addWidget(self.tabs, 1)
        self.done_button = button(self.tr("D&one"), self.tr("Close the settings"), primary=True)
        self.done_button.clicked.connect(self.done)
        self.add_action(self.done_button)
        self.first_focus = self.tabs.tabBar()

    def load(self) -> None:
        self.bridges.load()
        self.proxy.load()
        self.general.load()
