"""The window's pages, each built the first time it is needed.

Only the first page is built before the window appears; the others are built when the flow reaches
them, or one per idle turn of the event loop right after the first paint (:meth:`PageStack.warm`).
Building a page also wires it and renders the flow's current values into it (the window's
``on_built``), so a page built late, or again after a change of language, shows what it would have
shown had it existed all along.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QStackedWidget, QWidget
from shiboken6 import isValid

from byway.ui.widgets import Page

Factory = Callable[[], Page]

STEP_PAUSE_MS = 4
"""Between two warm-up steps: a zero-delay timer posted from a timer's callback can run before the
event loop has looked at anything else, so the steps would add up to one long wait for a click."""


class PageStack:
    def __init__(
        self,
        stack: QStackedWidget,
        factories: dict[str, Factory],
        on_built: Callable[[str, Page], None],
    ) -> None:
        self.stack = stack
        self.factories = factories
        self.on_built = on_built
        self.pages: dict[str, Page] = {}
        self.made: dict[str, Page] = {}  # made while idle, not yet in the stack (see warm)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.factories)

    def get(self, name: str) -> Page:
        """The page called ``name``, built (and wired, and filled in) now if it was not yet."""
        page = self.pages.get(name)
        if page is None:
            page = self.made.pop(name, None) or self.factories[name]()
            self.pages[name] = page
            self.stack.addWidget(page)
            self.on_built(name, page)
        return page

    def built(self, name: str) -> Page | None:
        return self.pages.get(name)

    def current_name(self, default: str) -> str:
        current = self.stack.currentWidget()
        return next((name for name, page in self.pages.items() if page is current), default)

    def discard(self) -> None:
        """Remove every page (a change of language builds them again in the new one)."""
        for page in self.pages.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        for page in self.made.values():
            page.deleteLater()
        self.pages.clear()
        self.made.clear()

    def warm(self, done: Callable[[], None]) -> None:
        """Build, add, polish and lay out the pages not yet shown, in small steps, one per idle
        event-loop turn: making a page, adding it to the stack (where the style sheet reaches all
        its widgets) and laying it out are separate turns, so none holds the window for long, and
        reaching a page later in the flow costs no construction, style or layout work."""
        steps: list[tuple[Callable[[str], None], str]] = [
            (step, name)
            for name in self.names
            if name not in self.pages
            for step in (self._make, self._add, self._lay_out)
        ]
        steps.reverse()
        stack = self.stack

        def next_step() -> None:
            if not isValid(stack):
                return
            if not steps:
                done()
                return
            step, name = steps.pop()
            step(name)
            QTimer.singleShot(STEP_PAUSE_MS, next_step)

        QTimer.singleShot(0, next_step)

    def _make(self, name: str) -> None:
        if name not in self.pages and name not in self.made:
            self.made[name] = self.factories[name]()

    def _add(self, name: str) -> None:
        self.get(name)

    def _lay_out(self, name: str) -> None:
        page = self.get(name)
        if not isValid(page):
            return
        page.ensurePolished()
        for child in page.findChildren(QWidget):
            child.ensurePolished()
        layout = page.layout()
        if layout is not None:
            page.resize(self.stack.size())
            layout.activate()
