"""Settings, bridges: the built-in choice, a Moat request, and your own bridges checked as you type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from byway.ui.preferences import BUILTIN_CHOICES, Preferences, check_bridges
from byway.ui.widgets import TextArea, button, label, named

RunBlocking = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], None]


class BridgesTab(QWidget):
    moat_requested = Signal()

    def __init__(
        self,
        prefs: Preferences,
        run: RunBlocking,
        run_secret: RunBlocking | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.run = run
        self.run_secret = run_secret or run
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        form = QFormLayout()
        self.builtin = named(
            QComboBox(),
            self.tr("Built-in bridges"),
            self.tr("Which of the bridges that come with Byway to use"),
        )
        for key, text in zip(
            BUILTIN_CHOICES,
            (
                self.tr("Choose for me"),
                self.tr("obfs4"),
                self.tr("Snowflake"),
                self.tr("meek"),
                self.tr("None"),
            ),
            strict=True,
        ):
            self.builtin.addItem(text, key)
        form.addRow(self.tr("Built-in bridges:"), self.builtin)
        layout.addLayout(form)
        moat_row = QHBoxLayout()
        self.moat = button(
            self.tr("&Request bridges..."),
            self.tr("Ask the Tor Project for private bridges, after solving a captcha"),
        )
        self.moat.clicked.connect(self.moat_requested)
        moat_row.addWidget(self.moat)
        moat_row.addStretch(1)
        layout.addLayout(moat_row)
        self.moat_status = label("", "muted")
        layout.addWidget(self.moat_status)
        layout.addWidget(label(self.tr("Your own bridges, one per line:")))
        self.custom = named(
            TextArea(lines=4),
            self.tr("Your own bridges"),
            self.tr("Paste bridge lines here, one per line; each line is checked as you type"),
        )
        self.custom.setPlaceholderText("obfs4 192.0.2.1:443 0123...CDEF cert=... iat-mode=0")
        self.custom.textChanged.connect(self._check)
        layout.addWidget(self.custom, 1)
        self.problem = label("", "bad")
        layout.addWidget(self.problem)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        self.save = button(self.tr("&Save bridges"), self.tr("Keep these bridges for the next connection"))
        self.save.clicked.connect(self._save)
        save_row.addWidget(self.save)
        layout.addLayout(save_row)
        self.builtin.currentIndexChanged.connect(self._builtin_changed)

    def load(self) -> None:
        choice = str(self.prefs.settings.ui.get("bridges.builtin", "auto"))
        index = self.builtin.findData(choice)
        self.builtin.blockSignals(True)
        self.builtin.setCurrentIndex(max(0, index))
        self.builtin.blockSignals(False)
        self.custom.setPlainText(self.prefs.custom_bridges_text())
        self.problem.setText("")
        self.show_moat_bridges(len(self.prefs.moat_bridges()))

    def _builtin_changed(self) -> None:
        value = str(self.builtin.currentData())
        self.run(lambda: self.prefs.save_ui("bridges.builtin", value), lambda _: None, self._failed)

    def show_moat_bridges(self, count: int) -> None:
        """How many private bridges from Moat are kept (as secrets); they are used when connecting."""
        if count:
            text = self.tr("{count} private bridges from the Tor Project are kept as secrets and used first.")
            self.moat_status.setText(text.format(count=count))
        else:
            self.moat_status.setText("")

    def _check(self) -> bool:
        _, errors = check_bridges(self.custom.toPlainText())
        if errors:
            self.problem.setText(str(errors[0]))
            self.save.setEnabled(False)
        else:
            self.problem.setText("")
            self.save.setEnabled(True)
        return not errors

    def _save(self) -> None:
        if not self._check():
            return
        text = self.custom.toPlainText()
        self.save.setEnabled(False)

        def saved(_: object) -> None:
            self.problem.setProperty("role", "good")
            self.problem.setText(self.tr("Saved."))
            self.save.setEnabled(True)

        self.run_secret(lambda: self.prefs.save_custom_bridges(text), saved, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.problem.setText(str(error))
        self.save.setEnabled(True)
