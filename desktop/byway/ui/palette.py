"""Byway's colours, light and dark, and the one stylesheet: calm, generous, readable.

Every text/background pair the window uses is listed in :func:`text_pairs`, and a test holds each
to WCAG's 4.5:1 contrast for normal text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class Colours:
    name: str
    background: str
    surface: str
    text: str
    muted: str
    border: str
    accent: str  # primary buttons, progress
    on_accent: str
    good: str
    bad: str
    warn: str
    demo: str  # the DEMO banner
    on_demo: str
    link: str


LIGHT = Colours(
    name="light",
    background="#f7f6f2",
    surface="#ffffff",
    text="#1d1f23",
    muted="#51565e",
    border="#c9c6bd",
    accent="#1f5f8b",
    on_accent="#ffffff",
    good="#1e6b3a",
    bad="#a3261d",
    warn="#7a5200",
    demo="#7a2e8e",
    on_demo="#ffffff",
    link="#1f5f8b",
)

DARK = Colours(
    name="dark",
    background="#17191d",
    surface="#22252b",
    text="#eceae4",
    muted="#b3b0a8",
    border="#454a52",
    accent="#7cc0ee",
    on_accent="#0d1b26",
    good="#7fd49a",
    bad="#ff9c8f",
    warn="#f2c66d",
    demo="#d9a3ea",
    on_demo="#21102a",
    link="#8ccaf2",
)


def text_pairs(colours: Colours) -> dict[str, tuple[str, str]]:
    """Every (foreground, background) pair that carries text."""
    c = colours
    return {
        "text": (c.text, c.background),
        "text on surface": (c.text, c.surface),
        "muted": (c.muted, c.background),
        "muted on surface": (c.muted, c.surface),
        "primary button": (c.on_accent, c.accent),
        "good": (c.good, c.surface),
        "bad": (c.bad, c.surface),
        "warn": (c.warn, c.surface),
        "good on background": (c.good, c.background),
        "bad on background": (c.bad, c.background),
        "demo banner": (c.on_demo, c.demo),
        "link": (c.link, c.background),
    }


def _channel(value: int) -> float:
    s = value / 255
    return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    q = QColor(colour)
    return 0.2126 * _channel(q.red()) + 0.7152 * _channel(q.green()) + 0.0722 * _channel(q.blue())


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio, from 1 to 21."""
    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def system_prefers_dark() -> bool:
    override = os.environ.get("BYWAY_THEME", "").lower()
    if override in ("light", "dark"):
        return override == "dark"
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def stylesheet(c: Colours) -> str:
    return f"""
    QWidget {{ font-size: 11pt; }}
    QMainWindow, QStackedWidget > QWidget {{ background: {c.background}; color: {c.text}; }}
    QLabel[role="title"] {{ font-size: 20pt; font-weight: 600; }}
    QLabel[role="headline"] {{ font-size: 15pt; font-weight: 600; }}
    QLabel[role="muted"] {{ color: {c.muted}; }}
    QLabel[role="good"] {{ color: {c.good}; }}
    QLabel[role="bad"] {{ color: {c.bad}; }}
    QLabel[role="warn"] {{ color: {c.warn}; }}
    QLabel[role="demo"] {{ background: {c.demo}; color: {c.on_demo}; padding: 6px 12px;
        font-weight: 600; }}
    QPushButton {{ padding: 8px 18px; border: 1px solid {c.border}; border-radius: 6px;
        background: {c.surface}; color: {c.text}; }}
    QCheckBox:focus, QRadioButton:focus, QToolButton:focus {{ border: 2px solid {c.accent};
        border-radius: 4px; padding: 2px; }}
    QCheckBox, QRadioButton, QToolButton {{ border: 2px solid transparent; padding: 2px; }}
    QTabBar::tab:focus {{ border: 2px solid {c.accent}; }}
    QPushButton:focus {{ border: 2px solid {c.accent}; }}
    QPushButton[role="primary"] {{ background: {c.accent}; color: {c.on_accent}; border: 2px solid {c.accent};
        font-weight: 600; }}
    QPushButton[role="primary"]:focus {{ border: 2px solid {c.text}; }}
    QPushButton:disabled {{ color: {c.muted}; background: {c.background}; }}
    QProgressBar {{ border: 1px solid {c.border}; border-radius: 6px; background: {c.surface};
        color: {c.text}; text-align: center; min-height: 22px; }}
    QProgressBar::chunk {{ background: {c.accent}; border-radius: 5px; }}
    QLineEdit, QPlainTextEdit, QTextBrowser, QComboBox, QSpinBox, QListWidget, QTreeWidget,
    QTableWidget {{ background: {c.surface}; color: {c.text}; border: 1px solid {c.border};
        border-radius: 4px; padding: 4px; selection-background-color: {c.accent};
        selection-color: {c.on_accent}; }}
    QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QListWidget:focus, QTreeWidget:focus,
    QTableWidget:focus, QTextBrowser:focus {{ border: 2px solid {c.accent}; }}
    QHeaderView::section {{ background: {c.background}; color: {c.text}; border: none; padding: 4px; }}
    QTabWidget::pane {{ border: 1px solid {c.border}; }}
    QTabBar::tab {{ padding: 8px 14px; color: {c.text}; background: {c.background}; }}
    QTabBar::tab:selected {{ background: {c.surface}; font-weight: 600; }}
    QMenuBar QLabel {{ font-size: 10pt; }}
    QScrollArea#page-scroll, QWidget#page-body {{ background: transparent; border: none; }}
    QPushButton[role="quiet"] {{ border: none; background: transparent; color: {c.link};
        padding: 0px 6px; font-size: 10pt; text-decoration: underline; }}
    QPushButton[role="quiet"]:focus {{ border: 2px solid {c.accent}; }}
    """


def apply(app: QApplication, dark: bool | None = None) -> Colours:
    colours = DARK if (system_prefers_dark() if dark is None else dark) else LIGHT
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: colours.background,
        QPalette.ColorRole.WindowText: colours.text,
        QPalette.ColorRole.Base: colours.surface,
        QPalette.ColorRole.AlternateBase: colours.background,
        QPalette.ColorRole.Text: colours.text,
        QPalette.ColorRole.Button: colours.surface,
        QPalette.ColorRole.ButtonText: colours.text,
        QPalette.ColorRole.Highlight: colours.accent,
        QPalette.ColorRole.HighlightedText: colours.on_accent,
        QPalette.ColorRole.Link: colours.link,
        QPalette.ColorRole.PlaceholderText: colours.muted,
        QPalette.ColorRole.ToolTipBase: colours.surface,
        QPalette.ColorRole.ToolTipText: colours.text,
    }
    for role, value in roles.items():
        palette.setColor(role, QColor(value))
    app.setPalette(palette)
    app.setStyleSheet(stylesheet(colours))
    return colours
