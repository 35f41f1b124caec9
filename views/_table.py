"""Read-only table models over numpy columns, sorted through a row permutation, and the
table widget set-up the views share (the engine's data is never reordered)."""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

#: roles as plain ints: Qt asks a model for several roles per cell on every paint, and comparing
#: the int it passes with an enum member built an enum each time
DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
FONT = int(Qt.ItemDataRole.FontRole.value)


def sort_permutation(key: np.ndarray, ids: np.ndarray, descending: bool) -> np.ndarray:
    """Row order for a column: NaN last either way, ties by investor id text order."""
    if key.dtype == object:
        _, codes = np.unique(key.astype(str), return_inverse=True)
        k = codes.astype(float)
    else:
        k = key.astype(float)
    k = -k if descending else k
    k = np.where(np.isnan(k), np.inf, k)
    _, id_codes = np.unique(ids.astype(str), return_inverse=True)
    return np.lexsort((id_codes, k))


class ColumnTableModel(QAbstractTableModel):
    """Rows shown in ``order`` (positions into the source arrays); ``columns`` holds
    (header, attribute, tooltip). Subclasses give ``sort_key`` and ``tie_ids``."""

    columns: tuple[tuple[str, str, str], ...] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.order = np.zeros(0, dtype=np.int64)

    def sort_key(self, attr: str) -> np.ndarray | None:
        """Values of column ``attr`` in source order, or None when there is nothing to sort."""
        return None

    def tie_ids(self) -> np.ndarray:
        """Text keys breaking ties, in source order."""
        return np.zeros(0, dtype=object)

    def reordered(self) -> None:
        """Hook: ``order`` changed (rebuild lookups)."""

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else int(self.order.size)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[section][2]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        key = self.sort_key(self.columns[column][1])
        if key is None or key.size == 0:
            return
        self.layoutAboutToBeChanged.emit()
        self.order = sort_permutation(key, self.tie_ids(), order == Qt.SortOrder.DescendingOrder)
        self.reordered()
        self.layoutChanged.emit()


#: rows measured when fitting column widths: Qt's default (1,000) asks the Python model for
#: every cell of a few hundred rings (~100 ms CPU on the GUI thread after an FDR re-validation)
RESIZE_PRECISION_ROWS = 40


def table_view(model: ColumnTableModel, parent: QWidget, multi: bool, sort_column: int) -> QTableView:
    """A sortable, row-selecting table over ``model`` (extended selection when ``multi``)."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                           else QAbstractItemView.SelectionMode.SingleSelection)
    table.setSortingEnabled(True)
    table.sortByColumn(sort_column, Qt.SortOrder.AscendingOrder)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setResizeContentsPrecision(RESIZE_PRECISION_ROWS)
    return table
