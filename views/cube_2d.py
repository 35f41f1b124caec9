"""The cube drawn as three 2D projections (A-a, A-E, a-E), for machines without OpenGL.

Same interactions as the 3D canvas: points coloured by cluster, the rewarding corner
starred, selection and focus drawn as lifted overlay scatters, click a point to ask for
its investor, hover for a tooltip.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QWidget

from engine.viewdata_cube import AXIS_NAMES
from views import _style
from views.cube_canvas import CanvasSignals, Overlay, WindowPoints, cluster_name

PAIRS: tuple[tuple[int, int], ...] = ((0, 1), (0, 2), (1, 2))
AXIS_RANGE: tuple[tuple[float, float], ...] = ((-1.05, 1.05), (-0.05, 1.05), (-1.05, 1.05))


class Cube2DCanvas(QWidget):
    """Three linked-by-selection scatter panels of the (A, a, E) cube."""

    is_gl = False

    def __init__(self, describe: Callable[[int], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._describe = describe
        self.signals = CanvasSignals()
        self._points: WindowPoints | None = None
        self.panels: list[pg.PlotWidget] = []
        self._cluster_items: list[list[pg.ScatterPlotItem]] = []
        self._overlays: list[tuple[pg.ScatterPlotItem, pg.ScatterPlotItem, pg.ScatterPlotItem]] = []
        self._corners: list[pg.ScatterPlotItem] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for (i, j) in PAIRS:
            plot = pg.PlotWidget()
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setLabel("bottom", AXIS_NAMES[i])
            plot.setLabel("left", AXIS_NAMES[j])
            plot.showGrid(x=True, y=True, alpha=_style.theme().grid_alpha)
            plot.setXRange(*AXIS_RANGE[i], padding=0)
            plot.setYRange(*AXIS_RANGE[j], padding=0)
            sel = self._scatter(_style.Z_SELECTED, _style.SIZE_SELECTED,
                                pen=pg.mkPen(None), brush=_style.selected_brush())
            foc = self._scatter(_style.Z_FOCUS, _style.SIZE_FOCUS, pen=_style.focus_pen(), brush=pg.mkBrush(None))
            hov = self._scatter(_style.Z_HOVER, _style.SIZE_FOCUS, pen=_style.hover_pen(), brush=pg.mkBrush(None))
            corner = pg.ScatterPlotItem(symbol="star", size=22, pen=_style.pen(_style.FOCUS, 1.5),
                                        brush=pg.mkBrush(None))
            corner.setZValue(_style.Z_FOCUS)
            corner.setAcceptedMouseButtons(pg.QtCore.Qt.MouseButton.NoButton)
            for it in (sel, foc, hov, corner):
                plot.addItem(it)
            self.panels.append(plot)
            self._overlays.append((sel, foc, hov))
            self._corners.append(corner)
            self._cluster_items.append([])
            layout.addWidget(plot)

    def _scatter(self, z: float, size: float, **kwargs) -> pg.ScatterPlotItem:
        item = pg.ScatterPlotItem(size=size, hoverable=True, tip=self._tip, **kwargs)
        item.setZValue(z)
        item.sigClicked.connect(self._on_clicked)
        item.sigHovered.connect(self._on_hovered)
        return item

    def _tip(self, x: float, y: float, data: int) -> str:
        if self._points is None:
            return ""
        return self._describe(int(self._points.pos[int(data)]))

    def set_points(self, points: WindowPoints) -> None:
        """Draw one window's points, one scatter per cluster (fast at 27k points)."""
        self._points = points
        for p, plot in enumerate(self.panels):
            for item in self._cluster_items[p]:
                plot.removeItem(item)
            self._cluster_items[p] = []
        idx_all = np.arange(points.pos.size)
        for label in range(points.n_clusters):
            members = idx_all[points.labels == label]
            if members.size == 0:
                continue
            colour = _style.category_colour(label)
            for p, (i, j) in enumerate(PAIRS):
                item = self._scatter(_style.Z_BASE + (1 if label == points.rewarding else 0), _style.SIZE_BASE,
                                     pen=pg.mkPen(None), brush=_style.brush(colour, 170),
                                     name=cluster_name(label, points.rewarding))
                item.setData(x=points.xyz[members, i], y=points.xyz[members, j], data=members)
                self.panels[p].addItem(item)
                self._cluster_items[p].append(item)
        for p, (i, j) in enumerate(PAIRS):
            self._corners[p].setData(x=[points.corner[i]], y=[points.corner[j]])

    def set_overlay(self, overlay: Overlay) -> None:
        """Redraw the selected, focus and hover layers."""
        pts = self._points
        for p, (i, j) in enumerate(PAIRS):
            sel, foc, hov = self._overlays[p]
            for item, idx in ((sel, overlay.selected),
                              (foc, np.array([overlay.focus]) if overlay.focus >= 0 else np.zeros(0, np.int64)),
                              (hov, np.array([overlay.hover]) if overlay.hover >= 0 else np.zeros(0, np.int64))):
                if pts is None or idx.size == 0:
                    item.setData(x=[], y=[])
                else:
                    item.setData(x=pts.xyz[idx, i], y=pts.xyz[idx, j], data=idx)

    def clear_points(self) -> None:
        """Remove every point."""
        self._points = None
        for p, plot in enumerate(self.panels):
            for item in self._cluster_items[p]:
                plot.removeItem(item)
            self._cluster_items[p] = []
            self._corners[p].setData(x=[], y=[])
        self.set_overlay(Overlay(np.zeros(0, np.int64), -1, -1))

    def _on_clicked(self, item, points, ev) -> None:
        if self._points is None or len(points) == 0:
            return
        ev.accept()
        self.signals.clicked.emit(int(self._points.pos[int(points[0].data())]), ev.modifiers())

    def _on_hovered(self, item, points, ev) -> None:
        if self._points is not None and len(points):
            self.signals.hovered.emit(int(self._points.pos[int(points[0].data())]))
