"""Results: one plain sentence first, then an overview by technique and target, then the details."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QTextBrowser, QToolButton, QWidget

from byway.ui.widgets import Page, button, label, named

if TYPE_CHECKING:
    from byway.analyze.analysis import Analysis


class ResultsPage(Page):
    advise = Signal()
    again = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_title(self.tr("What this network does"))
        self.headline = label("", "headline", selectable=True)
        self.body.addWidget(self.headline)
        self.lines = label("", "muted", selectable=True)
        self.body.addWidget(self.lines)
        self.table = named(
            QTableWidget(),
            self.tr("Overview by technique and site"),
            self.tr("One row per site, one column per network layer; each cell says what was seen"),
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.body.addWidget(self.table, 1)
        self.details_toggle = named(
            QToolButton(),
            self.tr("Show details"),
            self.tr("Show or hide the evidence behind each finding"),
        )
        self.details_toggle.setText(self.tr("Show details"))
        self.details_toggle.setCheckable(True)
        self.details_toggle.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.details_toggle.toggled.connect(self._toggle_details)
        self.body.addWidget(self.details_toggle)
        self.details = named(
            QTextBrowser(),
            self.tr("Details"),
            self.tr("Every finding with its evidence, in plain words"),
        )
        self.details.hide()
        self.body.addWidget(self.details, 1)
        self.again_button = button(self.tr("Test &again"), self.tr("Run the tests once more"))
        self.again_button.clicked.connect(self.again)
        self.advise_button = button(
            self.tr("See the &way out"), self.tr("Show the ways out that should work here"), primary=True
        )
        self.advise_button.clicked.connect(self.advise)
        self.add_action(self.again_button)
        self.add_action(self.advise_button)
        self.first_focus = self.advise_button

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        text = self.tr("Hide details") if shown else self.tr("Show details")
        self.details_toggle.setText(text)
        self.details_toggle.setAccessibleName(text)

    def show_analysis(self, analysis: Analysis) -> None:
        from byway.analyze.findings import Layer
        from byway.analyze.words import LAYER_NAMES, describe, headline, layer_line, technique_name, tor_line

        summary = analysis.summary
        self.headline.setText(headline(summary))
        lines = [tor_line(summary)]
        if summary.internet:
            lines += [layer_line(summary, layer) for layer in Layer]
        self.lines.setText("\n".join(lines))
        layers = list(Layer)
        self.table.clear()
        self.table.setColumnCount(1 + len(layers))
        self.table.setHorizontalHeaderLabels([self.tr("Site")] + [LAYER_NAMES[layer] for layer in layers])
        self.table.setRowCount(len(analysis.results))
        details: list[str] = []
        for row, result in enumerate(analysis.results):
            self.table.setItem(row, 0, QTableWidgetItem(result.observation.target.hostname))
            for column, layer in enumerate(layers, start=1):
                found = [technique_name(f.technique) for f in result.findings if f.layer is layer]
                if found:
                    text = "✗ " + ", ".join(sorted(set(found)))
                elif not summary.internet:
                    text = self.tr("no answer")
                else:
                    text = "✓ " + self.tr("ok")
                self.table.setItem(row, column, QTableWidgetItem(text))
            for finding in result.findings:
                details.append(describe(finding))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.details.setPlainText("\n\n".join(details) or self.tr("Nothing to report."))
