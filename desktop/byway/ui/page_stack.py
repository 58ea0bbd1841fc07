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

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.factories)

    def get(self, name: str) -> Page:
        """The page called ``name``, built (and wired, and filled in) now if it was not yet."""
        page = self.pages.get(name)
        if page is None:
            page = self.factories[name]()
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
        self.pages.clear()

    def warm(self, done: Callable[[], None]) -> None:
        """Build, polish and lay out the pages not yet shown, one per event-loop turn, while idle:
        reaching one later in the flow then costs no construction, style or layout work."""
        pending = list(reversed(self.names))
        stack = self.stack

        def next_page() -> None:
            if not isValid(stack):
                return
            if not pending:
                done()
                return
            page = self.get(pending.pop())
            page.ensurePolished()
            for child in page.findChildren(QWidget):
                child.ensurePolished()
            layout = page.layout()
            if layout is not None:
                page.resize(stack.size())
                layout.activate()
            QTimer.singleShot(0, next_page)

        QTimer.singleShot(0, next_page)
