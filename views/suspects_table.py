"""The ranked suspects as a sortable table, kept in sync with the selection model.

The model holds numpy columns and sorts through an argsort permutation (the engine's data
is never reordered); display strings are formatted lazily and cached.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from engine.viewdata.kmeans_evidence import KEvidence
from engine.viewdata.suspects import SuspectRows
from views import _style
from views._context import enable_context
from views._layout import stack
from views._table import ALIGNMENT, DISPLAY, FONT, FOREGROUND, ColumnTableModel, table_view
from views.base import BaseView
from views.selection_types import Selection
from views.sensitivity_dialog import SensitivityDialog

UNAVAILABLE = "unavailable"
ID_ROLE = Qt.ItemDataRole.UserRole + 1


# (header, column attribute or "decision", tooltip); wording follows METHOD.md §1
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Rank", "rank", "Rank by the placebo p-value when the pseudo-event test has run, else by score "
     "(1 = best); ties by shares in the rewarding direction, then investor id"),
    ("Investor", "investor_id", "Anonymised investor id"),
    ("Discontinuity", "discontinuity",
     "hard: never active in the stock before the last window (since the first date of the data); "
     "soft: active before, but never in the rewarding cluster in any earlier window that does not "
     "overlap the last one"),
    ("Score", "score", "exp(−distance to the rewarding corner) in the (A, a, E) cube, last window (0..1]"),
    ("Shares", "shares", "Net shares traded in the rewarding direction over the reference period: d·Σ(Vb − Vs)"),
    ("Directionality", "directionality",
     "Volume-weighted (ΣVb − ΣVs) / (ΣVb + ΣVs) over the reference period (−1 sell .. +1 buy)"),
    ("Expected profit", "expected_profit",
     "p_TB · Σ(Vb − Vs) − Σ(Ab − As) over the reference period: the net position marked at the "
     "offer price (else the first close on or after the event), less its cost"),
    ("In ring", "in_ring", "Member of a suspicious validated-network cluster"),
    ("Options", "options_flag", "Linked to an options-flow alert"),
    ("Placebo p", "placebo_p",
     "Empirical p of the investor's score against its own score on ordinary days of the stock "
     "(placebo test, METHOD §5); a hard suspect's is 1/(N+1) by construction. Empty until the test ran"),
    ("Decision", "decision", "The investigator's decision on this investor"),
)
NUMERIC = {"rank", "score", "shares", "directionality", "expected_profit", "placebo_p"}
#: the id role as a plain int and each column's alignment made once (or-ing two flags built an
#: enum per cell; see ``views._table.DISPLAY``)
ID = int(ID_ROLE)
ALIGNMENTS = tuple(int((Qt.AlignmentFlag.AlignRight if attr in NUMERIC else Qt.AlignmentFlag.AlignLeft)
                       | Qt.AlignmentFlag.AlignVCenter) for _, attr, _ in COLUMNS)
DISCONTINUITY = next(k for k, (_, attr, _) in enumerate(COLUMNS) if attr == "discontinuity")


def _format(attr: str, value: Any) -> str:
    """Display text of one cell."""
    if attr == "rank":
        return str(int(value))
    if attr in ("score", "directionality"):
        return f"{value:.3f}"
    if attr == "shares":
        return f"{value:,.0f}"
    if attr == "expected_profit":
        return UNAVAILABLE if np.isnan(value) else f"{value:,.0f}"
    if attr in ("in_ring", "options_flag"):
        return "yes" if value else ""
    if attr == "placebo_p":
        return "" if np.isnan(value) else f"{value:.3g}"
    return str(value)


def _column(rows: SuspectRows, attr: str) -> np.ndarray:
    """Column ``attr`` of ``rows``; the placebo p column is NaN while the test has not run."""
    value = getattr(rows, attr)
    return np.full(len(rows), np.nan) if value is None else value


class SuspectsTableModel(ColumnTableModel):
    """Read-only table over ``SuspectRows`` with a sort permutation and a decision column."""

    columns = COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows = SuspectRows.empty()
        self._position: dict[str, int] = {}
        self._decisions: dict[str, str] = {}
        self._cache: dict[tuple[int, int], str] = {}
        self._focus: str | None = None
        self._bold: QFont | None = None

    # -- data in ------------------------------------------------------------------------
    def set_rows(self, rows: SuspectRows) -> None:
        self.beginResetModel()
        self._rows = rows
        self.order = np.arange(len(rows))
        self._cache.clear()
        self.reordered()
        self.endResetModel()

    def set_decisions(self, decisions: Mapping[str, str]) -> None:
        self._decisions = dict(decisions)
        col = len(COLUMNS) - 1
        if self.rowCount():
            self.dataChanged.emit(self.index(0, col), self.index(self.rowCount() - 1, col))

    def set_focus(self, focus: str | None) -> None:
        old, self._focus = self._focus, focus
        for inv in (old, focus):
            row = self.row_of(inv)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # -- lookups ------------------------------------------------------------------------
    def investor_at(self, row: int) -> str:
        return str(self._rows.investor_id[self.order[row]])

    def row_of(self, investor_id: str | None) -> int | None:
        return None if investor_id is None else self._position.get(investor_id)

    def reordered(self) -> None:
        ids = self._rows.investor_id[self.order]
        self._position = {str(i): r for r, i in enumerate(ids)}

    def sort_key(self, attr: str) -> np.ndarray | None:
        if attr == "decision":
            return np.array([self._decisions.get(str(i), "") for i in self._rows.investor_id], dtype=object)
        return _column(self._rows, attr)

    def tie_ids(self) -> np.ndarray:
        return self._rows.investor_id

    # -- Qt model API -------------------------------------------------------------------

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        row, col = index.row(), index.column()     # -1, -1 for an invalid index
        if not (0 <= row < self.order.size and 0 <= col < len(COLUMNS)):
            return None
        if role == DISPLAY:
            return self._display(row, col)
        if role == ALIGNMENT:
            return ALIGNMENTS[col]
        if role == FOREGROUND and col == DISCONTINUITY:
            hard = self._rows.discontinuity[self.order[row]] == "hard"
            return _style.qcolor(_style.theme().warning_text if hard else _style.SOFT)
        if role == FONT and self._focus is not None and self._focus == self.investor_at(row):
            return self._bold_font()
        if role == ID:
            return self.investor_at(row)
        return None

    def _bold_font(self) -> QFont:
        """The focus row's font, made once (a new QFont per cell painted cost the table)."""
        if self._bold is None:
            self._bold = QFont()
            self._bold.setBold(True)
        return self._bold

    def _display(self, row: int, col: int) -> str:
        src = int(self.order[row])
        attr = COLUMNS[col][1]
        if attr == "decision":
            return self._decisions.get(str(self._rows.investor_id[src]), "")
        key = (src, col)
        text = self._cache.get(key)
        if text is None:
            text = _format(attr, _column(self._rows, attr)[src])
            self._cache[key] = text
        return text


class SuspectsTable(BaseView):
    """The suspects list: click = select and focus, Ctrl/Shift = extend, double-click = expand."""

    view_name = "suspects"
    title = "Suspects"
    default_area = "left"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SuspectsTableModel(self)
        self.table = table_view(self.model, self, multi=True, sort_column=0)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.summary = QLabel("No analysis yet.", self)
        self.summary.setWordWrap(True)
        self.sensitivity_button = QPushButton("Sensitivity to K…", self)
        self.sensitivity_button.setToolTip("The verdict and the suspects with K fixed from K − 2 to K + 2")
        self.sensitivity_button.setEnabled(False)
        self.sensitivity_button.clicked.connect(self.show_sensitivity)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.sensitivity_button)
        self._evidence: KEvidence | None = None
        self.sensitivity_dialog: SensitivityDialog | None = None
        stack(self, top, self.table)
        self._applying = False
        self.table.selectionModel().selectionChanged.connect(self._on_view_selection)
        self.table.doubleClicked.connect(self._on_double_click)
        enable_context(self, self.table, self._context_at, keep_selection=True)
        self.model.layoutChanged.connect(self._reapply)
        self.model.modelReset.connect(self._reapply)

    def set_data(self, viewdata: SuspectRows) -> None:
        self.model.set_rows(viewdata)
        n = len(viewdata)
        hard = int(np.count_nonzero(viewdata.discontinuity == "hard")) if n else 0
        text = (f"{n} suspects ({hard} hard, {n - hard} soft)" if n
                else "No discontinuous investor in the rewarding cluster.")
        self._evidence = viewdata.evidence
        if viewdata.evidence is not None:
            text = f"{viewdata.evidence.headline}\n{text}"
        self.summary.setText(text)
        self.summary.setToolTip(viewdata.evidence.details if viewdata.evidence is not None else "")
        self.sensitivity_button.setEnabled(viewdata.evidence is not None)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Columns fitted to their contents and laid out now: told of each resized column, the
        table repainted them on a zero timer after its first paint, a second paint of the table
        (10-15 ms of the GUI thread at the reference scale) in the next view's turn."""
        header = self.table.horizontalHeader()
        blocked = header.blockSignals(True)
        try:
            self.table.resizeColumnsToContents()
        finally:
            header.blockSignals(blocked)
        self.table.doItemsLayout()

    def show_sensitivity(self) -> None:
        """Open the K − 2 … K + 2 table (one click from the suspects)."""
        if self._evidence is not None:
            self.sensitivity_dialog = SensitivityDialog(self._evidence, self)
            self.sensitivity_dialog.open()

    def restyle(self) -> None:
        self.table.viewport().update()   # the model reads the theme's warning text when painted

    def apply_decisions(self, decisions: Mapping[str, str]) -> None:
        """Show the investigator's decisions (case work, not analysis)."""
        self.model.set_decisions(decisions)

    def clear(self) -> None:
        self.model.set_rows(SuspectRows.empty())
        self.summary.setText("No analysis yet.")
        self.summary.setToolTip("")
        self._evidence = None
        self.sensitivity_button.setEnabled(False)

    def apply_selection(self, selection: Selection) -> None:
        self._selection = selection
        self.model.set_focus(selection.focus)
        self._reapply()

    def highlighted_ids(self) -> frozenset[str]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return frozenset(self.model.investor_at(r) for r in rows)

    def _reapply(self) -> None:
        """Select the rows of the current selection, with our own echo suppressed."""
        sel = self._selection
        rows = sorted(r for r in (self.model.row_of(i) for i in sel.ids) if r is not None)
        qsel = QItemSelection()
        last_col = len(COLUMNS) - 1
        start = prev = None
        for r in rows + [None]:
            if start is not None and (r is None or r != prev + 1):
                qsel.select(self.model.index(start, 0), self.model.index(prev, last_col))
                start = None
            if r is not None and start is None:
                start = r
            prev = r
        sm = self.table.selectionModel()
        self._applying = True
        try:
            sm.select(qsel, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            focus_row = self.model.row_of(sel.focus)
            if focus_row is not None:
                index = self.model.index(focus_row, 0)
                sm.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
                self.table.scrollTo(index)
        finally:
            self._applying = False

    def _on_view_selection(self, *_: Any) -> None:
        if self._applying:
            return
        ids = self.highlighted_ids()
        current = self.table.selectionModel().currentIndex()
        focus = self.model.investor_at(current.row()) if current.isValid() else None
        if focus not in ids:
            focus = next(iter(ids)) if len(ids) == 1 else None
        self._request(ids, focus=focus, mode="replace")

    def _context_at(self, pos) -> tuple[str | None, None, tuple[str, ...]]:
        index = self.table.indexAt(pos)
        return (self.model.investor_at(index.row()) if index.isValid() else None), None, ()

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.isValid():
            inv = self.model.investor_at(index.row())
            self._request({inv}, focus=inv, mode="replace", expand=True)
