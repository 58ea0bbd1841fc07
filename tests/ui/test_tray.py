"""The tray icon's menu: the state in words, Connect / Disconnect enabled when they make sense and
doing what they say, Show and Quit, and the menu again in the new language after a change.

The offscreen platform has no system tray to show the icon in, so these tests drive the real
``Tray`` object (its menu, actions, tooltip and icon) without it being on screen; ``build`` adds it
to the desktop only where ``QSystemTrayIcon.isSystemTrayAvailable()``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from byway.ui import translation
from byway.ui.tray import Tray
from byway.ui.window import State


def connected_window(qtbot, make_app):
    window = make_app("iran-2022").window
    window.welcome.consent.setChecked(True)
    window.welcome.start_button.click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.results, timeout=10000)
    window.results.advise_button.click()
    qtbot.waitUntil(lambda: window.advice.connect_button.isVisible(), timeout=10000)
    return window


def test_the_menu_follows_the_state_and_its_actions_work(qtbot, make_app) -> None:
    window = connected_window(qtbot, make_app)
    tray = Tray(window)
    idle_icon = tray.icon().cacheKey()
    assert tray.toolTip() == "Byway: not connected" == tray.status.text()
    assert tray.connect_action.isEnabled() and not tray.disconnect_action.isEnabled()

    window.advice.connect_button.click()
    assert tray.toolTip() == "Byway: connecting"
    assert not tray.connect_action.isEnabled() and tray.disconnect_action.isEnabled()
    qtbot.waitUntil(lambda: window.state == State.CONNECTED, timeout=15000)
    assert tray.toolTip() == "Byway: connected"
    assert tray.icon().cacheKey() != idle_icon

    tray.disconnect_action.trigger()
    assert window.state == State.IDLE and window.session is None
    assert tray.toolTip() == "Byway: not connected"
    assert tray.connect_action.isEnabled()

    # Connect from the tray uses the plan already on the Advice page.
    tray.connect_action.trigger()
    assert window.state == State.CONNECTING
    qtbot.waitUntil(lambda: window.state == State.CONNECTED, timeout=15000)
    assert window.stack.currentWidget() is window.connected


def test_connect_without_a_plan_opens_the_window_at_the_start(qtbot, make_app) -> None:
    window = make_app("iran-2022").window
    tray = Tray(window)
    window.hide()
    tray.connect_action.trigger()
    assert window.isVisible()
    assert window.state == State.IDLE
    assert window.stack.currentWidget() is window.welcome


def test_show_and_quit(qtbot, make_app) -> None:
    window = make_app("iran-2022").window
    tray = Tray(window)
    actions = {a.text(): a for a in tray.menu.actions()}
    window.hide()
    actions["Show Byway"].trigger()
    assert window.isVisible()
    actions["Quit"].trigger()
    assert not window.isVisible()


def test_the_menu_is_rebuilt_in_the_new_language(qtbot, make_app) -> None:
    window = make_app("iran-2022").window
    tray = Tray(window)
    english = tray.connect_action.text()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        window.change_language("fa")
        qtbot.waitUntil(lambda: tray.connect_action.text() != english, timeout=5000)
        assert tray.toolTip() != "Byway: not connected"
        assert tray.status.text() == tray.toolTip()
    finally:
        translation.install(app, "en")
