"""Link-chart controls of the network view: layouts (force, circular, grouped by ring), labels
(seeds, all, selected), find a node by id, a legend, edge width by evidence strength
(−log10 p), collapsing a ring into one node and expanding it back (members return to where
they were), and annotations (a text box pinned to a node or an edge).

Annotations are case work: the view never writes the case, it emits ``document_changed``
and the window stores the annotations with an audit entry (``ui.investigation``); they come
back through ``set_documents`` when the case is reopened, and are printed in the packet.

``LinkChartMixin`` is mixed into ``NetworkView``; it reads the view's drawing state
(``_data``, ``_layout``, ``_visible``, ``_edges``, ``_pinned``) and calls its ``_redraw``.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QMenu, QToolButton

from engine.case.annotations import Annotation, annotations_document, annotations_from_document, annotations_key
from engine.errors import UsageError
from engine.viewdata.collapse import RING_PREFIX, collapse_rings, ring_node
from engine.viewdata.network import NetworkData
from engine.viewdata.period import edge_strength, network_edges_in_period
from views import _style
from views.chart_layouts import circular_layout, ring_layout
from views.graph_layout import Layout
from views.network_labels import RANK_LIMIT, legend_html

LAYOUTS: tuple[str, ...] = ("Incremental", "Force", "Circular", "Grouped by ring")
LABELS: tuple[str, ...] = ("Label seeds", "Label all", "Label selected")
LABEL_MODES: tuple[str, ...] = ("seeds", "all", "selected")   # views.network_labels.RANK_LIMIT keys
WIDTH_RANGE = (1.0, 6.0)       # pen widths for the weakest and the strongest drawn link
WIDTH_BINS = 6


class LinkChartMixin:
    """State and controls of the link chart (see the module docstring)."""

    def _init_link_chart(self) -> QHBoxLayout:
        """Build the controls; returns their tool bar row."""
        self._collapsed: set[int] = set()
        self._members: dict[str, tuple[str, ...]] = {}
        self._saved_positions: dict[int, dict[str, tuple[float, float]]] = {}
        self._strength = np.zeros(0)
        self._annotations: tuple[Annotation, ...] = ()
        self._annotation_items: list[pg.TextItem] = []
        self.layout_box = QComboBox()
        self.layout_box.addItems(LAYOUTS)
        self.layout_box.activated.connect(self._on_layout_chosen)
        self.label_box = QComboBox()
        self.label_box.addItems(LABELS)
        self.label_box.currentIndexChanged.connect(self._on_labels_changed)
        self.find_box = QLineEdit()
        self.find_box.setPlaceholderText("Find investor id…")
        self.find_box.setClearButtonEnabled(True)
        self.find_box.returnPressed.connect(self._on_find)
        self.find_box.setMaximumWidth(160)
        menu = QMenu(self)
        self.width_action = self._menu_action(menu, "Width by −log p", self._on_labels_changed, checkable=True)
        self.collapse_action = self._menu_action(menu, "Collapse the focus's ring", self._on_collapse)
        self.expand_action = self._menu_action(menu, "Expand rings", self._on_expand)
        self.annotate_action = self._menu_action(menu, "Annotate…", self._on_annotate)
        self.annotate_action.setToolTip("Pin a note to the focus investor, or to the link between the two "
                                        "selected investors (an empty note removes it)")
        self.legend_action = self._menu_action(menu, "Legend", None, checkable=True)
        self.legend_action.setChecked(True)
        self.chart_button = QToolButton()
        self.chart_button.setText("Chart")
        self.chart_button.setMenu(menu)
        self.chart_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.legend = QLabel(legend_html())
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend_action.toggled.connect(self.legend.setVisible)
        row = QHBoxLayout()
        for w in (self.layout_box, self.label_box, self.find_box, self.chart_button):
            row.addWidget(w)
        row.addStretch(1)
        return row

    def _menu_action(self, menu: QMenu, text: str, slot, checkable: bool = False) -> QAction:
        action = menu.addAction(text)
        action.setCheckable(checkable)
        if slot is not None:
            (action.toggled if checkable else action.triggered).connect(slot)
        return action

    def _reset_link_chart(self) -> None:
        """New data: nothing collapsed."""
        self._collapsed = set()
        self._members = {}
        self._saved_positions = {}

    # -- hooks called by the view -------------------------------------------------------
    def _chart_data(self, data: NetworkData) -> NetworkData:
        """The drawing of ``data`` with the collapsed rings folded; computes, per drawn edge,
        its strength (−log10 p) and whether it has a co-occurrence in the brushed period."""
        n = data.edge_a.size
        strength = edge_strength(self._context, data) if self._context is not None else np.zeros(n)
        in_period = network_edges_in_period(self._context, data, self._period) \
            if self._context is not None and self._period is not None else np.ones(n, dtype=bool)
        folded = collapse_rings(data, self._collapsed, np.column_stack((strength, in_period)).reshape(n, 2))
        self._members = folded.members
        self._strength = folded.edge_values[:, 0]
        self._period_mask = folded.edge_values[:, 1] > 0
        for node, members in self._members.items():
            if node not in self._layout.position_map():
                self._place(node, members)
        return folded.data

    def _label_limit(self) -> int:
        """The least telling label rank (views.network_labels.label_ranks) the label mode names."""
        return RANK_LIMIT[LABEL_MODES[self.label_box.currentIndex()]]

    def _restyle_legend(self) -> None:
        self.legend.setText(legend_html())

    def members_of(self, node: str) -> tuple[str, ...]:
        """The investors a drawn node stands for: a collapsed ring's members, or itself."""
        return self._members.get(node, (node,))

    def _edge_widths(self, edges: np.ndarray, default: float) -> np.ndarray:
        """Pen width per drawn edge: fixed, or by −log10 p binned between WIDTH_RANGE."""
        if not self.width_action.isChecked() or edges.size == 0:
            return np.full(edges.size, default)
        s = self._strength[edges]
        lo, hi = float(s.min()), float(s.max())
        frac = np.zeros(s.size) if hi <= lo else (s - lo) / (hi - lo)
        bins = np.round(frac * (WIDTH_BINS - 1)) / (WIDTH_BINS - 1)
        return WIDTH_RANGE[0] + bins * (WIDTH_RANGE[1] - WIDTH_RANGE[0])

    def _draw_annotations(self) -> None:
        for item in self._annotation_items:
            self.plot.removeItem(item)
        self._annotation_items = []
        if self._data is None:
            return
        pos = self._layout.position_map()
        drawn = set(str(i) for i in self._data.node_ids[self._visible])
        for note in self._annotations:
            if not all(i in drawn for i in note.ids):
                continue
            xy = np.mean([pos[i] for i in note.ids], axis=0)
            item = pg.TextItem(note.text, color=_style.theme().foreground, anchor=(0, 0),
                               border=_style.pen(_style.FOCUS, 1.2), fill=_style.brush(_style.theme().background, 225))
            item.setPos(float(xy[0]), float(xy[1]))
            item.setZValue(_style.Z_HOVER)
            self.plot.addItem(item)
            self._annotation_items.append(item)

    def apply_period(self, period) -> None:
        """Draw only the links with a co-occurrence in ``period`` (first, last day); None: all."""
        self._period = period
        if self._context is not None:
            self._rebuild()

    def drawn_pairs(self) -> set[tuple[str, str]]:
        """The (a, b) id pairs of the edges drawn now (a < b)."""
        if self._data is None:
            return set()
        ids = self._data.node_ids
        return {tuple(sorted((str(ids[self._data.edge_a[k]]), str(ids[self._data.edge_b[k]]))))
                for k in self._edges}

    def _ask_for(self, node: str, modifiers) -> None:
        """A click on a node: select (and expand) the investor; a collapsed ring: its members."""
        members = self.members_of(node)
        if members != (node,):
            self._request(set(members), focus=members[0])
        else:
            self._request_click(node, modifiers, expand=True)

    # -- layouts, labels, find ------------------------------------------------------------
    def apply_layout(self, name: str) -> None:
        """Lay the drawn nodes out: "Force", "Circular" or "Grouped by ring" (pinned stay)."""
        if self._data is None or self.lock_box.isChecked():
            return
        self.layout_box.blockSignals(True)
        self.layout_box.setCurrentText(name)
        self.layout_box.blockSignals(False)
        if name == "Force":
            self.tidy()
            return
        shown = [str(i) for i in self._data.node_ids[self._visible]]
        before = self._layout.position_map()
        if name == "Circular":
            laid = circular_layout(shown, before, self._pinned)
        elif name == "Grouped by ring":
            cluster = {str(i): int(c) for i, c in zip(self._data.node_ids, self._data.node_cluster)}
            laid = ring_layout(shown, cluster, self._ring_ranks(), before, self._pinned)
        else:
            return
        self._set_positions(laid)
        self._redraw()
        self.fit()

    def _ring_ranks(self) -> dict[int, int]:
        return {int(r.cluster_id): int(r.rank) for r in self._context.svn.rings} if self._context else {}

    def _on_layout_chosen(self, index: int) -> None:
        self.apply_layout(LAYOUTS[index])

    def _on_labels_changed(self, *_args) -> None:
        self._redraw()

    def find_node(self, text: str) -> bool:
        """Select the investor ``text`` and centre it; a member of a collapsed ring expands it."""
        investor = text.strip()
        if not investor or self._data is None:
            return False
        for node, members in self._members.items():
            if investor in members:
                self.expand_rings({int(node[len(RING_PREFIX):])})
        known = investor in set(str(i) for i in self._data.node_ids)
        in_network = self._context is not None and self._context.svn.index_of(investor) >= 0
        if not (known or in_network):
            self.status.setText(f"{investor} is not in this chart or the validated network")
            return False
        self._request({investor}, focus=investor)
        if investor in self._layout.position_map():
            x, y = self._layout.position_map()[investor]
            rect = self.vb.viewRect()
            self.vb.setRange(xRange=(x - rect.width() / 2, x + rect.width() / 2),
                             yRange=(y - rect.height() / 2, y + rect.height() / 2), padding=0)
        return True

    def _on_find(self) -> None:
        self.find_node(self.find_box.text())

    # -- collapse and expand --------------------------------------------------------------
    def collapse_ring(self, cluster_id: int) -> None:
        """Draw ring ``cluster_id`` as one node; its members' positions are kept for expanding."""
        if self._data is None or cluster_id <= 0 or cluster_id in self._collapsed:
            return
        pos = self._layout.position_map()
        members = [str(i) for i, c in zip(self._data.node_ids, self._data.node_cluster) if int(c) == cluster_id]
        if not members:
            return
        self._saved_positions[cluster_id] = {m: pos[m] for m in members if m in pos}
        self._collapsed.add(cluster_id)
        self._rebuild()

    def expand_rings(self, rings: set[int] | None = None) -> None:
        """Expand ``rings`` (all collapsed rings when None); members return to their positions."""
        chosen = set(self._collapsed) if rings is None else set(rings) & self._collapsed
        if not chosen:
            return
        self._collapsed -= chosen
        for c in chosen:
            saved = self._saved_positions.pop(c, {})
            if saved:
                ids = sorted(saved)
                self._set_positions(Layout(ids=np.array(ids, dtype=object), xy=np.array([saved[i] for i in ids])))
        self._rebuild()

    def _on_expand(self) -> None:
        self.expand_rings()

    def collapsed_rings(self) -> frozenset[int]:
        return frozenset(self._collapsed)

    def _place(self, node: str, members: tuple[str, ...]) -> None:
        """Put a ring node at its members' centroid."""
        pos = self._layout.position_map()
        xy = np.mean([pos[m] for m in members if m in pos], axis=0) if any(m in pos for m in members) else (0.0, 0.0)
        self._set_positions(Layout(ids=np.array([node], dtype=object), xy=np.array([xy], dtype=float)))

    def _on_collapse(self) -> None:
        focus = self._selection.focus
        if self._data is None or focus is None:
            self.status.setText("Select an investor of the ring to collapse")
            return
        where = np.flatnonzero(self._data.node_ids == focus)
        cluster = int(self._data.node_cluster[where[0]]) if where.size else 0
        if cluster <= 0:
            self.status.setText(f"{focus} is in no ring")
            return
        self.collapse_ring(cluster)

    # -- annotations ----------------------------------------------------------------------
    @staticmethod
    def document_keys(event_id: str) -> tuple[str, ...]:
        """The case documents the chart keeps: the annotations of the event."""
        return (annotations_key(event_id),)

    def set_documents(self, documents: dict) -> None:
        """Load the annotations of the open case's event."""
        doc = next(iter(documents.values()), None) if documents else None
        try:
            self._annotations = annotations_from_document(doc)
        except UsageError as exc:
            self._annotations = ()
            self.status.setText(str(exc))
        self._draw_annotations()

    def annotations(self) -> tuple[Annotation, ...]:
        return self._annotations

    def annotate(self, ids: tuple[str, ...], text: str) -> None:
        """Pin ``text`` to a node (one id) or an edge (two ids); empty text removes the note."""
        if self._context is None:
            return
        note = Annotation("node" if len(ids) == 1 else "edge", tuple(ids), text.strip() or "-")
        kept = tuple(a for a in self._annotations if (a.kind, a.ids) != (note.kind, note.ids))
        self._annotations = kept + ((note,) if text.strip() else ())
        self._draw_annotations()
        key = annotations_key(self._context.svn.event_id)
        self.document_changed.emit(key, annotations_document(self._annotations),
                                   "annotation" if text.strip() else "annotation_removed",
                                   {"target": note.target, "kind": note.kind, "text": text.strip()})

    def _on_annotate(self) -> None:
        ids = self._selection.ids
        target = tuple(sorted(ids)) if len(ids) == 2 else ((self._selection.focus,) if self._selection.focus else ())
        if not target:
            self.status.setText("Select one investor (a node) or two (a link) to annotate")
            return
        current = next((a.text for a in self._annotations if a.ids == target), "")
        text, ok = QInputDialog.getText(self, "Annotate", f"Note on {' – '.join(target)}:", text=current)
        if ok:
            self.annotate(target, text)
