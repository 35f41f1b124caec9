"""The cube in 3D with OpenGL: a GLScatterPlotItem per layer, picking by projection.

OpenGL cannot read back which point is under the mouse cheaply, and cannot run at all on
the offscreen platform, so a click projects every point with the camera matrices
(views.cube_projection) and takes the nearest within a few pixels. Only built when
``gl_available()`` says a context can be made.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6.QtCore import QCoreApplication, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QResizeEvent
from pyqtgraph import Vector
from PySide6.QtWidgets import QToolTip, QWidget

from views.cube_projection import matrix_from_column_major, nearest_within, project_points
from engine.viewdata.cube import AXIS_NAMES
from views import _style
from views._layout import stack
from views.cube_canvas import CanvasSignals, Overlay, WindowPoints, cluster_rgba

PICK_RADIUS_PX = 6.0
CAMERA_DISTANCE = 4.2   # the whole box in view on a canvas of at least FIT_ASPECT height per width
FIT_ASPECT = 0.6
CLICK_SLOP_PX = 4.0


def _rgba(hex_colour: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    c = QColor(hex_colour)
    return (c.redF(), c.greenF(), c.blueF(), alpha)


def _cube_edges() -> np.ndarray:
    """Segments of the feature box [-1,1] x [0,1] x [-1,1]."""
    lo, hi = np.array([-1.0, 0.0, -1.0]), np.array([1.0, 1.0, 1.0])
    corners = np.array([[(hi if (k >> d) & 1 else lo)[d] for d in range(3)] for k in range(8)])
    pairs = [(a, b) for a in range(8) for b in range(a + 1, 8) if bin(a ^ b).count("1") == 1]
    return corners[np.array(pairs).ravel()]


def _forget_foreign_shaders() -> None:
    """Drop pyqtgraph's class-level shader programs unless GL contexts are shared.

    pyqtgraph 0.14 caches one compiled program per item class, valid only in the context
    that compiled it; a second GL view (e.g. after the first was closed) then fails with
    "glUseProgram: invalid value" and draws nothing. With Qt's AA_ShareOpenGLContexts set
    before the QApplication exists, programs are shared and the cache is safe to keep.
    """
    if QCoreApplication.testAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts):
        return
    for item_class in (gl.GLScatterPlotItem, gl.GLLinePlotItem):
        item_class._shaderProgram = None


def distance_factor(width: int, height: int) -> float:
    """How much farther the camera stands on a ``width`` x ``height`` canvas: the GL view's
    field of view is horizontal, so a wide, low canvas (a 1366 x 768 screen) cut the box's top."""
    return max(1.0, FIT_ASPECT * width / max(height, 1))


class CubeGLCanvas(QWidget):
    """GLViewWidget with base, selection, focus and hover layers and the rewarding corner."""

    is_gl = True

    def __init__(self, describe: Callable[[int], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _forget_foreign_shaders()
        self._describe = describe
        self.signals = CanvasSignals()
        self._points: WindowPoints | None = None
        self.gl = PickingGLView(self)
        self.gl.setBackgroundColor(_style.theme().background)
        self.gl.setCameraPosition(distance=CAMERA_DISTANCE, elevation=22, azimuth=-60)
        self.gl.opts["center"] = Vector(0.0, 0.5, 0.0)
        on_top = {GL.GL_DEPTH_TEST: False, GL.GL_BLEND: True,
                  "glBlendFuncSeparate": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA,
                                          GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA)}  # alpha stays 1
        self.base = gl.GLScatterPlotItem(glOptions="translucent", size=_style.SIZE_BASE, pxMode=True)
        self.selected = gl.GLScatterPlotItem(glOptions=on_top, size=_style.SIZE_SELECTED,
                                             color=_rgba(_style.SELECTED, 0.95))
        self.focus = gl.GLScatterPlotItem(glOptions=on_top, size=_style.SIZE_FOCUS,
                                          color=_rgba(_style.FOCUS, 1.0))
        self.hover = gl.GLScatterPlotItem(glOptions=on_top, size=_style.SIZE_FOCUS,
                                          color=_rgba(_style.HOVER, 1.0))
        self.corner = gl.GLScatterPlotItem(glOptions=on_top, size=18, color=_rgba(_style.REWARDING, 0.6))
        self.corner_label = gl.GLTextItem(text="rewarding corner", color=QColor(_style.REWARDING))
        self.box = box = gl.GLLinePlotItem(pos=_cube_edges(), mode="lines", color=_rgba(_style.theme().foreground, 0.5),
                                           glOptions="translucent")
        self.axis_labels = [gl.GLTextItem(pos=p, text=t, color=QColor(_style.theme().foreground))
                            for p, t in zip(([1.1, 0, -1], [-1, 1.1, -1], [-1, 0, 1.1]), AXIS_NAMES)]
        for depth, item in enumerate((box, self.base, self.corner, self.selected, self.focus, self.hover)):
            item.setDepthValue(depth)
            self.gl.addItem(item)
        for item in (self.corner_label, *self.axis_labels):  # QPainter text last: it resets GL state
            item.setDepthValue(100)
            self.gl.addItem(item)
        self.gl.released_at.connect(self._on_click)
        self.gl.moved_to.connect(self._on_move)
        stack(self, self.gl)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        """Keep the box in view at the new shape, and the investigator's zoom relative to it."""
        old, new = event.oldSize(), event.size()
        before = distance_factor(old.width(), old.height()) if old.isValid() else 1.0
        self.gl.opts["distance"] *= distance_factor(new.width(), new.height()) / before
        super().resizeEvent(event)

    def restyle(self) -> None:
        """Background, box and axis names in the current theme (they vanished on a dark switch)."""
        foreground = _style.theme().foreground
        self.gl.setBackgroundColor(_style.theme().background)
        self.box.setData(color=_rgba(foreground, 0.5))
        for label in self.axis_labels:
            label.setData(color=QColor(foreground))

    def set_points(self, points: WindowPoints) -> None:
        self._points = points
        self.base.setData(pos=points.xyz, color=cluster_rgba(points.labels, points.n_clusters, points.rewarding, 0.8))
        self.corner.setData(pos=points.corner.reshape(1, 3))
        self.corner_label.setData(pos=points.corner)

    def set_overlay(self, overlay: Overlay) -> None:
        xyz = self._points.xyz if self._points is not None else np.zeros((0, 3), np.float32)
        empty = np.zeros((0, 3), np.float32)
        self.selected.setData(pos=xyz[overlay.selected] if overlay.selected.size else empty)
        self.focus.setData(pos=xyz[[overlay.focus]] if overlay.focus >= 0 else empty)
        self.hover.setData(pos=xyz[[overlay.hover]] if overlay.hover >= 0 else empty)

    def clear_points(self) -> None:
        self._points = None
        empty = np.zeros((0, 3), np.float32)
        for item in (self.base, self.selected, self.focus, self.hover, self.corner):
            item.setData(pos=empty)

    # -- picking ------------------------------------------------------------------------
    def screen_positions(self) -> np.ndarray:
        """Widget-pixel positions of the current points (NaN when off camera)."""
        if self._points is None:
            return np.zeros((0, 2))
        viewport = self.gl.getViewport()
        mvp = self.gl.projectionMatrix(viewport, viewport) * self.gl.viewMatrix()
        screen, _ = project_points(self._points.xyz, matrix_from_column_major(mvp.data()),
                                   viewport[2], viewport[3])
        return screen * (self.gl.width() / max(viewport[2], 1))  # back to logical pixels

    def pick(self, pos: QPointF) -> int:
        """Index into the current window's points under widget position ``pos``, or -1."""
        return nearest_within(self.screen_positions(), pos.x(), pos.y(), PICK_RADIUS_PX)

    def _on_click(self, pos: QPointF, modifiers) -> None:
        k = self.pick(pos)
        self.signals.clicked.emit(int(self._points.pos[k]) if k >= 0 else -1, modifiers)

    def _on_move(self, pos: QPointF) -> None:
        k = self.pick(pos)
        if k >= 0:
            position = int(self._points.pos[k])
            QToolTip.showText(self.gl.mapToGlobal(pos.toPoint()), self._describe(position), self.gl)
            self.signals.hovered.emit(position)


class PickingGLView(gl.GLViewWidget):
    """GLViewWidget that reports clicks (press and release close together) and hovers."""

    released_at = Signal(QPointF, object)
    moved_to = Signal(QPointF)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self._press: QPointF | None = None

    def mousePressEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        self._press = ev.position()
        super().mousePressEvent(ev)

    def mouseMoveEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        if ev.buttons() == Qt.MouseButton.NoButton:
            self.moved_to.emit(ev.position())
            return
        super().mouseMoveEvent(ev)

    def mouseReleaseEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        start, self._press = self._press, None
        if (start is not None and ev.button() == Qt.MouseButton.LeftButton
                and (ev.position() - start).manhattanLength() <= CLICK_SLOP_PX):
            self.released_at.emit(ev.position(), ev.modifiers())
        super().mouseReleaseEvent(ev)
