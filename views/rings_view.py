"""The rings list: every validated-network cluster with its size, R_C, π_C, rank and flag.

Selecting a ring asks for all its members (Ctrl adds them to the selection). Rings holding
any selected investor are shaded, so a suspect picked elsewhere shows which ring it sits in.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QWidget

from engine.packet.figures import ReportFigure
from engine.viewdata.prepare import RingsData
from views import _style
from views._context import enable_context
from views._layout import stack
from views.base import BaseView, Selection, widget_png
from views._table import ColumnTableModel, table_view

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Ring", "cluster_id", "Infomap cluster id (1 = largest)"),
    ("Rank", "rank", "Rank by directionality in the rewarding direction, then mean expected profit"),
    ("Size", "size", "Members"),
    ("R_C", "directionality", "Mean daily directionality of members over the reference period"),
    ("π_C", "expected_profit", "Mean expected profit of members"),
    ("Suspicious", "suspicious", "d·R_C at or above the setting"),
    ("Placebo p", "placebo_p", "Empirical p of d·R_C against the same members' d·R_C on ordinary days of the "
     "stock (placebo test, METHOD §5); empty until the test ran"),
)


def _text(attr: str, value: Any) -> str:
    if attr == "suspicious":
        return "yes" if value else ""
    if attr == "placebo_p":
        return "" if not np.isfinite(value) else f"{value:.3g}"
    if attr in ("directionality", "expected_profit"):
        if not np.isfinite(value):
            return "n/a"
        return f"{value:+.3f}" if attr == "directionality" else f"{value:,.0f}"
    return str(int(value))


def _column(rings: RingsData, attr: str) -> np.ndarray:
    """Column ``attr``; the placebo p column is NaN while the test has not run."""
    value = getattr(rings, attr)
    return np.full(rings.cluster_id.size, np.nan) if value is None else value


class RingsTableModel(ColumnTableModel):
    """Read-only rings table with a sort permutation and shaded rows; the cell texts are
    formatted once per result, and a selection repaints only the rows whose shading changed."""

    columns = COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rings: RingsData | None = None
        self.shaded: set[int] = set()       # source rows holding a selected investor
        self._texts: list[list[str]] = []   # per column, the text of each source row
        self._view_rows = np.zeros(0, dtype=np.int64)   # source row -> shown row

    def set_rings(self, rings: RingsData | None) -> None:
        self.beginResetModel()
        self.rings = rings
        self.order = np.arange(0 if rings is None else rings.cluster_id.size)
        self._texts = [] if rings is None else [[_text(attr, v) for v in _column(rings, attr).tolist()]
                                                for _, attr, _ in COLUMNS]
        self.reordered()
        self.shaded = set()
        self.endResetModel()

    def reordered(self) -> None:
        self._view_rows = np.argsort(self.order)

    def set_shaded(self, rows: set[int]) -> None:
        """Shade ``rows`` (source rows); only the rows that change are repainted."""
        changed = rows ^ self.shaded
        self.shaded = rows
        for src in changed:
            row = self.view_row(src)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1),
                                  [Qt.ItemDataRole.BackgroundRole])

    def repaint_all(self) -> None:
        """Every cell again (the theme changed the shading and warning colours)."""
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(COLUMNS) - 1))

    def source_row(self, row: int) -> int:
        return int(self.order[row])

    def view_row(self, source: int) -> int:
        return int(self._view_rows[source])

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        rings = self.rings
        if rings is None or not index.isValid() or not 0 <= index.row() < self.order.size:
            return None
        src, col = int(self.order[index.row()]), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[col][src]
        attr = COLUMNS[col][1]
        if role == Qt.ItemDataRole.TextAlignmentRole and attr != "suspicious":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and src in self.shaded:
            return _style.qcolor(_style.theme().selected_row)
        if role == Qt.ItemDataRole.ForegroundRole and attr == "suspicious" and rings.suspicious[src]:
            return _style.qcolor(_style.theme().warning_text)
        return None

    def sort_key(self, attr: str) -> np.ndarray | None:
        return None if self.rings is None else _column(self.rings, attr).astype(float)

    def tie_ids(self) -> np.ndarray:
        return self.rings.cluster_id.astype(str).astype(object)


class RingsView(BaseView):
    """Table of rings; a row click asks for the ring's members."""

    view_name = "rings"
    title = "Rings"
    default_area = "left"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RingsTableModel(self)
        self.table = table_view(self.model, self, multi=False, sort_column=1)
        self.summary = QLabel("No analysis yet.")
        stack(self, self.summary, self.table)
        self._member_ring = np.zeros(0, dtype=np.int64)   # ring row of each position of _index
        self._applying = False
        self.table.clicked.connect(self._on_clicked)
        enable_context(self, self.table, self._context_at, keep_selection=True)

    def set_data(self, viewdata: RingsData) -> None:
        self.model.set_rings(viewdata)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        members = np.concatenate(viewdata.members) if viewdata.members else np.zeros(0, dtype=object)
        self._index = pd.Index(members.astype(object), dtype=object)
        self._member_ring = np.repeat(np.arange(len(viewdata.members)), [m.size for m in viewdata.members])
        n_susp = int(viewdata.suspicious.sum())
        self.summary.setText(f"{viewdata.cluster_id.size} rings ({viewdata.correction}); "
                             f"{n_susp} suspicious, {int(viewdata.size[viewdata.suspicious].sum())} investors in them")
        self.table.resizeColumnsToContents()
        self.apply_selection(self._selection)

    def clear(self) -> None:
        self.model.set_rings(None)
        self._forget_ids()
        self._member_ring = np.zeros(0, dtype=np.int64)
        self.summary.setText("No analysis yet.")

    def restyle(self) -> None:
        self.model.repaint_all()   # shading and warning text in the new theme

    def apply_selection(self, selection: Selection) -> None:
        self._selection = selection
        pos = self._id_positions(selection.ids)
        found = pos >= 0
        self._highlighted = frozenset(self._index[pos[found]].tolist())
        shaded = set(self._member_ring[pos[found]].tolist())
        self.model.set_shaded(shaded)
        self._applying = True
        try:
            sm = self.table.selectionModel()
            exact = [r for r in shaded if frozenset(self.model.rings.members[r]) == selection.ids]
            if exact:
                row = self.model.view_row(exact[0])
                sm.select(QItemSelection(self.model.index(row, 0), self.model.index(row, len(COLUMNS) - 1)),
                          QItemSelectionModel.SelectionFlag.ClearAndSelect)
                self.table.scrollTo(self.model.index(row, 0))
            else:
                sm.clearSelection()
        finally:
            self._applying = False

    def _context_at(self, pos) -> tuple[None, int | None, tuple[str, ...]]:
        index = self.table.indexAt(pos)
        if not index.isValid() or self.model.rings is None:
            return None, None, ()
        src = self.model.source_row(index.row())
        return None, int(self.model.rings.cluster_id[src]), tuple(str(m) for m in self.model.rings.members[src])

    def _on_clicked(self, index: QModelIndex) -> None:
        if self._applying or not index.isValid() or self.model.rings is None:
            return
        members = self.model.rings.members[self.model.source_row(index.row())]
        add = bool(QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier)
        self._request(set(members.tolist()), focus=None, mode="add" if add else "replace")

    def snapshot(self) -> ReportFigure:
        return ReportFigure(title="Rings of the validated network", png=widget_png(self),
                            caption=self.summary.text())
