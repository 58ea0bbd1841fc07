"""The whole flow by keyboard alone: Tab and Space (and Enter), no mouse, no direct calls."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from byway.ui.window import State


def focused():
    return QApplication.focusWidget()


def press(qtbot, key) -> None:
    widget = focused()
    assert widget is not None, "nothing has the keyboard focus"
    qtbot.keyClick(widget, key)


def tab_to(qtbot, target, limit: int = 30) -> None:
    for _ in range(limit):
        if focused() is target:
            return
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target.accessibleName()!r}")


def test_keyboard_only_walk(qtbot, make_app) -> None:
    window = make_app("russia-2022").window
    window.activateWindow()
    qtbot.waitUntil(lambda: focused() is window.welcome.consent, timeout=3000)
    press(qtbot, Qt.Key.Key_Space)  # consent
    assert window.welcome.consent.isChecked()
    tab_to(qtbot, window.welcome.start_button)
    press(qtbot, Qt.Key.Key_Return)
    assert window.state == State.TESTING
    assert focused() is window.diagnose_page.cancel_button
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.results, timeout=10000)
    assert focused() is window.results.advise_button
    tab_to(qtbot, window.results.details_toggle)
    press(qtbot, Qt.Key.Key_Space)
    assert window.results.details.isVisible()
    tab_to(qtbot, window.results.advise_button)
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(
        lambda: window.plan is not None and focused() is window.advice.connect_button, timeout=10000
    )
    # Reorder by keyboard: put the second way first.
    tab_to(qtbot, window.advice.list)
    press(qtbot, Qt.Key.Key_Down)
    second = window.advice.list.currentItem().text()
    tab_to(qtbot, window.advice.up)
    press(qtbot, Qt.Key.Key_Space)
    assert window.advice.list.item(0).text() == second
    tab_to(qtbot, window.advice.connect_button)
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.state == State.CONNECTED, timeout=15000)
    assert focused() is window.connected.copy
    press(qtbot, Qt.Key.Key_Space)
    assert QGuiApplication.clipboard().text() == window.connected.address.text()
    tab_to(qtbot, window.connected.disconnect_button)
    press(qtbot, Qt.Key.Key_Return)
    assert window.state == State.IDLE


def test_settings_by_keyboard(qtbot, make_app) -> None:
    window = make_app("iran-2022").window
    window.activateWindow()
    qtbot.waitUntil(lambda: focused() is not None, timeout=3000)
    qtbot.keyClick(focused(), Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.settings_page
    tab_to(qtbot, window.settings_page.bridges.custom)
    qtbot.keyClicks(focused(), "obfs4 192.0.2.1:1")
    assert window.settings_page.bridges.problem.text()
    tab_to(qtbot, window.settings_page.done_button)
    press(qtbot, Qt.Key.Key_Space)
    assert window.stack.currentWidget() is window.welcome
