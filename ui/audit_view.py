"""The audit trail of the open case: every entry (exports included), filters, chain check, CSV.

Filtering is a pure function over the entries (``filter_entries``) so it is tested without
widgets; the table model shows the filtered list. "Verify chain" runs ``CaseStore.verify``
(database, data hash and hash chain); "Export CSV" writes the whole log through
``engine.exports.tables.export_audit_csv``, which logs that export too.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QFileDialog, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget)

from engine.case.audit import AuditEntry, canonical_json
from engine.errors import UsageError
from engine.exports.tables import export_audit_csv
from ui.dialogs.error_dialog import show_error

COLUMNS = ("#", "Time (UTC)", "User", "Action", "Details")
ALL_ACTIONS = "All actions"
DETAILS_SHOWN = 240


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to list: one action (None = all), a free text, an inclusive date range (UTC)."""

    action: str | None = None
    text: str = ""
    start: dt.date | None = None
    end: dt.date | None = None


def entry_text(entry: AuditEntry) -> str:
    """What the free-text filter searches: user, action and details (canonical JSON)."""
    return f"{entry.user}\n{entry.action}\n{canonical_json(entry.details)}".casefold()


def filter_entries(entries: Sequence[AuditEntry], flt: AuditFilter,
                   texts: Sequence[str] | None = None) -> list[AuditEntry]:
    """The entries that pass every part of ``flt``, in log order; ``texts``: their ``entry_text``,
    computed once per refresh so typing in the search box stays fast on long logs."""
    needle = flt.text.strip().casefold()
    lo = flt.start.isoformat() if flt.start else ""
    hi = flt.end.isoformat() if flt.end else ""
    if texts is None:
        texts = [entry_text(e) for e in entries] if needle else [""] * len(entries)
    return [e for e, text in zip(entries, texts)
            if (flt.action is None or e.action == flt.action)
            and (not needle or needle in text)
            and (not lo or e.time[:10] >= lo)
            and (not hi or e.time[:10] <= hi)]


class AuditTableModel(QAbstractTableModel):
    """Read-only rows of audit entries; details shortened in the cell, whole in the tooltip."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.entries: list[AuditEntry] = []
        self._texts: list[str] = []

    def set_entries(self, entries: list[AuditEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.entries):
            return None
        e = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            details = canonical_json(e.details)
            values = (e.seq, e.time[:19].replace("T", " "), e.user, e.action,
                      details if len(details) <= DETAILS_SHOWN else details[:DETAILS_SHOWN] + "…")
            return str(values[index.column()])
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{e.time}\n{canonical_json(e.details)}\nhash {e.hash}\nprevious {e.prev_hash}"
        return None


def _qdate(text: str) -> QDate:
    return QDate.fromString(text[:10], "yyyy-MM-dd")


class AuditDialog(QDialog):
    """Lists the audit trail of ``store`` with filters, chain verification and CSV export."""

    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("audit_dialog")
        self.setWindowTitle("Audit trail")
        self.store = store
        self.entries: list[AuditEntry] = []
        self._texts: list[str] = []
        self.action = QComboBox(self)
        self.action.setObjectName("audit_action")
        self.text = QLineEdit(self)
        self.text.setPlaceholderText("Search user, action, details…")
        self.text.setClearButtonEnabled(True)
        self.use_dates = QCheckBox("Between", self)
        self.start, self.end = QDateEdit(self), QDateEdit(self)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.model = AuditTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.count = QLabel(self)
        self.verdict = QLabel(self)
        self.verdict.setObjectName("audit_verdict")
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        verify, export, refresh = (QPushButton("Verify chain", self), QPushButton("Export CSV…", self),
                                   QPushButton("Refresh", self))
        verify.clicked.connect(self.verify)
        export.clicked.connect(self._ask_export)
        refresh.clicked.connect(self.refresh)
        self.action.currentIndexChanged.connect(self.apply_filter)
        self.text.textChanged.connect(self.apply_filter)
        self.use_dates.toggled.connect(self._dates_toggled)
        self.start.dateChanged.connect(self.apply_filter)
        self.end.dateChanged.connect(self.apply_filter)
        filters = QHBoxLayout()
        for w in (self.action, self.text, self.use_dates, self.start, QLabel("and", self), self.end):
            filters.addWidget(w)
        buttons = QHBoxLayout()
        for w in (self.count, self.verdict):
            buttons.addWidget(w, 1)
        for w in (refresh, verify, export):
            buttons.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(980, 560)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the log (e.g. after an export) and keep the filters."""
        self.entries = self.store.audit_entries()
        self._texts = [entry_text(e) for e in self.entries]
        current = self.action.currentText()
        self.action.blockSignals(True)
        self.action.clear()
        self.action.addItems([ALL_ACTIONS] + sorted({e.action for e in self.entries}))
        self.action.setCurrentText(current if current else ALL_ACTIONS)
        self.action.blockSignals(False)
        if self.entries and not self.use_dates.isChecked():
            for edit, entry in ((self.start, self.entries[0]), (self.end, self.entries[-1])):
                edit.blockSignals(True)
                edit.setDate(_qdate(entry.time))
                edit.blockSignals(False)
        self.apply_filter()

    def current_filter(self) -> AuditFilter:
        action = self.action.currentText()
        dates = self.use_dates.isChecked()
        return AuditFilter(action=None if action in ("", ALL_ACTIONS) else action, text=self.text.text(),
                           start=self.start.date().toPython() if dates else None,
                           end=self.end.date().toPython() if dates else None)

    def apply_filter(self) -> None:
        shown = filter_entries(self.entries, self.current_filter(), self._texts)
        self.model.set_entries(shown)
        self.count.setText(f"{len(shown)} of {len(self.entries)} entries")

    def _dates_toggled(self, on: bool) -> None:
        self.start.setEnabled(on)
        self.end.setEnabled(on)
        self.apply_filter()

    def verify(self) -> bool:
        """Check the case (database, data hash, chain) and show the verdict."""
        report = self.store.verify()
        if report.ok:
            self.verdict.setText(f"Intact: {report.audit_entries} entries, chain hash {report.last_chain_hash[:16]}…; "
                                 f"data hash matches the import.")
            self.verdict.setStyleSheet("color: #1e8449;")
        else:
            self.verdict.setText("Problems: " + "; ".join(report.problems))
            self.verdict.setStyleSheet("color: #c0392b;")
        return report.ok

    def export_csv(self, path: Path) -> bytes:
        """Write the whole log (not only the rows shown) as CSV, then list the new export entry."""
        data = export_audit_csv(self.store, Path(path))
        self.refresh()
        return data

    def _ask_export(self) -> None:
        folder = Path(getattr(self.store, "path", ".")).resolve().parent
        chosen, _ = QFileDialog.getSaveFileName(self, "Export the audit log", str(folder / "audit.csv"), "CSV (*.csv)")
        if not chosen:
            return
        try:
            self.export_csv(Path(chosen))
        except OSError as exc:
            show_error(self, "The audit log could not be exported", UsageError(f"{chosen}: {exc.strerror or exc}"))
