"""The timeline drawn for paper: on one date axis, the options alerts, the filings and one lane
per investor (a suspect, or a ring's members) with its trades, the reference period shaded and
the PSE marked."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from engine.packet.figures import PrintSubject, ReportFigure
from engine.viewdata.timeline import TimelineSource, timeline_trades
from views import _style
from views._axes import LabelAxis
from views._print import legend_entry, paper_figure, paper_plot
from views.time_axis import GUIDES_CAPTION, PSE_COLOUR, REFERENCE_COLOUR, days_to_x, event_guides

MAX_LANES = 24            # investors drawn one lane each; the rest are counted
BUY, SELL, FILING = _style.BUY, _style.SELL, "#7F3C8D"     # the colour language's buy and sell; filings
FIXED_LANES = ("Alerts", "Filings")
LANE_PX = 26              # height of one lane on paper (screen pixels)
LEGEND_COLUMNS = 4
LEGEND_LANES = 1.6        # room above the top lane for the legend (in lanes)


def trade_sizes(net_shares: np.ndarray) -> np.ndarray:
    """Marker size of a day's trade: grows with the log of the shares traded."""
    return 5.0 + 2.0 * np.log10(1.0 + np.abs(net_shares))


def timeline_figure(source: TimelineSource, ids: list[str], label: str) -> ReportFigure:
    """Alerts, filings and the lanes of ``ids`` (the first ``MAX_LANES``) over the whole calendar."""
    shown = ids[:MAX_LANES]
    lanes = LabelAxis("left", offset=0.0)
    lanes.set_labels(list(FIXED_LANES) + shown)
    plot = paper_plot(f"Timeline of {label}", "date", "", axis_items={"bottom": pg.DateAxisItem(), "left": lanes})
    item = plot.getPlotItem()
    event_guides(item, source.event.reference_start, source.event.event_date)
    if source.alert_dates.size:
        item.addItem(pg.ScatterPlotItem(days_to_x(source.alert_dates), np.zeros(source.alert_dates.size),
                                        symbol="d", size=11, pen=pg.mkPen("#202020", width=0.5),
                                        brush=[pg.mkBrush(_style.PRIORITY_COLOURS.get(p, "#808080"))
                                               for p in source.alert_priority]))
    mine = np.isin(source.filing_ids.astype(str), shown)
    for mask, colour, name in ((~mine, FILING + "46", "filing by another investor"),
                               (mine, FILING, f"filing by {label}")):
        if mask.any():
            item.addItem(pg.ScatterPlotItem(days_to_x(source.filing_dates[mask]), np.ones(int(mask.sum())),
                                            symbol="s", size=8, pen=None, brush=pg.mkBrush(colour)))
            legend_entry(plot, name, colour, symbol="s")
    trades = timeline_trades(source, shown)
    lane_of = {inv: len(FIXED_LANES) + k for k, inv in enumerate(shown)}
    y = np.array([lane_of[str(i)] for i in trades.investor_ids], dtype=float)
    for mask, colour, name in ((trades.net_shares > 0, BUY, "net buying that day"),
                               (trades.net_shares < 0, SELL, "net selling that day"),
                               (trades.net_shares == 0, "#999999", "bought and sold as much")):
        if mask.any():
            item.addItem(pg.ScatterPlotItem(days_to_x(trades.dates[mask]), y[mask], symbol="s",
                                            size=trade_sizes(trades.net_shares[mask]), pen=None,
                                            brush=pg.mkBrush(colour)))
            legend_entry(plot, name, colour, symbol="s")
    for priority, colour in _style.PRIORITY_COLOURS.items():
        if priority in set(source.alert_priority.tolist()):
            legend_entry(plot, f"{priority} options alert", colour, symbol="d")
    legend_entry(plot, "reference period", REFERENCE_COLOUR, symbol="s")
    legend_entry(plot, "PSE", PSE_COLOUR, line=True)
    item.legend.setColumnCount(LEGEND_COLUMNS)    # one wide row above the lanes, not over them
    lo, hi = days_to_x(np.array([source.calendar[0], source.calendar[-1]]))
    item.setXRange(lo, hi, padding=0.01)
    item.setYRange(-0.7, len(FIXED_LANES) + max(len(shown), 1) - 0.3 + LEGEND_LANES, padding=0)
    item.getAxis("left").setWidth(80)
    more = len(ids) - len(shown)
    height = 220 + LANE_PX * (len(FIXED_LANES) + len(shown) + LEGEND_LANES)
    caption = (f"One lane per investor ({len(shown)}{f'; {more} more not drawn' if more else ''}): a square on "
               f"each day it traded the stock, red for net buying, green for net selling, larger for more shares; "
               f"filings on the stock (dark: by {label}); options alerts (diamonds, by priority). {GUIDES_CAPTION}")
    return paper_figure(plot, f"Timeline of {label}", caption, height=int(height))


def print_timeline(source: TimelineSource | None, subject: PrintSubject) -> ReportFigure | None:
    """The timeline's print figure for a suspect or a ring's members."""
    if source is None or subject.scope not in ("suspect", "ring") or not subject.ids or source.calendar.size == 0:
        return None
    return timeline_figure(source, sorted(subject.ids) if subject.scope == "ring" else list(subject.ids),
                           subject.label)
