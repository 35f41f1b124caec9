"""The k-means feature cube (A, a, E) per window, with a window slider.

Points are the investors active in the chosen window, coloured by their (relabelled)
cluster; the rewarding corner is marked; selection, focus and hover are lifted overlay
layers; a click on a point asks for its investor. With OpenGL the cube is 3D and picked by
projection; without it (always on the offscreen platform) it shows three 2D projections
with the same interactions.
"""
from __future__ import annotations

import html
from functools import partial
from typing import Callable, Sequence

import numpy as np
import pandas as pd
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

from engine.packet.figures import PrintSubject, ReportFigure
from engine.viewdata.cube import CubeData
from views import _style
from views.cube_print import print_cube
from views._context import enable_context
from views._layout import stack, status_line
from views._weak import weak_callable
from views._hover import HoverOnChange
from views.base import BaseView, Selection, png_bytes, widget_png
from views.cube_2d import Cube2DCanvas
from views.cube_canvas import Overlay, WindowPoints, cluster_name, gl_available


def _make_canvas(describe, force_2d: bool) -> QWidget:
    """The 3D canvas when OpenGL works here, else the 2D projections."""
    if not force_2d and gl_available():
        from views.cube_gl import CubeGLCanvas
        return CubeGLCanvas(describe)
    return Cube2DCanvas(describe)


class CubeView(HoverOnChange, BaseView):
    """Feature cube with a window slider; 3D when OpenGL is available."""

    view_name = "cube"
    title = "Feature cube"
    default_area = "center"
    print_scopes = ("overview", "suspect")
    print_section = "kmeans"
    _data: CubeData | None

    def __init__(self, parent: QWidget | None = None, force_2d: bool = False) -> None:
        super().__init__(parent)
        self._window = 0
        self._points: WindowPoints | None = None
        self._hover = -1
        self.canvas = _make_canvas(weak_callable(self._describe), force_2d)
        self.canvas.signals.clicked.connect(self._on_clicked)
        self.canvas.signals.hovered.connect(self._on_hovered)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setMinimum(0)
        self.slider.setMaximum(0)
        self.slider.setMinimumWidth(120)
        self.slider.valueChanged.connect(self.show_window)
        self.window_label = status_line()
        self.legend = QLabel(" ")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        top = QHBoxLayout()
        top.addWidget(QLabel("Window"))
        top.addWidget(self.slider, 1)
        stack(self, top, self.window_label, (self.canvas, 1), self.legend)
        for p, panel in enumerate(getattr(self.canvas, "panels", ())):   # the 2D projections
            enable_context(self, panel, partial(weak_callable(self._context_at, (None, None, ())), p))

    def restyle(self) -> None:
        restyle = getattr(self.canvas, "restyle", None)
        if restyle is not None:
            restyle()

    @property
    def is_3d(self) -> bool:
        return bool(getattr(self.canvas, "is_gl", False))

    # -- data ---------------------------------------------------------------------------
    def data_parts(self, viewdata: CubeData) -> Sequence[Callable[[], None]]:
        """The legend, then the rest: the legend's new lines shrink the canvas, and the three
        panels laid out and painted again at their new size with their 27,000 points held one
        turn ~60 ms CPU at the reference scale (13 ms at a steady size)."""
        return (partial(self.legend.setText, self._legend_text(viewdata)), partial(self.set_data, viewdata))

    def set_data(self, viewdata: CubeData) -> None:
        self._data = viewdata
        self._index = pd.Index(viewdata.ids, dtype=object)
        last = max(viewdata.n_windows - 1, 0)
        self.slider.blockSignals(True)
        self.slider.setMaximum(last)
        self.slider.setValue(last)
        self.slider.blockSignals(False)
        self.legend.setText(self._legend_text(viewdata))
        self.show_window(last)

    def show_window(self, window: int) -> None:
        """Draw the investors active in ``window`` (the slider calls this)."""
        data = self._data
        if data is None or data.n_windows == 0:
            return
        self._window = int(window)
        pos = data.active(self._window)
        self._points = WindowPoints(pos=pos, xyz=data.coords[self._window, pos],
                                    labels=data.labels[self._window, pos], n_clusters=data.n_clusters,
                                    rewarding=data.rewarding_cluster, corner=data.corner)
        self.window_label.setText(f"{self._window + 1}/{data.n_windows}: "
                                  f"{data.window_start[self._window]} – {data.window_end[self._window]}"
                                  f"  ({pos.size:,} investors)")
        self._hover = -1
        self.canvas.set_points(self._points)
        self.apply_selection(self._selection)

    @staticmethod
    def _legend_text(data: CubeData) -> str:
        """Rich text: one coloured swatch per cluster (rewarding one bold), then the counts."""
        palette = _style.cluster_colours(data.n_clusters, data.rewarding_cluster)
        swatches = " ".join(
            f'<span style="color:{palette[k]}">&#9632;</span>'
            + (f"<b>{k}★</b>" if k == data.rewarding_cluster else str(k))
            for k in range(data.n_clusters))
        corner = ", ".join(f"{v:+.0f}" for v in data.corner)
        note = f"{html.escape(data.k_note)}<br>" if data.k_note else ""
        return (f"{note}Clusters: {swatches}<br>rewarding cluster {data.rewarding_cluster} (nearest ({corner})); "
                f"{int(data.suspect.sum())} suspects. Click a point to select its investor.")

    def clear(self) -> None:
        self._data = None
        self._points = None
        self._forget_ids()
        self._hover = -1
        self.slider.blockSignals(True)
        self.slider.setMaximum(0)
        self.slider.blockSignals(False)
        self.window_label.setText(" ")
        self.legend.setText(" ")
        self.canvas.clear_points()

    # -- selection and hover ------------------------------------------------------------
    def _window_index(self, positions: np.ndarray) -> np.ndarray:
        """Indices into the current window's points of view positions (-1 if inactive)."""
        pts = self._points
        out = np.full(positions.size, -1, dtype=np.int64)
        if pts is None or pts.pos.size == 0 or positions.size == 0:
            return out
        k = np.minimum(np.searchsorted(pts.pos, positions), pts.pos.size - 1)
        hit = (positions >= 0) & (pts.pos[k] == positions)
        out[hit] = k[hit]
        return out

    def apply_selection(self, selection: Selection) -> None:
        self._selection = selection
        if self._points is None:
            self._highlighted = frozenset()
            return
        ids = sorted(selection.ids)
        positions = self._id_positions(ids)
        in_window = self._window_index(positions)
        self._highlighted = frozenset(i for i, k in zip(ids, in_window) if k >= 0)
        focus = -1
        if selection.focus is not None:
            fpos = self._id_positions([selection.focus])
            focus = int(self._window_index(fpos)[0])
        self.canvas.set_overlay(Overlay(selected=in_window[in_window >= 0], focus=focus, hover=self._hover))

    def apply_hover(self, investor_id: str | None) -> None:
        pos = self._id_positions([investor_id]) if investor_id else np.array([-1])
        self._hover = int(self._window_index(pos)[0])
        self.apply_selection(self._selection)

    # -- interaction --------------------------------------------------------------------
    def _describe(self, position: int) -> str:
        data = self._data
        if data is None:
            return ""
        label = int(data.labels[self._window, position])
        a, m, e = data.coords[self._window, position]
        tag = "  suspect" if data.suspect[position] else ""
        return (f"{data.ids[position]}{tag}\n{cluster_name(label, data.rewarding_cluster)}\n"
                f"A {a:+.2f}  a {m:.2f}  E {e:+.2f}")

    def _context_at(self, panel: int, pos) -> tuple[str | None, None, tuple[str, ...]]:
        k = self.canvas.pick(panel, self.canvas.panels[panel].mapToScene(pos))
        return (str(self._data.ids[self._points.pos[k]]) if k >= 0 else None), None, ()

    def _on_clicked(self, position: int, modifiers) -> None:
        if self._data is None or position < 0:
            return
        investor = str(self._data.ids[position])
        self._request_click(investor, modifiers)

    def _on_hovered(self, position: int) -> None:
        if self._data is not None and position >= 0:
            self.emit_hover(str(self._data.ids[position]))

    def print_figure(self, prepared: CubeData | None, subject: PrintSubject) -> ReportFigure | None:
        """The last window's projections (overview) or the suspect's feature path, for paper."""
        return print_cube(prepared, subject)

    def snapshot(self) -> ReportFigure:
        data = self._data
        caption = "No k-means result."
        if data is not None and data.n_windows:
            caption = (f"Window {self._window + 1} of {data.n_windows} "
                       f"({data.window_start[self._window]} – {data.window_end[self._window]}): "
                       f"investors in (A, a, E), coloured by cluster; star = rewarding corner; "
                       f"{'3D view' if self.is_3d else 'projections A-a, A-E, a-E'}.")
        return ReportFigure(title="k-means feature cube", png=self._png(), caption=caption)

    def _png(self) -> bytes:
        """PNG of the view; in 3D the GL framebuffer is painted over the widget grab, which
        drops the GL canvas's QPainter text (axis names, corner label)."""
        if not self.is_3d:
            return widget_png(self)
        image = self.grab().toImage()
        gl_widget = self.canvas.gl
        painter = QPainter(image)
        painter.drawImage(QRect(gl_widget.mapTo(self, QPoint(0, 0)), gl_widget.size()),
                          gl_widget.grabFramebuffer())
        painter.end()
        return png_bytes(image)
