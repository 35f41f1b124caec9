"""A fast scatter for tens of thousands of points: one sprite per colour, one draw call.

pyqtgraph's ScatterPlotItem builds a style key per point (about 15 µs each), so a
27,000-point cube projection took half a second to rebuild. Here every point of a colour
group shares one pre-rendered round sprite, and painting maps all points with the
painter's transform in numpy and hands Qt a single pixmap-fragment array (the technique
ScatterPlotItem uses internally for painting, without its per-point styling). A group has
one colour and one size, so a few size levels times a few colour bins stay a small atlas.
Picking is the owner's job: ``pick_nearest`` (nearest point in pixels, the cube's maths).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QGraphicsItem

from pyqtgraph.Qt import internals

from views.cube_projection import nearest_within

SYMBOLS = ("o", "s")   # round or square sprites


def pick_nearest(vb: pg.ViewBox, scene_pos, x: np.ndarray, y: np.ndarray, radius_px: float) -> int:
    """Index of the point (x, y) nearest a scene position within ``radius_px`` pixels, or -1."""
    if x.size == 0 or not vb.sceneBoundingRect().contains(scene_pos):
        return -1
    sx, sy = vb.viewPixelSize()
    at = vb.mapSceneToView(scene_pos)
    return nearest_within(np.column_stack((x / sx, y / sy)), at.x() / sx, at.y() / sy, radius_px)


class PointCloudItem(pg.GraphicsObject):
    """Round (or square) points with a colour and pixel size per group; not clickable itself."""

    def __init__(self, size: float, symbol: str = "o", cached: bool = False) -> None:
        """``cached``: a base layer under overlays that change with every selection keeps its
        pixels (Qt's device-coordinate cache), so a selection repaints a blit, not every point;
        the cache is redrawn when the points or the view's scale change."""
        super().__init__()
        if cached:
            self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        if symbol not in SYMBOLS:
            raise ValueError(f"symbol must be one of {SYMBOLS}, not {symbol!r}")
        self._size = float(size)
        self._symbol = symbol
        self._sizes: list[float] = []
        self._xy = np.zeros((2, 0))
        self._sprite = np.zeros(0, dtype=np.int64)
        self._colours: list[QColor] = []
        self._atlas: QPixmap | None = None
        self._atlas_dpr = 0.0
        self._bounds = QRectF()
        self._fragments = internals.PrimitiveArray(QPainter.PixmapFragment, 10)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_points(self, x: np.ndarray, y: np.ndarray, group: np.ndarray, colours: list[QColor],
                   sizes: list[float] | None = None) -> None:
        """Points (x, y) drawn with ``colours[group[k]]`` at ``sizes[group[k]]`` pixels (default:
        the item's size); higher groups are drawn on top."""
        self.prepareGeometryChange()
        self._sizes = [float(v) for v in sizes] if sizes is not None else [self._size] * len(colours)
        order = np.argsort(np.asarray(group), kind="stable")
        self._xy = np.vstack((np.asarray(x, np.float64)[order], np.asarray(y, np.float64)[order]))
        self._sprite = np.asarray(group, dtype=np.int64)[order]
        self._colours = list(colours)
        self._atlas = None
        finite = np.isfinite(self._xy).all(axis=0)
        self._bounds = (QRectF(QPointF(*self._xy[:, finite].min(axis=1)), QPointF(*self._xy[:, finite].max(axis=1)))
                        if finite.any() else QRectF())
        self.informViewBoundsChanged()  # lets an auto-ranging ViewBox follow the data
        self.update()

    def clear(self) -> None:
        self.set_points(np.zeros(0), np.zeros(0), np.zeros(0, np.int64), [])

    def _largest(self) -> float:
        return max(self._sizes, default=self._size)

    def _side(self, dpr: float) -> int:
        """Atlas cell width in device pixels (every sprite centred in its cell)."""
        return int(np.ceil(self._largest() * dpr)) + 2

    def _make_atlas(self, dpr: float) -> QPixmap:
        """One antialiased sprite per group, side by side, at device resolution."""
        side = self._side(dpr)
        atlas = QPixmap(side * max(len(self._colours), 1), side)
        atlas.fill(Qt.GlobalColor.transparent)
        painter = QPainter(atlas)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        draw = painter.drawEllipse if self._symbol == "o" else painter.drawRect
        for k, (colour, size) in enumerate(zip(self._colours, self._sizes)):
            painter.setBrush(colour)
            d = size * dpr
            draw(QRectF(k * side + (side - d) / 2.0, (side - d) / 2.0, d, d))
        painter.end()
        self._atlas_dpr = dpr
        return atlas

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        px = self.pixelLength(pg.Point(1, 0)) or 0.0
        py = self.pixelLength(pg.Point(0, 1)) or 0.0
        size = self._largest()
        return self._bounds.adjusted(-px * size, -py * size, px * size, py * size)

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange=None):  # noqa: N802 (pyqtgraph API)
        if self._bounds.isNull():
            return None
        return ((self._bounds.left(), self._bounds.right()) if axis == 0
                else (self._bounds.top(), self._bounds.bottom()))

    def paint(self, painter, option, widget=None) -> None:
        if self._xy.shape[1] == 0:
            return
        dpr = widget.devicePixelRatioF() if widget is not None else 1.0
        if self._atlas is None or dpr != self._atlas_dpr:
            self._atlas = self._make_atlas(dpr)
        finite = np.isfinite(self._xy).all(axis=0)
        pts = pg.functions.transformCoordinates(painter.transform(), self._xy[:, finite])
        pts = np.clip(pts, -2.0 ** 30, 2.0 ** 30)
        side = self._side(dpr)
        self._fragments.resize(pts.shape[1])
        frags = self._fragments.ndarray()
        frags[:, 0:2] = pts.T
        frags[:, 2] = self._sprite[finite] * side
        frags[:, 3] = 0.0
        frags[:, 4:6] = side
        frags[:, 6:10] = [1.0 / dpr, 1.0 / dpr, 0.0, 1.0]
        painter.resetTransform()
        painter.drawPixmapFragments(*self._fragments.drawargs(), self._atlas)
