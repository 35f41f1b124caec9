"""Exports of the validated network: every link as CSV, the clustered network as GraphML.

CSV (CASE_FORMAT §4 ``--links``): investor_a, investor_b, link_type, cooccurrences, p_value,
log10_p_value; investor_a < investor_b as text; log10_p_value stays exact when p_value
underflows to 0. GraphML: the validated diagonal network (one undirected edge per pair
validated in bb, ss or bsbs) with cluster ids and ring attributes on the nodes, for Gephi or
Cytoscape. Both are streamed in blocks to a temporary file renamed into place, so millions
of links neither build a networkx graph nor leave half a file behind.
"""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from engine.atomic import atomic_open
from engine.exports.tables import safe_text
from engine.svn.counts import DIAGONAL_CODES, LINK_TYPES
from engine.svn.stage import SvnResult

CSV_COLUMNS: tuple[str, ...] = ("investor_a", "investor_b", "link_type", "cooccurrences",
                                "p_value", "log10_p_value")
_BLOCK = 200_000


def _csv_field(text: str) -> str:
    """An id made formula-safe, quoted when CSV needs it."""
    text = safe_text(text)
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_links_csv(result: SvnResult, path: Path) -> int:
    """Write every validated link (all nine types); returns the number of rows."""
    links = result.links()
    ids = np.array([_csv_field(str(i)) for i in result.investor_ids], dtype=object)
    with atomic_open(path, text=True) as out:
        out.write(",".join(CSV_COLUMNS) + "\n")
        for start in range(0, links.a.size, _BLOCK):
            sl = slice(start, start + _BLOCK)
            lp = links.log10_p[sl]
            rows = zip(ids[links.a[sl]], ids[links.b[sl]], links.link_type[sl].tolist(),
                       links.cooccurrences[sl].tolist(), (10.0 ** lp).tolist(), lp.tolist())
            out.write("".join(f"{a},{b},{LINK_TYPES[t]},{k},{p!r},{q!r}\n" for a, b, t, k, p, q in rows))
    return int(links.a.size)


def _edge_table(result: SvnResult) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per diagonal edge: a, b, bitmask of its diagonal types, smallest log10 p."""
    links = result.links()
    diag = np.isin(links.link_type, DIAGONAL_CODES)
    a, b = links.a[diag].astype(np.int64), links.b[diag].astype(np.int64)
    t, lp = links.link_type[diag].astype(np.int64), links.log10_p[diag]
    if a.size == 0:
        empty = np.empty(0, np.int64)
        return empty, empty, empty, np.empty(0)
    key = a * result.n_investors + b                    # sorted: links keep candidate order
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    mask = np.bitwise_or.reduceat(np.left_shift(1, t), starts)
    return a[starts], b[starts], mask, np.minimum.reduceat(lp, starts)


def write_graphml(result: SvnResult, path: Path) -> tuple[int, int]:
    """Write the validated diagonal network; returns (nodes, edges)."""
    ea, eb, mask, lp = _edge_table(result)
    type_names = [";".join(LINK_TYPES[c] for c in DIAGONAL_CODES if m >> c & 1) for m in range(8)]
    ring_of = {ring.cluster_id: ring for ring in result.rings}
    nodes = np.unique(np.concatenate((ea, eb)))
    node_ids = [quoteattr(str(i)) for i in result.investor_ids]
    keys = (("cluster", "node", "int"), ("ring_rank", "node", "int"), ("suspicious", "node", "boolean"),
            ("investor_type", "node", "string"), ("directionality", "node", "double"),
            ("link_types", "edge", "string"), ("log10_p_value", "edge", "double"))
    with atomic_open(path, text=True) as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n'
                  '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                  'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                  'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for name, scope, kind in keys:
            out.write(f'<key id="{name}" for="{scope}" attr.name="{name}" attr.type="{kind}"/>\n')
        out.write('<graph id="validated_network" edgedefault="undirected">\n')
        for node in nodes.tolist():
            cid = int(result.membership[node])
            ring = ring_of.get(cid)
            parts = [f'<node id={node_ids[node]}><data key="cluster">{cid}</data>']
            if ring is not None:
                parts.append(f'<data key="ring_rank">{ring.rank}</data>'
                             f'<data key="suspicious">{str(ring.suspicious).lower()}</data>')
            kind = str(result.investor_types[node])
            if kind:
                parts.append(f'<data key="investor_type">{escape(kind)}</data>')
            r = float(result.directionality[node])
            if np.isfinite(r):
                parts.append(f'<data key="directionality">{r!r}</data>')
            out.write("".join(parts) + "</node>\n")
        for start in range(0, ea.size, _BLOCK):
            sl = slice(start, start + _BLOCK)
            out.write("".join(
                f'<edge source={node_ids[a]} target={node_ids[b]}><data key="link_types">{type_names[m]}'
                f'</data><data key="log10_p_value">{q!r}</data></edge>\n'
                for a, b, m, q in zip(ea[sl].tolist(), eb[sl].tolist(), mask[sl].tolist(), lp[sl].tolist())))
        out.write("</graph>\n</graphml>\n")
    return int(nodes.size), int(ea.size)
