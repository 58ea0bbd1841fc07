"""Settings with bad input: refused with a message, and nothing already saved is lost."""

from __future__ import annotations

from byway.store.settings import load_settings

GOOD = "obfs4 192.0.2.10:443 4352E58420E68F5E40BF7C74FADDCCD9D1349413 cert=" + "A" * 70 + " iat-mode=0"
BROKEN = "obfs4 192.0.2.11:443 SocksPort 9050"
INJECTION = "192.0.2.12:443\nSocksPort 0.0.0.0:9050"


def open_bridges(make_app):
    window = make_app("iran-2022").window
    window.open_settings()
    assert window.stack.currentWidget() is window.settings_page
    return window, window.settings_page.bridges


def test_good_bridges_are_saved_as_secrets(qtbot, make_app, secrets, locations) -> None:
    _window, tab = open_bridges(make_app)
    tab.custom.setPlainText(GOOD)
    assert tab.problem.text() == ""
    assert tab.save.isEnabled()
    tab.save.click()
    qtbot.waitUntil(
        lambda: load_settings(locations).settings.secrets.custom_bridges is not None, timeout=5000
    )
    ref = load_settings(locations).settings.secrets.custom_bridges
    assert secrets.get(ref) == GOOD
    assert GOOD not in locations.settings_file.read_text()  # the settings file holds only the id


def test_broken_line_is_refused_as_you_type_and_the_saved_list_survives(
    qtbot, make_app, secrets, locations
) -> None:
    _window, tab = open_bridges(make_app)
    tab.custom.setPlainText(GOOD)
    tab.save.click()
    qtbot.waitUntil(
        lambda: load_settings(locations).settings.secrets.custom_bridges is not None, timeout=5000
    )
    ref = load_settings(locations).settings.secrets.custom_bridges
    for bad in (BROKEN, GOOD + "\n" + BROKEN, INJECTION):
        tab.custom.setPlainText(bad)
        assert tab.problem.text(), bad  # a message in words, at once
        assert "Traceback" not in tab.problem.text()
        assert not tab.save.isEnabled()
        tab.save.click()  # disabled: nothing happens
        assert secrets.get(ref) == GOOD
    assert "fingerprint" in (tab.custom.setPlainText(BROKEN) or tab.problem.text())


def test_a_save_that_slips_past_the_check_still_keeps_the_old_list(
    qtbot, make_app, secrets, locations
) -> None:
    window, _tab = open_bridges(make_app)
    prefs = window.prefs
    prefs.save_custom_bridges(GOOD)
    ref = prefs.settings.secrets.custom_bridges
    failures: list[BaseException] = []
    window.run_blocking(lambda: prefs.save_custom_bridges(BROKEN), lambda _: None, failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert "fingerprint" in str(failures[0])
    assert secrets.get(ref) == GOOD


def test_proxy_checks_as_you_type(qtbot, make_app, locations) -> None:
    window = make_app("iran-2022").window
    window.open_settings()
    tab = window.settings_page.proxy
    tab.kind.setCurrentIndex(tab.kind.findData("socks5"))
    assert tab.problem.text() and not tab.save.isEnabled()
    tab.host.setText("proxy.example")
    assert "port" in tab.problem.text().lower()
    tab.port.setValue(1080)
    assert tab.problem.text() == "" and tab.save.isEnabled()
    tab.save.click()
    qtbot.waitUntil(lambda: load_settings(locations).settings.ui.get("proxy.port") == 1080, timeout=5000)
    tab.host.setText("bad host")
    assert not tab.save.isEnabled()
    assert load_settings(locations).settings.ui.get("proxy.host") == "proxy.example"


def test_storage_status_is_shown(make_app) -> None:
    window = make_app("iran-2022").window
    window.open_settings()
    text = window.settings_page.general.storage.text()
    assert "until Byway closes" in text  # the memory store of the tests
    window.settings_page.done_button.click()
    assert window.stack.currentWidget() is window.welcome


def test_every_settings_tab_fits_the_default_window_without_scrolling(qtbot, make_app) -> None:
    # A word-wrapped page lays out at its widgets' preferred heights: a text box asking for its
    # default dozen lines pushed "Save bridges" under the fold of a 900 x 680 window.
    from PySide6.QtWidgets import QApplication

    window = make_app("iran-2022").window
    assert (window.width(), window.height()) == (900, 680)
    window.open_settings()
    page = window.settings_page
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        assert not page.scroller.verticalScrollBar().isVisible(), page.tabs.tabText(index)
        bottom = page.tabs.currentWidget().mapTo(
            page.scroller.viewport(), page.tabs.currentWidget().rect().bottomLeft()
        )
        assert bottom.y() <= page.scroller.viewport().height(), page.tabs.tabText(index)
