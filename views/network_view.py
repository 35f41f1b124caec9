"""Neighbourhood exploration of the validated networks (paper §3.3): seeds, neighbours, expansion.

Nodes are the explored investors (coloured by directionality over the reference period,
suspects outlined), edges the validated pairs coloured by their strongest diagonal link
type. One control decides the network drawn: the toolbar's Validation (Bonferroni, FDR, or
a typed threshold, for which both networks are drawn with FDR-only edges faint); a line
says which. Clicking a node asks to select and expand it. Positions come from
views.graph_layout, so nodes already on screen never jump; nodes can be dragged (which pins
them), pinned nodes never move, and the layout can be locked.

The graph is rebuilt only when the data, the exploration or the selected group changes. A
selected group of investors without a focus (a ring) is drawn in place of the exploration,
tidied and fitted. A selection only moves the overlay marks; a focus not drawn yet is
previewed (its first neighbours, faint, with dashed edges) by an overlay computed on the
next event-loop turn, never inside the selection slot, so a burst of selections costs one
preview — and a new result keeps the focus on screen the same way.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QToolButton, QWidget

from engine.packet.figures import PrintSubject, ReportFigure
from engine.viewdata.network import (NETWORK_BITS, ROLE_NEIGHBOUR, ROLE_SEED, NetworkContext, NetworkData,
                                     NetworkPreview, network_data)
from engine.viewdata.prepare import NetworkPrepared
from views import _style
from views._context import enable_context
from views._hover import HoverOnChange
from views._layout import stack, status_line
from views._marks import Marks
from views._plots import new_plot
from views.base import BaseView, Selection, index_positions, widget_png
from views.graph_layout import Layout, empty_layout, extend_layout, relax_layout
from views.link_chart import LinkChartMixin
from views.network_focus import LAYOUT_SEED, NO_DIRECTION, ROLE_SIZE, NetworkFocusMixin
from views.network_graph import MANY_EDGES, DraggableGraph, edge_items
from views.network_labels import (BITS_FOR_CORRECTION, LABEL_GAP_PX, NETWORK_NAMES, LabelLayer, label_order,
                                  label_ranks, place_labels, shown_network_text)
from views.network_pointer import NetworkPointerMixin
from views.network_print import print_network

CROWDED = 30              # above this many nodes, nodes are drawn smaller
TIDY_ITERATIONS = 60
EMPTY_HINT = ("Nothing explored yet: select an investor (Suspects, cube, raster, triage) or a ring (Rings) "
              "to see its neighbours in the validated network; click a node to expand it.")


def _next_turn(parent: QWidget, slot) -> QTimer:
    """A single-shot timer that runs ``slot`` on the next event-loop turn when started."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(0)
    timer.timeout.connect(slot)
    return timer


class NetworkView(NetworkFocusMixin, NetworkPointerMixin, LinkChartMixin, HoverOnChange, BaseView):
    """GraphItem of the explored neighbourhood (or the selected ring), with pinning and lock."""

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
        self._preview_timer = _next_turn(self, self._update_preview)
        self._group_timer = _next_turn(self, self._regroup)
        self._label_timer = _next_turn(self, self._draw_labels)   # zoomed or panned: labels re-placed
        self._group: frozenset[str] = frozenset()     # the selected group drawn instead of the exploration
        self._layout: Layout = empty_layout()
        self._pinned: set[str] = set()
        self._visible = np.zeros(0, dtype=np.int64)      # node indices drawn now
        self._edges = np.zeros(0, dtype=np.int64)        # edge indices drawn now
        self.plot = new_plot(hide_axes=True)
        self.plot.setAspectLocked(True)
        self.vb = self.plot.getPlotItem().getViewBox()
        self.vb.sigRangeChanged.connect(self._on_range_changed)
        self.graph = DraggableGraph()
        self.graph.setZValue(_style.Z_BASE)
        self.selected_marks = self._overlay(_style.Z_SELECTED, _style.selected_pen())
        self.focus_mark = self._overlay(_style.Z_FOCUS, _style.focus_pen())
        self.hover_mark = self._overlay(_style.Z_HOVER, _style.hover_pen())
        self.plot.addItem(self.graph)
        self.preview_nodes = self._overlay(_style.Z_BASE + 1, self._preview_node_pen())
        self.preview_edges = pg.PlotCurveItem(connect="pairs", pen=self._preview_pen())
        self.preview_edges.setZValue(_style.Z_BASE - 1)
        self.plot.addItem(self.preview_edges)
        self.labels = LabelLayer(self.plot)
        self._edge_items: list[pg.PlotCurveItem] = []
        self.graph.signals.clicked.connect(self._on_node_clicked)
        self.graph.signals.moved.connect(self._on_node_moved)
        self.shown_label = status_line()   # which network: one line, the why in its tooltip
        self.pin_button = self._tool_button("Pin", "Pin the selected nodes (squares never move); again to unpin",
                                            self.toggle_pin_selected)
        self.lock_box = QCheckBox("Lock")
        self.lock_box.setToolTip("Lock the layout: nothing moves, drags pan the view")
        self.lock_box.toggled.connect(self._on_lock)
        self.tidy_button = self._tool_button("Tidy", "Spring-relax the drawn nodes (pinned nodes stay)", self.tidy)
        self.fit_button = self._tool_button("Fit", "Zoom to show every node", self.fit)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {_style.theme().warning_text}")
        self.hint = QLabel(EMPTY_HINT)
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status = status_line()
        bar = QHBoxLayout()
        for w in (self.pin_button, self.lock_box, self.tidy_button, self.fit_button):
            bar.addWidget(w)
        bar.addWidget(self.shown_label, 1)
        self._period = None                              # brushed (first, last) day, or None
        self._period_mask = np.zeros(0, dtype=bool)      # drawn edges with a co-occurrence in it
        chart_bar = self._init_link_chart()
        stack(self, bar, chart_bar, self.message, self.hint, (self.plot, 1), self.legend, self.status)
        self.plot.scene().sigMouseMoved.connect(self._on_move)
        enable_context(self, self.plot, self._context_at)
        self.clear()

    def _tool_button(self, text: str, tip: str, slot) -> QToolButton:
        """A button as wide as its text (the network dock is ~420 px wide at 1366 px)."""
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _overlay(self, z: float, pen) -> pg.ScatterPlotItem:
        """A scatter over the graph whose points carry investor ids (clicks select them)."""
        item = Marks(pen=pen, brush=pg.mkBrush(None), pxMode=True)
        item.setZValue(z)
        item.sigClicked.connect(self._on_overlay_clicked)
        self.plot.addItem(item)
        return item

    @staticmethod
    def _preview_node_pen():
        return _style.pen(_style.theme().foreground, 0.8, 120)

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
        svn = viewdata.context.svn
        text, why = shown_network_text(svn.correction, svn.threshold)
        self.shown_label.setText(text)
        self.shown_label.setToolTip(why)
        self._group = self._group_of(self._selection)
        # a selected group stays drawn across a new result; a focus is previewed by _show
        self._show(viewdata.data if not self._group else network_data(viewdata.context, self._wanted()))
        self._arrange_group()
        self.fit()

    def restyle(self) -> None:
        self.message.setStyleSheet(f"color: {_style.theme().warning_text}")
        # the previewed (not yet expanded) neighbours in the theme's foreground: dark on dark, the
        # seed's dashed edges vanished after a switch to the dark theme
        self.preview_nodes.setPen(self._preview_node_pen())
        self.preview_edges.setPen(self._preview_pen())
        self.labels.clear()   # drawn again in the new theme's colours
        self._restyle_legend()
        self._redraw()

    def apply_exploration(self, exploration) -> None:
        """The investigator expanded (or reset) the exploration: redraw, old nodes stay put."""
        if self._context is None:
            return
        self._exploration = exploration
        self._rebuild()

    def _rebuild(self) -> None:
        self._show(network_data(self._context, self._wanted()))

    def _on_range_changed(self, *_args) -> None:
        self._label_timer.start()     # zoomed or panned: room for labels changed

    def fit(self) -> None:
        """Zoom to show every drawn node (labels re-placed for the new scale)."""
        if self.shown_ids():
            self.vb.autoRange(padding=0.12)
            self._draw_labels()
            self._label_timer.stop()    # placed for the new range already (the range change asked again)

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
            self.fit()  # new nodes off screen: zoom out to show them
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
        return self._layout.xy[index_positions(self._layout.index, ids)].reshape(-1, 2)

    def network_bits(self) -> int:
        """The validated network drawn: the one of the correction in use (one control: the toolbar's)."""
        return BITS_FOR_CORRECTION.get(self._context.svn.correction, 1) if self._context is not None else 1

    def _redraw(self) -> None:
        data = self._data
        for item in self._edge_items:
            self.plot.removeItem(item)
        self._edge_items = []
        if data is None:
            self.labels.clear()
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
        e = self._edges
        faint = (bits == 3) & ((data.edge_networks[e] & NETWORK_BITS["bonferroni"]) == 0)
        for item in edge_items(self._positions(data.edge_a[e]), self._positions(data.edge_b[e]),
                               data.edge_type[e].astype(str), faint,
                               self._edge_widths(e, 1.5 if e.size <= MANY_EDGES else 1.0)):
            self.plot.addItem(item)
            self._edge_items.append(item)
        self._draw_annotations()
        self._draw_preview()

    def _update_hint(self) -> None:
        """Say what to do when nothing is drawn (a blank plot after an analysis puzzled newcomers)."""
        text = "No analysis yet." if self._context is None else EMPTY_HINT
        if self.hint.text() != text:
            self.hint.setText(text)
        hidden = bool(self.shown_ids())
        if self.hint.isHidden() != hidden:     # setVisible asks the layout again even when unchanged
            self.hint.setVisible(not hidden)

    def _draw_labels(self) -> None:
        """Ids beside the most telling nodes (a previewed focus too) under the chosen label
        mode, never overlapping (views.network_labels)."""
        data, shown = self._data, self._visible
        wanted: dict[str, tuple[float, float]] = {}
        if data is not None:
            ids = data.node_ids[shown].astype(str)
            role, suspect, sizes = data.node_role[shown], data.node_suspect[shown], self._sizes(shown)
            previewed = self._previewed()
            if previewed is not None and self._preview.focus in set(previewed[0]) - set(ids):
                ids = np.append(ids, self._preview.focus)
                role, suspect = np.append(role, ROLE_SEED), np.append(suspect, False)
                sizes = np.append(sizes, ROLE_SIZE[ROLE_SEED])
            if ids.size:
                xy = self._xy_of(ids.astype(object))
                px, py = self.vb.viewPixelSize()
                at_px = np.column_stack((xy[:, 0] / max(px, 1e-12), -xy[:, 1] / max(py, 1e-12)))
                rank = label_ranks(ids, role, suspect, self._selection.focus, self._selection.ids, ROLE_NEIGHBOUR)
                for j in place_labels(at_px, list(ids), label_order(rank, ids, self._label_limit()), sizes):
                    lift = (sizes[j] / 2.0 + LABEL_GAP_PX) * py    # the label sits just above its node
                    wanted[str(ids[j])] = (float(xy[j, 0]), float(xy[j, 1] + lift))
        self.labels.show(wanted)

    def labelled_ids(self) -> list[str]:
        """The ids written on the graph now (for tests)."""
        return sorted(self.labels.items)

    def _sizes(self, idx: np.ndarray) -> np.ndarray:
        scale = 0.7 if self._visible.size > CROWDED else 1.0   # a big ring stays readable
        return scale * np.array([ROLE_SIZE.get(int(r), 10.0) for r in self._data.node_role[idx]])

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
        self._group = frozenset()
        self.message.setVisible(False)
        self.status.setText(" ")
        self.shown_label.setText(" ")       # no network drawn (the closed case's stayed named)
        self.shown_label.setToolTip("")
        self._redraw()
        for item in (self.selected_marks, self.focus_mark, self.hover_mark, self.preview_nodes):
            item.setData(x=[], y=[])
        self.preview_edges.setData(x=[], y=[])

    # -- selection, pinning, layout -----------------------------------------------------
    def apply_selection(self, selection: Selection) -> None:
        """Move the marks; a new focus or selected set schedules the preview and labels
        (never a rebuild); a ring selected (or left) schedules the redraw of the group."""
        previous = self._selection
        self._selection = selection
        scheduled = self._context is not None and (selection.focus != previous.focus or selection.ids != previous.ids)
        if scheduled:
            self._preview_timer.start()
        if self._context is not None and self._group_of(selection) != self._group:
            self._group_timer.start()
        self._draw_marks(draw=not scheduled)    # the preview, next turn, draws the marks once

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

    def print_figure(self, prepared: NetworkPrepared | None, subject: PrintSubject) -> ReportFigure | None:
        """A suspect's validated neighbourhood or a ring's members' links, for paper (None without links)."""
        return print_network(prepared, subject)

    def snapshot(self) -> ReportFigure:
        n = self._visible.size
        return ReportFigure(title="Neighbourhood in the validated network", png=widget_png(self),
                            caption=(f"{n} investors shown ({NETWORK_NAMES[self.network_bits()]} network); edges "
                                     "coloured by strongest diagonal link type; node colour = directionality over "
                                     "the reference period (red buy, green sell); thick outline = k-means suspect."))
