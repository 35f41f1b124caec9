"""The raster drawn for paper: a ring's members only (one row each). A suspect's day-by-day
trading prints on its timeline (``views.timeline_print``)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from engine.packet.figures import PrintSubject, ReportFigure
from engine.viewdata.raster import RasterData
from views import _style
from views._print import paper_figure, paper_plot

ID_AXIS_WIDTH = 80     # room for the members' ids
ROW_PX = 14            # height of one member's row in the printed raster (screen pixels)
MIN_HEIGHT = 260
MAX_HEIGHT = 1100


def _tick_labels(dates: np.ndarray, n: int = 8) -> list[tuple[float, str]]:
    if dates.size == 0:
        return []
    at = np.unique(np.linspace(0, dates.size - 1, min(n, dates.size)).astype(int))
    return [(float(k) + 0.5, str(dates[k])) for k in at]


def ring_raster(data: RasterData, subject: PrintSubject) -> ReportFigure | None:
    """Daily states of the ring's members (only them), with the reference start and the PSE."""
    index = pd.Index(data.row_ids, dtype=object)
    rows = index.get_indexer(pd.Index(sorted(subject.ids), dtype=object))
    rows = rows[rows >= 0]
    if rows.size == 0:
        return None
    ids = data.row_ids[rows].astype(str)
    rgba = _style.rgba_table(_style.RASTER_COLOURS)[data.codes[rows]]
    n_rows, n_days = rgba.shape[0], rgba.shape[1]
    plot = paper_plot(f"Daily trading states of the members of {subject.label}", "trading day", "member",
                      legend=False)   # the caption names the colours: a legend would hide members' rows
    image = pg.ImageItem(rgba, axisOrder="row-major", autoLevels=False, levels=(0, 255))
    image.setRect(QRectF(0, 0, n_days, n_rows))
    plot.addItem(image)
    plot.getPlotItem().invertY(True)
    for day, colour in ((data.reference_day, _style.CATEGORICAL[4]), (data.event_day, _style.HARD)):
        if day >= 0:
            plot.addItem(pg.InfiniteLine(pos=day, angle=90, pen=pg.mkPen(colour, width=2)))
    item = plot.getPlotItem()
    item.getAxis("left").setTicks([[(k + 0.5, inv) for k, inv in enumerate(ids)]])
    item.getAxis("left").setWidth(ID_AXIS_WIDTH)
    item.getAxis("bottom").setTicks([_tick_labels(data.dates)])
    item.setRange(xRange=(0, n_days), yRange=(0, n_rows), padding=0)
    height = int(np.clip(n_rows * ROW_PX + 140, MIN_HEIGHT, MAX_HEIGHT))
    return paper_figure(plot, f"Trading states of the members of {subject.label}",
                         f"One row per member ({n_rows}), one column per trading day of the stock: red b (bought "
                         f"more than θ of its volume), green s (sold), white bs (mixed), black no trade; blue "
                         f"line: the start of the reference period, red line: the PSE.",
                         height=height)


def print_raster(data: RasterData | None, subject: PrintSubject) -> ReportFigure | None:
    """The raster's print figure for a ring (a suspect's trades print on its timeline)."""
    if data is None or subject.scope != "ring":
        return None
    return ring_raster(data, subject)
