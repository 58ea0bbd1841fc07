"""The system tray icon: the connection state at a glance, and Connect / Disconnect from the menu."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from byway.ui.icons import icon
from byway.ui.state import State
from byway.ui.window import MainWindow


class Tray(QSystemTrayIcon):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(icon("tray-idle"), window)
        self.window = window
        self._build()
        window.state_changed.connect(self.show_state)
        window.retranslated.connect(self._build)
        self.show_state(window.state)

    def _build(self) -> None:
        """The menu in the current language (again after a change of language)."""
        window = self.window
        menu = QMenu()
        self.status = QAction("", menu)
        self.status.setEnabled(False)
        menu.addAction(self.status)
        menu.addSeparator()
        self.connect_action = QAction(self.tr("Connect"), menu)
        self.connect_action.triggered.connect(window.connect_again)
        self.disconnect_action = QAction(self.tr("Disconnect"), menu)
        self.disconnect_action.triggered.connect(window.disconnect_session)
        show = QAction(self.tr("Show Byway"), menu)
        show.triggered.connect(window.showNormal)
        show.triggered.connect(window.raise_)
        quit_action = QAction(self.tr("Quit"), menu)
        quit_action.triggered.connect(window.close)
        for action in (self.connect_action, self.disconnect_action, show, quit_action):
            menu.addAction(action)
        self.menu = menu
        self.setContextMenu(menu)
        self.show_state(window.state)

    def show_state(self, state: str) -> None:
        words = {
            State.IDLE: self.tr("Byway: not connected"),
            State.TESTING: self.tr("Byway: testing the network"),
            State.CONNECTING: self.tr("Byway: connecting"),
            State.CONNECTED: self.tr("Byway: connected"),
        }
        names = {State.CONNECTED: "tray-connected", State.CONNECTING: "tray-busy", State.TESTING: "tray-busy"}
        self.setIcon(icon(names.get(state, "tray-idle")))
        self.setToolTip(words.get(state, ""))
        self.status.setText(words.get(state, ""))
        self.connect_action.setEnabled(state == State.IDLE)
        self.disconnect_action.setEnabled(state in (State.CONNECTED, State.CONNECTING))
