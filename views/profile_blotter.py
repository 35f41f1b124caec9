"""The profile's trade blotter: one investor's active days, latest first, as a table model over
the profile's arrays (a selection swaps the arrays; only the rows on screen are formatted, where
a table widget made an item for every cell of every day)."""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from engine.viewdata.profile import InvestorProfile

COLUMNS = ("Date", "Bought", "Sold", "Value bought", "Value sold", "Position")
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class BlotterModel(QAbstractTableModel):
    """Rows ``days`` (indices into the profile's trade arrays) of one investor's profile."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns: tuple[np.ndarray, ...] = ()
        self._days = np.zeros(0, dtype=np.int64)

    def show(self, profile: InvestorProfile | None, first_day: np.datetime64 | None = None) -> None:
        """The days of ``profile`` from ``first_day`` on, latest first (none for None)."""
        self.beginResetModel()
        if profile is None:
            self._columns, self._days = (), np.zeros(0, dtype=np.int64)
        else:
            p = profile
            self._columns = (p.trade_dates, p.buy_shares, p.sell_shares, p.buy_value, p.sell_value, p.position)
            days = np.arange(p.trade_dates.size) if first_day is None else np.flatnonzero(p.trade_dates >= first_day)
            self._days = days[::-1]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else int(self._days.size)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._days.size:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            value = self._columns[col][self._days[index.row()]]
            return str(value) if col == 0 else f"{value:,.0f}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col:
            return RIGHT
        return None


def blotter_table(model: BlotterModel) -> QTableView:
    """A read-only table over ``model``, its columns sharing the width."""
    table = QTableView()
    table.setModel(model)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    # one row at least, not the scroll area's 70 px: the charts above need the height on a short dock
    table.setMinimumHeight(table.horizontalHeader().sizeHint().height() + table.verticalHeader().defaultSectionSize()
                           + 2 * table.frameWidth())
    return table
