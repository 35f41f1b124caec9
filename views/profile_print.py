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
from views._print import legend_entry, paper_axes, paper_canvas, paper_figure, paper_legend
from views.time_axis import GUIDES_CAPTION, PSE_COLOUR, REFERENCE_COLOUR, days_to_x, event_guides

BUY, SELL, POSITION = "#009E73", "#D55E00", "#0072B2"    # the profile's colours, on screen as on paper
DAYS_BEFORE, DAYS_AFTER = 60, 30     # calendar days shown around the reference period and PSE
HEIGHT = 720
INVESTOR_TYPES = {"H": "household", "IF": "investment firm", "L": "legal entity"}   # CASE_FORMAT's codes
CLOSE = "#404040"


def shown_span(event: Event) -> tuple[float, float]:
    """The dates the profile shows (date-axis positions): before the reference period to after the PSE."""
    first = min(event.reference_start, event.event_date) - dt.timedelta(days=DAYS_BEFORE)
    lo, hi = days_to_x(np.array([first, event.event_date + dt.timedelta(days=DAYS_AFTER)], dtype="datetime64[D]"))
    return float(lo), float(hi)


def _plot(canvas: pg.GraphicsLayoutWidget, row: int, title: str, y_label: str, p: InvestorProfile,
          x_label: str = "") -> pg.PlotItem:
    plot = canvas.addPlot(row=row, col=0, axisItems={"bottom": pg.DateAxisItem()}, enableMenu=False)
    paper_axes(plot, title, x_label, y_label)
    plot.getAxis("left").setWidth(70)
    event_guides(plot, p.event.reference_start, p.event.event_date)
    return plot


def _price(plot: pg.PlotItem, p: InvestorProfile) -> None:
    paper_legend(plot)
    if p.price_dates.size:
        plot.plot(days_to_x(p.price_dates), p.price_close, pen=pg.mkPen(CLOSE, width=1.2), name="close")
    x = days_to_x(p.trade_dates)
    close = np.interp(x, days_to_x(p.price_dates), p.price_close) if p.price_dates.size and x.size \
        else np.zeros(x.size)
    for mask, symbol, colour, name in ((p.buy_shares > 0, "t1", BUY, "bought that day"),
                                       (p.sell_shares > 0, "t", SELL, "sold that day")):
        plot.addItem(pg.ScatterPlotItem(x[mask], close[mask], symbol=symbol, size=11, brush=pg.mkBrush(colour),
                                        pen=pg.mkPen("#202020", width=0.6), name=name))
    legend_entry(plot, "reference period", REFERENCE_COLOUR, symbol="s")
    legend_entry(plot, "PSE", PSE_COLOUR, line=True)


def _position(plot: pg.PlotItem, p: InvestorProfile, span: tuple[float, float]) -> None:
    x = days_to_x(p.trade_dates)
    if x.size:     # the position holds from one active day to the next: a step curve
        edges = np.append(x, span[1])
        plot.plot(edges, p.position, stepMode="center", pen=pg.mkPen(POSITION, width=1.6))
        inside = (x >= span[0]) & (x <= span[1])
        if inside.any():
            plot.setYRange(min(0.0, float(p.position[inside].min())), max(0.0, float(p.position[inside].max())))


def _path(plot: pg.PlotItem, p: InvestorProfile, n_clusters: int) -> None:
    paper_legend(plot)
    if p.clusters.size == 0:
        return
    x = days_to_x(p.window_start)
    active = p.clusters >= 0
    y = np.where(active, p.clusters, np.nan).astype(float)
    plot.plot(x, y, pen=pg.mkPen("#606060", width=1.2), connect="finite")
    rewarding = active & (p.clusters == p.rewarding_cluster)
    for mask, colour, name in ((active & ~rewarding, "#606060", "cluster of the window"),
                               (rewarding, _style.HARD, f"in the rewarding cluster {p.rewarding_cluster}")):
        if mask.any():
            plot.addItem(pg.ScatterPlotItem(x[mask], y[mask], size=8, brush=pg.mkBrush(colour), pen=None, name=name))
    plot.addItem(pg.InfiniteLine(p.rewarding_cluster, angle=0, pen=pg.mkPen(_style.HARD, width=1,
                                                                            style=pg.QtCore.Qt.PenStyle.DashLine)))
    top = max(n_clusters - 1, p.rewarding_cluster)
    axis = plot.getAxis("left")
    axis.enableAutoSIPrefix(False)
    axis.setTicks([[(float(c), str(c)) for c in range(top + 1)]])
    plot.setYRange(-0.5, top + 0.5, padding=0)


def profile_figure(source: ProfileSource, investor_id: str) -> ReportFigure:
    """The three dated panels of one investor's profile."""
    p = investor_profile(source, investor_id)
    span = shown_span(p.event)
    canvas = paper_canvas()
    price = _plot(canvas, 0, f"Close of {p.event.stock} and the trades of investor {investor_id}", "close", p)
    position = _plot(canvas, 1, "Shares held after each active day", "shares", p)
    path = _plot(canvas, 2, "k-means cluster per window (window start)", "cluster", p, "date")
    for row, stretch in enumerate((3, 2, 2)):
        canvas.ci.layout.setRowStretchFactor(row, stretch)
    _price(price, p)
    _position(position, p, span)
    _path(path, p, int(source.km_labels.max()) + 1)
    for plot in (price, position):
        plot.setXRange(*span, padding=0.02)
    path.setXRange(*days_to_x(source.window_start[[0, -1]]), padding=0.03)
    n_buy, n_sell = int((p.buy_shares > 0).sum()), int((p.sell_shares > 0).sum())
    kind = INVESTOR_TYPES.get(p.investor_type, "type unknown")
    caption = (f"Investor {investor_id} ({kind}): {n_buy} days with purchases (green up triangles at the day's "
               f"close), {n_sell} with sales (red down triangles); the shares it held after each active day; its "
               f"k-means cluster in each window (no point: not active in the window), red when in the rewarding "
               f"cluster. {GUIDES_CAPTION}")
    return paper_figure(canvas, f"Profile of investor {investor_id}", caption, height=HEIGHT)


def print_profile(source: ProfileSource | None, subject: PrintSubject) -> ReportFigure | None:
    """The profile's print figure for a suspect."""
    if source is None or subject.scope != "suspect" or not subject.ids:
        return None
    return profile_figure(source, subject.ids[0])
