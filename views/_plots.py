"""Plot set-up shared by the views: no context menu, no auto-range button, optional labels and grid."""
from __future__ import annotations

from typing import TypeVar

import pyqtgraph as pg

from views import _style

P = TypeVar("P", pg.PlotWidget, pg.PlotItem)


def tame(plot: P, xlabel: str | None = None, ylabel: str | None = None, grid: bool = False,
         hide_axes: bool = False) -> P:
    """Configure a PlotWidget or PlotItem the way every view wants it; returns it."""
    plot.setMenuEnabled(False)
    plot.hideButtons()
    if xlabel:
        plot.setLabel("bottom", xlabel)
    if ylabel:
        plot.setLabel("left", ylabel)
    if grid:
        plot.showGrid(x=True, y=True, alpha=_style.theme().grid_alpha)
    if hide_axes:
        plot.hideAxis("left")
        plot.hideAxis("bottom")
    return plot


TITLE_SIZE = "9pt"   # plot titles small: docks are short


def new_plot(title: str | None = None, axis_items: dict | None = None, **options) -> pg.PlotWidget:
    """A tamed PlotWidget with a small title (``options`` as for ``tame``)."""
    plot = tame(pg.PlotWidget(axisItems=axis_items), **options)
    if title:
        plot.setTitle(title, size=TITLE_SIZE)
    return plot
