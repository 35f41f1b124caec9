"""Timeline: the event, the reference period, filings, alerts and the selected investors'
trades (a selected ring is its members) on one date axis, one lane each.

"Brush a period" puts a draggable period on the axis; the network then shows only the
links with at least one co-occurrence inside it (``period_requested``). Validation stays
over the whole period: the links are those the analysis validated, only the display is
filtered. Clicking a trade or a filing selects its investor.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QWidget

from engine.packet.figures import PrintSubject, ReportFigure
from engine.viewdata.timeline import TimelineSource, timeline_trades
from views import _style
from views._axes import DayAxis, LabelAxis
from views._layout import stack
from views._marks import Marks
from views._plots import draw_each_time, keep_pixels, new_plot, set_range
from views.base import BaseView, Selection, widget_png
from views.timeline_print import BUY, FILING, FIXED_LANES, MAX_LANES, SELL, print_timeline, trade_sizes
from views.time_axis import days_to_x, event_guides, x_to_date



class TimelineView(BaseView):
    """One date axis: alerts and filings lanes, then one lane per selected investor."""

    view_name = "timeline"
    title = "Timeline"
    default_area = "bottom"
    print_scopes = ("suspect", "ring")
    #: a (first day, last day) period to filter the network by, or None for the whole period
    period_requested = Signal(object)
    _data: TimelineSource | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lanes = LabelAxis("left", offset=0.0)
        self.plot = new_plot(axis_items={"bottom": DayAxis(), "left": self.lanes}, grid=True)
        draw_each_time(self.lanes)    # a lane per selected investor: new labels every selection
        self.plot.getPlotItem().getViewBox().setMouseEnabled(y=False)
        self.alerts = Marks(symbol="d", size=12)
        # every filing faint, made once per result; the selected investors' filings drawn over
        # them, and their trades: a selection refills only these two small items
        self.filings = Marks(symbol="s", size=8, pen=None, brush=_style.brush(FILING, 70))
        self.my_filings = Marks(symbol="s", size=8, pen=None, brush=_style.brush(FILING))
        self.trades = Marks(pen=None, symbol="s")
        self._trade_brushes = np.array([_style.brush(SELL), _style.brush("#999999"), _style.brush(BUY)], dtype=object)
        for item in (self.alerts, self.filings, self.my_filings, self.trades):
            self.plot.addItem(item)
            if item is not self.alerts:
                item.sigClicked.connect(self._on_points_clicked)
        self.brush_box = QCheckBox("Brush a period")
        self.brush_box.setToolTip("Drag the period's edges: the network shows only the links with at least "
                                  "one co-occurrence inside it (validation stays over the whole period)")
        self.brush_box.toggled.connect(self._on_brush_toggled)
        self.region = pg.LinearRegionItem(brush=_style.brush(_style.SELECTED, 50), pen=_style.pen(_style.SELECTED, 2))
        self.region.setZValue(_style.Z_SELECTED)
        self.region.sigRegionChangeFinished.connect(self._emit_period)
        self.period_label = QLabel("")
        self.info = QLabel(" ")
        bar = QHBoxLayout()
        for w in (self.brush_box, self.period_label):
            bar.addWidget(w)
        bar.addStretch(1)
        stack(self, bar, (self.plot, 1), self.info)
        self._guides: list = []
        self._lane_ids: list[str] = []
        self._pending = False
        self.clear()

    # -- data ---------------------------------------------------------------------------
    def set_data(self, viewdata: TimelineSource) -> None:
        self._data = viewdata
        for item in self._guides:
            self.plot.removeItem(item)
        self._guides = event_guides(self.plot.getPlotItem(), viewdata.event.reference_start,
                                    viewdata.event.event_date)
        keep_pixels(*self._guides, self.alerts, self.filings)     # the same for every selection
        self.alerts.setData(days_to_x(viewdata.alert_dates), np.zeros(viewdata.alert_dates.size),
                            brush=[_style.brush(_style.PRIORITY_COLOURS.get(p, "#808080"))
                                   for p in viewdata.alert_priority])
        self.filings.setData(days_to_x(viewdata.filing_dates), np.ones(viewdata.filing_dates.size),
                             data=viewdata.filing_ids)
        self.brush_box.setChecked(False)
        lo, hi = days_to_x(np.array([viewdata.calendar[0], viewdata.calendar[-1]]))
        set_range(self.plot, x=(lo, hi), padding=0.01)
        self._pending = True
        if self.on_screen():        # else when its tab comes forward
            self.catch_up()

    def clear(self) -> None:
        self._data = None
        self._forget_ids()
        for item in self._guides:
            self.plot.removeItem(item)
        self._guides = []
        for item in (self.alerts, self.filings, self.my_filings, self.trades):
            item.setData([], [])
        self.brush_box.setChecked(False)
        self._lane_ids = []
        self.lanes.set_labels(list(FIXED_LANES))
        self.info.setText(" ")

    def apply_selection(self, selection: Selection) -> None:
        if not self._take_selection(selection):
            return
        self._pending = True
        self._highlighted = frozenset(sorted(selection.ids)[:MAX_LANES])
        if self.on_screen():
            self.catch_up()

    # -- drawing ------------------------------------------------------------------------
    def catch_up(self) -> None:
        """Lanes of the selected investors (off-screen views wait until shown)."""
        data = self._data
        if data is None or not self._pending:
            return
        self._pending = False
        ids = sorted(self._selection.ids)
        focus = self._selection.focus
        if focus in ids:               # the focus on the lane next to the fixed ones
            ids.remove(focus)
            ids.insert(0, focus)
        shown = ids[:MAX_LANES]
        self._lane_ids = shown
        lane_of = {inv: len(FIXED_LANES) + k for k, inv in enumerate(shown)}
        self.lanes.set_labels(list(FIXED_LANES) + shown)
        mine = np.isin(data.filing_ids, shown)
        self.my_filings.setData(days_to_x(data.filing_dates[mine]), np.ones(int(mine.sum())),
                                data=data.filing_ids[mine])
        trades = timeline_trades(data, shown)
        lanes = np.array([lane_of[str(i)] for i in trades.investor_ids], dtype=float)
        self.trades.setData(days_to_x(trades.dates), lanes, size=trade_sizes(trades.net_shares),
                            brush=self._trade_brushes[np.sign(trades.net_shares).astype(np.int64) + 1],
                            data=trades.investor_ids)
        set_range(self.plot, y=(-0.7, len(FIXED_LANES) + max(len(shown), 1) - 0.3), padding=0)
        more = len(ids) - len(shown)
        self.info.setText(f"{len(shown)} investor lane(s){f'; {more} more selected, not drawn' if more else ''}; "
                          f"validated network over {data.svn_start} – {data.svn_end}")

    # -- brushing -----------------------------------------------------------------------
    def _on_brush_toggled(self, on: bool) -> None:
        if on and self._data is not None:
            event = self._data.event
            self.region.setRegion(days_to_x(np.array([event.reference_start, event.event_date])))
            self.plot.addItem(self.region)
            self._emit_period()
        else:
            if self.region.scene() is not None:
                self.plot.removeItem(self.region)
            self.period_label.setText("")
            self.period_requested.emit(None)

    def brushed_period(self) -> tuple[dt.date, dt.date] | None:
        """The brushed period (first and last day), None when not brushing."""
        if not self.brush_box.isChecked():
            return None
        lo, hi = self.region.getRegion()
        return x_to_date(lo), x_to_date(hi)

    def set_period(self, first: dt.date, last: dt.date) -> None:
        """Brush ``first`` to ``last`` (both included) as if dragged there."""
        self.brush_box.setChecked(True)
        self.region.setRegion(days_to_x(np.array([first, last])) + np.array([0.0, 3600.0]))
        self._emit_period()

    def _emit_period(self) -> None:
        period = self.brushed_period()
        if period is None:
            return
        self.period_label.setText(f"Network: links with a co-occurrence in {period[0]} – {period[1]}")
        self.period_requested.emit(period)

    # -- interaction --------------------------------------------------------------------
    def _on_points_clicked(self, _item, points, event=None) -> None:
        if len(points):
            investor = str(points[0].data())
            mods = event.modifiers() if event is not None else Qt.KeyboardModifier.NoModifier
            self._request_click(investor, mods)

    def print_figure(self, prepared: TimelineSource | None, subject: PrintSubject) -> ReportFigure | None:
        """A suspect's or a ring's lanes with the alerts, filings and event guides, for paper."""
        return print_timeline(prepared, subject)

    def snapshot(self) -> ReportFigure:
        period = self.brushed_period()
        lanes = ", ".join(self._lane_ids) or "no investor selected"
        return ReportFigure(title="Timeline", png=widget_png(self),
                            caption=f"Alerts (diamonds, by priority), filings (squares; the selected investors' "
                                    f"dark) and trades of {lanes} (red net buy, green net sell, size by shares); "
                                    "shaded: reference period; red line: PSE"
                                    + (f"; brushed period {period[0]} – {period[1]}." if period else "."))
