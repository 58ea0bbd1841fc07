"""Change the passphrase of Byway's vault: the current one (so nobody at an unlocked, unattended
computer can lock the owner out), then the new one twice.

The dialog only checks what it can check at once (lengths, the two new ones match); its owner checks
the current passphrase against the vault file and re-encrypts on the worker thread (scrypt takes a
moment), then answers with :meth:`PassphraseDialog.finish` or :meth:`PassphraseDialog.show_problem`.
The dialog stays open, with the problem in words, until the change succeeds or is cancelled; while
the change runs it cannot be cancelled, so nobody is left unsure which passphrase opens the vault.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from byway.ui.secret_storage import MIN_PASSPHRASE
from byway.ui.widgets import label, named


class PassphraseDialog(QDialog):
    """``submitted(current, new)`` once the new passphrase is long enough and typed twice alike."""

    submitted = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.busy = False
        self.setWindowTitle(self.tr("Change the vault passphrase"))
        self.setAccessibleName(self.windowTitle())
        self.setAccessibleDescription(self.tr("Type the current passphrase, then the new passphrase twice"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(
            label(
                self.tr(
                    "Type the passphrase that opens the vault now, then the new one twice. Your"
                    " bridges and passwords stay in the vault; only the passphrase that opens it changes."
                )
            )
        )
        form = QFormLayout()
        self.current = self._field(
            self.tr("Current passphrase"), self.tr("The passphrase that opens Byway's vault now")
        )
        form.addRow(self.tr("Current passphrase:"), self.current)
        self.new = self._field(
            self.tr("New passphrase"), self.tr("A new passphrase for Byway's vault, at least 8 characters")
        )
        form.addRow(self.tr("New passphrase:"), self.new)
        self.confirm = self._field(
            self.tr("New passphrase again"), self.tr("Type the same passphrase again, to be sure")
        )
        form.addRow(self.tr("Again:"), self.confirm)
        layout.addLayout(form)
        layout.addWidget(label(self.tr("There is no way to recover a forgotten passphrase."), "muted"))
        self.status = label("", "muted")
        self.status.hide()
        layout.addWidget(self.status)
        self.problem = label("", "bad")
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox()
        layout.addWidget(buttons)
        self.ok = buttons.addButton(self.tr("Change passphrase"), QDialogButtonBox.ButtonRole.AcceptRole)
        named(self.ok, self.tr("Change passphrase"), self.tr("Re-encrypt the vault under the new passphrase"))
        # Enter in any field submits. Set once the button is inside the dialog, so the dialog takes
        # it as its main default: Tab past Cancel and back to a field, and Enter still submits.
        self.ok.setDefault(True)
        self.cancel = buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        named(self.cancel, self.tr("Cancel"), self.tr("Close without changing the passphrase"))
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        self.setTabOrder(self.current, self.new)
        self.setTabOrder(self.new, self.confirm)
        self.setTabOrder(self.confirm, self.ok)
        self.setTabOrder(self.ok, self.cancel)
        self.current.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()

    def _fit(self) -> None:
        """As tall as the words need at the dialog's width (wrapped labels, longer in translation):
        no gaps between the lines, and an error message never cut off."""
        height = self.heightForWidth(self.width())
        if height > 0:
            self.resize(self.width(), height)

    def _field(self, name: str, description: str) -> QLineEdit:
        field = named(QLineEdit(), name, description)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        return field

    def _submit(self) -> None:
        if self.busy:
            return
        current, new = self.current.text(), self.new.text()
        if not current:
            self._refuse(self.tr("Type the passphrase that opens the vault now."), self.current)
        elif len(new) < MIN_PASSPHRASE:
            self._refuse(self.tr("Choose a passphrase of at least 8 characters."), self.new)
        elif new != self.confirm.text():
            self._refuse(self.tr("The two passphrases are not the same."), self.confirm)
        elif new == current:
            self._refuse(self.tr("The new passphrase is the same as the current one."), self.new)
        else:
            self._set_busy(True)
            self.submitted.emit(current, new)

    def _refuse(self, text: str, field: QLineEdit) -> None:
        self.status.hide()
        self.problem.setText(text)
        self.problem.show()
        field.selectAll()
        field.setFocus(Qt.FocusReason.OtherFocusReason)
        self._fit()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for field in (self.current, self.new, self.confirm):
            field.setReadOnly(busy)
        self.ok.setEnabled(not busy)
        self.cancel.setEnabled(not busy)
        self.problem.hide()
        self.status.setText(
            self.tr("Checking the current passphrase and re-encrypting the vault...") if busy else ""
        )
        self.status.setVisible(busy)
        self._fit()

    def show_problem(self, text: str, *, wrong_current: bool = False) -> None:
        """The change failed: say why; the vault and its passphrase are as they were."""
        self._set_busy(False)
        self._refuse(text, self.current if wrong_current else self.new)

    def finish(self) -> None:
        self._set_busy(False)
        self.accept()

    def done(self, result: int) -> None:
        """Closing while the vault is re-encrypted is refused: the change goes on regardless, and
        the owner must not be left unsure which passphrase opens it. The fields are cleared on close."""
        if self.busy:
            return
        for field in (self.current, self.new, self.confirm):
            field.clear()
        super().done(result)
