"""Create a case from the six input tables: pick files, preview them, import in a worker.

Validation messages of CASE_FORMAT.md §2 appear per file, row and column; a failed import
creates (or replaces) nothing — ``engine.ingest.importer.import_case`` is all-or-nothing.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QGridLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit, QProgressBar,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from engine.errors import InputError
from engine.ingest.read import csv_separator
from engine.progress import Reporter
from engine.tables import TABLE_NAMES
from ui.dialogs.error_dialog import problems_table, user_message
from ui.workers import Job, TaskRunner

REQUIRED = ("trades", "events")
PREVIEW_ROWS = 20
PREVIEW_MIN_ROWS = 6       # the preview keeps this many rows visible when problems appear
PROBLEMS_MIN_ROWS = 6
FILE_FILTER = "Tables (*.csv *.parquet *.pq);;All files (*)"


def read_preview(path: str | Path, rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first rows of a CSV or Parquet file, as text (for display only)."""
    p = Path(path)
    if p.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq
        batch = next(pq.ParquetFile(p).iter_batches(batch_size=rows), None)
        frame = batch.to_pandas() if batch is not None else pd.DataFrame()
        return frame.astype(str)
    with p.open("r", encoding="utf-8-sig", errors="replace") as handle:
        header = handle.readline()
    return pd.read_csv(p, nrows=rows, dtype=str, keep_default_na=False, sep=csv_separator(header),
                       encoding="utf-8-sig")


def _rows_height(table: QTableWidget, rows: int) -> int:
    """Pixel height showing the header, ``rows`` rows and a horizontal scroll bar of ``table``."""
    return (table.horizontalHeader().sizeHint().height() + rows * table.verticalHeader().defaultSectionSize()
            + table.horizontalScrollBar().sizeHint().height() + 2 * table.frameWidth())


def import_job(paths: dict[str, str], out: str, force: bool, reporter: Reporter) -> Path:
    """Worker body: the engine's all-or-nothing import."""
    from engine.ingest.importer import import_case
    return import_case(paths, Path(out), force=force, reporter=reporter)


class ImportWizard(QDialog):
    """File pickers, preview, validation messages; emits ``imported(path)`` on success."""

    imported = Signal(object)

    def __init__(self, start_folder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import_wizard")
        self.setWindowTitle("Import case data")
        self._folder = start_folder
        self.runner = TaskRunner(self)
        self.runner.progress.connect(self._on_progress)
        self.runner.succeeded.connect(self._on_done)
        self.runner.failed.connect(self._on_failed)
        self.runner.finished.connect(lambda _g: self._set_busy(False))

        files = QGroupBox("Input tables (CSV or Parquet; * = required)", self)
        grid = QGridLayout(files)
        self.path_edits: dict[str, QLineEdit] = {}
        for row, name in enumerate(TABLE_NAMES):
            label = QLabel(f"{name}{' *' if name in REQUIRED else ''}", files)
            edit = QLineEdit(files)
            edit.setObjectName(f"path_{name}")
            browse = QPushButton("Browse…", files)
            browse.clicked.connect(lambda _c=False, n=name: self._browse(n))
            preview = QPushButton("Preview", files)
            preview.clicked.connect(lambda _c=False, n=name: self.show_preview(n))
            grid.addWidget(label, row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(browse, row, 2)
            grid.addWidget(preview, row, 3)
            self.path_edits[name] = edit

        out_row = QHBoxLayout()
        self.out_edit = QLineEdit(self)
        self.out_edit.setObjectName("path_out")
        self.out_edit.setPlaceholderText("new case file, e.g. case.itcase")
        out_browse = QPushButton("Save as…", self)
        out_browse.clicked.connect(self._browse_out)
        out_row.addWidget(QLabel("Case file", self))
        out_row.addWidget(self.out_edit)
        out_row.addWidget(out_browse)
        self.force = QCheckBox("Replace an existing case file (a failed import leaves it untouched)", self)

        self.preview_title = QLabel("Preview: choose a file and press Preview.", self)
        self.preview = QTableWidget(0, 0, self)
        self.preview.setObjectName("preview_table")
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.setMinimumHeight(_rows_height(self.preview, PREVIEW_MIN_ROWS))
        self.message = QLabel("", self)
        self.message.setObjectName("import_message")
        self.message.setWordWrap(True)
        self.problems: QTableWidget | None = None
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.hide()

        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)

        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(files)
        self.layout_.addLayout(out_row)
        self.layout_.addWidget(self.force)
        self.layout_.addWidget(self.preview_title)
        self.layout_.addWidget(self.preview, 1)
        self.layout_.addWidget(self.message)
        self.layout_.addWidget(self.progress)
        self.layout_.addWidget(self.buttons)
        self.resize(820, 600)

    # -- inputs ---------------------------------------------------------------------------
    def set_paths(self, paths: dict[str, Any], out: str | Path | None = None) -> None:
        """Fill the pickers (used by tests and by 'open demo data')."""
        for name, value in paths.items():
            self.path_edits[name].setText("" if value is None else str(value))
        if out is not None:
            self.out_edit.setText(str(out))

    def paths(self) -> dict[str, str]:
        return {n: e.text().strip() for n, e in self.path_edits.items() if e.text().strip()}

    def _browse(self, name: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, f"Choose the {name} table", self._folder, FILE_FILTER)
        if path:
            self._folder = str(Path(path).parent)
            self.path_edits[name].setText(path)
            self.show_preview(name)

    def _browse_out(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New case file", self._folder, "Case files (*.itcase)")
        if path:
            self.out_edit.setText(path if path.endswith(".itcase") else f"{path}.itcase")

    def show_preview(self, name: str) -> None:
        """Show the first rows of the chosen file, or why it cannot be read."""
        path = self.path_edits[name].text().strip()
        if not path:
            self.preview_title.setText(f"Preview: no {name} file chosen.")
            return
        try:
            frame = read_preview(path)
        except (OSError, ValueError, pd.errors.ParserError) as exc:
            self.preview_title.setText(f"Preview of {name}: cannot read {path}: {exc}")
            self.preview.setRowCount(0)
            return
        self.preview_title.setText(f"Preview of {name}: first {len(frame)} rows of {Path(path).name}")
        self.preview.setColumnCount(len(frame.columns))
        self.preview.setRowCount(len(frame))
        self.preview.setHorizontalHeaderLabels([str(c) for c in frame.columns])
        for r, values in enumerate(frame.itertuples(index=False)):
            for c, value in enumerate(values):
                self.preview.setItem(r, c, QTableWidgetItem(str(value)))

    # -- import ---------------------------------------------------------------------------
    def start_import(self) -> None:
        """Check the obvious, then import in the worker."""
        paths, out = self.paths(), self.out_edit.text().strip()
        missing = [n for n in REQUIRED if n not in paths]
        if missing:
            self._show_message(f"Choose the required table(s): {', '.join(missing)}.")
            return
        if not out:
            self._show_message("Choose where to save the new case file.")
            return
        self._show_message("Importing…")
        self._set_busy(True)
        self.runner.start(Job(import_job, (paths, out, self.force.isChecked()), name="import"))

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.import_button.setEnabled(not busy)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        if self.problems is not None:
            self.problems.deleteLater()
            self.problems = None

    @Slot(int, str, float)
    def _on_progress(self, _gen: int, stage: str, fraction: float) -> None:
        self.progress.setValue(int(round(fraction * 100)))
        self.progress.setFormat(f"{stage} %p%")

    @Slot(int, object)
    def _on_done(self, _gen: int, path: object) -> None:
        self._show_message(f"Imported into {path}.")
        self.imported.emit(Path(str(path)))
        self.accept()

    @Slot(int, object)
    def _on_failed(self, _gen: int, exc: object) -> None:
        assert isinstance(exc, Exception)
        self._show_message(user_message(exc))
        if isinstance(exc, InputError):
            self.problems = problems_table(exc.problems, self)
            self.problems.setMinimumHeight(_rows_height(self.problems, PROBLEMS_MIN_ROWS))
            self.layout_.insertWidget(self.layout_.indexOf(self.message) + 1, self.problems, 1)
            self.resize(self.width(), max(self.height(), self.sizeHint().height()))   # room for both

    def done(self, result: int) -> None:
        self.runner.shutdown(5.0)
        super().done(result)
