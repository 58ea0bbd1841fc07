"""Connected: where to point applications (with a copy button), the way used, and Disconnect."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QWidget

from byway.ui.widgets import Page, button, label, named
from byway.ui.words import way_name

if TYPE_CHECKING:
    from byway.tor.events import Session


class ConnectedPage(Page):
    disconnect_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_title(self.tr("Connected"))
        self.intro = label(
            self.tr("Point your applications at this SOCKS5 proxy. Tor Browser needs no setting.")
        )
        self.body.addWidget(self.intro)
        row = QHBoxLayout()
        self.address = named(
            QLineEdit(), self.tr("SOCKS address"), self.tr("The address and port of the SOCKS5 proxy")
        )
        self.address.setReadOnly(True)
        row.addWidget(self.address, 1)
        self.copy = button(self.tr("Cop&y"), self.tr("Copy the SOCKS address to the clipboard"))
        self.copy.clicked.connect(self._copy)
        row.addWidget(self.copy)
        self.body.addLayout(row)
        self.demo_note = label(
            self.tr("Demo: this address is made up and nothing listens there. No traffic was sent."), "warn"
        )
        self.demo_note.hide()
        self.body.addWidget(self.demo_note)
        self.way = label("", "good")
        self.body.addWidget(self.way)
        self.copied = label("", "muted")
        self.body.addWidget(self.copied)
        self.body.addStretch(1)
        self.disconnect_button = button(
            self.tr("&Disconnect"), self.tr("Stop Tor and close the connection"), primary=True
        )
        self.disconnect_button.clicked.connect(self.disconnect_requested)
        self.add_action(self.disconnect_button)
        self.first_focus = self.copy

    def show_session(self, session: Session, demo: bool) -> None:
        self.address.setText(f"socks5://{session.socks}")
        self.demo_note.setVisible(demo)
        text = self.tr("Connected with {way} in {seconds:.0f} s.")
        self.way.setText(text.format(way=way_name(session.option.way), seconds=session.bootstrap_s))
        self.copied.setText("")

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.address.text())
        self.copied.setText(self.tr("Copied."))
