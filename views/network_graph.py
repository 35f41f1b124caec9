"""The drawable part of the network view: a GraphItem whose nodes can be dragged and clicked.

Dragging a node moves it and reports the move (the view pins it); when the layout is
locked, drags pan the view instead. Clicks are reported with the node index, so the view
can turn them into selection requests. Nearest-edge look-up for tooltips lives here too.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, Signal

from views import _style

MANY_EDGES = 5_000        # above this, edges are drawn without antialiasing


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


def edge_items(a: np.ndarray, b: np.ndarray, types: np.ndarray, faint: np.ndarray,
               widths: np.ndarray) -> list[pg.PlotCurveItem]:
    """One line item per (link type, faint, width) group of edges a[k]-b[k] (tens of thousands
    stay fast), coloured by link type; faint edges (FDR only, when both networks are drawn)
    pale; above MANY_EDGES, drawn without antialiasing."""
    items: list[pg.PlotCurveItem] = []
    many = types.size > MANY_EDGES
    names, type_code = np.unique(types, return_inverse=True)
    levels, width_code = np.unique(widths, return_inverse=True)
    n_levels = max(levels.size, 1)
    group = (type_code * 2 + faint.astype(np.int64)) * n_levels + width_code
    for key in np.unique(group):
        sel = group == key
        link_type, is_faint, width = names[key // n_levels // 2], bool(key // n_levels % 2), levels[key % n_levels]
        xy = np.empty((2 * int(sel.sum()), 2))
        xy[0::2], xy[1::2] = a[sel], b[sel]
        colour = _style.LINK_COLOURS.get(str(link_type), "#808080")
        item = pg.PlotCurveItem(xy[:, 0], xy[:, 1], connect="pairs", antialias=not many,
                                pen=_style.pen(colour, float(width), 90 if is_faint else 220))
        item.setSegmentedLineMode("on")  # drawLines: far faster than a path for pairs
        item.setZValue(_style.Z_BASE - 1)
        items.append(item)
    return items
