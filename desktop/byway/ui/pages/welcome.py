"""Welcome: what Byway does, and (on the first run) the risks of testing, with an explicit yes."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QWidget

from byway.consent import risk_text
from byway.ui.widgets import Page, button, label, named


class WelcomePage(Page):
    start = Signal()
    skip_test = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_title(self.tr("Find a way out"))
        self.intro = label(
            self.tr(
                "Byway tests what this network blocks, explains it in plain words, recommends the way"
                " out most likely to work, and connects you through Tor."
            )
        )
        self.body.addWidget(self.intro)
        self.risks = label(risk_text(), "muted", selectable=True)
        self.body.addWidget(self.risks)
        self.consent = named(
            QCheckBox(self.tr("I understand, and I want to run the tests")),
            self.tr("Consent to testing"),
            self.tr("Tick to agree to the tests described above; nothing is tested without it"),
        )
        self.consent.toggled.connect(self._update)
        self.body.addWidget(self.consent)
        self.message = label("", "warn")
        self.message.hide()
        self.body.addWidget(self.message)
        self.body.addStretch(1)
        self.skip = button(
            self.tr("Connect without testing"),
            self.tr("Skip the network test and go straight to the recommended ways out"),
        )
        self.skip.clicked.connect(self.skip_test)
        self.start_button = button(
            self.tr("&Test this network"),
            self.tr("Start testing which sites and which ways to Tor this network blocks"),
            primary=True,
        )
        self.start_button.clicked.connect(self.start)
        self.add_action(self.skip)
        self.add_action(self.start_button)
        self.first_focus = self.consent
        self._update()

    def set_consented(self, consented: bool) -> None:
        """After the first yes, the risks stay readable but the question is not asked again."""
        self.consent.setChecked(consented)
        self.consent.setVisible(not consented)
        self.first_focus = self.start_button if consented else self.consent

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def set_loading(self, loading: bool) -> None:
        """While Byway is still starting (a fraction of a second), the buttons wait."""
        self._loading = loading
        self.skip.setEnabled(not loading)
        self._update()

    def _update(self) -> None:
        self.start_button.setEnabled(self.consent.isChecked() and not getattr(self, "_loading", False))
