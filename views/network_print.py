"""The validated network drawn for paper: a suspect's neighbourhood, or a ring's members only."""
from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pyqtgraph as pg

from engine.case.annotations import Annotation
from engine.packet.figures import PrintSubject, ReportFigure
from engine.svn.neighbourhood import Exploration, expand
from engine.viewdata.network import ROLE_NEIGHBOUR, NetworkData, network_data
from engine.viewdata.prepare import NetworkPrepared
from views import _style
from views._print import legend_entry, paper_figure, paper_plot
from views.graph_layout import empty_layout, extend_layout, relax_layout

MAX_LABELS = 60
ANNOTATION_WIDTH = 40      # characters per line of a printed annotation
RELAX_ITERATIONS = 80
SUSPECT_OUTLINE = "#000000"   # the light theme's foreground, as the screen outlines a suspect on paper white


def _node_colour(r: float) -> str:
    if not np.isfinite(r):
        return "#9A9A9A"
    return _style.direction_colour(r).name()


def _draw(data: NetworkData, bits: int, title: str, label_all: bool,
          annotations: tuple[Annotation, ...]) -> tuple[pg.PlotWidget, int, int, int]:
    plot = paper_plot(title, "", "")
    item = plot.getPlotItem()
    item.hideAxis("left")
    item.hideAxis("bottom")
    item.showGrid(x=False, y=False)
    item.setAspectLocked(True)
    shown = np.flatnonzero(data.node_networks & bits)
    edges = np.flatnonzero(data.edge_networks & bits)
    ids = data.node_ids[shown].astype(str)
    parents = {str(n): str(p) for n, p in zip(data.node_ids, data.node_parent) if p}
    pairs = np.column_stack((data.node_ids[data.edge_a[edges]], data.node_ids[data.edge_b[edges]])).astype(object)
    layout = relax_layout(extend_layout(empty_layout(), ids, parents, seed=0), pairs, (), RELAX_ITERATIONS, 0)
    where = layout.position_map()
    types = data.edge_type[edges].astype(str)
    for link_type in sorted(set(types.tolist())):
        sel = edges[types == link_type]
        xy = np.empty((2 * sel.size, 2))
        xy[0::2] = [where[str(data.node_ids[a])] for a in data.edge_a[sel]]
        xy[1::2] = [where[str(data.node_ids[b])] for b in data.edge_b[sel]]
        colour = _style.LINK_COLOURS.get(link_type, "#808080")
        plot.addItem(pg.PlotCurveItem(xy[:, 0], xy[:, 1], connect="pairs", pen=pg.mkPen(colour, width=1.6)))
        legend_entry(plot, f"validated {link_type} link", colour, line=True)
    xy = np.array([where[i] for i in ids]) if ids.size else np.zeros((0, 2))
    suspect = data.node_suspect[shown]
    plot.addItem(pg.ScatterPlotItem(xy[:, 0], xy[:, 1], size=[16 if r != ROLE_NEIGHBOUR else 11
                                                              for r in data.node_role[shown]],
                                    brush=[pg.mkBrush(_node_colour(r)) for r in data.node_direction[shown]],
                                    pen=[pg.mkPen(SUSPECT_OUTLINE, width=2.5) if s else pg.mkPen("#202020", width=0.8)
                                         for s in suspect]))
    legend_entry(plot, "mostly buying in the reference period", _style.BUY)
    legend_entry(plot, "mostly selling", _style.SELL)
    legend_entry(plot, "k-means suspect (thick black outline)", "#FFFFFF")
    for k, inv in enumerate(ids):
        if label_all or data.node_role[shown[k]] != ROLE_NEIGHBOUR:
            text = pg.TextItem(inv, color="#202020", anchor=(0.5, 1.4))
            text.setPos(*xy[k])
            plot.addItem(text)
    n_notes = draw_annotations(plot, annotations, where)
    return plot, int(shown.size), int(edges.size), n_notes


def draw_annotations(plot: pg.PlotWidget, annotations: tuple[Annotation, ...], where: dict[str, Any]) -> int:
    """The investigator's text boxes, as on the link chart: at a drawn node, or half-way along an
    edge whose two investors are drawn, the spot circled; how many were drawn."""
    n = 0
    for note in annotations:
        if not all(i in where for i in note.ids):
            continue
        spot = np.mean([where[i] for i in note.ids], axis=0)
        box = pg.TextItem(textwrap.fill(note.text, ANNOTATION_WIDTH), color="#202020", anchor=(-0.06, -0.3),
                          border=pg.mkPen(_style.FOCUS, width=1.2), fill=pg.mkBrush(255, 255, 255, 235))
        box.setPos(float(spot[0]), float(spot[1]))
        box.setZValue(10)
        plot.addItem(box)
        ring = pg.ScatterPlotItem([spot[0]], [spot[1]], symbol="o", size=24, pen=pg.mkPen(_style.FOCUS, width=1.5),
                                  brush=pg.mkBrush(0, 0, 0, 0))      # a ring around the spot, the node visible
        plot.addItem(ring)
        n += 1
    return n


def print_network(prepared: NetworkPrepared | None, subject: PrintSubject) -> ReportFigure | None:
    """A suspect's validated neighbourhood, or the graph of a ring's members; None without links."""
    if prepared is None or not subject.ids:
        return None
    context = prepared.context
    correction = context.svn.correction
    bits = 2 if correction == "fdr" else 1
    if subject.scope == "suspect":
        inv = subject.ids[0]
        if context.svn.index_of(inv) < 0:
            return None
        data = network_data(context, expand(Exploration(), inv, context.networks, context.cap))
        title = f"Validated neighbourhood of investor {inv}"
    elif subject.scope == "ring":
        members = tuple(sorted(subject.ids))
        data = network_data(context, Exploration(seeds=members, nodes={correction: members}))
        title = f"Validated links among the members of {subject.label}"
    else:
        return None
    if not (data.edge_networks & bits).any():
        return None
    plot, n_nodes, n_edges, n_notes = _draw(data, bits, title, subject.scope == "ring" or data.n_nodes <= MAX_LABELS,
                                            subject.annotations)
    notes = f" Framed text: the investigator's {n_notes} link-chart annotation(s), at the circled node or link." \
        if n_notes else ""
    return paper_figure(plot, title, f"{n_nodes} investors and {n_edges} validated pairs ({correction} network); "
                                      f"edge colour: the pair's strongest diagonal link type; node colour: "
                                      f"directionality over the reference period.{notes}")
