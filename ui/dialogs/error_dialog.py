"""Error messages the user can act on, never a traceback (that goes to the log file).

Bad input lists every problem by file, row and column (CASE_FORMAT.md §2); anything else
shows a short message and where the details were written.
"""
from __future__ import annotations

import logging
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from engine.applog import log_file
from engine.errors import CaseFileError, InputError, Problem, UsageError

log = logging.getLogger(__name__)
PROBLEM_HEADERS = ("File", "Row", "Column", "Problem")


def problems_table(problems: list[Problem], parent: QWidget | None = None) -> QTableWidget:
    """A read-only table with one problem per row (file, row, column, message)."""
    table = QTableWidget(len(problems), len(PROBLEM_HEADERS), parent)
    table.setObjectName("problems_table")
    table.setHorizontalHeaderLabels(list(PROBLEM_HEADERS))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    for r, p in enumerate(problems):
        cells = (p.file, "" if p.row is None else str(p.row), p.column or "", p.message)
        for c, text in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(text))
    table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
    table.resizeColumnsToContents()
    return table


_MORE = re.compile(r"\.\.\. and (\d+) more problems?$")


def problem_count(problems: list[Problem]) -> int:
    """How many problems the list stands for: each shown one plus the "... and N more" counts
    (the engine keeps the first 50 per file and counts the rest)."""
    total = 0
    for p in problems:
        more = _MORE.match(p.message) if p.row is None else None
        total += int(more.group(1)) if more else 1
    return total


def user_message(exc: BaseException) -> str:
    """One or two sentences for the user; no traceback."""
    if isinstance(exc, InputError):
        n = problem_count(exc.problems)
        return f"The input has {n:,} problem{'s' if n != 1 else ''}. Nothing was changed."
    if isinstance(exc, (CaseFileError, UsageError)):
        return str(exc)
    return (f"Something went wrong: {exc.__class__.__name__}: {exc}\n"
            f"Details were written to {log_file()}.")


class ErrorDialog(QDialog):
    """Shows ``user_message(exc)`` and, for bad input, the problems table."""

    def __init__(self, title: str, exc: BaseException, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("error_dialog")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.message = QLabel(user_message(exc), self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.problems: QTableWidget | None = None
        if isinstance(exc, InputError):
            self.problems = problems_table(exc.problems, self)
            layout.addWidget(self.problems)
            self.resize(720, 320)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


def show_error(parent: QWidget | None, title: str, exc: BaseException) -> ErrorDialog:
    """Log the error and open a (window-modal, non-blocking) dialog about it."""
    if not isinstance(exc, (InputError, CaseFileError, UsageError)):
        log.error("%s: %s", title, exc, exc_info=(type(exc), exc, exc.__traceback__))
    dialog = ErrorDialog(title, exc, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.open()
    return dialog
