"""Figures drawn for paper (the views' print path): white page, words on every axis, a legend,
the screen's colours, no controls, drawn by Qt's PDF engine as one vector page (lines, axes and
text stay vector; images such as the raster keep their own pixels), which the packet places as is.
``svg_bytes`` draws a widget as SVG (the figure-export menu's "Save figure as SVG").
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPoint, QRect, QSize, QSizeF
from PySide6.QtGui import QPageSize, QPainter, QPaintDevice, QPdfWriter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QWidget

from engine.packet.figures import ReportFigure
from views import _style

#: figure size in screen pixels at print size (a 174 mm column at ~150 px per inch)
PAGE_WIDTH = 1030
FIGURE_HEIGHT = 620
STRIP_HEIGHT = 300
#: Qt resolves fonts at the screen's 96 dots per inch: the page is drawn at the same resolution,
#: so text keeps its on-screen size relative to the plot (one widget pixel = 0.75 point)
PDF_DPI = 96
_EMPTY_GROUP = re.compile(rb"<g [^>]*>\s*</g>\s*")   # Qt writes one per state change: weight only

#: widgets of figures being drawn; a parentless pyqtgraph widget collected by Python while
#: another one paints crashes Qt, so print figures are released together (``release``)
_KEEP: list[QWidget] = []


def keep(widget: QWidget) -> QWidget:
    """Hold ``widget`` until ``release``."""
    _KEEP.append(widget)
    return widget


def release() -> None:
    """Free the widgets of the figures drawn so far (and the reusable canvases)."""
    _REUSED.clear()
    while _KEEP:
        _KEEP.pop().deleteLater()


#: canvases a print module refills figure after figure (key -> its canvas object), until ``release``
_REUSED: dict[Any, Any] = {}


def reusable(key: Any, make: Callable[[], Any]) -> Any:
    """The object kept under ``key`` since the last ``release``, made by ``make`` the first time:
    plots whose axes, guides and legends are the same for every subject are built once."""
    if key not in _REUSED:
        _REUSED[key] = make()
    return _REUSED[key]


def paper_axes(item: pg.PlotItem, title: str, x_label: str, y_label: str) -> pg.PlotItem:
    """Style one plot for paper: dark axes and text, a title, axis labels in words, a light grid,
    no menu or buttons."""
    item.setMenuEnabled(False)
    item.hideButtons()
    if title:
        item.setTitle(title, color="#202020", size="11pt")
    for side, text in (("bottom", x_label), ("left", y_label)):
        axis = item.getAxis(side)
        axis.enableAutoSIPrefix(False)     # numbers as they are (and no label rewrite at every range change)
        axis.setPen(pg.mkPen("#202020"))
        axis.setTextPen(pg.mkPen("#202020"))
        if text:
            item.setLabel(side, text, color="#202020")
    item.showGrid(x=True, y=True, alpha=_style.LIGHT.grid_alpha)
    return item


def paper_legend(item: pg.PlotItem) -> None:
    """A legend on white, framed, in the top left corner of ``item``."""
    item.addLegend(offset=(10, 10), labelTextColor="#202020", brush=pg.mkBrush(255, 255, 255, 220),
                   pen=pg.mkPen("#999999"))


def paper_canvas() -> pg.GraphicsLayoutWidget:
    """A white canvas for several plots (rows or columns of ``paper_axes`` plots)."""
    canvas = keep(pg.GraphicsLayoutWidget())
    canvas.setBackground("w")
    return canvas


def paper_plot(title: str, x_label: str, y_label: str, legend: bool = True,
               axis_items: dict[str, pg.AxisItem] | None = None) -> pg.PlotWidget:
    """A white plot with a title, axis labels in words and (optionally) a legend."""
    plot = keep(pg.PlotWidget(background="w", axisItems=axis_items, enableMenu=False))
    item = paper_axes(plot.getPlotItem(), title, x_label, y_label)
    if legend:
        paper_legend(item)
    return plot


def legend_entry(plot: pg.PlotWidget | pg.PlotItem, name: str, colour: str, symbol: str = "o",
                 line: bool = False) -> None:
    """A legend entry for a colour used by items drawn without a name (scatter layers, edges)."""
    legend = (plot.getPlotItem() if isinstance(plot, pg.PlotWidget) else plot).legend
    if legend is None:
        return
    style = (colour, symbol, line)
    if style not in _SAMPLES:    # the legend only reads a sample's pen, brush and symbol: made once
        _SAMPLES[style] = pg.PlotDataItem([0, 1], [0, 0], pen=pg.mkPen(colour, width=3)) if line else \
            pg.ScatterPlotItem([0], [0], symbol=symbol, size=9, brush=pg.mkBrush(colour),
                               pen=pg.mkPen("#202020", width=0.5))
    legend.addItem(_SAMPLES[style], name)


#: legend samples by (colour, symbol, line); never drawn themselves, kept for the process
_SAMPLES: dict[tuple[str, str, bool], pg.GraphicsObject] = {}


def _sized(widget: QWidget, height: int) -> QSize:
    widget.resize(PAGE_WIDTH, height)
    widget.ensurePolished()
    if hasattr(widget, "getPlotItem"):
        widget.getPlotItem().update()
    return QSize(PAGE_WIDTH, height)


def svg_bytes(widget: QWidget, title: str) -> bytes:
    """``widget`` drawn into an SVG document (vector where it paints vectors)."""
    size = widget.size() if widget.width() > 0 and widget.height() > 0 else QSize(800, 600)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(size)
    generator.setViewBox(QRect(QPoint(0, 0), size))
    generator.setTitle(title)
    generator.setDescription("Insider-trading workbench figure")
    _paint(widget, generator)
    buffer.close()
    return _EMPTY_GROUP.sub(b"", bytes(data.data()))


@contextmanager
def _export_mode(widget: QWidget) -> Iterator[None]:
    """pyqtgraph draws symbols as vector paths (not cached pixmaps) while its items export, and
    images are written losslessly (Qt's PDF engine would otherwise JPEG a raster's cells); no
    background cache, which would put a page-sized bitmap under the vectors, and no item cache
    (cached axes would be written as their pixels)."""
    views = _graphics_views(widget)
    items = [item for view in views for item in view.scene().items() if hasattr(item, "setExportMode")]
    for item in items:
        item.setExportMode(True, {"antialias": True})
    cached = [(item, item.cacheMode()) for view in views for item in view.scene().items()
              if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    for item, _mode in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)     # drawn as vectors, not its cached pixels
    caches = [view.cacheMode() for view in views]
    for view in views:
        view.setRenderHint(QPainter.RenderHint.LosslessImageRendering, True)
        view.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)    # no page-sized bitmap of the background
    try:
        yield
    finally:
        for item in items:
            item.setExportMode(False)
        for item, mode in cached:
            item.setCacheMode(mode)
        for view, cache in zip(views, caches):
            view.setRenderHint(QPainter.RenderHint.LosslessImageRendering, False)
            view.setCacheMode(cache)


def _paint(widget: QWidget, device: QPaintDevice) -> None:
    """Draw ``widget`` onto ``device`` in export mode."""
    with _export_mode(widget):
        painter = QPainter(device)
        try:
            QWidget.render(widget, painter, QPoint(0, 0))
        finally:
            painter.end()


def _graphics_views(widget: QWidget) -> list[pg.GraphicsView]:
    """``widget`` itself when a pyqtgraph view, and its child pyqtgraph views."""
    views = [widget] if isinstance(widget, pg.GraphicsView) else []
    return views + widget.findChildren(pg.GraphicsView)


def pdf_page(widget: QWidget) -> bytes:
    """``widget`` drawn by Qt's PDF engine as one vector page of its size (its pens, cosmetic or
    not, and its clipping as on screen; text as text in an embedded font subset)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_DPI)
    points = 72.0 / PDF_DPI
    writer.setPageSize(QPageSize(QSizeF(widget.width() * points, widget.height() * points), QPageSize.Unit.Point))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    _paint(widget, writer)
    buffer.close()
    return bytes(data.data())


def paper_figure(widget: QWidget, title: str, caption: str, height: int = FIGURE_HEIGHT) -> ReportFigure:
    """A print figure: ``widget`` laid out at print size and drawn as a vector page."""
    _sized(widget, height)
    return ReportFigure(title=title, pdf=pdf_page(widget), caption=caption)
