"""Plot set-up shared by the views: no context menu, no auto-range button, optional labels and
grid, and axes that keep their pixels between repaints."""
from __future__ import annotations

import math
from typing import TypeVar

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from views import _style

P = TypeVar("P", pg.PlotWidget, pg.PlotItem)


def tame(plot: P, xlabel: str | None = None, ylabel: str | None = None, grid: bool = False,
         hide_axes: bool = False) -> P:
    """Configure a PlotWidget or PlotItem the way every view wants it; returns it.

    Axes keep their pixels (Qt's device-coordinate cache): an axis with a grid spans its
    plot, so every item that changed under it replayed the axis's ticks, labels and grid
    (~2 ms an axis; the profile's six axes cost 24 ms a selection); the cache is redrawn when
    the axis changes (range, size, theme). Figure export turns item caches off (vectors)."""
    plot.setMenuEnabled(False)
    keep_pixels(*(plot.getAxis(side) for side in ("left", "bottom", "right", "top")))
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


def keep_pixels(*items: QGraphicsItem) -> None:
    """Items that stay the same across selections (axes, a result's curve and guides) keep
    their pixels between repaints (Qt's device-coordinate cache, redrawn when the item or the
    view's scale changes): a selection's overlay repainted everything under it. Figure export
    draws them as vectors (``views._print``)."""
    for item in items:
        item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def draw_each_time(*items: QGraphicsItem) -> None:
    """Items redrawn by every selection (an axis whose range or labels follow the selected
    investor) draw straight onto the canvas: kept pixels only added, each time, a fill of a
    pixmap as large as the plot (the axis' grid spans it), the replay of ticks and grid into
    it and a blend of it onto the canvas (about 3 ms of the profile's and of the timeline's
    selection in an event trace of the reference case, ~0.1 ms without)."""
    for item in items:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)


def set_range(plot: pg.PlotItem | pg.PlotWidget, x: tuple[float, float] | None = None,
              y: tuple[float, float] | None = None, padding: float | None = None) -> None:
    """Set a plot's range and apply it to its items now. pyqtgraph applies a new range while
    the next paint starts (ViewBox.prepareForPaint): every item then learns of its new view
    transform inside that paint and asks for another one (a selection painted the profile's
    canvas twice)."""
    box = plot.getViewBox() if isinstance(plot, pg.PlotItem) else plot.getPlotItem().getViewBox()
    box.setRange(xRange=x, yRange=y, padding=padding)
    box.updateMatrix()


TITLE_SIZE = "9pt"   # plot titles small: docks are short


def new_plot(title: str | None = None, axis_items: dict | None = None, **options) -> pg.PlotWidget:
    """A tamed PlotWidget with a small title (``options`` as for ``tame``), steady when its
    window loses or gains the focus."""
    plot = tame(pg.PlotWidget(axisItems=axis_items), **options)
    steady_on_activation(plot)
    if title:
        plot.setTitle(title, size=TITLE_SIZE)
    return plot


_ACTIVATION = (QEvent.Type.WindowActivate, QEvent.Type.WindowDeactivate)


class _ActivationFilter(QGraphicsItem):
    """An invisible item that keeps window (de)activation from the items it filters."""

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        return QRectF()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """Nothing to draw."""

    def sceneEventFilter(self, watched: QGraphicsItem, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        return event.type() in _ACTIVATION


def steady_on_activation(canvas: pg.GraphicsView) -> None:
    """Plots look the same whether their window is active or not, yet Qt's graphics widgets
    repaint themselves and every child (axes with their caches, curves) when it changes: a
    progress or packet dialog opening or closing repainted every plot on screen in one turn
    (~100 ms CPU at the reference scale). The scene still knows its window's activation; its
    top-level items (the plot or layout, made with the canvas) are no longer told."""
    scene = canvas.scene()
    guard = _ActivationFilter()
    guard.hide()
    scene.addItem(guard)
    canvas.activation_guard = guard   # the Python half of its filter lives as long as the canvas
    for item in scene.items():
        if item.parentItem() is None and item is not guard:
            item.installSceneEventFilter(guard)


CANVAS_MARGIN = 2    # around a canvas' plots (pyqtgraph's 9 px took 36 px of a short dock's stack)


def fit_canvas(canvas: pg.GraphicsLayoutWidget) -> None:
    """Small margins, and a canvas never shorter than its plots' layout needs (each plot's
    minimum with its title and axes, the spacing, the margins): the layout does not shrink
    below that, so a shorter canvas cut the bottom plot off, date ticks first (options flow
    and profile at 1366 x 768). Call once the plots and their minimum heights are set."""
    canvas.ci.layout.setContentsMargins(*(CANVAS_MARGIN,) * 4)
    need = canvas.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize).height()
    canvas.setMinimumHeight(math.ceil(need) + 2 * canvas.frameWidth())


def corner_title(plot: pg.PlotItem, text: str) -> pg.TextItem:
    """The plot's name inside its top-left corner, over a translucent background: a title row
    above each of a stack of short plots took the height their data needed."""
    colours = _style.theme()
    title = pg.TextItem(text, color=colours.foreground, anchor=(0, 0), fill=_style.brush(colours.background, 190))
    title.setParentItem(plot.getViewBox())   # fixed in the corner, not in data space
    title.setPos(2, 0)
    title.setZValue(_style.Z_HOVER)
    return title


def restyle_title(title: pg.TextItem) -> None:
    """A corner title in the current theme's colours."""
    colours = _style.theme()
    title.setColor(colours.foreground)
    title.fill = _style.brush(colours.background, 190)
    title.update()
