"""Options flow on the event's stock: stacked daily panels on one linked date axis.

Volume, the largest contract volume / open interest, the rewarding-type share (calls for a
buy event, puts for a sell event), the OTM implied volatility and the daily risk score, with
the reference start and the PSE drawn on every panel, the alert levels on the risk panel and
one filled triangle per alert (evidence, coloured by priority). Context days (a PSE ahead,
filings), which never enter the risk, are hollow grey diamonds along the top of the risk
panel. Clicking a marker shows the alert's risk, calibrated p, contracts and reasons on one
line above the plots ("Details" opens the full text under them); clicking anywhere else on
the risk panel picks the nearest day. The table under the plots lists the picked day's
contracts (flagged ones first). Alerts whose accounts include a selected investor are ringed,
and "Select accounts" asks for the shown alert's accounts. Each panel is named inside its
top-left corner, and the risk panel gets twice the height of the others.
"""
from __future__ import annotations

from functools import partial
from typing import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton,
                               QTableWidget, QTableWidgetItem, QWidget)

from engine.packet.figures import PrintSubject, ReportFigure
from engine.viewdata.options import CONTRACT_COLUMNS, SERIES, OptionsSeries
from views import _style
from views._axes import DayAxis, SparseAxis, text_height_from_font
from views._context import enable_context, nobody
from views._layout import stack, status_line
from views._plots import corner_title, fit_canvas, restyle_title, steady_on_activation, tame
from views._print import PAGE_WIDTH, paper_figure
from views._weak import weak_callable
from views.base import BaseView, Selection, widget_png

SECONDS_PER_DAY = 86400.0
GUIDES: dict[str, tuple[float, ...]] = {"voi": (2.0, 5.0), "reward_share": (0.9,)}
LINE_COLOUR = "#0072B2"
REFERENCE_COLOUR = "#56B4E9"
PSE_COLOUR = "#C00000"
GUIDE_COLOUR = "#999999"
CONTEXT_COLOUR = "#7F7F7F"
CONTEXT_Y = 1.07           # context markers sit above every risk value, apart from alerts
MARKER_SIZE = 12.0
TABLE_MAX_HEIGHT = 110    # about four rows; the table shows once a day is picked
AXIS_WIDTH = 46            # left axes aligned across panels (tick values only)
TICK_POINT_SIZE = 8
ROW_STRETCH = {"risk": 2}  # other panels 1
DETAIL_MAX_HEIGHT = 110
PANEL_MIN_HEIGHT = 30
HINT = "Click an alert marker for its reasons, or any day of the risk panel for its contracts."
#: the guide lines' names hang from the top panel's top edge, the reference start left of its
#: line and the PSE right of its own (centred a few pixels under the edge, half of each was cut)
GUIDE_LABEL_ANCHOR = {"reference start": (1, 0), "PSE": (0, 0)}
_CAPTION = ("{summary}; dashed lines: normal/suspicious levels and alert thresholds; filled triangles: alerts, "
            "the evidence (red HIGH, orange MEDIUM); hollow grey diamonds: context (PSE ahead, filings), never "
            "part of the risk.")


class OptionsView(BaseView):
    """Stacked, X-linked plots of the daily options series with clickable alerts."""

    view_name = "options"
    title = "Options flow"
    default_area = "bottom"
    print_scopes = ("overview",)
    print_section = "options"
    _data: OptionsSeries | None
    _panel_data: dict[str, OptionsSeries]   # what each panel shows (kept across results that draw it the same)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shown_alert = -1
        self._panel_data = {}
        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.ci.layout.setVerticalSpacing(2)
        self.plots: dict[str, pg.PlotItem] = {}
        self.panel_names: dict[str, pg.TextItem] = {}
        tick_font = QFont()
        tick_font.setPointSize(TICK_POINT_SIZE)
        first = None
        for row, (name, label) in enumerate(SERIES):
            axes = {"bottom": DayAxis(), "left": SparseAxis("left")}
            plot = tame(self.canvas.addPlot(row=row, col=0, axisItems=axes), grid=True)
            left = plot.getAxis("left")
            left.setWidth(AXIS_WIDTH)
            left.enableAutoSIPrefix(False)  # shares and vols read as they are
            left.setStyle(tickFont=tick_font)
            plot.getAxis("bottom").setStyle(tickFont=tick_font)
            if first is None:
                first = plot
            else:
                plot.setXLink(first)
            if row < len(SERIES) - 1:
                plot.getAxis("bottom").setStyle(showValues=False)
            least = PANEL_MIN_HEIGHT * ROW_STRETCH.get(name, 1)  # the risk panel also holds the date axis
            plot.setPreferredHeight(least)  # spare height goes by ROW_STRETCH
            plot.setMinimumHeight(least)
            self.canvas.ci.layout.setRowStretchFactor(row, ROW_STRETCH.get(name, 1))
            self.plots[name] = plot
            self.panel_names[name] = corner_title(plot, label)
        text_height_from_font(self.plots[SERIES[-1][0]].getAxis("bottom"), tick_font)   # the dates
        fit_canvas(self.canvas)
        steady_on_activation(self.canvas)
        self.markers = pg.ScatterPlotItem(size=MARKER_SIZE, symbol="t1", hoverable=True, tip=weak_callable(self._tip))
        self.markers.setZValue(_style.Z_SELECTED)
        self.markers.sigClicked.connect(self._on_marker)
        self.marks_selected = pg.ScatterPlotItem(size=MARKER_SIZE + 8, symbol="o", pen=_style.selected_pen(),
                                                 brush=pg.mkBrush(None))
        self.marks_selected.setZValue(_style.Z_FOCUS)
        self.marks_selected.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.context_marks = pg.ScatterPlotItem(size=MARKER_SIZE - 2, symbol="d", pen=_style.pen(CONTEXT_COLOUR, 1.5),
                                                brush=pg.mkBrush(None), hoverable=True,
                                                tip=weak_callable(self._context_tip))
        self.context_marks.setZValue(_style.Z_SELECTED)
        self.context_marks.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._marker_clicked = False
        self._shown_day = -1
        self.canvas.scene().sigMouseClicked.connect(self._on_scene_click)
        self.day_label = QLabel("")
        self.contracts_table = QTableWidget(0, len(CONTRACT_COLUMNS))
        self.contracts_table.setHorizontalHeaderLabels(list(CONTRACT_COLUMNS))
        self.contracts_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.contracts_table.verticalHeader().setVisible(False)
        self.contracts_table.setMaximumHeight(TABLE_MAX_HEIGHT)
        self.alert_line = status_line(HINT)
        self.details_button = QPushButton("Details")
        self.details_button.setCheckable(True)
        self.details_button.setEnabled(False)
        self.details_button.toggled.connect(self._show_details)
        self.accounts_button = QPushButton("Select accounts")
        self.accounts_button.setEnabled(False)
        self.accounts_button.clicked.connect(self._select_accounts)
        self.summary = QLabel(" ")
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setMaximumHeight(DETAIL_MAX_HEIGHT)
        self.detail.setVisible(False)
        bar = QHBoxLayout()
        bar.addWidget(self.summary)
        bar.addSpacing(16)                   # the summary and the hint read as one sentence without it
        bar.addWidget(self.alert_line, 1)
        bar.addWidget(self.details_button)
        bar.addWidget(self.accounts_button)
        stack(self, bar, (self.canvas, 1), self.detail, self.day_label, self.contracts_table, spacing=2)
        enable_context(self, self.canvas, nobody)
        self.clear()

    def restyle(self) -> None:
        for title in self.panel_names.values():
            restyle_title(title)
        data = self._data
        if data is not None:
            self.clear()               # every panel redrawn: "not supplied" notes and guides in the new colours
            self.set_data(data)

    # -- data ---------------------------------------------------------------------------
    def set_data(self, viewdata: OptionsSeries | None) -> None:
        """Show ``viewdata`` (see ``data_parts``)."""
        for part in self.data_parts(viewdata):
            part()

    def data_parts(self, viewdata: OptionsSeries | None) -> Sequence[Callable[[], None]]:
        """The summary, markers and date range, then each panel: a panel whose curve, title
        and lines would be drawn the same as now is kept (a re-validation changes the alerts,
        rarely a series). Drawing the five panels held the GUI thread 40-55 ms and their first
        paint 85-100 ms (a 541-day antialiased curve ~10 ms) in two turns at the reference
        scale; in parts, a turn draws and paints one panel."""
        if viewdata is None:
            return (partial(self._take, None),)
        return (partial(self._take, viewdata), *(partial(self._panel, viewdata, name) for name, _label in SERIES))

    def _take(self, viewdata: OptionsSeries | None) -> None:
        """Keep ``viewdata``; its summary, alert and context markers, and the date range."""
        self._reset()
        if viewdata is None:
            self._clear_panels()
            self.summary.setText("No options data in this case.")
            return
        self._data = viewdata
        x = viewdata.x * SECONDS_PER_DAY
        self.plots["risk"].setYRange(0, 1.12, padding=0)  # room for markers at risk 1
        self._place_markers()
        cdays = viewdata.context_day
        self.context_marks.setData(x=x[cdays], y=np.full(cdays.size, CONTEXT_Y), data=np.arange(cdays.size))
        days = viewdata.alert_day
        self.markers.setData(x=x[days], y=np.nan_to_num(viewdata.risk[days]), data=np.arange(days.size),
                             brush=[_style.brush(_style.PRIORITY_COLOURS.get(p, "#808080")) for p in viewdata.alert_priority],
                             pen=[pg.mkPen(None)] * days.size)
        n_high = int(np.sum(viewdata.alert_priority == "HIGH"))
        high = "" if not viewdata.high_unavailable else "; HIGH unavailable"
        self.summary.setText(f"{viewdata.dates.size} trading days, {days.size} alerts ({n_high} HIGH{high}), "
                             f"p against {viewdata.n_calibration} days")
        self.summary.setToolTip(viewdata.high_unavailable)
        if x.size:
            self.plots[SERIES[0][0]].setXRange(x.min(), x.max(), padding=0.02)
        for plot in self.plots.values():
            # auto ranges now: pyqtgraph computes them when the panels first paint, and the
            # changed ranges painted every panel a second time (40 ms CPU at the reference scale)
            plot.getViewBox().prepareForPaint()
        self.apply_selection(self._selection)

    def _panel(self, viewdata: OptionsSeries, name: str) -> None:
        """Panel ``name`` of ``viewdata`` (kept when it would be drawn the same), ranged now."""
        if self._data is not viewdata:
            return                     # cleared or replaced since its first part
        drawn = self._panel_data.get(name)
        if drawn is None or not _same_panel(drawn, viewdata, name):
            self._draw_panel(name, viewdata, viewdata.x * SECONDS_PER_DAY)
            if name == "risk":
                self._place_markers()  # the panel's clear() took them off
        self._panel_data[name] = viewdata   # a kept panel holds no older result alive
        self.plots[name].getViewBox().prepareForPaint()

    def _place_markers(self) -> None:
        """Put the alert markers back on the risk panel (its clear() removes every item)."""
        risk_plot = self.plots["risk"]
        for item in (self.markers, self.marks_selected, self.context_marks):
            if item not in risk_plot.items:
                risk_plot.addItem(item)

    def _draw_panel(self, name: str, viewdata: OptionsSeries, x: np.ndarray) -> None:
        """Panel ``name`` afresh: its title, series, guide levels and the reference and PSE lines."""
        colours = _style.theme()
        plot = self.plots[name]
        plot.clear()
        self.panel_names[name].setText(viewdata.label(name))
        y = viewdata.series(name)
        if name == "volume":
            plot.addItem(pg.BarGraphItem(x=x, height=np.nan_to_num(y), width=0.8 * SECONDS_PER_DAY,
                                         brush=_style.brush(LINE_COLOUR, 180), pen=pg.mkPen(None)))
        elif np.isfinite(y).any():
            plot.plot(x, y, pen=_style.pen(LINE_COLOUR, 1.5), connect="finite")
        else:
            plot.addItem(pg.TextItem("not supplied", color=colours.foreground))
        for level in _levels(viewdata, name):
            plot.addItem(pg.InfiniteLine(level, angle=0, pen=pg.mkPen(GUIDE_COLOUR, style=Qt.PenStyle.DashLine)))
        for value, colour, text, text_colour in (
                (viewdata.reference_x, REFERENCE_COLOUR, "reference start", colours.reference_text),
                (viewdata.event_x, PSE_COLOUR, "PSE", colours.pse_text)):
            if np.isfinite(value):
                plot.addItem(pg.InfiniteLine(value * SECONDS_PER_DAY, angle=90, pen=_style.pen(colour, 1.5),
                                             label=text if name == SERIES[0][0] else None,
                                             labelOpts={"position": 1.0, "color": text_colour,
                                                        "anchors": [GUIDE_LABEL_ANCHOR[text]] * 2}))

    def _clear_panels(self) -> None:
        self._panel_data = {}
        for plot in self.plots.values():
            plot.clear()

    def clear(self) -> None:
        self._reset()
        self._clear_panels()

    def _reset(self) -> None:
        """Forget the data and what was read from it (alert, day, table, markers); panels stay."""
        self._data = None
        self._shown_alert = -1
        self._highlighted = frozenset()
        self.markers.setData(x=[], y=[])
        self.marks_selected.setData(x=[], y=[])
        self.context_marks.setData(x=[], y=[])
        self._shown_day = -1
        self.contracts_table.setRowCount(0)
        self.contracts_table.setVisible(False)
        self.day_label.setVisible(False)
        self.detail.clear()
        self.alert_line.setText(HINT)
        self.alert_line.setToolTip("")
        self.details_button.setChecked(False)
        self.details_button.setEnabled(False)
        self.accounts_button.setEnabled(False)
        self.summary.setText("No analysis yet.")

    # -- selection ----------------------------------------------------------------------
    def apply_selection(self, selection: Selection) -> None:
        if not self._take_selection(selection):
            return
        data = self._data
        hit = [k for k, accounts in enumerate(data.alert_accounts) if selection.ids & set(accounts)]
        self._highlighted = frozenset(i for k in hit for i in data.alert_accounts[k] if i in selection.ids)
        days = data.alert_day[hit]
        self.marks_selected.setData(x=data.x[days] * SECONDS_PER_DAY, y=np.nan_to_num(data.risk[days]))

    def shown_alert_text(self) -> str:
        return self.detail.toPlainText()

    def show_alert(self, k: int) -> None:
        """Show alert ``k``'s reasons on the alert line (full text under "Details")."""
        self._shown_alert = k
        text = self._data.alert_text(k)
        self.detail.setPlainText(text)
        lines = text.splitlines()
        self.alert_line.setText(lines[0] + ("  —  " + "; ".join(ln.lstrip("- ") for ln in lines[1:]) if lines[1:] else ""))
        self.alert_line.setToolTip(text)
        self.details_button.setEnabled(True)
        self.accounts_button.setEnabled(bool(self._data.alert_accounts[k]))
        self.show_day(int(self._data.alert_day[k]))

    def show_day(self, day: int) -> None:
        """List day ``day``'s contracts (flagged first) with its risk and calibrated p."""
        data = self._data
        self._shown_day = day
        self.day_label.setText("Contracts on " + data.day_text(day) + "  (● = named by the alert)")
        self.day_label.setVisible(True)
        self.contracts_table.setVisible(True)
        rows = data.contract_rows(day)
        self.contracts_table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.contracts_table.setItem(r, c, item)
        self.contracts_table.resizeColumnsToContents()

    def shown_contracts(self) -> list[list[str]]:
        """The table's cells, row by row (what the investigator reads)."""
        t = self.contracts_table
        return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]

    def _on_scene_click(self, ev) -> None:
        if self._marker_clicked or self._data is None or ev.button() != Qt.MouseButton.LeftButton:
            self._marker_clicked = False
            return
        box = self.plots["risk"].getViewBox()
        if not box.sceneBoundingRect().contains(ev.scenePos()):
            return
        at = box.mapSceneToView(ev.scenePos()).x() / SECONDS_PER_DAY
        self.show_day(int(np.argmin(np.abs(self._data.x - at))))

    def _show_details(self, shown: bool) -> None:
        self.detail.setVisible(shown)

    def _tip(self, x: float, y: float, data: int) -> str:
        d = self._data
        if d is None:
            return ""
        k = int(data)
        return (f"{d.dates[d.alert_day[k]]}  {d.alert_priority[k]}  risk {y:.2f}  p {d.alerts[k].p_value:.3f}"
                "\n(click for reasons and contracts)")

    def _context_tip(self, x: float, y: float, data: int) -> str:
        d = self._data
        if d is None:
            return ""
        k = int(data)
        return f"{d.dates[d.context_day[k]]}  context, not part of the risk: {d.context_text[k]}"

    def _on_marker(self, _item, points, ev) -> None:
        if self._data is not None and len(points):
            ev.accept()
            self._marker_clicked = True
            self.show_alert(int(points[0].data()))

    def _select_accounts(self) -> None:
        if self._data is None or self._shown_alert < 0:
            return
        accounts = self._data.alert_accounts[self._shown_alert]
        if accounts:
            self._request(set(accounts), focus=accounts[0], mode="replace")

    def print_figure(self, prepared: OptionsSeries | None, subject: PrintSubject) -> ReportFigure | None:
        """The stacked daily panels without buttons or hints, for paper."""
        if prepared is None or subject.scope != "overview":
            return None
        self.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.show()                  # a hidden widget's layout defers resizes: the canvas would stay narrow
        self.resize(PAGE_WIDTH, 760)
        self.set_data(prepared)
        return paper_figure(self.canvas, f"Options flow on {subject.inputs.result.event.stock} before the event",
                             _CAPTION.format(summary=self.summary.text()), height=700)

    def snapshot(self) -> ReportFigure:
        return ReportFigure(title="Options flow before the event", png=widget_png(self),
                            caption=_CAPTION.format(summary=self.summary.text()))


def _levels(viewdata: OptionsSeries, name: str) -> tuple[float, ...]:
    """The dashed guide levels of panel ``name``: the alert thresholds on the risk panel."""
    if name == "risk":
        return (viewdata.alert_threshold, viewdata.high_threshold)
    return GUIDES.get(name, ())


def _same_panel(old: OptionsSeries, new: OptionsSeries, name: str) -> bool:
    """Whether panel ``name`` draws the same from ``old`` as from ``new`` (title, series, guides, lines)."""
    return (old.label(name) == new.label(name) and _levels(old, name) == _levels(new, name)
            and np.array_equal((old.reference_x, old.event_x), (new.reference_x, new.event_x), equal_nan=True)
            and np.array_equal(old.x, new.x) and np.array_equal(old.series(name), new.series(name), equal_nan=True))
