"""The window's pages: how each is built (the later pages' modules imported only then), and what is
wired and shown in a page when it is built, so one built late, or again in another language, shows
what the flow already has."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from byway.ui.page_stack import Factory
from byway.ui.pages.welcome import WelcomePage
from byway.ui.state import DEMO_SOURCE, State
from byway.ui.widgets import Page

if TYPE_CHECKING:
    from byway.ui.pages.advice import AdvicePage
    from byway.ui.pages.connected import ConnectedPage
    from byway.ui.pages.connecting import ConnectingPage
    from byway.ui.pages.diagnose import DiagnosePage
    from byway.ui.pages.results import ResultsPage
    from byway.ui.pages.settings import SettingsPage
    from byway.ui.window import MainWindow


def page_factories(window: MainWindow) -> dict[str, Factory]:
    """How to build each page; the modules of the later pages are imported only then."""

    def diagnose() -> DiagnosePage:
        from byway.ui.pages.diagnose import DiagnosePage

        return DiagnosePage()

    def results() -> ResultsPage:
        from byway.ui.pages.results import ResultsPage

        return ResultsPage()

    def advice() -> AdvicePage:
        from byway.ui.pages.advice import AdvicePage

        return AdvicePage()

    def connecting() -> ConnectingPage:
        from byway.ui.pages.connecting import ConnectingPage

        return ConnectingPage()

    def connected() -> ConnectedPage:
        from byway.ui.pages.connected import ConnectedPage

        return ConnectedPage()

    def settings() -> SettingsPage:
        from byway.ui.pages.settings import SettingsPage

        return SettingsPage(window.prefs, window.run_blocking, window.run_with_secrets)

    return {
        "welcome": WelcomePage,
        "diagnose_page": diagnose,
        "results": results,
        "advice": advice,
        "connecting": connecting,
        "connected": connected,
        "settings_page": settings,
    }


def wire_page(window: MainWindow, name: str, page: Page) -> None:
    """Wire a page just built, and show in it what the flow already has."""
    if name == "welcome":
        welcome = cast("WelcomePage", page)
        welcome.start.connect(window.start_diagnosis)
        welcome.skip_test.connect(lambda: window.ask_advice(None))
        welcome.set_consented(window.prefs.settings.consent is not None)
        welcome.set_loading(window.collaborators.loading)
    elif name == "diagnose_page":
        diagnose = cast("DiagnosePage", page)
        diagnose.cancel.connect(window.cancel_job)
        if window.state == State.TESTING:
            diagnose.reset(window.collaborators.targets)
    elif name == "results":
        results = cast("ResultsPage", page)
        results.advise.connect(lambda: window.ask_advice(window.analysis))
        results.again.connect(window.start_diagnosis)
        if window.analysis is not None:
            results.show_analysis(window.analysis)
    elif name == "advice":
        advice = cast("AdvicePage", page)
        advice.again.connect(window.start_diagnosis)
        advice.connect_plan.connect(window.start_connect)
        if window.plan is not None:
            window.show_plan(window.plan)
    elif name == "connecting":
        connecting = cast("ConnectingPage", page)
        connecting.cancel.connect(window.cancel_job)
        connecting.back.connect(lambda: window.show_page(window.advice))
    elif name == "connected":
        connected = cast("ConnectedPage", page)
        connected.disconnect_requested.connect(window.disconnect_session)
        if window.session is not None:
            connected.show_session(window.session, demo=window.session.option.source == DEMO_SOURCE)
    elif name == "settings_page":
        settings = cast("SettingsPage", page)
        settings.done.connect(window.close_settings)
        settings.general.forgotten.connect(lambda: window.welcome.set_consented(False))
        settings.general.language_chosen.connect(window.change_language)
        settings.general.storage_requested.connect(window.secret_storage.ask)
        settings.bridges.moat_requested.connect(window.request_moat)
        settings.general.show_storage(window.secret_storage.reason)
