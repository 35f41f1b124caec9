"""The rings list: every validated-network cluster with its size, R_C, π_C, rank and flag.

Selecting a ring asks for all its members (Ctrl adds them to the selection). Rings holding
any selected investor are shaded, so a suspect picked elsewhere shows which ring it sits in.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QItemSelection, QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from engine.figures import ReportFigure
from engine.viewdata import RingsData
from views import _style
from views.base import BaseView, Selection, ViewInputs, widget_png
from views.suspects_table import sort_permutation

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Ring", "cluster_id", "Infomap cluster id (1 = largest)"),
    ("Rank", "rank", "Rank by directionality in the rewarding direction, then mean expected profit"),
    ("Size", "size", "Members"),
    ("R_C", "directionality", "Mean daily directionality of members over the reference period"),
    ("π_C", "expected_profit", "Mean expected profit of members"),
    ("Suspicious", "suspicious", "d·R_C at or above the setting"),
)


def _text(attr: str, value: Any) -> str:
    if attr == "suspicious":
        return "yes" if value else ""
    if attr in ("directionality", "expected_profit"):
        if not np.isfinite(value):
            return "n/a"
        return f"{value:+.3f}" if attr == "directionality" else f"{value:,.0f}"
    return str(int(value))


class RingsTableModel(QAbstractTableModel):
    """Read-only rings table with a sort permutation and shaded rows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rings: RingsData | None = None
        self.order = np.zeros(0, dtype=np.int64)
        self.shaded: set[int] = set()       # source rows holding a selected investor

    def set_rings(self, rings: RingsData | None) -> None:
        self.beginResetModel()
        self.rings = rings
        self.order = np.arange(0 if rings is None else rings.cluster_id.size)
        self.shaded = set()
        self.endResetModel()

    def set_shaded(self, rows: set[int]) -> None:
        self.shaded = rows
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(COLUMNS) - 1))

    def source_row(self, row: int) -> int:
        return int(self.order[row])

    def view_row(self, source: int) -> int:
        return int(np.flatnonzero(self.order == source)[0])

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else int(self.order.size)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section][2]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        rings = self.rings
        if rings is None or not index.isValid() or not 0 <= index.row() < self.order.size:
            return None
        src, attr = int(self.order[index.row()]), COLUMNS[index.column()][1]
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(attr, getattr(rings, attr)[src])
        if role == Qt.ItemDataRole.TextAlignmentRole and attr != "suspicious":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and src in self.shaded:
            return _style.qcolor(_style.theme().selected_row)
        if role == Qt.ItemDataRole.ForegroundRole and attr == "suspicious" and rings.suspicious[src]:
            return _style.qcolor(_style.HARD)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.rings is None or not 0 <= column < len(COLUMNS):
            return
        key = getattr(self.rings, COLUMNS[column][1]).astype(float)
        self.layoutAboutToBeChanged.emit()
        self.order = sort_permutation(key, self.rings.cluster_id.astype(str).astype(object),
                                      order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()


class RingsView(BaseView):
    """Table of rings; a row click asks for the ring's members."""

    view_name = "rings"
    title = "Rings"
    default_area = "left"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RingsTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel("No analysis yet.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        self._member_index = pd.Index([], dtype=object)
        self._member_ring = np.zeros(0, dtype=np.int64)
        self._highlighted: frozenset[str] = frozenset()
        self._applying = False
        self.table.clicked.connect(self._on_clicked)

    @staticmethod
    def prepare(inputs: ViewInputs) -> RingsData:
        from engine.viewdata import for_rings
        return for_rings(inputs.result)

    def set_data(self, viewdata: RingsData) -> None:
        self.model.set_rings(viewdata)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        members = np.concatenate(viewdata.members) if viewdata.members else np.zeros(0, dtype=object)
        self._member_index = pd.Index(members.astype(object), dtype=object)
        self._member_ring = np.repeat(np.arange(len(viewdata.members)), [m.size for m in viewdata.members])
        n_susp = int(viewdata.suspicious.sum())
        self.summary.setText(f"{viewdata.cluster_id.size} rings ({viewdata.correction}); "
                             f"{n_susp} suspicious, {int(viewdata.size[viewdata.suspicious].sum())} investors in them")
        self.table.resizeColumnsToContents()
        self.apply_selection(self._selection)

    def clear(self) -> None:
        self.model.set_rings(None)
        self._member_index = pd.Index([], dtype=object)
        self._member_ring = np.zeros(0, dtype=np.int64)
        self._highlighted = frozenset()
        self.summary.setText("No analysis yet.")

    def apply_selection(self, selection: Selection) -> None:
        self._selection = selection
        ids = sorted(selection.ids)
        pos = self._member_index.get_indexer(pd.Index(ids, dtype=object)) if ids else np.zeros(0, np.int64)
        found = pos >= 0
        self._highlighted = frozenset(np.asarray(ids, dtype=object)[found].tolist()) if ids else frozenset()
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

    def highlighted_ids(self) -> frozenset[str]:
        return self._highlighted

    def _on_clicked(self, index: QModelIndex) -> None:
        if self._applying or not index.isValid() or self.model.rings is None:
            return
        members = self.model.rings.members[self.model.source_row(index.row())]
        add = bool(QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier)
        self._request(set(members.tolist()), focus=None, mode="add" if add else "replace")

    def snapshot(self) -> ReportFigure:
        return ReportFigure(title="Rings of the validated network", png=widget_png(self),
                            caption=self.summary.text())
