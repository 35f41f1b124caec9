"""The investor profile drawn for paper: on one date axis around the PSE, the target stock's
close with the investor's buys and sells, the shares it held, and its k-means cluster per
window (the rewarding cluster marked). The profile's text sections (links, ring, options,
alerts, filings, notes, decisions) are the packet's own tables and paragraphs."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pyqtgraph as pg

from engine.tables import Event
from engine.packet.figures import PrintSubject, ReportFigure
from engine.viewdata.profile import InvestorProfile, ProfileSource, investor_profile
from views import _style
from views._print import legend_entry, paper_axes, paper_canvas, paper_figure, paper_legend, reusable
from views.time_axis import GUIDES_CAPTION, PSE_COLOUR, REFERENCE_COLOUR, days_to_x, event_guides

BUY, SELL, POSITION = _style.BUY, _style.SELL, "#0072B2"    # the colour language's buy and sell; position in blue
DAYS_BEFORE, DAYS_AFTER = 60, 30     # calendar days shown around the reference period and PSE
HEIGHT = 720
INVESTOR_TYPES = {"H": "household", "IF": "investment firm", "L": "legal entity"}   # CASE_FORMAT's codes
CLOSE = "#404040"


def shown_span(event: Event) -> tuple[float, float]:
    """The dates the profile shows (date-axis positions): before the reference period to after the PSE."""
    first = min(event.reference_start, event.event_date) - dt.timedelta(days=DAYS_BEFORE)
    lo, hi = days_to_x(np.array([first, event.event_date + dt.timedelta(days=DAYS_AFTER)], dtype="datetime64[D]"))
    return float(lo), float(hi)


def _plot(canvas: pg.GraphicsLayoutWidget, row: int, title: str, y_label: str, event: Event,
          x_label: str = "") -> pg.PlotItem:
    plot = canvas.addPlot(row=row, col=0, axisItems={"bottom": pg.DateAxisItem()}, enableMenu=False)
    paper_axes(plot, title, x_label, y_label)
    plot.getAxis("left").setWidth(70)
    event_guides(plot, event.reference_start, event.event_date)
    return plot


class ProfileCanvas:
    """The profile's three panels for one ``ProfileSource``, made once: axes, guides, the close,
    legends and the cluster scale are the same for every investor of a result; ``figure`` sets
    only what is the investor's own (as the screen view refills its items)."""

    def __init__(self, source: ProfileSource) -> None:
        event = source.event
        self.source, self.span = source, shown_span(event)
        self.canvas = paper_canvas()
        self.price = _plot(self.canvas, 0, "", "close", event)
        self.position = _plot(self.canvas, 1, "Shares held after each active day", "shares", event)
        self.path = _plot(self.canvas, 2, "k-means cluster per window (window start)", "cluster", event, "date")
        for row, stretch in enumerate((3, 2, 2)):
            self.canvas.ci.layout.setRowStretchFactor(row, stretch)
        paper_legend(self.price)
        if source.price_dates.size:
            self.price.plot(days_to_x(source.price_dates), source.price_close, pen=pg.mkPen(CLOSE, width=1.2),
                            name="close")
        self.buys, self.sells = (pg.ScatterPlotItem(symbol=symbol, size=11, brush=pg.mkBrush(colour),
                                                    pen=pg.mkPen("#202020", width=0.6), name=name)
                                 for symbol, colour, name in (("t1", BUY, "bought that day"),
                                                              ("t", SELL, "sold that day")))
        for item in (self.buys, self.sells):
            self.price.addItem(item)
        legend_entry(self.price, "reference period", REFERENCE_COLOUR, symbol="s")
        legend_entry(self.price, "PSE", PSE_COLOUR, line=True)
        self.holding = self.position.plot(pen=pg.mkPen(POSITION, width=1.6))
        self._path_items(source)
        for plot in (self.price, self.position):
            plot.setXRange(*self.span, padding=0.02)
        if source.window_start.size:
            self.path.setXRange(*days_to_x(source.window_start[[0, -1]]), padding=0.03)

    def _path_items(self, source: ProfileSource) -> None:
        paper_legend(self.path)
        rewarding = source.rewarding_cluster
        self.path_line = self.path.plot(pen=pg.mkPen("#606060", width=1.2), connect="finite")
        self.path_points = pg.ScatterPlotItem(size=8, pen=None)
        self.path.addItem(self.path_points)
        legend_entry(self.path, "cluster of the window", "#606060")
        legend_entry(self.path, f"in the rewarding cluster {rewarding}", _style.REWARDING)
        self.path.addItem(pg.InfiniteLine(rewarding, angle=0, pen=pg.mkPen(_style.REWARDING, width=1,
                                                                           style=pg.QtCore.Qt.PenStyle.DashLine)))
        top = max(int(source.km_labels.max()) if source.km_labels.size else 0, rewarding)
        axis = self.path.getAxis("left")
        axis.setTicks([[(float(c), str(c)) for c in range(top + 1)]])
        self.path.setYRange(-0.5, top + 0.5, padding=0)


    def figure(self, investor_id: str) -> ReportFigure:
        """The print figure of one investor's profile."""
        p = investor_profile(self.source, investor_id)
        self.price.setTitle(f"Close of {p.event.stock} and the trades of investor {investor_id}", color="#202020",
                            size="11pt")
        x = days_to_x(p.trade_dates)
        close = np.interp(x, days_to_x(p.price_dates), p.price_close) if p.price_dates.size and x.size \
            else np.zeros(x.size)
        for item, mask in ((self.buys, p.buy_shares > 0), (self.sells, p.sell_shares > 0)):
            item.setData(x[mask], close[mask])
        self._holding(x, p.position)
        self._clusters(p)
        n_buy, n_sell = int((p.buy_shares > 0).sum()), int((p.sell_shares > 0).sum())
        kind = INVESTOR_TYPES.get(p.investor_type, "type unknown")
        caption = (f"Investor {investor_id} ({kind}): {n_buy} days with purchases (red up triangles at the "
                   f"day's close), {n_sell} with sales (green down triangles); the shares it held after each active "
                   f"day; its k-means cluster in each window (no point: not active in the window), purple when in the "
                   f"rewarding cluster. {GUIDES_CAPTION}")
        return paper_figure(self.canvas, f"Profile of investor {investor_id}", caption, height=HEIGHT)

    def _holding(self, x: np.ndarray, position: np.ndarray) -> None:
        """The shares held from one active day to the next (a step curve), scaled to the span."""
        if not x.size:
            self.holding.setData([], [])
            self.position.setYRange(-1.0, 1.0, padding=0)
            return
        steps = np.repeat(x, 2)[1:]
        self.holding.setData(np.append(steps, self.span[1]), np.repeat(position, 2))
        inside = (x >= self.span[0]) & (x <= self.span[1])
        seen = position[inside] if inside.any() else position[-1:]
        self.position.setYRange(min(0.0, float(seen.min())), max(0.0, float(seen.max())) or 1.0,
                                padding=0.05)    # fixed: the default depends on the plot's size at the call

    def _clusters(self, p: InvestorProfile) -> None:
        if p.clusters.size == 0:
            self.path_line.setData([], [])
            self.path_points.setData([], [])
            return
        x = days_to_x(p.window_start)
        active = p.clusters >= 0
        self.path_line.setData(x, np.where(active, p.clusters, np.nan).astype(float))
        self.path_points.setData(x[active], p.clusters[active].astype(float),
                                 brush=[pg.mkBrush(_style.REWARDING if c == p.rewarding_cluster else "#606060")
                                        for c in p.clusters[active]])


def print_profile(source: ProfileSource | None, subject: PrintSubject) -> ReportFigure | None:
    """The profile's print figure for a suspect (one canvas per source, refilled per suspect)."""
    if source is None or subject.scope != "suspect" or not subject.ids:
        return None
    return reusable(("profile", id(source)), lambda: ProfileCanvas(source)).figure(subject.ids[0])
