"""The feature cube drawn for paper: the last window's projections, and one investor's path."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from engine.packet.figures import PrintSubject, ReportFigure
from engine.viewdata.cube import CubeData
from views import _style
from views._print import STRIP_HEIGHT, paper_axes, paper_canvas, paper_figure, paper_legend, paper_plot, reusable

AXIS_WORDS = {"A": "signed turnover A", "a": "magnitudo a", "E": "maximum exposure E"}
PROJECTIONS = ((0, 1), (0, 2), (1, 2))
_NAMES = ("A", "a", "E")
OTHER = "#B8C0C8"


def _layers(data: CubeData, window: int) -> list[tuple[str, np.ndarray, str, float]]:
    """(legend name, positions, colour, size) of the point layers, drawn in this order."""
    labels = data.labels[window]
    active = labels >= 0
    rewarding = active & (labels == data.rewarding_cluster)
    hard_soft = data.suspect & active
    return [("other clusters", np.flatnonzero(active & ~rewarding), OTHER, 4.0),
            (f"rewarding cluster {data.rewarding_cluster}", np.flatnonzero(rewarding & ~hard_soft),
             _style.CATEGORICAL[0], 5.0),
            ("k-means suspects", np.flatnonzero(hard_soft), _style.HARD, 8.0)]


def overview(data: CubeData, subject: PrintSubject) -> ReportFigure | None:
    """The three projections (A–a, A–E, a–E) of the last window before the PSE."""
    if data.n_windows == 0:
        return None
    window = data.n_windows - 1
    canvas = paper_canvas()
    layers = _layers(data, window)
    for col, (i, j) in enumerate(PROJECTIONS):
        plot = paper_axes(canvas.addPlot(row=0, col=col, enableMenu=False), "", AXIS_WORDS[_NAMES[i]],
                          AXIS_WORDS[_NAMES[j]])
        if col == 0:
            paper_legend(plot)
        for name, idx, colour, size in layers:
            xy = data.coords[window][idx]
            plot.addItem(pg.ScatterPlotItem(xy[:, i], xy[:, j], size=size, brush=pg.mkBrush(colour),
                                            pen=pg.mkPen("#202020", width=0.3) if size > 5 else None,
                                            name=name if col == 0 else None))
        plot.addItem(pg.ScatterPlotItem([data.corner[i]], [data.corner[j]], symbol="star", size=16,
                                        brush=pg.mkBrush(_style.REWARDING), name="rewarding corner" if col == 0 else None))
        plot.setRange(xRange=(-1.05, 1.05), yRange=(-1.05, 1.05))
    n_suspects = int((data.suspect & (data.labels[window] >= 0)).sum())
    title = (f"Feature space of the last window before the PSE ({data.window_start[window]} to "
             f"{data.window_end[window]})")
    caption = (f"Each point is an investor active in the window, in the rescaled features (A, a, E) of the "
               f"k-means; blue: the rewarding cluster; red, outlined: the {n_suspects} k-means suspects; "
               f"grey: the other clusters; star: the rewarding corner.")
    return paper_figure(canvas, title, caption, height=400)


class FeaturePathPlot:
    """The feature-path plot for one ``CubeData``, made once (axes, legend, window scale) and
    refilled per investor by ``figure``."""

    def __init__(self, data: CubeData) -> None:
        self.data = data
        self.plot = paper_plot("", "window (the last ends the day before the PSE)", "rescaled feature value")
        self.x = np.arange(1, data.n_windows + 1, dtype=float)
        self.curves = [self.plot.plot(pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=6, symbolBrush=colour,
                                      name=AXIS_WORDS[name], connect="finite")
                       for name, colour in zip(_NAMES, _style.CATEGORICAL)]
        self.rewarding = self.plot.plot(pen=None, symbol="s", symbolSize=9, symbolBrush=_style.HARD,
                                        name="in the rewarding cluster")
        self.plot.setXRange(0.5, data.n_windows + 0.5, padding=0)
        self.plot.setYRange(-1.1, 1.1, padding=0)

    def figure(self, investor_id: str) -> ReportFigure | None:
        """The investor's (A, a, E) across the windows, with its cluster in each window."""
        data = self.data
        pos = int(np.searchsorted(data.ids, investor_id))
        if pos >= data.ids.size or data.ids[pos] != investor_id:
            return None
        self.plot.getPlotItem().setTitle(f"Feature path of investor {investor_id}", color="#202020", size="11pt")
        path = data.coords[:, pos, :].astype(float)
        for j, curve in enumerate(self.curves):
            curve.setData(self.x, path[:, j])
        labels = data.labels[:, pos]
        in_rewarding = np.flatnonzero(labels == data.rewarding_cluster)
        self.rewarding.setData(self.x[in_rewarding], np.full(in_rewarding.size, -1.0))
        history = ", ".join(f"w{w + 1}: {'inactive' if c < 0 else int(c)}" for w, c in enumerate(labels))
        return paper_figure(self.plot, f"Feature path of investor {investor_id}",
                            f"Rescaled features per window (gaps where inactive); squares at −1 mark the windows in "
                            f"the rewarding cluster {data.rewarding_cluster}. Cluster per window: {history}.",
                            height=STRIP_HEIGHT)


def print_cube(data: CubeData | None, subject: PrintSubject) -> ReportFigure | None:
    """The cube's print figure for an overview or a suspect."""
    if data is None:
        return None
    if subject.scope == "overview":
        return overview(data, subject)
    if subject.scope == "suspect" and subject.ids:
        return reusable(("feature path", id(data)), lambda: FeaturePathPlot(data)).figure(subject.ids[0])
    return None
