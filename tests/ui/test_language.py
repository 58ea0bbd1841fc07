"""A language chosen in Settings applies at once: every page is rebuilt in it, right to left for
Farsi, with the flow's values (results, plan) shown again; the demo banner's scenario name too."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from byway.ui import translation


def choose(window, code: str) -> None:
    combo = window.settings_page.general.language
    combo.setCurrentIndex(combo.findData(code))


def test_language_changes_live_and_right_to_left(qtbot, make_app) -> None:
    window = make_app("iran-2022").window
    window.welcome.consent.setChecked(True)
    window.welcome.start_button.click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.results, timeout=10000)
    english_headline = window.results.headline.text()
    window.open_settings()
    english = window.welcome.title.text()
    try:
        choose(window, "fa")
        qtbot.waitUntil(lambda: window.welcome.title.text() != english, timeout=5000)
        assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert window.stack.currentWidget() is window.settings_page  # still where the user was
        assert window.settings_page.general.language.currentData() == "fa"
        assert window.results.headline.text() and window.results.headline.text() != english_headline
        assert window.settings_page.title.text() != "Settings"
        choose(window, "en")
        qtbot.waitUntil(lambda: window.welcome.title.text() == english, timeout=5000)
        assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
        assert window.results.headline.text() == english_headline
    finally:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        translation.install(app, "en")


class Words(QTranslator):
    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        if context == "DemoScenario" and source == "Iran, autumn 2022":
            return "ایران، پاییز ۲۰۲۲"
        return None  # not translated here: the next translator, or the English source


def test_the_demo_banner_names_the_scenario_in_the_language(qtbot, make_app) -> None:
    window = make_app("iran-2022").window
    assert "Iran, autumn 2022" in window.banner.text()
    words = Words()
    QCoreApplication.installTranslator(words)
    try:
        window.retranslate()
        assert "ایران، پاییز ۲۰۲۲" in window.banner.text()
    finally:
        QCoreApplication.removeTranslator(words)
