"""Where secrets (bridges, proxy passwords) are kept, and the plain choice when the keyring is out.

Byway keeps secrets in the operating system's keyring. When there is none that can be trusted
(:class:`~byway.store.errors.KeyringUnavailable`) or Byway runs in portable mode, the user gets
exactly two choices, never a silent plaintext file:

- *keep only for this session*: in memory, gone when Byway closes;
- *keep in Byway's encrypted vault*: a file protected by a passphrase (asked for here).

The keyring is opened and the vault is unlocked on the worker thread (scrypt takes a moment); the
dialog stays open with the words of :class:`~byway.store.errors.VaultPassphraseWrong` until the
passphrase is right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from byway.store.errors import KeyringUnavailable, SecretStorageChoice, StoreError
from byway.store.secrets import SecretStore
from byway.ui.preferences import Preferences
from byway.ui.widgets import label, named

RunBlocking = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], None]
MIN_PASSPHRASE = 8


def storage_words(kind: SecretStorageChoice) -> str:
    """Where secrets are kept, in a few words (the status bar and Settings show it)."""
    words = {
        SecretStorageChoice.KEYRING: QCoreApplication.translate("SecretStorage", "Secrets: system keyring"),
        SecretStorageChoice.VAULT: QCoreApplication.translate(
            "SecretStorage", "Secrets: Byway's encrypted vault"
        ),
        SecretStorageChoice.SESSION_ONLY: QCoreApplication.translate(
            "SecretStorage", "Secrets: only for this session"
        ),
    }
    return words[kind]


class StorageDialog(QDialog):
    """Session only, or the vault with a passphrase. ``submitted(choice, passphrase)``; the owner
    answers with :meth:`finish` or :meth:`show_problem`."""

    submitted = Signal(object, str)

    def __init__(self, reason: str, vault_exists: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault_exists = vault_exists
        self.setWindowTitle(self.tr("Where should Byway keep your secrets?"))
        self.setAccessibleName(self.windowTitle())
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        self.reason = label(reason)
        layout.addWidget(self.reason)
        self.session = named(
            QRadioButton(self.tr("Keep only for this session")),
            self.tr("Keep only for this session"),
            self.tr("Bridges and passwords are forgotten when Byway closes; nothing is written to disk"),
        )
        self.vault = named(
            QRadioButton(self.tr("Keep in Byway's encrypted vault")),
            self.tr("Keep in Byway's encrypted vault"),
            self.tr("Bridges and passwords are saved in a file that only your passphrase opens"),
        )
        group = QButtonGroup(self)
        group.addButton(self.session)
        group.addButton(self.vault)
        layout.addWidget(self.session)
        layout.addWidget(label(self.tr("Forgotten when Byway closes. Nothing is written to disk."), "muted"))
        layout.addWidget(self.vault)
        form = QFormLayout()
        self.passphrase = named(
            QLineEdit(),
            self.tr("Vault passphrase"),
            self.tr("The passphrase that opens Byway's vault")
            if vault_exists
            else self.tr("A new passphrase for Byway's vault, at least 8 characters"),
        )
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Passphrase:"), self.passphrase)
        self.confirm = named(
            QLineEdit(), self.tr("Passphrase again"), self.tr("Type the same passphrase again, to be sure")
        )
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        if not vault_exists:
            form.addRow(self.tr("Again:"), self.confirm)
        else:
            self.confirm.hide()
        layout.addLayout(form)
        self.note = label(
            self.tr("A vault already exists here: type its passphrase to open it.")
            if vault_exists
            else self.tr("There is no way to recover a forgotten passphrase."),
            "muted",
        )
        layout.addWidget(self.note)
        self.problem = label("", "bad")
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(self.tr("Continue"), QDialogButtonBox.ButtonRole.AcceptRole)
        named(self.ok, self.tr("Continue"), self.tr("Keep secrets the way chosen above"))
        buttons.accepted.connect(self._submit)
        layout.addWidget(buttons)
        self.ok.setDefault(True)  # once inside the dialog: it is then the dialog's main default
        self.vault.toggled.connect(self._update)
        (self.vault if vault_exists else self.session).setChecked(True)
        self._update()

    def _update(self) -> None:
        for widget in (self.passphrase, self.confirm):
            widget.setEnabled(self.vault.isChecked())

    def _submit(self) -> None:
        if self.session.isChecked():
            self.submitted.emit(SecretStorageChoice.SESSION_ONLY, "")
            return
        passphrase = self.passphrase.text()
        if not self.vault_exists and len(passphrase) < MIN_PASSPHRASE:
            self.show_problem(self.tr("Choose a passphrase of at least 8 characters."))
            return
        if not self.vault_exists and passphrase != self.confirm.text():
            self.show_problem(self.tr("The two passphrases are not the same."))
            return
        if not passphrase:
            self.show_problem(self.tr("Type the vault's passphrase."))
            return
        self.ok.setEnabled(False)
        self.problem.setText(self.tr("Opening the vault..."))
        self.problem.show()
        self.submitted.emit(SecretStorageChoice.VAULT, passphrase)

    def show_problem(self, text: str) -> None:
        self.ok.setEnabled(True)
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def finish(self) -> None:
        self.passphrase.clear()
        self.confirm.clear()
        self.accept()


class SecretStorage(QObject):
    """Opens the keyring (on the worker), asks for the choice when needed, and swaps the store."""

    changed = Signal()

    def __init__(self, prefs: Preferences, run: RunBlocking, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.prefs = prefs
        self.run = run
        self.parent_widget = parent_widget
        self.reason = ""
        self.settled = False  # a choice was made (or the keyring answered) in this run
        self.dialog: StorageDialog | None = None
        self._waiting: list[Callable[[], None]] = []

    @property
    def kind(self) -> SecretStorageChoice:
        return self.prefs.secrets.kind

    def start(self) -> None:
        """At start-up: the keyring when installed; the vault's passphrase if the vault was chosen."""
        saved = self.prefs.settings.secret_storage
        if self.prefs.locations.portable:
            self.reason = self.tr(
                "Byway runs in portable mode, so nothing is kept in this computer's keyring."
            )
            if saved is SecretStorageChoice.VAULT or self.prefs.locations.vault_file.exists():
                self.ask()
            return

        def opened(_: object) -> None:
            self.settled = True
            self.changed.emit()
            self._release()

        def unavailable(error: BaseException) -> None:
            self.reason = (
                str(error) if isinstance(error, StoreError) else self.tr("No system keyring answered.")
            )
            if saved is SecretStorageChoice.VAULT or self._waiting:
                self.ask()
            elif saved is SecretStorageChoice.SESSION_ONLY:
                self.settled = True
                self._release()
            self.changed.emit()

        from byway.store.secrets import open_keyring_store

        prefs = self.prefs

        def keyring() -> SecretStore:
            store = open_keyring_store()
            prefs.use_secret_store(store)  # on the worker: the switch may copy secrets
            return store

        self.run(keyring, opened, unavailable)

    def ensure(self, then: Callable[[], None]) -> None:
        """Run ``then`` once it is settled where a secret about to be saved will be kept."""
        if self.settled or self.kind is not SecretStorageChoice.SESSION_ONLY:
            then()
            return
        self._waiting.append(then)
        if self.reason:
            self.ask()

    def _release(self) -> None:
        waiting, self._waiting = self._waiting, []
        for then in waiting:
            then()

    def ask(self) -> StorageDialog:
        """Show the choice (again, from Settings too)."""
        if self.dialog is not None:
            self.dialog.raise_()
            return self.dialog
        reason = self.reason or self.tr("Choose where Byway keeps bridges and passwords.")
        dialog = StorageDialog(reason, self.prefs.locations.vault_file.exists(), self.parent_widget)
        dialog.setModal(True)
        dialog.submitted.connect(self._chosen)
        dialog.rejected.connect(self._dismissed)
        dialog.finished.connect(lambda _: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.show()
        return dialog

    def _dismissed(self) -> None:
        if not self.settled:  # closing the dialog is "this session only", for this run
            self.settled = True
            self.changed.emit()
            self._release()

    def _chosen(self, choice: SecretStorageChoice, passphrase: str) -> None:
        from byway.store.secrets import MemorySecretStore, open_secret_store

        dialog = self.dialog
        locations = self.prefs.locations

        prefs = self.prefs

        def adopt(store: SecretStore) -> SecretStore:
            """On the worker: carry this session's secrets over, remember the choice."""
            prefs.use_secret_store(store)
            prefs.save_storage_choice(choice)
            return store

        def use(_: object) -> None:
            self.settled = True
            if dialog is not None:
                dialog.finish()
            self.changed.emit()
            self._release()

        def failed(error: BaseException) -> None:
            if dialog is not None:
                dialog.show_problem(str(error) if isinstance(error, StoreError) else repr(error))

        if choice is SecretStorageChoice.SESSION_ONLY:
            current = prefs.secrets
            memory = current if current.kind is SecretStorageChoice.SESSION_ONLY else MemorySecretStore()
            self.run(lambda: adopt(memory), use, failed)
            return
        self.run(lambda: adopt(open_secret_store(locations, choice, passphrase=passphrase)), use, failed)


__all__ = ["KeyringUnavailable", "SecretStorage", "StorageDialog", "storage_words"]
