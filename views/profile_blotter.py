"""The profile's trade blotter: one investor's active days, latest first, as a table model over
the profile's arrays (a selection swaps the arrays; only the rows on screen are formatted, where
a table widget made an item for every cell of every day, and each cell's text is formatted once
per investor: Qt asks for seven roles per cell on every paint)."""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from engine.viewdata.profile import InvestorProfile
from views._table import ALIGNMENT, DISPLAY

COLUMNS = ("Date", "Bought", "Sold", "Value bought", "Value sold", "Position")
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class BlotterModel(QAbstractTableModel):
    """Rows ``days`` (indices into the profile's trade arrays) of one investor's profile."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns: tuple[np.ndarray, ...] = ()
        self._days = np.zeros(0, dtype=np.int64)
        self._texts: dict[tuple[int, int], str] = {}

    def show(self, profile: InvestorProfile | None, first_day: np.datetime64 | None = None) -> None:
        """The days of ``profile`` from ``first_day`` on, latest first (none for None)."""
        self.beginResetModel()
        self._texts = {}
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

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if role == DISPLAY:
            key = (index.row(), index.column())
            text = self._texts.get(key)
            if text is None and 0 <= key[0] < self._days.size and 0 <= key[1] < len(COLUMNS):
                value = self._columns[key[1]][self._days[key[0]]]
                text = self._texts[key] = str(value) if key[1] == 0 else f"{value:,.0f}"
            return text
        if role == ALIGNMENT and index.column():
            return RIGHT
        return None


def lay_out_now(table: QTableView) -> None:
    """Re-lay out ``table`` now after its model was reset, not in later event-loop turns (a
    queued geometry update, then a zero-delay layout timer): with several views repainting
    the window one after the other in a selection's turn, the table was painted before its
    re-layout and again after it."""
    QCoreApplication.sendPostedEvents(table, int(QEvent.Type.MetaCall.value))
    table.doItemsLayout()


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
