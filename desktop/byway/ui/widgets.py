"""Small building blocks shared by the pages: named widgets, the page frame, the primary button.

Every interactive widget is made through :func:`named`, so it gets an accessible name and
description at birth; :func:`unnamed_widgets` finds any that slipped through (a test runs it).
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTabBar,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

W = TypeVar("W", bound=QWidget)

INTERACTIVE = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QTabBar,
    QTextEdit,
)


def named(widget: W, name: str, description: str) -> W:
    # Tab always moves the focus on: text areas and tables must not trap the keyboard.
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        widget.setTabChangesFocus(True)
    if isinstance(widget, QAbstractItemView):
        widget.setTabKeyNavigation(False)
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)
    if isinstance(widget, QAbstractButton | QComboBox | QLineEdit) and not widget.toolTip():
        widget.setToolTip(description)
    return widget


def _inside_qt_internals(widget: QWidget) -> bool:
    """A combo box's popup list, a spin box's line edit, a scroll area's bars: named by their owner."""
    parent = widget.parentWidget()
    while parent is not None:
        if parent.objectName().startswith("qt_") or isinstance(parent, QComboBox | QAbstractSpinBox):
            return True
        parent = parent.parentWidget()
    return False


def unnamed_widgets(root: QWidget) -> list[QWidget]:
    """Interactive widgets under ``root`` without an accessible name or description.

    Qt's own internals (a combo box's popup list, a scroll area's bars) are skipped: they are not
    reached by Tab and screen readers describe them through their owner.
    """
    missing: list[QWidget] = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or widget.objectName().startswith("qt_"):
            continue
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus and not isinstance(widget, QProgressBar):
            continue
        if _inside_qt_internals(widget):
            continue
        if not widget.accessibleName() or not widget.accessibleDescription():
            missing.append(widget)
    return missing


RLM = "\u200f"


def announce(widget: QWidget, text: str, *, assertive: bool = False) -> None:
    """Have screen readers say ``text`` (tests ended, a way is tried, connected, a failure), which
    a change of a label's text alone does not. Failures interrupt; the rest waits its turn."""
    from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

    if not text or not QAccessible.isActive():
        return
    event = QAccessibleAnnouncementEvent(widget, text)
    if assertive:
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
    QAccessible.updateAccessibility(event)


class Text(QLabel):
    """A label that, in a right-to-left layout, starts every line right to left: a Farsi sentence
    that begins with a Latin word ("DNS: ...", "obfs4 ...") would otherwise be laid out left to right."""

    def setText(self, text: str) -> None:
        if QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft and text:
            text = "\n".join(RLM + line for line in text.split("\n"))
        super().setText(text)

    def text(self) -> str:
        return super().text().replace(RLM, "")


class TextArea(QPlainTextEdit):
    """A text box that asks for ``lines`` lines and grows into any room the page has.

    Qt's own preferred height (about twelve lines) is what a scrolling page keeps for it: a page
    with word-wrapped text lays out at preferred heights, so the buttons below a big box would sit
    under the fold at the default window size.
    """

    def __init__(self, lines: int = 4, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines = lines

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        margins = self.contentsMargins()
        height = self.fontMetrics().lineSpacing() * self.lines + margins.top() + margins.bottom() + 16
        return QSize(hint.width(), min(hint.height(), height))


def label(text: str, role: str = "", *, wrap: bool = True, selectable: bool = False) -> QLabel:
    widget = Text()
    widget.setText(text)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        widget.setProperty("role", role)
    if selectable:
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def button(text: str, description: str, *, primary: bool = False, name: str = "") -> QPushButton:
    widget = QPushButton(text)
    widget.setAutoDefault(True)  # Enter presses the focused button, as Space does
    if primary:
        widget.setProperty("role", "primary")
        widget.setDefault(True)
    return named(widget, name or text.replace("&", ""), description)


class Page(QWidget):
    """A page of the flow: a title, a body, and a row of actions with one primary action on the end.

    ``first_focus`` is where the keyboard starts when the page is shown.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(48, 36, 48, 32)
        self.outer.setSpacing(18)
        self.title = label("", "title")
        self.title.setAccessibleName("")
        self.outer.addWidget(self.title)
        # The body scrolls when a translation needs more room than the window has, instead of
        # cutting text off or growing the window past the screen.
        content = QWidget()
        content.setObjectName("page-body")
        self.body = QVBoxLayout(content)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(14)
        self.scroller = QScrollArea()
        self.scroller.setObjectName("page-scroll")
        # Our own viewport: asking the scroll area for its own makes PySide resolve the type of
        # the widget it returns, which loads every QtWidgets class (~25 ms before the first paint).
        viewport = QWidget()
        viewport.setAutoFillBackground(False)
        self.scroller.setViewport(viewport)  # before setWidget: replacing it deletes its child
        self.scroller.setWidget(content)
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content.setAutoFillBackground(False)
        self.outer.addWidget(self.scroller, 1)
        self.action_row = QHBoxLayout()
        self.action_row.setSpacing(12)
        self.action_row.addStretch(1)
        self.outer.addLayout(self.action_row)
        self.first_focus: QWidget | None = None

    def set_visible(self, widgets: tuple[QWidget, ...], visible: bool) -> None:
        """Show or hide several widgets with one relayout instead of one each (each showing of a
        child of a visible page otherwise lays the whole page out again, synchronously)."""
        self.outer.setEnabled(False)
        try:
            for widget in widgets:
                widget.setVisible(visible)
        finally:
            self.outer.setEnabled(True)
            self.outer.invalidate()

    def set_title(self, text: str) -> None:
        self.title.setText(text)
        self.setAccessibleName(text)

    def add_action(self, widget: QWidget) -> None:
        self.action_row.addWidget(widget)

    def shown(self) -> None:
        """Called when the page becomes current: move the keyboard focus to where work starts."""
        if self.first_focus is not None:
            self.first_focus.setFocus(Qt.FocusReason.OtherFocusReason)
