"""The drawable part of the network view: a GraphItem whose nodes can be dragged and clicked.

Dragging a node moves it and reports the move (the view pins it); when the layout is
locked, drags pan the view instead. Clicks are reported with the node index, so the view
can turn them into selection requests. Nearest-edge look-up for tooltips lives here too.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, Signal


class GraphSignals(QObject):
    """``clicked(node index, modifiers)`` and ``moved(node index, x, y)``."""

    clicked = Signal(int, object)
    moved = Signal(int, float, float)


class DraggableGraph(pg.GraphItem):
    """GraphItem with draggable nodes (unless locked) and node clicks."""

    def __init__(self) -> None:
        super().__init__()
        self.signals = GraphSignals()
        self.locked = False
        self._pos = np.zeros((0, 2))
        self._drag: int | None = None
        self._offset = QPointF()
        self.scatter.sigClicked.connect(self.on_points_clicked)

    def setData(self, **kwds) -> None:  # noqa: N802 (pyqtgraph API)
        if "pos" in kwds:
            self._pos = np.asarray(kwds["pos"], dtype=np.float64).reshape(-1, 2)
        super().setData(**kwds)

    def on_points_clicked(self, _item, points, ev) -> None:
        """Report a click on node points (also wired to the view's overlay scatters)."""
        if len(points):
            ev.accept()
            self.signals.clicked.emit(int(points[0].data()), ev.modifiers())

    def mouseDragEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        if self.locked or ev.button() != pg.QtCore.Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        if ev.isStart():
            hits = self.scatter.pointsAt(ev.buttonDownPos())
            if len(hits) == 0:
                ev.ignore()
                return
            self._drag = int(hits[0].data())
            self._offset = QPointF(*self._pos[self._drag]) - ev.buttonDownPos()
        elif ev.isFinish():
            self._drag = None
            return
        elif self._drag is None:
            ev.ignore()
            return
        target = ev.pos() + self._offset
        ev.accept()
        self.signals.moved.emit(self._drag, float(target.x()), float(target.y()))


def nearest_segment(px: np.ndarray, a: np.ndarray, b: np.ndarray, radius: float) -> int:
    """Index of the segment (a[k], b[k]) nearest point ``px`` within ``radius``, or -1.

    All coordinates in the same (pixel) units; vectorised over segments.
    """
    if a.shape[0] == 0:
        return -1
    ab = b - a
    length2 = np.maximum((ab ** 2).sum(axis=1), 1e-12)
    t = np.clip(((px - a) * ab).sum(axis=1) / length2, 0.0, 1.0)
    closest = a + t[:, None] * ab
    d2 = ((closest - px) ** 2).sum(axis=1)
    k = int(np.argmin(d2))
    return k if d2[k] <= radius * radius else -1
