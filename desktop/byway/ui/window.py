"""The main window: a stack of pages, one step of the flow each, driven by jobs on the worker.

The window holds no network code. It receives its collaborators (:mod:`byway.ui.ports`), starts
jobs, and moves between pages when their signals arrive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from byway.analyze.analysis import Analysis
from byway.demo.tor import DEMO_SOURCE
from byway.plan import Plan, Way
from byway.tor.events import Session
from byway.ui import flow
from byway.ui.errors import is_worded, show_crash
from byway.ui.pages.advice import AdvicePage
from byway.ui.pages.connected import ConnectedPage
from byway.ui.pages.connecting import ConnectingPage
from byway.ui.pages.diagnose import DiagnosePage
from byway.ui.pages.results import ResultsPage
from byway.ui.pages.settings import SettingsPage
from byway.ui.pages.welcome import WelcomePage
from byway.ui.ports import AdviceRequest, Collaborators
from byway.ui.preferences import Preferences
from byway.ui.widgets import Page, label
from byway.ui.worker import CoreWorker, Job


class State:
    IDLE = "idle"
    TESTING = "testing"
    CONNECTING = "connecting"
    CONNECTED = "connected"


class MainWindow(QMainWindow):
    state_changed = Signal(str)
    demo_requested = Signal(str)  # a scenario name chosen from the menu

    def __init__(
        self,
        collaborators: Collaborators,
        prefs: Preferences,
        worker: CoreWorker,
        scenarios: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.collaborators = collaborators
        self.prefs = prefs
        self.worker = worker
        self.state = State.IDLE
        self.analysis: Analysis | None = None
        self.plan: Plan | None = None
        self.session: Session | None = None
        self.job: Job | None = None
        self.setWindowTitle(self.tr("Byway"))
        self.setAccessibleName(self.tr("Byway"))
        self.resize(900, 680)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.banner = label("", "demo")
        self.banner.hide()
        column.addWidget(self.banner)
        self.stack = QStackedWidget()
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.welcome = WelcomePage()
        self.diagnose_page = DiagnosePage()
        self.results = ResultsPage()
        self.advice = AdvicePage()
        self.connecting = ConnectingPage()
        self.connected = ConnectedPage()
        self.settings_page = SettingsPage(prefs, self.run_blocking)
        for page in (
            self.welcome,
            self.diagnose_page,
            self.results,
            self.advice,
            self.connecting,
            self.connected,
            self.settings_page,
        ):
            self.stack.addWidget(page)
        self.stack.currentChanged.connect(self._page_shown)
        self._wire()
        self._menus(scenarios)
        self.use(collaborators)

    # -- plumbing ---------------------------------------------------------------------------

    def run_blocking(
        self,
        function: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        self.worker.run_blocking(function, done, failed)

    def _wire(self) -> None:
        self.welcome.start.connect(self.start_diagnosis)
        self.welcome.skip_test.connect(lambda: self.ask_advice(None))
        self.diagnose_page.cancel.connect(self.cancel_job)
        self.results.advise.connect(lambda: self.ask_advice(self.analysis))
        self.results.again.connect(self.start_diagnosis)
        self.advice.again.connect(self.start_diagnosis)
        self.advice.connect_plan.connect(self.start_connect)
        self.connecting.cancel.connect(self.cancel_job)
        self.connecting.back.connect(lambda: self.show_page(self.advice))
        self.connected.disconnect_requested.connect(self.disconnect_session)
        self.settings_page.done.connect(self._close_settings)
        self.settings_page.general.forgotten.connect(lambda: self.welcome.set_consented(False))

    def _menus(self, scenarios: tuple[str, ...]) -> None:
        menu = self.menuBar().addMenu(self.tr("&Byway"))
        self.settings_action = QAction(self.tr("&Settings"), self)
        self.settings_action.setShortcuts(
            [QKeySequence("Ctrl+,"), QKeySequence(QKeySequence.StandardKey.Preferences)]
        )
        self.settings_action.triggered.connect(self.open_settings)
        menu.addAction(self.settings_action)
        demo_menu = menu.addMenu(self.tr("&Demo mode"))
        for name in scenarios:
            action = QAction(name, self)
            action.triggered.connect(lambda _=False, n=name: self.demo_requested.emit(n))
            demo_menu.addAction(action)
        menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.note_action = QAction(self.tr("&Presenter's note"), self)
        self.note_action.triggered.connect(self.show_presenter_note)
        help_menu.addAction(self.note_action)

    def use(self, collaborators: Collaborators) -> None:
        """Switch collaborators (real, a demo scenario, a test's) and start the flow over."""
        self.cancel_job()
        self.collaborators = collaborators
        scenario = collaborators.demo
        if scenario is not None:
            text = self.tr("DEMO: simulated network ({name}). Nothing is sent anywhere.")
            self.banner.setText(text.format(name=scenario.name))
            self.setWindowTitle(self.tr("Byway (demo)"))
        self.banner.setVisible(scenario is not None)
        self.note_action.setVisible(scenario is not None)
        self.welcome.set_consented(self.prefs.settings.consent is not None)
        self.analysis = self.plan = self.session = None
        self._set_state(State.IDLE)
        self.show_page(self.welcome)

    def show_page(self, page: Page) -> None:
        self.stack.setCurrentWidget(page)
        page.shown()

    def _page_shown(self, index: int) -> None:
        page = self.stack.widget(index)
        if isinstance(page, Page):
            page.shown()

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)

    def _failed(self, error: BaseException, where: Callable[[str], None]) -> None:
        if is_worded(error):
            where(str(error))
        else:
            where(self.tr("Something unexpected went wrong. A report is shown in a separate window."))
            show_crash(error, self)

    def cancel_job(self) -> None:
        job, self.job = self.job, None
        if job is not None and not job.finished:
            job.cancel()
        if self.state == State.TESTING:
            self.welcome.show_message(self.tr("Tests stopped. Nothing more is being sent."))
            self._set_state(State.IDLE)
            self.show_page(self.welcome)
        elif self.state == State.CONNECTING:
            self._set_state(State.IDLE)
            self.show_page(self.advice)

    # -- the flow ---------------------------------------------------------------------------

    def start_diagnosis(self) -> None:
        if self.prefs.settings.consent is None:
            self.run_blocking(self.prefs.save_consent, lambda _: None, lambda _: None)
            self.welcome.set_consented(True)
        self.welcome.show_message("")
        self.diagnose_page.reset(self.collaborators.targets)
        self._set_state(State.TESTING)
        self.show_page(self.diagnose_page)
        collaborators = self.collaborators
        self.job = self.worker.start_job(
            lambda j: flow.diagnose(collaborators, j),
            progress=self.diagnose_page.update_progress,
            succeeded=self._diagnosed,
            failed=self._diagnosis_failed,
        )

    def _diagnosed(self, analysis: Analysis) -> None:
        if self.sender() is not self.job:
            return
        self.job = None
        self.analysis = analysis
        self._set_state(State.IDLE)
        self.results.show_analysis(analysis)
        self.show_page(self.results)

    def _diagnosis_failed(self, error: BaseException) -> None:
        if self.sender() is not self.job:
            return
        self.job = None
        self._set_state(State.IDLE)
        self.show_page(self.welcome)
        self._failed(error, self.welcome.show_message)

    def ask_advice(self, analysis: Analysis | None) -> None:
        advisor = self.collaborators.advisor
        self.show_page(self.advice)
        if advisor is None:
            self.advice.show_unavailable(self.collaborators.advisor_missing)
            return
        self.advice.show_unavailable(self.tr("Working out the best way out..."))
        scenario = self.collaborators.demo
        remembered = self.prefs.settings.last_working_transport.get("default")
        request = AdviceRequest(
            analysis=analysis,
            country=scenario.country if scenario is not None else self.prefs.settings.country,
            custom_bridges=() if scenario is not None else self.prefs.custom_bridges(),
            remembered_way=Way(remembered) if remembered in set(Way) else None,
        )
        self.worker.start_job(
            lambda _: flow.advise(advisor, request),
            succeeded=self._advised,
            failed=lambda error: self._failed(error, self.advice.show_unavailable),
        )

    def _advised(self, plan: Plan) -> None:
        self.plan = plan
        note = ""
        if self.collaborators.connector is None and not plan.shutdown:
            note = self.collaborators.connector_missing
        self.advice.show_plan(plan, note)
        if self.collaborators.connector is None:
            self.advice.connect_button.setVisible(False)
            self.advice.first_focus = self.advice.again_button
        self.advice.shown()

    def start_connect(self, plan: Plan) -> None:
        connector = self.collaborators.connector
        if connector is None:
            return
        self.connecting.reset()
        self._set_state(State.CONNECTING)
        self.show_page(self.connecting)
        self.job = self.worker.start_job(
            lambda j: flow.connect(connector, plan, j),
            progress=self.connecting.handle,
            succeeded=self._connected,
            failed=self._connect_failed,
        )

    def _connected(self, session: Session) -> None:
        if self.sender() is not self.job:
            return
        self.job = None
        self.session = session
        self._set_state(State.CONNECTED)
        self.connected.show_session(session, demo=session.option.source == DEMO_SOURCE)
        self.show_page(self.connected)

    def _connect_failed(self, error: BaseException) -> None:
        if self.sender() is not self.job:
            return
        self.job = None
        self._set_state(State.IDLE)
        self._failed(error, self.connecting.failed)

    def disconnect_session(self) -> None:
        connector = self.collaborators.connector
        self.session = None
        self._set_state(State.IDLE)
        if connector is not None:
            self.worker.start_job(lambda _: connector.disconnect())
        self.show_page(self.advice if self.plan is not None else self.welcome)

    def connect_again(self) -> None:
        """The tray's Connect: with the last plan if there is one, else from the start."""
        if self.state != State.IDLE:
            return
        plan = self.advice.current_plan()
        if plan is not None and plan.runnable():
            self.start_connect(plan)
        else:
            self.show_page(self.welcome)
        self.showNormal()
        self.raise_()

    # -- settings, notes, closing -------------------------------------------------------------

    def open_settings(self) -> None:
        self._before_settings = self.stack.currentWidget()
        self.settings_page.load()
        self.show_page(self.settings_page)

    def _close_settings(self) -> None:
        previous = getattr(self, "_before_settings", None)
        self.show_page(previous if isinstance(previous, Page) else self.welcome)

    def show_presenter_note(self) -> None:
        scenario = self.collaborators.demo
        if scenario is None:
            return
        box = QMessageBox(QMessageBox.Icon.Information, scenario.name, scenario.description, parent=self)
        box.setInformativeText(scenario.presenter_note)
        box.show()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.state in (State.TESTING, State.CONNECTING):
            self.cancel_job()
        event.accept()
