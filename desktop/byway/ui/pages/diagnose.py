"""Diagnose: live progress per target and per technique while the probes run, and Cancel."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QProgressBar, QTreeWidget, QTreeWidgetItem, QWidget

from byway.analyze.analysis import analyze_observation
from byway.analyze.summary import relay_reachable
from byway.analyze.words import technique_name
from byway.measure.diagnosis import Progress, ProgressKind
from byway.measure.observations import Target
from byway.ui.widgets import Page, button, label, named


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
        self.add_action(self.cancel_button)
        self.first_focus = self.cancel_button
        self._rows: dict[str, QTreeWidgetItem] = {}
        self._seen: dict[str, int] = {}
        self._relays_ok = 0
        self._relays_done = 0
        self._relay_row: QTreeWidgetItem | None = None

    def reset(self, targets: tuple[Target, ...]) -> None:
        self.tree.clear()
        self._rows = {}
        self._seen = {}
        self._relays_ok = self._relays_done = 0
        self._relay_row = None
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

    def update_progress(self, progress: Progress) -> None:
        if progress.total:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(progress.done)
        self.status.setText(
            self.tr("{done} of {total} tested").format(done=progress.done, total=progress.total)
        )
        if progress.kind is ProgressKind.TARGET_STARTED and progress.target is not None:
            self._row(progress.target.url).setText(1, self.tr("testing..."))
        elif progress.kind is ProgressKind.TARGET_DONE and progress.observation is not None:
            self._target_done(progress)
        elif progress.kind is ProgressKind.RELAY_DONE and progress.relay is not None:
            self._relays_done += 1
            self._relays_ok += relay_reachable(progress.relay)
            if self._relay_row is None:
                self._relay_row = QTreeWidgetItem(["", ""])
                self.tree.insertTopLevelItem(0, self._relay_row)
            self._relay_row.setText(0, self.tr("Tor relays"))
            text = self.tr("{ok} of {done} answer").format(ok=self._relays_ok, done=self._relays_done)
            self._relay_row.setText(1, text)

    def _target_done(self, progress: Progress) -> None:
        assert progress.observation is not None
        result = analyze_observation(progress.observation)
        interference = [f for f in result.findings if f.is_interference]
        row = self._row(progress.observation.target.url)
        if interference:
            names = sorted({technique_name(f.technique) for f in interference})
            row.setText(1, self.tr("blocked: {how}").format(how=", ".join(names)))
            for finding in interference:
                key = technique_name(finding.technique)
                self._seen[key] = self._seen.get(key, 0) + 1
        elif result.verdict.accessible:
            row.setText(1, self.tr("works"))
        else:
            row.setText(1, self.tr("no answer"))
        if self._seen:
            counts = ", ".join(f"{name} ({count})" for name, count in sorted(self._seen.items()))
            self.techniques.setText(self.tr("Seen so far: {techniques}").format(techniques=counts))
