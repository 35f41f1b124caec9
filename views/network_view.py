"""Neighbourhood exploration of the validated networks (paper §3.3): seeds, neighbours, expansion.

Nodes are the explored investors (coloured by directionality over the reference period,
suspects outlined), edges the validated pairs coloured by their strongest diagonal link
type; a switch shows the Bonferroni network, the FDR network or both (FDR-only edges faint).
Clicking a node asks to select and expand it. Positions come from views.graph_layout, so
nodes already on screen never jump; nodes can be dragged (which pins them), pinned nodes
never move, and the layout can be locked.

The graph is rebuilt only when the data or the exploration changes. A selection only moves
the overlay marks; a focus not drawn yet is previewed (its first neighbours, faint, with
dashed edges) by an overlay computed on the next event-loop turn, never inside the
selection slot, so a burst of selections costs one preview.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QToolTip, QWidget

from engine.packet.figures import PrintSubject, ReportFigure
from views.graph_layout import Layout, empty_layout, extend_layout, relax_layout
from engine.viewdata.prepare import NetworkPrepared
from engine.viewdata.network import (NETWORK_BITS, ROLE_NEIGHBOUR, ROLE_SEED, NetworkContext, NetworkData,
                                     NetworkPreview, edge_text, network_data, preview)
from views import _style
from views._context import enable_context
from views.network_print import print_network
from views._hover import HoverOnChange
from views._layout import one_line, stack, status_line
from views._plots import new_plot
from views.base import BaseView, Selection, widget_png
from views.link_chart import LinkChartMixin
from views.network_graph import DraggableGraph, nearest_segment

NETWORK_CHOICES: tuple[tuple[str, int], ...] = (("Bonferroni", 1), ("FDR", 2), ("Both", 3))
ROLE_SIZE = {ROLE_SEED: 18.0, 2: 14.0, ROLE_NEIGHBOUR: 10.0}
NO_DIRECTION = "#9A9A9A"
EDGE_HOVER_PX = 5.0
LAYOUT_SEED = 0
TIDY_ITERATIONS = 60
MANY_EDGES = 5_000        # above this, edges are drawn thin and without antialiasing
EMPTY_HINT = ("Nothing explored yet: select an investor (Suspects, cube, raster, triage) or a ring (Rings) "
              "to see its neighbours in the validated network; click a node to expand it.")


class NetworkView(LinkChartMixin, HoverOnChange, BaseView):
    """GraphItem of the explored neighbourhood, with network switch, pinning and lock."""

    view_name = "network"
    title = "Neighbourhood network"
    default_area = "right"
    #: (document key, value, audit action, audit details): annotations to save in the case
    document_changed = Signal(str, object, str, dict)
    print_scopes = ("suspect", "ring")
    _data: NetworkData | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context: NetworkContext | None = None
        self._exploration = None
        self._preview: NetworkPreview | None = None
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(0)
        self._preview_timer.timeout.connect(self._update_preview)
        self._layout: Layout = empty_layout()
        self._pinned: set[str] = set()
        self._visible = np.zeros(0, dtype=np.int64)      # node indices drawn now
        self._edges = np.zeros(0, dtype=np.int64)        # edge indices drawn now
        self.plot = new_plot(hide_axes=True)
        self.plot.setAspectLocked(True)
        self.vb = self.plot.getPlotItem().getViewBox()
        self.graph = DraggableGraph()
        self.graph.setZValue(_style.Z_BASE)
        self.selected_marks = self._overlay(_style.Z_SELECTED, _style.selected_pen())
        self.focus_mark = self._overlay(_style.Z_FOCUS, _style.focus_pen())
        self.hover_mark = self._overlay(_style.Z_HOVER, _style.hover_pen())
        self.plot.addItem(self.graph)
        self.preview_nodes = self._overlay(_style.Z_BASE + 1, _style.pen(_style.theme().foreground, 0.8, 120))
        self.preview_edges = pg.PlotCurveItem(connect="pairs", pen=self._preview_pen())
        self.preview_edges.setZValue(_style.Z_BASE - 1)
        self.plot.addItem(self.preview_edges)
        self._labels: list[pg.TextItem] = []
        self._edge_items: list[pg.PlotCurveItem] = []
        self.graph.signals.clicked.connect(self._on_node_clicked)
        self.graph.signals.moved.connect(self._on_node_moved)
        self.network_box = QComboBox()
        for name, _bits in NETWORK_CHOICES:
            self.network_box.addItem(name)
        self.network_box.currentIndexChanged.connect(self._on_network_changed)
        self.pin_button = QPushButton("Pin selected")
        self.pin_button.setToolTip("Pinned nodes (squares) never move; click again to unpin")
        self.pin_button.clicked.connect(self.toggle_pin_selected)
        self.lock_box = QCheckBox("Lock layout")
        self.lock_box.toggled.connect(self._on_lock)
        self.tidy_button = QPushButton("Tidy layout")
        self.tidy_button.clicked.connect(self.tidy)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {_style.theme().warning_text}")
        self.status = status_line()
        self.hint = QLabel(EMPTY_HINT)
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bar = QHBoxLayout()
        for w in (QLabel("Network"), self.network_box, self.pin_button, self.lock_box, self.tidy_button):
            bar.addWidget(w)
        bar.addStretch(1)
        self._period = None                              # brushed (first, last) day, or None
        self._period_mask = np.zeros(0, dtype=bool)      # drawn edges with a co-occurrence in it
        chart_bar = self._init_link_chart()
        stack(self, bar, chart_bar, self.legend, self.message, self.hint, (self.plot, 1), self.status)
        self.plot.scene().sigMouseMoved.connect(self._on_move)
        enable_context(self, self.plot, self._context_at)
        self.clear()

    def _overlay(self, z: float, pen) -> pg.ScatterPlotItem:
        """A scatter over the graph whose points carry investor ids (clicks select them)."""
        item = pg.ScatterPlotItem(pen=pen, brush=pg.mkBrush(None), pxMode=True)
        item.setZValue(z)
        item.sigClicked.connect(self._on_overlay_clicked)
        self.plot.addItem(item)
        return item

    @staticmethod
    def _preview_pen():
        p = _style.pen(_style.theme().foreground, 1.0, 140)
        p.setStyle(Qt.PenStyle.DashLine)
        return p

    # -- data ---------------------------------------------------------------------------
    def set_data(self, viewdata: NetworkPrepared) -> None:
        self._context = viewdata.context
        self._exploration = viewdata.exploration
        self._layout = empty_layout()
        self._pinned = set()
        self._preview = None
        self._reset_link_chart()
        correction = viewdata.context.svn.correction
        self.network_box.blockSignals(True)
        self.network_box.setCurrentIndex(1 if correction == "fdr" else 0)
        self.network_box.blockSignals(False)
        self._show(viewdata.data)
        self.vb.autoRange(padding=0.1)

    def restyle(self) -> None:
        self.message.setStyleSheet(f"color: {_style.theme().warning_text}")
        self._redraw()

    def apply_exploration(self, exploration) -> None:
        """The investigator expanded (or reset) the exploration: redraw, old nodes stay put."""
        if self._context is None:
            return
        self._exploration = exploration
        self._rebuild()

    def _rebuild(self) -> None:
        self._show(network_data(self._context, self._exploration))

    def _show(self, data: NetworkData) -> None:
        data = self._chart_data(data)
        self._data = data
        self._index = pd.Index(data.node_ids, dtype=object)
        parents = {str(n): str(p) for n, p in zip(data.node_ids, data.node_parent) if p}
        known = len(self._layout.ids)
        self._layout = extend_layout(self._layout, data.node_ids, parents, seed=LAYOUT_SEED)
        self.message.setText("\n".join(data.messages))
        self.message.setVisible(bool(data.messages))
        self._preview = None
        self._redraw()
        if len(self._layout.ids) > known and not self._all_in_view(self._positions(self._visible)):
            self.vb.autoRange(padding=0.1)  # new nodes off screen: zoom out to show them
        self._update_preview()

    def _all_in_view(self, xy: np.ndarray) -> bool:
        rect = self.vb.viewRect()
        return bool(np.all((xy[:, 0] >= rect.left()) & (xy[:, 0] <= rect.right())
                           & (xy[:, 1] >= rect.top()) & (xy[:, 1] <= rect.bottom())))

    def _positions(self, node_idx: np.ndarray) -> np.ndarray:
        """Layout positions of node indices of the current data."""
        return self._xy_of(self._data.node_ids[node_idx])

    def _xy_of(self, ids: np.ndarray) -> np.ndarray:
        """Layout positions of investor ids (drawn or previewed)."""
        lay = pd.Index(self._layout.ids, dtype=object)
        return self._layout.xy[lay.get_indexer(pd.Index(ids, dtype=object))].reshape(-1, 2)

    def _on_network_changed(self, _index: int) -> None:
        self._redraw()

    def network_bits(self) -> int:
        return NETWORK_CHOICES[self.network_box.currentIndex()][1]

    def _redraw(self) -> None:
        data = self._data
        for item in self._labels + self._edge_items:
            self.plot.removeItem(item)
        self._labels, self._edge_items = [], []
        if data is None:
            self.graph.setData(pos=np.zeros((0, 2)), adj=None)
            self._visible = np.zeros(0, dtype=np.int64)
            self._edges = np.zeros(0, dtype=np.int64)
            self._update_hint()
            return
        bits = self.network_bits()
        self._visible = np.flatnonzero(data.node_networks & bits)
        self._edges = np.flatnonzero(data.edge_networks & bits)
        if self._period is not None:
            self._edges = self._edges[self._period_mask[self._edges]]
        self.graph.setData(pos=self._positions(self._visible), adj=None, size=self._sizes(self._visible),
                           symbol=["s" if data.node_ids[k] in self._pinned else "o" for k in self._visible],
                           symbolBrush=self._brushes(self._visible), symbolPen=self._node_pens(self._visible),
                           data=self._visible, pxMode=True)
        self._draw_edges(bits)
        for k in self._label_indices():
            label = pg.TextItem(str(data.node_ids[k]), color=_style.theme().foreground, anchor=(0.5, 1.6),
                                fill=_style.brush(_style.theme().background, 190))  # readable over edges
            label.setPos(*self._positions(np.array([k]))[0])
            label.setZValue(_style.Z_FOCUS)
            self.plot.addItem(label)
            self._labels.append(label)
        self._draw_annotations()
        self._draw_preview()

    def _update_hint(self) -> None:
        """Say what to do when nothing is drawn (a blank plot after an analysis puzzled newcomers)."""
        if self._context is None:
            self.hint.setText("No analysis yet.")
        else:
            self.hint.setText(EMPTY_HINT)
        self.hint.setVisible(not self.shown_ids())

    def _draw_edges(self, bits: int) -> None:
        """One line item per (link type, faint, width) group: tens of thousands of edges stay fast.

        In "Both", edges validated only by FDR are faint.
        """
        data = self._data
        a = self._positions(data.edge_a[self._edges])
        b = self._positions(data.edge_b[self._edges])
        faint = (bits == 3) & ((data.edge_networks[self._edges] & NETWORK_BITS["bonferroni"]) == 0)
        types = data.edge_type[self._edges].astype(str)
        widths = self._edge_widths(self._edges, 1.5 if self._edges.size <= MANY_EDGES else 1.0)
        names, type_code = np.unique(types, return_inverse=True)
        levels, width_code = np.unique(widths, return_inverse=True)
        n_levels = max(levels.size, 1)
        group = (type_code * 2 + faint) * n_levels + width_code
        for key in np.unique(group):
            sel = group == key
            link_type, is_faint = names[key // n_levels // 2], bool(key // n_levels % 2)
            xy = np.empty((2 * int(sel.sum()), 2))
            xy[0::2], xy[1::2] = a[sel], b[sel]
            colour = _style.LINK_COLOURS.get(str(link_type), "#808080")
            item = pg.PlotCurveItem(xy[:, 0], xy[:, 1], connect="pairs",
                                    pen=_style.pen(colour, float(levels[key % n_levels]), 90 if is_faint else 220),
                                    antialias=self._edges.size <= MANY_EDGES)
            item.setSegmentedLineMode("on")  # drawLines: far faster than a path for pairs
            item.setZValue(_style.Z_BASE - 1)
            self.plot.addItem(item)
            self._edge_items.append(item)

    def _sizes(self, idx: np.ndarray) -> np.ndarray:
        return np.array([ROLE_SIZE.get(int(r), 10.0) for r in self._data.node_role[idx]])

    def _brushes(self, idx: np.ndarray) -> list:
        r = self._data.node_direction[idx]
        return [_style.brush(NO_DIRECTION) if not np.isfinite(v) else pg.mkBrush(_style.direction_colour(v))
                for v in r]

    def _node_pens(self, idx: np.ndarray) -> list:
        return [_style.pen(_style.theme().suspect, 2.5) if s else _style.pen(_style.theme().foreground, 0.8, 160)
                for s in self._data.node_suspect[idx]]

    def clear(self) -> None:
        self._context = None
        self._exploration = None
        self._preview = None
        self._data = None
        self._forget_ids()
        self._layout = empty_layout()
        self._pinned = set()
        self.message.setVisible(False)
        self.status.setText(" ")
        self._redraw()
        for item in (self.selected_marks, self.focus_mark, self.hover_mark, self.preview_nodes):
            item.setData(x=[], y=[])
        self.preview_edges.setData(x=[], y=[])

    # -- selection, preview, hover, pinning -------------------------------------------
    def apply_selection(self, selection: Selection) -> None:
        """Move the marks; a new focus schedules its preview (never a rebuild)."""
        previous_focus = self._selection.focus
        self._selection = selection
        if selection.focus != previous_focus:
            self._preview_timer.start()
        if self.labels_follow_selection():
            self._redraw()
        self._draw_marks()

    def _drawn_ids(self) -> frozenset[str]:
        """Investors of the explored graph drawn in the chosen network."""
        return frozenset() if self._data is None else frozenset(self._data.node_ids[self._visible])

    def shown_ids(self) -> frozenset[str]:
        """Investors on screen: the explored graph plus the focus preview."""
        previewed = self._previewed()
        return self._drawn_ids() | frozenset(previewed[0]) if previewed is not None else self._drawn_ids()

    def _update_preview(self) -> None:
        """Preview the focus when it is not drawn yet (placed beside the graph; no rebuild)."""
        self._preview_timer.stop()
        if self._context is None:
            return
        self._preview = preview(self._context, self._drawn_ids(), self._selection.focus)
        if self._preview is not None:
            focus = self._preview.focus
            self._layout = extend_layout(self._layout, self._preview.node_ids,
                                         {str(n): focus for n in self._preview.node_ids if n != focus},
                                         seed=LAYOUT_SEED)
        self._draw_preview()
        previewed = self._previewed()
        if previewed is not None and not self._all_in_view(self._xy_of(previewed[0])):
            self.vb.autoRange(padding=0.1)  # the previewed focus is brought on screen

    def _previewed(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(new node ids, neighbour ids of drawn focus edges) of the preview in the chosen network."""
        pv = self._preview
        if pv is None:
            return None
        bits = self.network_bits()
        return pv.node_ids[(pv.node_networks & bits) > 0], pv.edge_other[(pv.edge_networks & bits) > 0]

    def _draw_preview(self) -> None:
        previewed = self._previewed()
        if previewed is None:
            self.preview_nodes.setData(x=[], y=[])
            self.preview_edges.setData(x=[], y=[])
        else:
            nodes, others = previewed
            xy = self._xy_of(nodes)
            focus = self._preview.focus
            self.preview_nodes.setData(x=xy[:, 0], y=xy[:, 1], data=list(nodes),
                                       size=[ROLE_SIZE[ROLE_SEED] if n == focus else ROLE_SIZE[ROLE_NEIGHBOUR]
                                             for n in nodes],
                                       brush=_style.brush(NO_DIRECTION, 110))
            pairs = np.empty((2 * others.size, 2))
            pairs[0::2] = self._xy_of(np.array([focus], dtype=object))
            pairs[1::2] = self._xy_of(others)
            self.preview_edges.setData(pairs[:, 0], pairs[:, 1], connect="pairs")
        self._draw_marks()
        self._update_hint()

    def _draw_marks(self) -> None:
        selection = self._selection
        shown = self.shown_ids()
        self._draw_overlay(self.selected_marks, sorted(selection.ids & shown), 8.0)
        focus = [selection.focus] if selection.focus in shown else []
        self._draw_overlay(self.focus_mark, focus, 12.0)
        self._highlighted = frozenset(selection.ids & shown)

    def _id_sizes(self, ids: list[str]) -> np.ndarray:
        """Node sizes of drawn or previewed ids (by role; a previewed focus as a seed)."""
        k = self._id_positions(ids)
        drawn = np.array([ROLE_SIZE.get(int(self._data.node_role[j]), 10.0) for j in k[k >= 0]])
        out = np.full(len(ids), ROLE_SIZE[ROLE_NEIGHBOUR])
        out[k >= 0] = drawn
        if self._preview is not None:
            out[np.array(sorted(ids), dtype=object) == self._preview.focus] = ROLE_SIZE[ROLE_SEED]
        return out

    def _draw_overlay(self, item: pg.ScatterPlotItem, ids: list[str], extra: float) -> None:
        if self._data is None or not ids:
            item.setData(x=[], y=[])
            return
        ordered = sorted(ids)
        xy = self._xy_of(np.array(ordered, dtype=object))
        item.setData(x=xy[:, 0], y=xy[:, 1], size=self._id_sizes(ordered) + extra, data=ordered)

    def apply_hover(self, investor_id: str | None) -> None:
        shown = investor_id is not None and investor_id in self.shown_ids()
        self._draw_overlay(self.hover_mark, [investor_id] if shown else [], 6.0)

    def pinned_ids(self) -> frozenset[str]:
        return frozenset(self._pinned)

    def positions(self) -> dict[str, tuple[float, float]]:
        """Current node positions by id (for tests and the packet)."""
        return self._layout.position_map()

    def toggle_pin_selected(self) -> None:
        """Pin the selected nodes, or unpin them when all are pinned already."""
        self.toggle_pin(self._selection.ids)

    def toggle_pin(self, ids) -> None:
        """Pin these nodes, or unpin them when all are pinned already."""
        ids = set(ids)
        if ids and ids <= self._pinned:
            self._pinned -= ids
        else:
            self._pinned |= ids
        self._redraw()

    def _on_lock(self, locked: bool) -> None:
        self.graph.locked = locked
        self.tidy_button.setEnabled(not locked)

    def tidy(self) -> None:
        """Spring-relax the shown nodes; pinned nodes stay (nothing moves when locked)."""
        if self._data is None or self.lock_box.isChecked():
            return
        shown = self._data.node_ids[self._visible]
        sub = Layout(ids=shown, xy=self._positions(self._visible))
        edges = np.column_stack((self._data.node_ids[self._data.edge_a[self._edges]],
                                 self._data.node_ids[self._data.edge_b[self._edges]]))
        self._set_positions(relax_layout(sub, edges, self._pinned, TIDY_ITERATIONS, LAYOUT_SEED))
        self._redraw()

    def _set_positions(self, moved: Layout) -> None:
        pos = self._layout.position_map()
        pos.update(moved.position_map())
        ids = sorted(pos)
        self._layout = Layout(ids=np.array(ids, dtype=object), xy=np.array([pos[i] for i in ids]))

    # -- mouse --------------------------------------------------------------------------
    def _on_overlay_clicked(self, _item, points, ev) -> None:
        """A click on a mark or a previewed node: select (and expand) that investor."""
        if len(points):
            ev.accept()
            self._ask_for(str(points[0].data()), ev.modifiers())

    def _on_node_clicked(self, k: int, modifiers) -> None:
        if self._data is None:
            return
        self._ask_for(str(self._data.node_ids[k]), modifiers)

    def _on_node_moved(self, k: int, x: float, y: float) -> None:
        investor = str(self._data.node_ids[k])
        self._pinned.add(investor)
        self._set_positions(Layout(ids=np.array([investor], dtype=object), xy=np.array([[x, y]])))
        self._redraw()

    def _context_at(self, pos) -> tuple[str | None, None, tuple[str, ...]]:
        """The node under viewport position ``pos`` (right-click)."""
        if self._data is None:
            return None, None, ()
        scene = self.plot.mapToScene(pos)
        hits = self.graph.scatter.pointsAt(self.graph.mapFromScene(scene))
        if len(hits):
            return str(self._data.node_ids[int(hits[0].data())]), None, ()
        for item in (self.focus_mark, self.preview_nodes):   # a previewed focus or neighbour
            marks = item.pointsAt(item.mapFromScene(scene))
            if len(marks):
                return str(marks[0].data()), None, ()
        return None, None, ()

    def _on_move(self, scene_pos) -> None:
        text = self.describe_at(scene_pos)
        self.status.setText(one_line(text) or " ")
        if text:
            QToolTip.showText(QCursor.pos(), text, self.plot)

    def describe_at(self, scene_pos) -> str:
        """Text for the node or edge under a scene position ('' when none)."""
        data = self._data
        if data is None or not self.vb.sceneBoundingRect().contains(scene_pos):
            return ""
        hits = self.graph.scatter.pointsAt(self.graph.mapFromScene(scene_pos))
        if len(hits):
            k = int(hits[0].data())
            self.emit_hover(str(data.node_ids[k]))
            r = data.node_direction[k]
            return (f"{data.node_ids[k]}  ·  R_i {'n/a' if not np.isfinite(r) else f'{r:+.2f}'}  ·  "
                    f"{'ring ' + str(data.node_cluster[k]) if data.node_cluster[k] else 'no ring'}"
                    f"{'  ·  k-means suspect' if data.node_suspect[k] else ''}")
        if self._edges.size == 0:
            return ""
        px = np.array(self.vb.viewPixelSize())
        p = self.vb.mapSceneToView(scene_pos)
        a = self._positions(data.edge_a[self._edges]) / px
        b = self._positions(data.edge_b[self._edges]) / px
        e = nearest_segment(np.array([p.x(), p.y()]) / px, a, b, EDGE_HOVER_PX)
        if e < 0:
            return ""
        k = self._edges[e]
        a_id, b_id = str(data.node_ids[data.edge_a[k]]), str(data.node_ids[data.edge_b[k]])
        if self.members_of(a_id) != (a_id,) or self.members_of(b_id) != (b_id,):
            return f"{a_id} – {b_id}: links of a collapsed ring (expand it to see their evidence)"
        return edge_text(self._context, a_id, b_id)

    def print_figure(self, prepared: NetworkPrepared | None, subject: PrintSubject) -> ReportFigure | None:
        """A suspect's validated neighbourhood or a ring's members' links, for paper (None without links)."""
        return print_network(prepared, subject)

    def snapshot(self) -> ReportFigure:
        n = self._visible.size
        name = self.network_box.currentText()
        return ReportFigure(title="Neighbourhood in the validated network", png=widget_png(self),
                            caption=(f"{n} investors shown ({name} network); edges coloured by strongest "
                                     "diagonal link type; node colour = directionality over the reference "
                                     "period (red buy, green sell); thick dark outline = k-means suspect."))
