"""Helpers for GUI tests: screen positions of view coordinates, pixel colours, clicks."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest


def widget_point(plot_widget, view_box, x: float, y: float) -> QPoint:
    """Viewport pixel of data point (x, y) in ``view_box`` of a pyqtgraph PlotWidget."""
    scene = view_box.mapViewToScene(QPointF(x, y))
    return plot_widget.mapFromScene(scene)


def click(plot_widget, point: QPoint, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A left click on the plot's viewport at ``point``."""
    QTest.mouseClick(plot_widget.viewport(), Qt.MouseButton.LeftButton, modifier, point)


def pixel(widget, point: QPoint) -> QColor:
    """Colour of the rendered widget at ``point`` (widget coordinates)."""
    image: QImage = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    dpr = image.devicePixelRatio()
    return image.pixelColor(int(point.x() * dpr), int(point.y() * dpr))


def shown(qtbot, view, size: tuple[int, int], data=None):
    """``view`` closed by qtbot after the test, resized, shown and exposed, with ``data`` set."""
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    if data is not None:
        view.set_data(data)
    return view


def placed_for_range(plot) -> bool:
    """The plot's items are already transformed for its view range (its viewbox's corners),
    without waiting for the next paint to apply the range."""
    box = plot.getViewBox()
    (xlo, xhi), (ylo, yhi) = box.viewRange()
    m = box.childGroup.transform()
    rect = box.rect()
    corners = [(m.map(QPointF(xlo, yhi)), rect.topLeft()), (m.map(QPointF(xhi, ylo)), rect.bottomRight())]
    return all(abs(a.x() - b.x()) < 1e-6 * max(1.0, rect.width())
               and abs(a.y() - b.y()) < 1e-6 * max(1.0, rect.height()) for a, b in corners)

