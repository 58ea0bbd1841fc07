"""The main window: a stack of pages, one step of the flow each, driven by jobs on the worker.

The window holds no network code. It receives its collaborators (:mod:`byway.ui.ports`), starts
jobs, and moves between pages when their signals arrive. A change of language rebuilds the pages in
the new language (and right to left where it reads that way) and renders the flow's values again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from byway.store.errors import SecretStorageChoice
from byway.ui import fonts, translation
from byway.ui.connector_slot import ConnectorSlot
from byway.ui.evidence import EvidenceGatherer
from byway.ui.page_stack import STEP_PAUSE_MS, PageStack
from byway.ui.page_wiring import page_factories, wire_page
from byway.ui.pages.welcome import WelcomePage
from byway.ui.ports import Collaborators
from byway.ui.preferences import Preferences
from byway.ui.secret_storage import SecretStorage, storage_words
from byway.ui.state import DEMO_SOURCE, State
from byway.ui.widgets import Page, announce, button, label
from byway.ui.worker import CoreWorker, Job

if TYPE_CHECKING:
    from byway.analyze.analysis import Analysis
    from byway.plan import Plan
    from byway.tor.events import Session
    from byway.ui import flow
    from byway.ui.pages.advice import AdvicePage
    from byway.ui.pages.connected import ConnectedPage
    from byway.ui.pages.connecting import ConnectingPage
    from byway.ui.pages.diagnose import DiagnosePage
    from byway.ui.pages.results import ResultsPage
    from byway.ui.pages.settings import SettingsPage

__all__ = ["MainWindow", "State"]  # State: where the tray and the tests have always found it


def _scenario_title(key: str, name: str | None = None) -> str:
    from byway.demo.words import scenario_title  # demo mode only: not before the first window

    return scenario_title(key, name)


FIRST_PAINT_MS = 30


class MainWindow(QMainWindow):
    state_changed = Signal(str)
    demo_requested = Signal(str)  # a scenario name chosen from the menu
    retranslated = Signal()

    def __init__(
        self,
        collaborators: Collaborators,
        prefs: Preferences,
        worker: CoreWorker,
        scenarios: Callable[[], tuple[str, ...]] = tuple,
    ) -> None:
        super().__init__()
        self.collaborators = collaborators
        self.prefs = prefs
        self.worker = worker
        self.scenarios = scenarios
        self.state = State.IDLE
        self.analysis: Analysis | None = None
        self.plan: Plan | None = None
        self.advice_made: flow.Advice | None = None
        self.session: Session | None = None
        self.job: Job | None = None
        self.job_token: object = None
        self.slot = ConnectorSlot()
        self.evidence = EvidenceGatherer(worker, prefs, self._evidence_in)
        self.advice_waiting = False  # asked for advice: give it as soon as the evidence is in
        self.secret_storage = SecretStorage(prefs, self.run_blocking, self)
        self._retranslate_pending = False
        self._first_show: list[Callable[[], object]] | None = []
        self.warmed = False  # later stages imported and pages polished (see warm_pages)
        self.language = translation.current_language()
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
        # Which mode is active, in the menu bar's free corner: it costs the pages no height.
        corner = QWidget()
        corner_row = QHBoxLayout(corner)
        corner_row.setContentsMargins(0, 0, 8, 0)
        corner_row.setSpacing(4)
        self.mode = label("", "muted", wrap=False)
        corner_row.addWidget(self.mode)
        self.storage_button = button("", "")
        self.storage_button.setFlat(True)
        self.storage_button.setProperty("role", "quiet")
        self.storage_button.clicked.connect(self.secret_storage.ask)
        corner_row.addWidget(self.storage_button)
        self.menuBar().setCornerWidget(corner, Qt.Corner.TopRightCorner)
        self.mode_corner = corner  # PySide does not take ownership here: keep it alive
        self.secret_storage.changed.connect(self.show_mode)
        self.pages = PageStack(
            self.stack, page_factories(self), lambda name, page: wire_page(self, name, page)
        )
        self._build()
        self.stack.currentChanged.connect(self._page_shown)
        self.use(collaborators)

    # -- building (and rebuilding in another language) ----------------------------------------

    def _build(self) -> None:
        """The window's own words and the first page; the other pages are built when needed."""
        self.setWindowTitle(self.tr("Byway"))
        self.setAccessibleName(self.tr("Byway"))
        self.pages.get("welcome")
        self.menuBar().clear()
        self._menus()
        self.storage_button.setText(self.tr("Where secrets are kept..."))
        self.storage_button.setAccessibleName(self.tr("Where secrets are kept"))
        self.storage_button.setAccessibleDescription(
            self.tr("Choose between this session only and Byway's encrypted vault")
        )

    @property
    def welcome(self) -> WelcomePage:
        return cast("WelcomePage", self.pages.get("welcome"))

    @property
    def diagnose_page(self) -> DiagnosePage:
        return cast("DiagnosePage", self.pages.get("diagnose_page"))

    @property
    def results(self) -> ResultsPage:
        return cast("ResultsPage", self.pages.get("results"))

    @property
    def advice(self) -> AdvicePage:
        return cast("AdvicePage", self.pages.get("advice"))

    @property
    def connecting(self) -> ConnectingPage:
        return cast("ConnectingPage", self.pages.get("connecting"))

    @property
    def connected(self) -> ConnectedPage:
        return cast("ConnectedPage", self.pages.get("connected"))

    @property
    def settings_page(self) -> SettingsPage:
        return cast("SettingsPage", self.pages.get("settings_page"))

    def after_first_show(self, then: Callable[[], object]) -> None:
        """Run ``then`` just after the window first appears (at once if it already has): work on
        the worker then does not compete with the first paint for the interpreter."""
        if self._first_show is None:
            then()
        else:
            self._first_show.append(then)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        waiting = self._first_show
        self._first_show = None
        # One at a time, a few milliseconds apart, so that a click is never kept waiting for all of
        # them; with the window as context, a window closed in the meantime runs none of them.
        for index, then in enumerate(waiting or ()):
            QTimer.singleShot(FIRST_PAINT_MS + index * STEP_PAUSE_MS, self, then)

    def changeEvent(self, event: QEvent) -> None:
        changed = translation.current_language() != self.language
        if event.type() == QEvent.Type.LanguageChange and changed and not self._retranslate_pending:
            self._retranslate_pending = True  # installing translators sends several events: one rebuild
            QTimer.singleShot(0, self.retranslate)
        super().changeEvent(event)

    def retranslate(self) -> None:
        """The pages again in the current language (each rebuilt when next needed, showing the
        flow's values); the plan's reasons asked again in the new words."""
        self._retranslate_pending = False
        self.language = translation.current_language()
        current = self.pages.current_name("welcome")
        settings = self.pages.built("settings_page")
        tab = cast("SettingsPage", settings).tabs.currentIndex() if settings is not None else 0
        self.stack.blockSignals(True)
        self.pages.discard()
        self._build()
        self.stack.blockSignals(False)
        self._render_banner()
        if self.advice_made is not None:
            self._readvise(self.advice_made)
        if current == "settings_page":
            self.settings_page.load()
            self.settings_page.tabs.setCurrentIndex(tab)
        self.show_mode()
        self.show_page(self.pages.get(current))
        if current == "settings_page":
            self.settings_page.general.language.setFocus()
        if self.warmed:
            self.pages.warm(lambda: None)
        self.retranslated.emit()

    def _readvise(self, made: flow.Advice) -> None:
        """The plan's reasons are words: ask the advisor again (same evidence) in the new language."""
        advisor = self.collaborators.advisor
        if advisor is None:
            return  # the Advice page, when built, shows the plan as it was

        def again(_: Job) -> Any:
            import asyncio

            return asyncio.to_thread(advisor, made.request)

        self.worker.start_job(again, succeeded=self.show_plan)

    # -- plumbing ---------------------------------------------------------------------------

    def run_blocking(
        self,
        function: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        self.worker.run_blocking(function, done, failed)

    def run_with_secrets(
        self,
        function: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """Like :meth:`run_blocking`, once it is settled where secrets are kept (asking if needed)."""
        self.secret_storage.ensure(lambda: self.run_blocking(function, done, failed))

    def _menus(self) -> None:
        menu = self.menuBar().addMenu(self.tr("&Byway"))
        self.settings_action = QAction(self.tr("&Settings"), self)
        self.settings_action.setShortcuts(
            [QKeySequence("Ctrl+,"), QKeySequence(QKeySequence.StandardKey.Preferences)]
        )
        self.settings_action.triggered.connect(self.open_settings)
        menu.addAction(self.settings_action)
        self.demo_menu = menu.addMenu(self.tr("&Demo mode"))
        self.demo_menu.aboutToShow.connect(self.fill_demo_menu)
        menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.note_action = QAction(self.tr("&Presenter's note"), self)
        self.note_action.triggered.connect(self.show_presenter_note)
        self.note_action.setVisible(self.collaborators.demo is not None)
        help_menu.addAction(self.note_action)

    def fill_demo_menu(self) -> None:
        """The shipped scenarios, listed when the menu opens (reading the folder and the scenario
        words is not worth delaying the first window for)."""
        if self.demo_menu.actions():
            return
        for name in self.scenarios():
            action = QAction(_scenario_title(name), self.demo_menu)
            action.triggered.connect(lambda _=False, n=name: self.demo_requested.emit(n))
            self.demo_menu.addAction(action)

    def use(self, collaborators: Collaborators) -> None:
        """Switch collaborators (real, a demo scenario, a test's) and start the flow over."""
        self.cancel_job()
        self.collaborators = collaborators
        self._render_banner()
        self.welcome.set_consented(self.prefs.settings.consent is not None)
        self.welcome.set_loading(collaborators.loading)
        self.analysis = self.plan = self.session = None
        self.advice_made = None
        self.evidence.cancel()
        self.advice_waiting = False
        self._set_state(State.IDLE)
        self.show_mode()
        self.show_page(self.welcome)

    def _render_banner(self) -> None:
        scenario = self.collaborators.demo
        if scenario is not None:
            text = self.tr("DEMO: simulated network ({name}). Nothing is sent anywhere.")
            self.banner.setText(text.format(name=_scenario_title(scenario.key, scenario.name)))
            self.setWindowTitle(self.tr("Byway (demo)"))
        self.banner.setVisible(scenario is not None)
        self.note_action.setVisible(scenario is not None)

    def warm_pages(self) -> None:
        """Find the fonts for the languages' own names, then build and lay out the pages not yet
        shown, one small step per idle event-loop turn (see :func:`fonts.warm_scripts` and
        :meth:`PageStack.warm`); ``warmed`` says when they all are."""

        def done() -> None:
            self.warmed = True

        names = [translation.native_name(code) for code in translation.available_languages()]
        fonts.warm_scripts(names, lambda: self.pages.warm(done))

    def show_mode(self) -> None:
        """Which mode is active: portable or installed, demo, and where secrets are kept."""
        parts = [self.tr("Portable mode") if self.prefs.locations.portable else self.tr("Installed mode")]
        if self.collaborators.demo is not None:
            parts.append(self.tr("Demo"))
        parts.append(storage_words(self.prefs.secrets.kind))
        self.mode.setText(" · ".join(parts))
        self.mode.setAccessibleName(self.mode.text())
        self.storage_button.setVisible(self.prefs.secrets.kind is not SecretStorageChoice.KEYRING)
        settings = self.pages.built("settings_page")
        if settings is not None:
            cast("SettingsPage", settings).general.show_storage(self.secret_storage.reason)

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
        from byway.ui.errors import is_worded, show_crash

        announce(
            self,
            str(error) if is_worded(error) else self.tr("Something unexpected went wrong."),
            assertive=True,
        )
        if is_worded(error):
            where(str(error))
        else:
            where(self.tr("Something unexpected went wrong. A report is shown in a separate window."))
            show_crash(error, self)

    def cancel_job(self) -> None:
        job, self.job = self.job, None
        self.job_token = None
        if job is not None and not job.finished:
            job.cancel()
        if self.state == State.TESTING:
            self.welcome.show_message(self.tr("Tests stopped. Nothing more is being sent."))
            announce(self.welcome, self.welcome.message.text())
            self._set_state(State.IDLE)
            self.show_page(self.welcome)
        elif self.state == State.CONNECTING:
            self._set_state(State.IDLE)
            self.show_page(self.advice)

    # -- the flow ---------------------------------------------------------------------------

    def start_diagnosis(self) -> None:
        from byway.ui import flow  # the core's coroutines: loaded with the first job

        if self.collaborators.loading:
            return
        if self.prefs.settings.consent is None:
            self.run_blocking(self.prefs.save_consent, lambda _: None, lambda _: None)
            self.welcome.set_consented(True)
        self.welcome.show_message("")
        self.diagnose_page.reset(self.collaborators.targets)
        self._set_state(State.TESTING)
        self.show_page(self.diagnose_page)
        collaborators = self.collaborators
        mine = self._new_job()
        self.job = self.worker.start_job(
            lambda j: flow.diagnose(collaborators, j),
            progress=lambda batch: self.diagnose_page.update_batch(batch),
            succeeded=lambda analysis: self._diagnosed(mine, analysis),
            failed=lambda error: self._diagnosis_failed(mine, error),
        )

    def _new_job(self) -> object:
        """A token for the job about to start: an answer from an older (cancelled) job is ignored."""
        self.job_token = object()
        return self.job_token

    def _diagnosed(self, mine: object, analysis: Analysis) -> None:
        if mine is not self.job_token:
            return
        self.job = self.job_token = None
        self.analysis = analysis
        self._set_state(State.IDLE)
        self.results.show_analysis(analysis)
        self.show_page(self.results)
        announce(
            self.results, self.tr("Tests finished: {headline}").format(headline=self.results.headline.text())
        )
        self.evidence.start(self.collaborators, analysis)

    def _diagnosis_failed(self, mine: object, error: BaseException) -> None:
        if mine is not self.job_token:
            return
        self.job = self.job_token = None
        self._set_state(State.IDLE)
        self.show_page(self.welcome)
        self._failed(error, self.welcome.show_message)

    def _evidence_in(self, _: object) -> None:
        if self.advice_waiting:
            self._advise_now()

    def ask_advice(self, analysis: Analysis | None) -> None:
        collaborators = self.collaborators
        if collaborators.loading:
            return
        self.show_page(self.advice)
        if collaborators.advisor is None:
            self.advice.show_unavailable(collaborators.advisor_missing)
            return
        self.advice.show_unavailable(
            self.tr("Checking which ways out can be reached from here (a few seconds)...")
        )
        if not self.evidence.started_for(analysis):
            self.evidence.start(collaborators, analysis)
        self.advice_waiting = True
        if self.evidence.result is not None:
            self._advise_now()

    def _advise_now(self) -> None:
        from byway.ui import flow  # the core's coroutines: loaded with the first job

        self.advice_waiting = False
        gathered, collaborators = self.evidence.result, self.collaborators
        if isinstance(gathered, BaseException) or gathered is None:
            self.evidence.cancel()  # asked again, it is gathered again
            self._failed(gathered or RuntimeError("no evidence"), self.advice.show_unavailable)
            return
        self.worker.start_job(
            lambda _: flow.advise(collaborators, gathered),
            succeeded=self._advised,
            failed=lambda error: self._failed(error, self.advice.show_unavailable),
        )

    def _advised(self, made: flow.Advice) -> None:
        self.advice_made = made
        self.show_plan(made.plan)

    def show_plan(self, plan: Plan) -> None:
        self.plan = plan
        note = ""
        if not self.collaborators.can_connect and not plan.shutdown:
            note = self.collaborators.connector_missing
        self.advice.show_plan(plan, note)
        if not self.collaborators.can_connect:
            self.advice.connect_button.setVisible(False)
            self.advice.first_focus = self.advice.again_button
        if self.stack.currentWidget() is self.advice:
            self.advice.shown()

    def start_connect(self, plan: Plan) -> None:
        from byway.ui import flow  # the core's coroutines: loaded with the first job

        collaborators = self.collaborators
        if not collaborators.can_connect:
            return
        self.connecting.reset()
        self._set_state(State.CONNECTING)
        self.show_page(self.connecting)
        network = self.advice_made.network_id if self.advice_made is not None else None
        slot, prefs = self.slot, self.prefs
        mine = self._new_job()
        self.job = self.worker.start_job(
            lambda j: flow.connect(collaborators, plan, j, slot, prefs, network),
            progress=lambda event: self.connecting.handle(event),
            succeeded=lambda session: self._connected(mine, session),
            failed=lambda error: self._connect_failed(mine, error),
        )

    def _connected(self, mine: object, session: Session) -> None:
        if mine is not self.job_token:
            return
        self.job = self.job_token = None
        self.session = session
        self._set_state(State.CONNECTED)
        self.connected.show_session(session, demo=session.option.source == DEMO_SOURCE)
        self.show_page(self.connected)
        announce(self.connected, self.connected.way.text())

    def _connect_failed(self, mine: object, error: BaseException) -> None:
        if mine is not self.job_token:
            return
        self.job = self.job_token = None
        self._set_state(State.IDLE)
        self._failed(error, self.connecting.failed)

    def disconnect_session(self) -> None:
        self.session = None
        self._set_state(State.IDLE)
        slot = self.slot
        self.worker.start_job(lambda _: slot.disconnect())
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

    # -- settings: language, Moat, notes, closing ---------------------------------------------

    def change_language(self, code: str) -> None:
        """Use ``code`` now ("" = the system's): the pages are rebuilt on the LanguageChange event."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            fonts.load(app)
            used = translation.install(app, translation.live_language(code))
            self.setProperty("language", used)

    def request_moat(self) -> None:
        collaborators = self.collaborators
        if collaborators.moat is None:
            text = collaborators.moat_missing or self.tr("Requesting bridges is not available in this build.")
            self.settings_page.bridges.moat_status.setText(text)
            return
        self.secret_storage.ensure(lambda: self._open_moat(collaborators))

    def _open_moat(self, collaborators: Collaborators) -> None:
        from byway.ui import flow  # the core's coroutines: loaded with the first job

        prefs = self.prefs

        def start(
            make: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[BaseException], None]
        ) -> None:
            self.worker.start_job(lambda _: make(), succeeded=done, failed=failed)

        from byway.ui.moat_dialog import MoatDialog

        dialog = MoatDialog(
            start,
            lambda: flow.fetch_captcha(collaborators, prefs.secrets),
            lambda challenge, text: flow.solve_captcha(collaborators, prefs.secrets, challenge, text),
            self,
        )
        dialog.obtained.connect(self._moat_obtained)
        dialog.setModal(True)
        dialog.show()
        dialog.fetch()
        self.moat_dialog = dialog

    def _moat_obtained(self, obtained: Any) -> None:
        bridges = self.settings_page.bridges
        self.run_blocking(
            lambda: self.prefs.save_moat_bridges(obtained.secret_id),
            lambda _: bridges.show_moat_bridges(len(obtained.bridges)),
            lambda error: bridges.moat_status.setText(str(error)),
        )

    def open_settings(self) -> None:
        self._before_settings = self.pages.current_name("welcome")
        self.settings_page.load()
        self.show_page(self.settings_page)

    def close_settings(self) -> None:
        previous = str(getattr(self, "_before_settings", "welcome"))
        self.show_page(self.pages.get(previous if previous != "settings_page" else "welcome"))

    def show_presenter_note(self) -> None:
        scenario = self.collaborators.demo
        if scenario is None:
            return
        title = _scenario_title(scenario.key, scenario.name)
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Information, title, scenario.description, parent=self)
        box.setInformativeText(scenario.presenter_note)
        box.show()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.state in (State.TESTING, State.CONNECTING):
            self.cancel_job()
        event.accept()
