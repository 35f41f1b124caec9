"""The network view under the pointer: clicks select (and expand), drags pin, hovering names
the node or the edge (status line and tooltip), a right-click names the node for the verbs menu.

``NetworkPointerMixin`` is mixed into ``NetworkView``; it reads the view's drawing state.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QToolTip

from engine.viewdata.network import edge_text
from views._layout import one_line
from views.graph_layout import Layout
from views.network_graph import nearest_segment

EDGE_HOVER_PX = 5.0


class NetworkPointerMixin:
    """Mouse handling of the network view (see the module docstring)."""

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
        """The node under viewport position ``pos`` (right-click), drawn or previewed."""
        if self._data is None:
            return None, None, ()
        scene = self.plot.mapToScene(pos)
        hits = self.graph.scatter.pointsAt(self.graph.mapFromScene(scene))
        if len(hits):
            return str(self._data.node_ids[int(hits[0].data())]), None, ()
        for item in (self.focus_mark, self.preview_nodes):
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

