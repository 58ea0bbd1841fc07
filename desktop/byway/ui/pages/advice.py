"""Advice: the ranked plan with its reasons; the user may reorder it or leave ways out."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QWidget

from byway.ui.widgets import RLM, Page, button, label, named
from byway.ui.words import way_name

if TYPE_CHECKING:
    from byway.plan import Option, Plan


class AdvicePage(Page):
    connect_plan = Signal(object)  # the Plan as the user left it
    again = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_title(self.tr("The way out"))
        self.summary = label("", "headline", selectable=True)
        self.body.addWidget(self.summary)
        self.hint = label(
            self.tr("Byway tries these in order. Untick a way to skip it, or move it up or down."), "muted"
        )
        self.body.addWidget(self.hint)
        self.list = named(
            QListWidget(),
            self.tr("Ways out, best first"),
            self.tr("Each way out with the reasons for its place; tick or untick with Space"),
        )
        self.list.setWordWrap(True)
        self.list.setSpacing(4)
        self.body.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.up = button(self.tr("Move &up"), self.tr("Try the selected way earlier"))
        self.down = button(self.tr("Move &down"), self.tr("Try the selected way later"))
        self.up.clicked.connect(lambda: self._move(-1))
        self.down.clicked.connect(lambda: self._move(1))
        row.addWidget(self.up)
        row.addWidget(self.down)
        row.addStretch(1)
        self.body.addLayout(row)
        self.again_button = button(self.tr("Test &again"), self.tr("Run the network tests again"))
        self.again_button.clicked.connect(self.again)
        self.connect_button = button(
            self.tr("&Connect"), self.tr("Connect through Tor, trying the ways in this order"), primary=True
        )
        self.connect_button.clicked.connect(self._connect)
        self.add_action(self.again_button)
        self.add_action(self.connect_button)
        self.first_focus = self.connect_button
        self._plan: Plan | None = None

    def show_unavailable(self, text: str) -> None:
        self._plan = None
        self.summary.setText(text)
        self.list.clear()
        self.set_visible((self.list, self.up, self.down, self.hint, self.connect_button), False)
        self.first_focus = self.again_button

    def show_plan(self, plan: Plan, note: str = "") -> None:
        self._plan = plan
        self.summary.setText(plan.summary + (f"\n{note}" if note else ""))
        self.list.clear()
        for option in plan.options:
            self._add(option)
        usable = bool(plan.runnable()) and not plan.shutdown
        self.set_visible((self.list, self.up, self.down, self.hint, self.connect_button), usable)
        self.first_focus = self.connect_button if usable else self.again_button
        if self.list.count():
            self.list.setCurrentRow(0)

    def _add(self, option: Option, at: int | None = None) -> None:
        lines = [way_name(option.way)] + [f"  • {reason}" for reason in option.reasons]
        if not option.available:
            lines.append("  " + (option.unavailable_reason or self.tr("not available on this computer")))
        if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            lines = [RLM + line for line in lines]  # "Snowflake • ..." starts on the right too
        item = QListWidgetItem("\n".join(lines))
        item.setData(Qt.ItemDataRole.UserRole, option)
        flags = item.flags() | Qt.ItemFlag.ItemIsUserCheckable
        item.setFlags(flags if option.available else flags & ~Qt.ItemFlag.ItemIsEnabled)
        item.setCheckState(Qt.CheckState.Checked if option.available else Qt.CheckState.Unchecked)
        if at is None:
            self.list.addItem(item)
        else:
            self.list.insertItem(at, item)

    def _move(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def current_plan(self) -> Plan | None:
        if self._plan is None:
            return None
        chosen: list[Option] = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            option: Option = item.data(Qt.ItemDataRole.UserRole)
            if item.checkState() is Qt.CheckState.Checked:
                chosen.append(option)
        return replace(self._plan, options=tuple(chosen))

    def _connect(self) -> None:
        plan = self.current_plan()
        if plan is not None and plan.runnable():
            self.connect_plan.emit(plan)
