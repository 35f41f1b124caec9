"""Figures drawn for paper (the views' print path): white page, words on every axis, a legend,
the screen's colours, no controls, drawn as PNG at 300 dpi for the width they are printed at.
``svg_bytes`` draws a widget as SVG (the figure-export menu's "Save figure as SVG").
"""
from __future__ import annotations

import re
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget

from engine.packet.figures import ReportFigure
from views import _style
from views.base import png_bytes

#: figure size in screen pixels at print size (a 174 mm column at ~150 px per inch)
PAGE_WIDTH = 1030
FIGURE_HEIGHT = 620
STRIP_HEIGHT = 300
PRINT_DPI = 300
_PNG_SCALE = PRINT_DPI / 150.0   # the PNG is drawn at this multiple of the widget size
_EMPTY_GROUP = re.compile(rb"<g [^>]*>\s*</g>\s*")   # Qt writes one per state change: weight only

#: widgets of figures being drawn; a parentless pyqtgraph widget collected by Python while
#: another one paints crashes Qt, so print figures are released together (``release``)
_KEEP: list[QWidget] = []


def keep(widget: QWidget) -> QWidget:
    """Hold ``widget`` until ``release``."""
    _KEEP.append(widget)
    return widget


def release() -> None:
    """Free the widgets of the figures drawn so far."""
    while _KEEP:
        _KEEP.pop().deleteLater()


def paper_plot(title: str, x_label: str, y_label: str, legend: bool = True) -> pg.PlotWidget:
    """A white plot with a title, axis labels in words and (optionally) a legend."""
    plot = keep(pg.PlotWidget(background="w"))
    plot.setCacheMode(pg.QtWidgets.QGraphicsView.CacheModeFlag.CacheNone)  # no bitmap under the vectors
    item = plot.getPlotItem()
    item.setMenuEnabled(False)
    item.hideButtons()
    item.setTitle(title, color="#202020", size="11pt")
    for side, text in (("bottom", x_label), ("left", y_label)):
        axis = item.getAxis(side)
        axis.setPen(pg.mkPen("#202020"))
        axis.setTextPen(pg.mkPen("#202020"))
        if text:
            item.setLabel(side, text, color="#202020")
    item.showGrid(x=True, y=True, alpha=_style.LIGHT.grid_alpha)
    if legend:
        item.addLegend(offset=(10, 10), labelTextColor="#202020", brush=pg.mkBrush(255, 255, 255, 220),
                       pen=pg.mkPen("#999999"))
    return plot


def legend_entry(plot: pg.PlotWidget, name: str, colour: str, symbol: str = "o", line: bool = False) -> None:
    """A legend entry for a colour used by items drawn without a name (scatter layers, edges)."""
    legend = plot.getPlotItem().legend
    if legend is None:
        return
    if line:
        sample = pg.PlotDataItem([0, 1], [0, 0], pen=pg.mkPen(colour, width=3))
    else:
        sample = pg.ScatterPlotItem([0], [0], symbol=symbol, size=9, brush=pg.mkBrush(colour),
                                    pen=pg.mkPen("#202020", width=0.5))
    legend.addItem(sample, name)


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
    items = _export_items(widget)
    for item in items:      # pyqtgraph draws symbols as vectors (not cached pixmaps) in export mode
        item.setExportMode(True, {"antialias": True})
    painter = QPainter(generator)
    try:
        QWidget.render(widget, painter, QPoint(0, 0))
    finally:
        painter.end()
        for item in items:
            item.setExportMode(False)
    buffer.close()
    return _EMPTY_GROUP.sub(b"", bytes(data.data()))


def _export_items(widget: QWidget) -> list[Any]:
    """The pyqtgraph items drawn by ``widget`` (and its child graphics views)."""
    views = [widget] if isinstance(widget, pg.GraphicsView) else []
    views += widget.findChildren(pg.GraphicsView)
    return [item for view in views for item in view.scene().items() if hasattr(item, "setExportMode")]


def png_300dpi(widget: QWidget) -> bytes:
    """``widget`` drawn at 300 dpi for its print size."""
    image = QImage(int(widget.width() * _PNG_SCALE), int(widget.height() * _PNG_SCALE),
                   QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    dots_per_metre = int(round(PRINT_DPI / 0.0254))
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    painter = QPainter(image)
    try:
        painter.scale(_PNG_SCALE, _PNG_SCALE)
        QWidget.render(widget, painter, QPoint(0, 0))
    finally:
        painter.end()
    return png_bytes(image)


def raster_figure(widget: QWidget, title: str, caption: str, height: int = FIGURE_HEIGHT) -> ReportFigure:
    """A figure printed as a 300 dpi image."""
    _sized(widget, height)
    return ReportFigure(title=title, png=png_300dpi(widget), caption=caption)

