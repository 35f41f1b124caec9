"""Common frame of the opt-in network studies (threshold sweep, BiCM comparison).

The dialog runs its engine function on its own ``TaskRunner`` (in a child process when the
session runs analyses there: both re-run Infomap, which holds the interpreter lock), shows
progress, offers "Save figure…" / "Save CSV…" once the study is done, and cancels the work
when closed. Subclasses build the content and fill it from the study's result.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QLabel, QProgressBar, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from engine.atomic import write_bytes_atomic
from engine.exports.tables import csv_bytes, write_export
from ui.dialogs.error_dialog import show_error
from ui.workers import Job, TaskRunner
from views.base import widget_png


def fill_table(table: QTableWidget, header: list[str], rows: list[list[str]]) -> None:
    """Replace a read-only table's content with text cells (numbers right-aligned)."""
    table.clear()
    table.setColumnCount(len(header))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels(header)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            if c > 0:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


def table_rows(table: QTableWidget) -> list[list[str]]:
    """The text of every cell, row by row (what the CSV holds)."""
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())]


class StudyDialog(QDialog):
    """A non-modal dialog that computes one study in the background and shows it."""

    done = Signal(object)   # the study's result, once shown

    figure_name = "study"

    def __init__(self, title: str, job: Job, store: Any = None, folder: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName(f"dialog_{self.figure_name}")
        self.store = store
        self.folder = folder
        self.value: Any = None
        self.runner = TaskRunner(self)
        self.state = QLabel("Computing…", self)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.table = QTableWidget(self)
        self.table.verticalHeader().setVisible(False)
        self.content = QVBoxLayout()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        self.save_figure_button = QPushButton("Save figure…", self)
        self.save_csv_button = QPushButton("Save CSV…", self)
        for button in (self.save_figure_button, self.save_csv_button):
            button.setEnabled(False)
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_figure_button.clicked.connect(self._ask_figure)
        self.save_csv_button.clicked.connect(self._ask_csv)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.progress)
        layout.addLayout(self.content, 1)
        layout.addWidget(buttons)
        self.runner.progress.connect(lambda _g, stage, f: self._on_progress(stage, f))
        self.runner.succeeded.connect(self._on_succeeded)
        self.runner.failed.connect(self._on_failed)
        self.runner.start(job)

    def _on_progress(self, stage: str, fraction: float) -> None:
        self.progress.setValue(int(round(fraction * 1000)))
        self.state.setText(f"{stage}… {fraction:.0%}" if stage else f"Computing… {fraction:.0%}")

    def _on_succeeded(self, _generation: int, value: Any) -> None:
        self.value = value
        self.progress.hide()
        self.show_value(value)
        self.save_figure_button.setEnabled(True)
        self.save_csv_button.setEnabled(True)
        self.done.emit(value)

    def _on_failed(self, _generation: int, exc: object) -> None:
        self.progress.hide()
        self.state.setText("The study failed (see the message).")
        show_error(self, f"{self.windowTitle()} failed", exc)

    def show_value(self, value: Any) -> None:
        """Fill the content from the study's result; subclasses extend it."""
        self.state.setText("Done.")

    def figure_widget(self) -> QWidget:
        """The widget saved by "Save figure…" (subclasses may narrow it to the plot)."""
        return self

    # -- saving ---------------------------------------------------------------------------
    def save_figure(self, path: Path) -> bytes:
        """PNG of the figure, written atomically and logged as a figure export of the case."""
        return write_export(self.store, "figure", Path(path), widget_png(self.figure_widget()),
                            view=self.figure_name, format="png")

    def csv_bytes(self) -> bytes:
        header = [self.table.horizontalHeaderItem(c).text() for c in range(self.table.columnCount())]
        return csv_bytes(header, table_rows(self.table))

    def save_csv(self, path: Path) -> bytes:
        """The table as CSV, written atomically."""
        data = self.csv_bytes()
        write_bytes_atomic(Path(path), data)
        return data

    def _ask_figure(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save figure", str(Path(self.folder) / f"{self.figure_name}.png"),
                                              "PNG image (*.png)")
        if path:
            self._save(self.save_figure, path)

    def _ask_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save table", str(Path(self.folder) / f"{self.figure_name}.csv"),
                                              "CSV table (*.csv)")
        if path:
            self._save(self.save_csv, path)

    def _save(self, writer, path: str) -> None:
        try:
            writer(Path(path))
        except OSError as exc:
            show_error(self, "Could not save", exc)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.runner.cancel()
        super().closeEvent(event)
