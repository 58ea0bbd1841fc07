"""Connecting: a progress bar driven by tor's bootstrap events, the phase in words, a log, Cancel."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QProgressBar, QToolButton, QWidget

from byway.ui.widgets import Page, TextArea, announce, button, label, named
from byway.ui.words import phase_words, stuck_advice, way_name

if TYPE_CHECKING:
    from byway.tor.events import ConnectEvent


class ConnectingPage(Page):
    cancel = Signal()
    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_title(self.tr("Connecting"))
        self.way = label("", "headline")
        self.body.addWidget(self.way)
        self.phase = label(self.tr("Starting Tor"))
        self.body.addWidget(self.phase)
        self.bar = named(QProgressBar(), self.tr("Connection progress"), self.tr("How far Tor has got"))
        self.bar.setRange(0, 100)
        self.body.addWidget(self.bar)
        self.problem = label("", "bad", selectable=True)
        self.problem.hide()
        self.body.addWidget(self.problem)
        self.log_toggle = named(QToolButton(), self.tr("Show log"), self.tr("Show or hide Tor's messages"))
        self.log_toggle.setText(self.tr("Show log"))
        self.log_toggle.setCheckable(True)
        self.log_toggle.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.log_toggle.toggled.connect(self._toggle_log)
        self.body.addWidget(self.log_toggle)
        self.log = named(
            TextArea(lines=6), self.tr("Connection log"), self.tr("Every step Tor reported, with the time")
        )
        self.log.setReadOnly(True)
        self.log.hide()
        self.body.addWidget(self.log, 1)
        self.body.addStretch(0)  # takes the room while the log is hidden; the shown log takes it all
        self.back_button = button(self.tr("&Back to the plan"), self.tr("Return to the ways out"))
        self.back_button.clicked.connect(self.back)
        self.back_button.hide()
        self.cancel_button = button(self.tr("&Cancel"), self.tr("Stop connecting and stop Tor"), primary=True)
        self.cancel_button.clicked.connect(self.cancel)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)  # Esc stops, as Cancel does
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.cancel_button.click)
        self.add_action(self.back_button)
        self.add_action(self.cancel_button)
        self.first_focus = self.cancel_button

    def _toggle_log(self, shown: bool) -> None:
        self.log.setVisible(shown)
        text = self.tr("Hide log") if shown else self.tr("Show log")
        self.log_toggle.setText(text)
        self.log_toggle.setAccessibleName(text)

    def reset(self) -> None:
        self.bar.setValue(0)
        self.way.setText("")
        self.phase.setText(self.tr("Starting Tor"))
        self.problem.hide()
        self.log.clear()
        self.back_button.hide()
        self.cancel_button.show()
        self.first_focus = self.cancel_button

    def _log(self, text: str) -> None:
        self.log.appendPlainText(f"{datetime.now():%H:%M:%S}  {text}")

    def handle(self, event: ConnectEvent) -> None:
        from byway.tor.events import AttemptEvent, AttemptOutcome, BootstrapEvent, HealthEvent

        if isinstance(event, BootstrapEvent):
            self.bar.setValue(event.progress)
            self.phase.setText(phase_words(event.tag, event.progress))
            line = f"{event.progress}% {event.tag}: {event.summary}"
            if event.warning:
                line += f" ({event.warning}, {event.reason or '-'})"
            self._log(line)
        elif isinstance(event, AttemptEvent):
            name = way_name(event.option.way)
            if event.outcome is AttemptOutcome.STARTED:
                self.way.setText(self.tr("Trying {way}").format(way=name))
                announce(self, self.way.text())
                self.bar.setValue(0)
                self._log(self.tr("Trying {way}").format(way=name))
            else:
                self._log(f"{name}: {event.outcome.value}. {event.explanation}")
        elif isinstance(event, HealthEvent):
            self._log(event.explanation)

    def failed(self, text: str) -> None:
        """Connecting ended without a connection: say why, and what to do next."""
        self.problem.setText(text + "\n" + stuck_advice(self.bar.value()))
        self.problem.show()
        announce(self, self.problem.text(), assertive=True)
        self.phase.setText(self.tr("Not connected"))
        self.cancel_button.hide()
        self.back_button.show()
        self.first_focus = self.back_button
        self.back_button.setFocus()
