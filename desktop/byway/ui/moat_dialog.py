"""Private bridges from the Tor Project's Moat: show the captcha, read the answer, keep the bridges.

The requests run on the worker (:class:`byway.transports.moat.MoatClient`); a wrong answer
(``MoatCaptchaWrong``) fetches a new picture and asks again. The bridges obtained are secrets: the
client writes them to the secret store, and only their id goes into the settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from byway.ui.widgets import button, label, named

Start = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], None]
"""Start a coroutine factory on the worker with a success and a failure slot."""


class MoatDialog(QDialog):
    """``obtained(ObtainedBridges)`` once Moat accepted an answer."""

    obtained = Signal(object)

    def __init__(
        self,
        start: Start,
        fetch_job: Callable[[], Any],
        check_job: Callable[[Any, str], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._start = start
        self._fetch_job = fetch_job
        self.check_job = check_job
        self.challenge: Any = None
        self.wrong = False
        self.setWindowTitle(self.tr("Request bridges from the Tor Project"))
        self.setAccessibleName(self.windowTitle())
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(
            label(
                self.tr(
                    "Type the characters in the picture. The Tor Project then gives you bridges that"
                    " are not published, so they are less likely to be blocked."
                )
            )
        )
        self.image = QLabel()
        self.image.setMinimumSize(300, 90)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setAccessibleName(self.tr("Captcha picture"))
        self.image.setAccessibleDescription(
            self.tr("A picture of characters to type below; ask someone to read it if you cannot see it")
        )
        layout.addWidget(self.image)
        row = QHBoxLayout()
        self.answer = named(
            QLineEdit(),
            self.tr("Captcha answer"),
            self.tr("Type the characters shown in the picture, then press Enter"),
        )
        self.answer.returnPressed.connect(self._submit)
        row.addWidget(self.answer, 1)
        self.again = button(self.tr("&New picture"), self.tr("Fetch a different picture"))
        self.again.clicked.connect(self.fetch)
        row.addWidget(self.again)
        layout.addLayout(row)
        self.status = label("", "muted")
        layout.addWidget(self.status)
        buttons = QDialogButtonBox()
        self.submit = buttons.addButton(self.tr("Get bridges"), QDialogButtonBox.ButtonRole.AcceptRole)
        named(self.submit, self.tr("Get bridges"), self.tr("Send the answer and receive bridges"))
        close = buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        named(close, self.tr("Cancel"), self.tr("Close without requesting bridges"))
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.submit.setDefault(True)  # once inside the dialog: it is then the dialog's main default
        self.answer.setFocus()

    def _busy(self, busy: bool, text: str) -> None:
        self.status.setText(text)
        for widget in (self.submit, self.again, self.answer):
            widget.setEnabled(not busy)
        if not busy:
            self.answer.setFocus()

    def fetch(self) -> None:
        self.wrong = False
        self.challenge = None
        self.answer.clear()
        self.image.clear()
        self._busy(True, self.tr("Fetching a picture..."))
        self._start(self._fetch_job, self._fetched, self._failed)

    def _fetched(self, challenge: Any) -> None:
        self.challenge = challenge
        pixmap = QPixmap()
        if pixmap.loadFromData(challenge.image):
            self.image.setPixmap(
                pixmap.scaled(self.image.minimumSize() * 2, Qt.AspectRatioMode.KeepAspectRatio)
            )
        else:
            self.image.setText(self.tr("The picture could not be shown. Ask for a new one."))
        if self.wrong:
            self._busy(False, self.tr("That was not the right answer. Here is a new picture: try again."))
        else:
            self._busy(False, self.tr("Type what the picture shows."))

    def _submit(self) -> None:
        text = self.answer.text().strip()
        if self.challenge is None or not text:
            self.status.setText(self.tr("Type what the picture shows first."))
            return
        challenge, check = self.challenge, self.check_job
        self._busy(True, self.tr("Sending your answer..."))
        self._start(lambda: check(challenge, text), self._checked, self._check_failed)

    def _checked(self, obtained: Any) -> None:
        count = len(obtained.bridges)
        self._busy(False, self.tr("Received {count} bridges.").format(count=count))
        self.obtained.emit(obtained)
        self.accept()

    def _check_failed(self, error: BaseException) -> None:
        from byway.transports.moat_answers import MoatCaptchaWrong

        if isinstance(error, MoatCaptchaWrong):
            self.fetch()
            self.wrong = True
            return
        self._failed(error)

    def _failed(self, error: BaseException) -> None:
        self._busy(False, str(error) or self.tr("The request failed."))
        self.submit.setEnabled(self.challenge is not None)
