"""Every shipped scenario through the whole flow, in demo mode, against the real analysis."""

from __future__ import annotations

import pytest

from byway.demo import load_scenario, scenario_names
from byway.demo.tor import DEMO_SOCKS
from byway.ui.window import State

SCENARIOS = scenario_names()


def test_the_four_documented_cases_ship() -> None:
    assert {"iran-2022", "china-gfw", "russia-2022", "shutdown"} <= set(SCENARIOS)
    for name in SCENARIOS:
        scenario = load_scenario(name)
        assert scenario.presenter_note and scenario.description


@pytest.mark.parametrize("name", SCENARIOS)
def test_whole_flow(qtbot, make_app, name: str) -> None:
    running = make_app(name)
    window = running.window
    assert window.banner.isVisible() and "DEMO" in window.banner.text()
    window.welcome.consent.setChecked(True)
    window.welcome.start_button.click()
    assert window.stack.currentWidget() is window.diagnose_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.results, timeout=10000)
    assert window.results.headline.text()
    assert window.results.table.rowCount() == len(load_scenario(name).sites)
    window.results.advise_button.click()
    qtbot.waitUntil(lambda: window.plan is not None, timeout=10000)
    assert window.plan is not None
    if window.plan.shutdown:
        assert "shutdown" in window.results.headline.text().lower() or "No Internet" in (
            window.results.headline.text()
        )
        assert not window.advice.connect_button.isVisible()
        return
    assert window.advice.connect_button.isVisible()
    window.advice.connect_button.click()
    qtbot.waitUntil(lambda: window.state == State.CONNECTED, timeout=15000)
    assert window.connected.address.text() == f"socks5://{DEMO_SOCKS}"
    assert window.connected.demo_note.isVisible()
    assert "%" in window.connecting.log.toPlainText()
    window.connected.disconnect_button.click()
    assert window.state == State.IDLE


def test_consent_is_remembered(qtbot, make_app, locations) -> None:
    from byway.store.settings import load_settings

    window = make_app("iran-2022").window
    assert window.welcome.consent.isVisible()
    assert not window.welcome.start_button.isEnabled()
    window.welcome.consent.setChecked(True)
    window.welcome.start_button.click()
    qtbot.waitUntil(lambda: load_settings(locations).settings.consent is not None, timeout=5000)


def test_the_demo_menu_lists_every_scenario_and_switches_live(qtbot, make_app) -> None:
    from byway.demo.words import scenario_title

    window = make_app("iran-2022").window
    assert window.demo_menu.actions() == []  # filled when opened, not before the first window
    window.demo_menu.aboutToShow.emit()
    titles = [action.text() for action in window.demo_menu.actions()]
    assert titles == [scenario_title(name) for name in SCENARIOS]
    window.demo_menu.aboutToShow.emit()
    assert len(window.demo_menu.actions()) == len(SCENARIOS)  # not listed twice
    russia = window.demo_menu.actions()[SCENARIOS.index("russia-2022")]
    russia.trigger()
    assert window.collaborators.demo is not None and window.collaborators.demo.key == "russia-2022"
    assert scenario_title("russia-2022") in window.banner.text()
    assert window.stack.currentWidget() is window.welcome
