"""Errors in words. A typed error from the core is shown with its message and a next step; anything
unexpected opens a dialog with a scrubbed report to copy (no bridge, address or fingerprint in it)."""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from byway import __version__
from byway.ui.widgets import named


def is_worded(error: BaseException) -> bool:
    """Errors raised by Byway's own core carry a message meant for people."""
    return type(error).__module__.startswith("byway.") and bool(str(error))


def report_text(error: BaseException) -> str:
    from byway.store.logs import scrub

    lines = traceback.format_exception(type(error), error, error.__traceback__)
    return scrub(f"Byway {__version__}, Python {sys.version.split()[0]}\n" + "".join(lines))


class CrashDialog(QDialog):
    def __init__(self, error: BaseException, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Something went wrong"))
        layout = QVBoxLayout(self)
        text = QLabel(
            self.tr(
                "Byway hit a problem it did not expect. Your connection settings are safe. If you report"
                " this, copy the text below: addresses and bridges have been removed from it."
            )
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.report = named(
            QPlainTextEdit(report_text(error)),
            self.tr("Problem report"),
            self.tr("Technical details, scrubbed"),
        )
        self.report.setReadOnly(True)
        layout.addWidget(self.report, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy = buttons.addButton(self.tr("Copy report"), QDialogButtonBox.ButtonRole.ActionRole)
        named(self.copy, self.tr("Copy report"), self.tr("Copy the scrubbed report to the clipboard"))
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        named(close, self.tr("Close"), self.tr("Close this message"))
        self.copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.report.toPlainText()))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 420)


def show_crash(error: BaseException, parent: QWidget | None = None) -> CrashDialog:
    dialog = CrashDialog(error, parent)
    dialog.setModal(True)
    dialog.show()  # not exec(): the rest of the app keeps running
    return dialog


_open: list[CrashDialog] = []


def install_excepthook(parent: QWidget | None = None) -> None:
    """Uncaught exceptions in slots reach ``sys.excepthook``: show them instead of dying silently."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QCoreApplication.quit()
            return
        error.__traceback__ = tb
        sys.stderr.write(report_text(error))
        _open.append(show_crash(error, parent))

    sys.excepthook = hook
