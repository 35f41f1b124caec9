"""The cube drawn as three 2D projections (A-a, A-E, a-E), for machines without OpenGL.

Same interactions as the 3D canvas: points coloured by cluster (the rewarding cluster drawn
last, on top), the rewarding corner starred, selection and focus as lifted overlay scatters,
click a point to ask for its investor, hover for a tooltip. Base points are a
``PointCloudItem`` and are picked with the same nearest-point maths as the 3D cube, so a
27,000-point window rebuilds fast.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QToolTip, QWidget

from engine.viewdata.cube import AXIS_NAMES
from views import _style
from views._marks import Marks
from views._plots import keep_pixels, new_plot
from views.cube_canvas import CanvasSignals, Overlay, WindowPoints
from views.point_cloud import PointCloudItem, pick_nearest

PAIRS: tuple[tuple[int, int], ...] = ((0, 1), (0, 2), (1, 2))
AXIS_RANGE: tuple[tuple[float, float], ...] = ((-1.05, 1.05), (-0.05, 1.05), (-1.05, 1.05))
PICK_RADIUS_PX = 6.0


def _one(k: int) -> np.ndarray:
    """A one-index array, or an empty one for -1."""
    return np.array([k]) if k >= 0 else np.zeros(0, np.int64)


class Cube2DCanvas(QWidget):
    """Three scatter panels of the (A, a, E) cube sharing the selection."""

    is_gl = False

    def __init__(self, describe: Callable[[int], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._describe = describe
        self.signals = CanvasSignals()
        self._points: WindowPoints | None = None
        self.panels: list[pg.PlotWidget] = []
        self._clouds: list[PointCloudItem] = []
        self._overlays: list[tuple[pg.ScatterPlotItem, pg.ScatterPlotItem, pg.ScatterPlotItem]] = []
        self._corners: list[pg.ScatterPlotItem] = []
        #: per overlay layer, the points and indices drawn (``set_overlay`` skips a layer that has them)
        self._drawn: list[tuple[WindowPoints | None, np.ndarray | None]] = [(None, None)] * 3
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for p, (i, j) in enumerate(PAIRS):
            plot = new_plot(xlabel=AXIS_NAMES[i], ylabel=AXIS_NAMES[j], grid=True)
            plot.setXRange(*AXIS_RANGE[i], padding=0)
            plot.setYRange(*AXIS_RANGE[j], padding=0)
            cloud = PointCloudItem(_style.SIZE_BASE, cached=True)
            cloud.setZValue(_style.Z_BASE)
            sel = self._overlay(_style.Z_SELECTED, _style.SIZE_SELECTED, pg.mkPen(None), _style.selected_brush())
            foc = self._overlay(_style.Z_FOCUS, _style.SIZE_FOCUS, _style.focus_pen(), pg.mkBrush(None))
            hov = self._overlay(_style.Z_HOVER, _style.SIZE_FOCUS, _style.hover_pen(), pg.mkBrush(None))
            corner = self._overlay(_style.Z_FOCUS, 22, _style.pen(_style.REWARDING, 2.0), pg.mkBrush(None), "star")
            keep_pixels(corner)   # the same star all result long: a selection's marks near it repainted it
            for item in (cloud, sel, foc, hov, corner):
                plot.addItem(item)
            plot.scene().sigMouseClicked.connect(lambda ev, p=p: self._on_click(p, ev))
            plot.scene().sigMouseMoved.connect(lambda pos, p=p: self._on_move(p, pos))
            self.panels.append(plot)
            self._clouds.append(cloud)
            self._overlays.append((sel, foc, hov))
            self._corners.append(corner)
            layout.addWidget(plot)

    @staticmethod
    def _overlay(z: float, size: float, pen, brush, symbol: str = "o") -> pg.ScatterPlotItem:
        item = Marks(size=size, pen=pen, brush=brush, symbol=symbol)
        item.setZValue(z)
        item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # picking is the canvas's job
        return item

    def set_points(self, points: WindowPoints) -> None:
        """Draw one window's points coloured by cluster; the rewarding cluster on top."""
        self._points = points
        k = max(points.n_clusters, int(points.labels.max()) + 1 if points.labels.size else 0)
        order = [c for c in range(k) if c != points.rewarding] + ([points.rewarding] if points.rewarding < k else [])
        draw_group = np.empty(max(k, 1), dtype=np.int64)
        draw_group[order] = np.arange(len(order))
        palette = _style.cluster_colours(k, points.rewarding)
        colours = [_style.qcolor(palette[c], 200) for c in order]
        for p, (i, j) in enumerate(PAIRS):
            self._clouds[p].set_points(points.xyz[:, i], points.xyz[:, j],
                                       draw_group[points.labels.astype(np.int64)], colours)
            self._corners[p].setData(x=[points.corner[i]], y=[points.corner[j]])

    def set_overlay(self, overlay: Overlay) -> None:
        """Redraw the selected, focus and hover layers that changed (a scatter's setData costs
        ~0.3 ms and a repaint even when it sets what is drawn, the empty hover of a selection)."""
        pts = self._points
        layers = (overlay.selected, _one(overlay.focus), _one(overlay.hover))
        for k, idx in enumerate(layers):
            drawn = self._drawn[k]
            if pts is drawn[0] and np.array_equal(idx, drawn[1]):
                continue
            self._drawn[k] = (pts, idx)
            for p, (i, j) in enumerate(PAIRS):
                item = self._overlays[p][k]
                if pts is None or idx.size == 0:
                    item.setData(x=[], y=[])
                else:
                    item.setData(x=pts.xyz[idx, i], y=pts.xyz[idx, j])

    def clear_points(self) -> None:
        """Remove every point."""
        self._points = None
        for p in range(len(PAIRS)):
            self._clouds[p].clear()
            self._corners[p].setData(x=[], y=[])
        self.set_overlay(Overlay(np.zeros(0, np.int64), -1, -1))

    def pick(self, panel: int, scene_pos) -> int:
        """Index into the current window's points under a scene position of ``panel``, or -1."""
        pts = self._points
        if pts is None:
            return -1
        i, j = PAIRS[panel]
        vb = self.panels[panel].getPlotItem().getViewBox()
        return pick_nearest(vb, scene_pos, pts.xyz[:, i].astype(np.float64), pts.xyz[:, j].astype(np.float64),
                            PICK_RADIUS_PX)

    def _on_click(self, panel: int, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or ev.double():
            return
        k = self.pick(panel, ev.scenePos())
        if k >= 0:
            ev.accept()
            self.signals.clicked.emit(int(self._points.pos[k]), ev.modifiers())

    def _on_move(self, panel: int, scene_pos) -> None:
        k = self.pick(panel, scene_pos)
        if k < 0:
            return
        position = int(self._points.pos[k])
        plot = self.panels[panel]
        QToolTip.showText(plot.mapToGlobal(plot.mapFromScene(scene_pos)), self._describe(position), plot)
        self.signals.hovered.emit(position)
