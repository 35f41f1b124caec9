"""Investor profile: everything about the focus investor in one place.

Left, on one date axis around the PSE: the target stock's close with the investor's buys
(up triangles) and sells (down triangles), the share position under it, the k-means path
(cluster per window, the rewarding cluster marked) and a trade blotter. Right, the text
sections: links with their evidence, ring, options accounts, alerts, filings, notes and the
decision history. Investor ids in the text are links: clicking one selects that investor.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QSplitter, QTextBrowser, QWidget

from engine.case.review import EMPTY_WORK, CaseWorkSnapshot
from engine.packet.figures import PrintSubject, ReportFigure
from engine.viewdata.profile import InvestorProfile, ProfileSource, investor_profile
from views import _style
from views._axes import DayAxis, SparseAxis
from views._layout import stack, status_line
from views._marks import Marks
from views._plots import (corner_title, draw_each_time, fit_canvas, keep_pixels, restyle_title, set_range,
                          steady_on_activation, tame)
from views.base import BaseView, Selection, widget_png
from views.profile_blotter import BlotterModel, blotter_table, lay_out_now
from views.profile_print import BUY, DAYS_BEFORE, POSITION, SELL, print_profile, shown_span
from views.profile_text import LINK_SCHEME, details, headline
from views.time_axis import days_to_x, event_guides

EMPTY_TEXT = "Select an investor (a row, a node, a point) to see its profile."
#: least data height of each chart (px; its date axis comes on top): on the 1366 x 768 screen
#: the charts' title rows and axes took the whole canvas, the charts were 0 px tall and the
#: k-means path fell off its bottom
CHART_MIN_HEIGHT = 30


class ProfileView(BaseView):
    """Charts, blotter and text of the focus investor."""

    view_name = "profile"
    title = "Investor profile"
    default_area = "bottom"
    print_scopes = ("suspect",)
    _data: ProfileSource | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._work: CaseWorkSnapshot = EMPTY_WORK
        self.profile: InvestorProfile | None = None
        self.header = status_line(EMPTY_TEXT)   # one line: a new investor never re-lays out the dock
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.ci.layout.setVerticalSpacing(2)
        self.titles: list[pg.TextItem] = []
        self.price = self._plot(0, "Close and trades", dates=False)   # the position's dates, right under it
        self.position = self._plot(1, "Position (shares)")
        self.position.setXLink(self.price)
        draw_each_time(self.position.getAxis("left"))    # the investor's own share range
        self.path = self._plot(2, "k-means cluster per window")
        for row, stretch in enumerate((3, 2, 2)):
            self.canvas.ci.layout.setRowStretchFactor(row, stretch)
        fit_canvas(self.canvas)
        steady_on_activation(self.canvas)
        self.blotter_model = BlotterModel(self)
        self.blotter = blotter_table(self.blotter_model)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        # a scroll bar that came and went with the text's length resized the page and laid
        # the text out again (twice per selection)
        self.text.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.text.anchorClicked.connect(self._on_link)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.canvas)
        left.addWidget(self.blotter)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        left.setSizes([300, 100])    # 3 : 1 from the start (the blotter's one-row minimum left it one row)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(left)
        body.addWidget(self.text)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 2)
        stack(self, self.header, (body, 1))
        self._guides: dict[pg.PlotItem, list] = {}
        self._target: str | None = None
        self._span = (0.0, 1.0)
        self._build_items()
        self.clear()

    def _plot(self, row: int, title: str, dates: bool = True) -> pg.PlotItem:
        plot = tame(self.canvas.addPlot(row=row, col=0, axisItems={"bottom": DayAxis(), "left": SparseAxis("left")}),
                    grid=True)
        self.titles.append(corner_title(plot, title))
        plot.getAxis("left").setWidth(56)
        plot.getAxis("bottom").setStyle(showValues=dates)
        plot.setMinimumHeight(CHART_MIN_HEIGHT + (plot.getAxis("bottom").height() if dates else 0))
        return plot

    def restyle(self) -> None:
        for title in self.titles:
            restyle_title(title)
        fg = _style.theme().foreground
        self.close_curve.setPen(_style.pen(fg, 1.2))
        self.path_curve.setPen(_style.pen(_style.theme().base_point, 1.2))
        if self.profile is not None:
            self._draw_path(self.profile)     # its points in the new base colour

    # -- data ---------------------------------------------------------------------------
    def set_data(self, viewdata: ProfileSource) -> None:
        self._data = viewdata
        self.profile = None
        self._set_guides(viewdata)
        self._show(None)

    def set_case_work(self, work: CaseWorkSnapshot) -> None:
        """The investigator's decisions, tags, notes and history changed."""
        self._work = work
        if self.profile is not None:
            self._show_text(self.profile)

    def clear(self) -> None:
        self._data = None
        self.profile = None
        self._target = None
        self._forget_ids()
        self._set_guides(None)
        self._show(None)

    def apply_selection(self, selection: Selection) -> None:
        if not self._take_selection(selection):
            return
        target = selection.focus or (next(iter(selection.ids)) if len(selection.ids) == 1 else None)
        self._highlighted = frozenset() if target is None else frozenset({target})
        self._target = target
        if self.on_screen():
            self.catch_up()

    def catch_up(self) -> None:
        """Draw the profile of the target, if it is not the one shown (off-screen docks wait)."""
        target = self._target
        if self._data is None or (self.profile.investor_id if self.profile is not None else None) == target:
            return
        self._show(None if target is None else investor_profile(self._data, target))

    # -- drawing ------------------------------------------------------------------------
    def _build_items(self) -> None:
        """The plot items, made once and refilled with ``setData`` (fast selection changes)."""
        fg = _style.theme().foreground
        # the curves are redrawn on new data only, not re-processed on every range change
        self.close_curve = self.price.plot(pen=_style.pen(fg, 1.2), dynamicRangeLimit=None)
        self.buys = Marks(symbol="t1", size=10, brush=_style.brush(BUY), pen=_style.pen(BUY))
        self.sells = Marks(symbol="t", size=10, brush=_style.brush(SELL), pen=_style.pen(SELL))
        self.price.addItem(self.buys)
        self.price.addItem(self.sells)
        self.position_curve = self.position.plot(pen=_style.pen(POSITION, 1.5), symbol="o", symbolSize=4,
                                                 symbolBrush=_style.brush(POSITION), dynamicRangeLimit=None)
        for plot in (self.path, self.price, self.position):
            plot.disableAutoRange()          # ranges set per result (price, path) or per investor (position)
        self.path_curve = self.path.plot(pen=_style.pen(_style.theme().base_point, 1.2), connect="finite",
                                         dynamicRangeLimit=None)
        self.path_points = Marks(size=7, pen=None)
        self.path.addItem(self.path_points)
        self.rewarding_line = pg.InfiniteLine(0, angle=0, pen=_style.pen(_style.REWARDING, 1, 120), label="rewarding",
                                              labelOpts={"position": 0.05})
        self.path.addItem(self.rewarding_line)
        keep_pixels(self.close_curve.curve)      # the same close for every investor of a result

    def _set_guides(self, source: ProfileSource | None) -> None:
        """Price curve, reference period and PSE: the same for every investor of a result."""
        for plot, items in self._guides.items():
            for item in items:
                plot.removeItem(item)
        self._guides = {}
        if source is None:
            self.close_curve.setData([], [])
            return
        event = source.event
        for plot in (self.price, self.position, self.path):
            self._guides[plot] = event_guides(plot, event.reference_start, event.event_date)
            keep_pixels(*self._guides[plot])
        self.close_curve.setData(days_to_x(source.price_dates), source.price_close)
        self._span = shown_span(event)
        close = source.price_close          # a trade is drawn on the close: the close's range holds them all
        set_range(self.price, x=self._span, padding=0.02)      # fixed per result: axes repaint less
        set_range(self.price, y=(float(close.min()), float(close.max())) if close.size else (-1.0, 1.0))
        set_range(self.path, x=tuple(days_to_x(source.window_start[[0, -1]])), padding=0.03)
        set_range(self.path, y=(-0.5, float(source.km_labels.max()) + 0.5), padding=0)

    def _show(self, profile: InvestorProfile | None) -> None:
        self.profile = profile
        if profile is None:
            for item in (self.buys, self.sells, self.path_points):
                item.setData([], [])
            for curve in (self.position_curve, self.path_curve):
                curve.setData([], [])
            self.blotter_model.show(None)
            self.header.setText(EMPTY_TEXT if self._data is not None else "No analysis result.")
            self.text.clear()
            return
        self._draw_price(profile)
        self._draw_path(profile)
        self._fill_blotter(profile)
        self._show_text(profile)

    def _show_text(self, profile: InvestorProfile) -> None:
        self.header.setText(headline(profile, self._work))
        self.text.setHtml(details(profile, self._work))

    def _draw_price(self, p: InvestorProfile) -> None:
        x = days_to_x(p.trade_dates)
        close = np.interp(x, days_to_x(p.price_dates), p.price_close) \
            if p.price_dates.size and x.size else np.zeros(x.size)
        for item, mask in ((self.buys, p.buy_shares > 0), (self.sells, p.sell_shares > 0)):
            item.setData(x[mask], close[mask])
        self.position_curve.setData(x, p.position)
        lo, hi = self._span
        inside = (x >= lo) & (x <= hi)
        held = p.position[inside] if inside.any() else p.position    # no trade in the span: the level held
        set_range(self.position, y=(min(0.0, float(held.min(initial=0.0))), max(0.0, float(held.max(initial=0.0)))))

    def _draw_path(self, p: InvestorProfile) -> None:
        if p.clusters.size == 0:
            self.path_curve.setData([], [])
            self.path_points.setData([], [])
            return
        x = days_to_x(p.window_start)
        active = p.clusters >= 0
        y = np.where(active, p.clusters, np.nan).astype(float)
        self.path_curve.setData(x, y)
        brushes = np.array([_style.brush(_style.theme().base_point), _style.brush(_style.REWARDING)], dtype=object)
        self.path_points.setData(x[active], y[active],
                                 brush=brushes[(p.clusters[active] == p.rewarding_cluster).astype(np.int64)])
        self.rewarding_line.setValue(p.rewarding_cluster)

    def _fill_blotter(self, p: InvestorProfile) -> None:
        """The chart's span, latest first (older days stay on the chart)."""
        self.blotter_model.show(p, np.datetime64(p.event.reference_start, "D") - np.timedelta64(DAYS_BEFORE, "D"))
        lay_out_now(self.blotter)

    # -- interaction --------------------------------------------------------------------
    def _on_link(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith(LINK_SCHEME):
            investor = text[len(LINK_SCHEME):]
            self._request({investor}, focus=investor)

    def print_figure(self, prepared: ProfileSource | None, subject: PrintSubject) -> ReportFigure | None:
        """A suspect's price and trades, position and k-means path on one date axis, for paper."""
        return print_profile(prepared, subject)

    def snapshot(self) -> ReportFigure:
        who = self.profile.investor_id if self.profile is not None else "no investor"
        return ReportFigure(title=f"Investor profile: {who}", png=widget_png(self),
                            caption="Close of the target stock with the investor's buys (red) and sells "
                                    "(green), share position, k-means cluster per window (rewarding cluster "
                                    "in purple), trade blotter; links with evidence, ring, options, alerts, "
                                    "filings, notes and decisions. Shaded: reference period; red line: PSE.")
