"""The episode scorecard of one investor: a table of episodes and their volume/position chart."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from engine.viewdata.triage import COMPONENTS, TriageData
from views import _style
from views._axes import DayAxis, SparseAxis
from views._layout import status_line
from views._plots import new_plot, set_range

SECONDS_PER_DAY = 86400.0
HEADERS: tuple[str, ...] = ("Start", "End", "Days", "Score", *COMPONENTS, "Volume", "Net shares")
SCORE_MAP = pg.colormap.get("viridis")
MIN_SPAN_DAYS = 14   # the chart shows at least this many days


def score_colour(score: np.ndarray) -> np.ndarray:
    """RGBA uint8 colours of 200-800 scores on the viridis map (high = yellow)."""
    t = np.clip((np.asarray(score, dtype=np.float64) - 200.0) / 600.0, 0.0, 1.0)
    return SCORE_MAP.map(t, mode="byte")


class Scorecard(QWidget):
    """Episodes of the focus investor: vital statistics and a volume / position chart.

    The table and the chart sit side by side (a bottom dock is wide and short); ``title``
    is left for the owner to place (the triage view puts it in its tool bar).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = status_line("Select an investor to see its episodes.")   # never re-lays out the dock
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.chart = new_plot("bars: volume · line: net position",
                              axis_items={"bottom": DayAxis(), "left": SparseAxis("left")}, ylabel="Shares")
        self.chart.getAxis("left").enableAutoSIPrefix(False)
        # made once and refilled (creating plot items on every selection cost ~15 ms)
        self.bars = pg.BarGraphItem(x0=[0.0], x1=[1.0], height=[0.0], pen=pg.mkPen(None))
        self.line = pg.PlotDataItem(stepMode="right")
        for item in (self.bars, self.line):
            item.setVisible(False)
            self.chart.addItem(item)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.chart, 2)

    def show_investor(self, data: TriageData | None, investor: str | None) -> None:
        """Fill the card for ``investor`` (empty when None or without episodes)."""
        sl = data.episodes_of(investor) if data is not None and investor else slice(0, 0)
        n = sl.stop - sl.start
        self._fill_table(data, sl)
        if n == 0:
            for item in (self.bars, self.line):
                item.setVisible(False)
            set_range(self.chart, x=(0, 1), y=(0, 1), padding=0)   # no dates to label
            self.title.setText("Select an investor to see its episodes." if not investor
                               else f"{investor}: no episodes on the target stock.")
            return
        start, end, score = data.ep_start[sl], data.ep_end[sl], data.ep_score[sl]
        self.title.setText(f"{investor}: {n} episodes, mean score {score.mean():.0f}, best {score.max():.0f}")
        x0 = start.astype("datetime64[s]").astype(np.float64)
        x1 = (end + 1).astype("datetime64[s]").astype(np.float64)
        self.bars.setOpts(x0=x0, x1=x1, height=data.ep_volume[sl],
                          brushes=[pg.mkBrush(*c) for c in score_colour(score)])
        position = np.cumsum(data.ep_net[sl])
        self.line.setData(np.r_[x0[0], x1], np.r_[0.0, position], pen=_style.pen(_style.theme().foreground, 2.0))
        for item in (self.bars, self.line):
            item.setVisible(True)
        span = max(x1.max() - x0.min(), MIN_SPAN_DAYS * SECONDS_PER_DAY)   # a one-day card reads in days
        middle = (x1.max() + x0.min()) / 2.0
        set_range(self.chart, x=(middle - span / 2.0, middle + span / 2.0), padding=0.05)
        # the bars' and line's height, padded as auto-range pads it, set now: auto-range ran in the
        # next paint and moved every item inside it, which asked for a second paint
        set_range(self.chart, y=tuple(self.chart.getViewBox().childrenBounds()[1]))

    def _fill_table(self, data: TriageData | None, sl: slice) -> None:
        """The episode rows, set with the table's updates off (one layout and paint, not one per cell)."""
        n = sl.stop - sl.start
        self.table.setUpdatesEnabled(False)
        try:
            self.table.setRowCount(n)
            if n == 0:
                return
            score = data.ep_score[sl]
            columns = [data.ep_start[sl].astype(str), data.ep_end[sl].astype(str), data.ep_days[sl].astype(str),
                       [f"{v:.0f}" for v in score],
                       *([f"{v:.2f}" for v in data.ep_components[sl, c]] for c in range(len(COMPONENTS))),
                       [f"{v:,.0f}" for v in data.ep_volume[sl]], [f"{v:+,.0f}" for v in data.ep_net[sl]]]
            for c, values in enumerate(columns):
                for r, text in enumerate(values):
                    self.table.setItem(r, c, QTableWidgetItem(str(text)))
        finally:
            self.table.setUpdatesEnabled(True)
