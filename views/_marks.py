"""A pyqtgraph scatter whose bounding rectangle is worked out once per change.

Qt asks an item for its bounding rectangle on every paint of its view and in every pass over
the scene's changed items; pyqtgraph's scatter computes it each time from its data bounds and
the view's pixel size (~40 µs of Python). A selection asked the cube's three panels alone
about 30 times for it. Here it is kept until the points, their sizes or the view's transform
change (pyqtgraph then calls ``prepareGeometryChange`` or re-measures the spots).
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF


class Marks(pg.ScatterPlotItem):
    """``pg.ScatterPlotItem`` with its bounding rectangle kept between changes."""

    _rect: tuple[float, float, QRectF] | None = None   # (spot px width, spot width, rectangle)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        spots = (self._maxSpotPxWidth, self._maxSpotWidth)
        kept = self._rect
        if kept is None or kept[:2] != spots:
            kept = self._rect = (*spots, super().boundingRect())
        return QRectF(kept[2])   # a copy: a caller changing it in place must not change the kept one

    def prepareGeometryChange(self) -> None:  # noqa: N802 (Qt API)
        self._rect = None
        super().prepareGeometryChange()
