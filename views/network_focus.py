"""The network view's answer to the selection: a selected ring drawn in place of the
exploration, the focus previewed when it is not drawn, and the selected / focus / hover marks.

A selection never rebuilds the graph inside its slot: a new focus (or selected set) schedules
the preview and labels, a ring selected (or left) schedules the group's redraw, each on the
next event-loop turn, so a burst of selections costs one of each. After a new result the
focus is previewed the same way, so it never vanishes from the graph.

``NetworkFocusMixin`` is mixed into ``NetworkView``; it reads the view's drawing state and
calls its ``_show``, ``tidy``, ``fit`` and ``_draw_labels``.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from engine.svn.neighbourhood import NETWORK_CORRECTIONS, Exploration
from engine.viewdata.network import ROLE_NEIGHBOUR, ROLE_SEED, network_data, preview
from views import _style
from views.base import Selection
from views.chart_layouts import circular_layout
from views.graph_layout import empty_layout, extend_layout

ROLE_SIZE = {ROLE_SEED: 18.0, 2: 14.0, ROLE_NEIGHBOUR: 10.0}
GROUP_MAX = 300           # a selected group (a ring) larger than this is drawn by its first members
NO_DIRECTION = "#9A9A9A"
LAYOUT_SEED = 0
NO_GROUP_LINKS = "No validated link of the drawn network joins these investors."
THRESHOLD_RING = (" Their ring comes from the typed threshold, whose links are not explored: choose Bonferroni "
                  "or FDR under Validation to see the links behind a ring.")


class NetworkFocusMixin:
    """Selected group, focus preview and marks of the network view (see the module docstring)."""

    def _group_of(self, selection: Selection) -> frozenset[str]:
        """The selected group drawn in place of the exploration: several investors, no focus (a ring)."""
        if self._context is None or selection.focus is not None or len(selection.ids) < 2:
            return frozenset()
        svn = self._context.svn
        return frozenset(sorted(i for i in selection.ids if svn.index_of(i) >= 0)[:GROUP_MAX])

    def _wanted(self) -> Exploration:
        """What to draw: the selected group, else the exploration (the focus is previewed apart)."""
        if self._group:
            members = tuple(sorted(self._group))
            return Exploration(seeds=members, nodes={c: members for c in NETWORK_CORRECTIONS})
        return self._exploration

    def _regroup(self) -> None:
        """Draw the selected group (a ring) in place of the exploration, or the exploration back
        when the group is gone: a fresh layout, tidied and fitted (on the next event-loop turn
        after the selection, like the focus preview)."""
        self._group_timer.stop()
        group = self._group_of(self._selection)
        if self._context is None or group == self._group:
            return
        self._group = group
        self._layout = empty_layout()
        self._show(network_data(self._context, self._wanted()))
        self._arrange_group()
        self.fit()

    def _arrange_group(self) -> None:
        """A drawn group starts on a circle (members without a drawn link would otherwise sit on
        one spot), then is tidied; says so when no link of the drawn network joins them."""
        if not self._group or self._data is None:
            return
        self._set_positions(circular_layout([str(i) for i in self._data.node_ids[self._visible]]))
        self._redraw()
        linked = np.union1d(self._data.edge_a[self._edges], self._data.edge_b[self._edges])
        if np.isin(self._visible, linked).all():
            self.tidy()     # the spring layout gathers members without a link onto one spot: they keep the circle
        if self._edges.size == 0:
            typed = self._context.svn.correction == "threshold"
            self.message.setText(NO_GROUP_LINKS + (THRESHOLD_RING if typed else ""))
            self.message.setVisible(True)

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
        previewed = self._previewed()
        fitting = previewed is not None and not self._all_in_view(self._xy_of(previewed[0]))
        self._draw_preview(labels=not fitting)   # fitting places the labels at the new scale
        if fitting:
            self.fit()  # the previewed focus is brought on screen

    def _previewed(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(new node ids, neighbour ids of drawn focus edges) of the preview in the chosen network."""
        pv = self._preview
        if pv is None:
            return None
        bits = self.network_bits()
        return pv.node_ids[(pv.node_networks & bits) > 0], pv.edge_other[(pv.edge_networks & bits) > 0]

    def _draw_preview(self, labels: bool = True) -> None:
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
        if labels:
            self._draw_labels()
        self._draw_marks()
        self._update_hint()

    def _draw_marks(self, draw: bool = True) -> None:
        """Mark the selected and focus nodes on screen (``draw`` False: only note which ids
        are highlighted, when the scheduled preview draws the marks in the same turn)."""
        selection = self._selection
        shown = self.shown_ids()
        self._highlighted = frozenset(selection.ids & shown)
        if draw:
            self._draw_overlay(self.selected_marks, sorted(self._highlighted), 8.0)
            focus = [selection.focus] if selection.focus in shown else []
            self._draw_overlay(self.focus_mark, focus, 12.0)

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

