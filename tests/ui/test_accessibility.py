"""Every interactive widget on every page has an accessible name and description; colours are
readable (WCAG 4.5:1) in the light and the dark theme; pseudo-translations reach every string."""

from __future__ import annotations

import pytest

from byway.ui import palette
from byway.ui.translation import mirror, stretch
from byway.ui.widgets import unnamed_widgets


def describe(widgets) -> list[str]:
    return [
        f"{type(w).__name__} {w.objectName()!r} {w.text() if hasattr(w, 'text') else ''}" for w in widgets
    ]


def test_every_widget_on_every_page_is_named(qtbot, make_app) -> None:
    window = make_app("iran-2022").window
    # Walk the flow so every page has its content.
    window.welcome.consent.setChecked(True)
    window.welcome.start_button.click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.results, timeout=10000)
    window.results.details_toggle.click()
    window.results.advise_button.click()
    qtbot.waitUntil(lambda: window.advice.connect_button.isVisible(), timeout=10000)
    window.advice.connect_button.click()
    window.connecting.log_toggle.click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.connected, timeout=15000)
    window.open_settings()
    assert describe(unnamed_widgets(window)) == []


def test_the_check_catches_a_new_unnamed_widget(make_app) -> None:
    from PySide6.QtWidgets import QPushButton

    window = make_app("iran-2022").window
    QPushButton("new", window.welcome)
    assert len(unnamed_widgets(window)) == 1


@pytest.mark.parametrize("colours", [palette.LIGHT, palette.DARK], ids=lambda c: c.name)
def test_contrast(colours: palette.Colours) -> None:
    low = {
        name: round(palette.contrast(fg, bg), 2)
        for name, (fg, bg) in palette.text_pairs(colours).items()
        if palette.contrast(fg, bg) < 4.5
    }
    assert low == {}


def test_contrast_formula() -> None:
    assert palette.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert palette.contrast("#777777", "#777777") == pytest.approx(1.0)


def test_pseudo_translations_keep_placeholders() -> None:
    assert "{way}" in stretch("Trying {way}") and len(stretch("Trying {way}")) > len("Trying {way}")
    assert "{done}" in mirror("{done} of {total} tested") and "{total}" in mirror("{done} of {total} tested")


def test_mirror_mode_lays_out_right_to_left(qtbot, make_app, monkeypatch) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    monkeypatch.setenv("BYWAY_PSEUDO", "mirror")
    window = make_app("iran-2022").window
    try:
        assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert window.welcome.start_button.text().replace("&", "") == "Test this network"[::-1]
        assert "Byway tests"[::-1] in window.welcome.intro.text()
    finally:
        monkeypatch.delenv("BYWAY_PSEUDO")
        from byway.ui import translation

        translation.install(QApplication.instance(), "en")
