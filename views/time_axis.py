"""Dates on pyqtgraph's date axis, and the event guides the dated views share (reference
period shaded, PSE line)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pyqtgraph as pg

from views import _style

REFERENCE_COLOUR = "#56B4E9"
PSE_COLOUR = "#C00000"
SECONDS_PER_DAY = 86400
GUIDES_CAPTION = "Shaded: the reference period; red line: the PSE."   # the guides in a figure's caption


def days_to_x(dates) -> np.ndarray:
    """Seconds since 1970 (what ``pg.DateAxisItem`` labels) of dates or datetime64 days."""
    return np.asarray(dates, dtype="datetime64[D]").astype("datetime64[s]").astype(np.float64)


def x_to_date(x: float) -> dt.date:
    """The day holding axis position ``x`` (seconds since 1970)."""
    return (np.datetime64(int(np.floor(x / SECONDS_PER_DAY)), "D")).astype(dt.date)


def event_guides(plot: pg.PlotItem, reference_start: dt.date, event_date: dt.date) -> list[pg.GraphicsObject]:
    """Shade the reference period and draw the PSE on ``plot`` (behind the data); returns the items."""
    lo, hi = days_to_x(np.array([reference_start, event_date], dtype="datetime64[D]"))
    region = pg.LinearRegionItem((lo, hi), movable=False, brush=_style.brush(REFERENCE_COLOUR, 40),
                                 pen=_style.pen(REFERENCE_COLOUR, 0, 0))
    region.setZValue(_style.Z_DIMMED)
    line = pg.InfiniteLine(hi, angle=90, pen=_style.pen(PSE_COLOUR, 1.5))
    for item in (region, line):
        plot.addItem(item)
    return [region, line]
