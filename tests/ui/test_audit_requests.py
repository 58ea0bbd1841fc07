"""The accessibility audit's requests for the window (docs/accessibility.md): Esc stops, the advice
list starts right to left in Farsi, the shipped fonts are loaded behind the default family."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from byway.ui import fonts
from byway.ui.ports import Collaborators
from byway.ui.widgets import RLM
from byway.ui.window import State
from tests.ui.test_cancel import SlowNetwork, StuckTor, advisor


def test_escape_stops_the_tests_and_a_connection_attempt(qtbot, make_app) -> None:
    tor = StuckTor()
    window = make_app(None, Collaborators(runner=SlowNetwork(), advisor=advisor, connector=tor)).window
    window.welcome.consent.setChecked(True)
    window.welcome.start_button.click()
    qtbot.waitUntil(lambda: window.diagnose_page.bar.maximum() == 3, timeout=5000)
    QTest.keyClick(window.diagnose_page.cancel_button, Qt.Key.Key_Escape)
    assert window.state == State.IDLE and window.stack.currentWidget() is window.welcome
    window.welcome.skip.click()
    qtbot.waitUntil(lambda: window.advice.connect_button.isVisible(), timeout=5000)
    window.advice.connect_button.click()
    qtbot.waitUntil(lambda: window.connecting.bar.value() == 5, timeout=5000)
    QTest.keyClick(window.connecting.cancel_button, Qt.Key.Key_Escape)
    assert window.state == State.IDLE
    qtbot.waitUntil(lambda: tor.disconnected, timeout=5000)


def test_advice_items_start_right_to_left(qtbot, make_app) -> None:
    window = make_app("iran-2022").window
    window.advice.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    window.welcome.skip.click()
    qtbot.waitUntil(lambda: window.advice.list.count() > 0, timeout=5000)
    text = window.advice.list.item(0).text()
    assert all(line.startswith(RLM) for line in text.split("\n"))


def test_the_shipped_fonts_stand_behind_the_default_family(qtbot, make_app) -> None:
    make_app("iran-2022")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    fonts.load(app)
    families = app.font().families()
    assert "Noto Sans Arabic" in families and "Noto Sans Myanmar" in families
    assert fonts.needed_for("fa") and fonts.needed_for("zh_CN") and not fonts.needed_for("en")
