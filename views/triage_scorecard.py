"""The episode scorecard of one investor: a table of episodes and their volume/position chart."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QWidget

from engine.viewdata.triage import COMPONENTS, TriageData
from views import _style
from views._axes import DayAxis, SparseAxis
from views._plots import new_plot

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
        self.title = QLabel("Select an investor to see its episodes.")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.chart = new_plot("bars: volume · line: net position",
                              axis_items={"bottom": DayAxis(), "left": SparseAxis("left")}, ylabel="Shares")
        self.chart.getAxis("left").enableAutoSIPrefix(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.chart, 2)

    def show_investor(self, data: TriageData | None, investor: str | None) -> None:
        """Fill the card for ``investor`` (empty when None or without episodes)."""
        self.chart.clear()
        self.chart.enableAutoRange()
        sl = data.episodes_of(investor) if data is not None and investor else slice(0, 0)
        n = sl.stop - sl.start
        self.table.setRowCount(n)
        if n == 0:
            self.chart.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)   # no dates to label
            self.title.setText("Select an investor to see its episodes." if not investor
                               else f"{investor}: no episodes on the target stock.")
            return
        start, end, score = data.ep_start[sl], data.ep_end[sl], data.ep_score[sl]
        columns = [start.astype(str), end.astype(str), data.ep_days[sl].astype(str),
                   [f"{v:.0f}" for v in score],
                   *([f"{v:.2f}" for v in data.ep_components[sl, c]] for c in range(len(COMPONENTS))),
                   [f"{v:,.0f}" for v in data.ep_volume[sl]], [f"{v:+,.0f}" for v in data.ep_net[sl]]]
        for c, values in enumerate(columns):
            for r, text in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(str(text)))
        self.title.setText(f"{investor}: {n} episodes, mean score {score.mean():.0f}, best {score.max():.0f}")
        x0 = start.astype("datetime64[s]").astype(np.float64)
        x1 = (end + 1).astype("datetime64[s]").astype(np.float64)
        colours = score_colour(score)
        self.chart.addItem(pg.BarGraphItem(x0=x0, x1=x1, height=data.ep_volume[sl],
                                           brushes=[pg.mkBrush(*c) for c in colours], pen=pg.mkPen(None)))
        span = max(x1.max() - x0.min(), MIN_SPAN_DAYS * SECONDS_PER_DAY)   # a one-day card reads in days
        middle = (x1.max() + x0.min()) / 2.0
        self.chart.setXRange(middle - span / 2.0, middle + span / 2.0, padding=0.05)
        position = np.cumsum(data.ep_net[sl])
        self.chart.plot(np.r_[x0[0], x1], np.r_[0.0, position], stepMode="right",
                        pen=_style.pen(_style.theme().foreground, 2.0))
