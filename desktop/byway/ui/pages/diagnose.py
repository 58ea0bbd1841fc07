"""Diagnose: live progress per target and per technique while the probes run, and Cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QProgressBar, QTreeWidget, QTreeWidgetItem, QWidget

from byway.ui.flow import ProgressLine
from byway.ui.widgets import Page, announce, button, label, named

if TYPE_CHECKING:
    from byway.measure.observations import Target

# byway.measure.diagnosis.ProgressKind values (not imported: the network stack loads on the worker)
TARGET_STARTED, TARGET_DONE, RELAY_DONE = "target_started", "target_done", "relay_done"


class DiagnosePage(Page):
    cancel = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_title(self.tr("Testing this network"))
        self.status = label(self.tr("Getting ready..."))
        self.body.addWidget(self.status)
        self.bar = named(
            QProgressBar(),
            self.tr("Test progress"),
            self.tr("How many of the sites and Tor relays have been tested"),
        )
        self.body.addWidget(self.bar)
        self.tree = named(
            QTreeWidget(),
            self.tr("Sites and relays"),
            self.tr("Each site and Tor relay being tested, and what was found"),
        )
        self.tree.setHeaderLabels([self.tr("What"), self.tr("Result")])
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnWidth(0, 340)
        self.body.addWidget(self.tree, 1)
        self.techniques = label("", "muted")
        self.body.addWidget(self.techniques)
        self.cancel_button = button(
            self.tr("&Cancel"), self.tr("Stop the tests now; nothing more is sent"), primary=True
        )
        self.cancel_button.clicked.connect(self.cancel)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)  # Esc stops, as Cancel does
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.cancel_button.click)
        self.add_action(self.cancel_button)
        self.first_focus = self.cancel_button
        self._rows: dict[str, QTreeWidgetItem] = {}
        self._seen: dict[str, int] = {}
        self._relays_ok = 0
        self._relays_done = 0
        self._relay_row: QTreeWidgetItem | None = None
        self._quarter = 0

    def reset(self, targets: tuple[Target, ...]) -> None:
        self.tree.clear()
        self._rows = {}
        self._seen = {}
        self._relays_ok = self._relays_done = 0
        self._relay_row = None
        self._quarter = 0
        self.bar.setRange(0, 0)
        self.status.setText(self.tr("Getting ready..."))
        self.techniques.setText("")
        for target in targets:
            self._row(target.url).setText(1, self.tr("waiting"))

    def _row(self, key: str) -> QTreeWidgetItem:
        row = self._rows.get(key)
        if row is None:
            row = QTreeWidgetItem([key, ""])
            self.tree.addTopLevelItem(row)
            self._rows[key] = row
        return row

    def update_batch(self, batch: list[ProgressLine]) -> None:
        """A batch of steps (the worker sends them every 50 ms): one relayout for all of them."""
        if not batch:
            return
        self.tree.setUpdatesEnabled(False)
        try:
            for line in batch:
                self._one(line)
        finally:
            self.tree.setUpdatesEnabled(True)
        last = batch[-1]
        if last.total and last.done * 4 // last.total > self._quarter:
            self._quarter = last.done * 4 // last.total
            announce(self, self.tr("{done} of {total} tested").format(done=last.done, total=last.total))
        if last.total:
            self.bar.setRange(0, last.total)
            self.bar.setValue(last.done)
        self.status.setText(self.tr("{done} of {total} tested").format(done=last.done, total=last.total))
        if self._seen:
            counts = ", ".join(f"{name} ({count})" for name, count in sorted(self._seen.items()))
            self.techniques.setText(self.tr("Seen so far: {techniques}").format(techniques=counts))

    def _one(self, line: ProgressLine) -> None:
        if line.kind == TARGET_STARTED and line.url is not None:
            self._row(line.url).setText(1, self.tr("testing..."))
        elif line.kind == TARGET_DONE and line.url is not None:
            row = self._row(line.url)
            if line.blocked_by:
                row.setText(1, self.tr("blocked: {how}").format(how=", ".join(line.blocked_by)))
                for name in line.blocked_by:
                    self._seen[name] = self._seen.get(name, 0) + 1
            elif line.accessible:
                row.setText(1, self.tr("works"))
            else:
                row.setText(1, self.tr("no answer"))
        elif line.kind == RELAY_DONE and line.relay_ok is not None:
            self._relays_done += 1
            self._relays_ok += line.relay_ok
            if self._relay_row is None:
                self._relay_row = QTreeWidgetItem(["", ""])
                self.tree.insertTopLevelItem(0, self._relay_row)
            self._relay_row.setText(0, self.tr("Tor relays"))
            text = self.tr("{ok} of {done} answer").format(ok=self._relays_ok, done=self._relays_done)
            self._relay_row.setText(1, text)
