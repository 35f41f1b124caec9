"""Collapse rings of the drawn network into one node each (a display choice, not case work).

The members of a collapsed ring that are drawn become one node ``ring N``; their links to
other nodes become links of that node (one per neighbour, validated in every network any
member's link was), and links inside the ring disappear from the drawing. The analysis'
links are untouched: expanding the ring draws them again.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from engine.viewdata.network import ROLE_SEED, NetworkData

RING_PREFIX = "ring "


@dataclass(frozen=True)
class Collapsed:
    """The drawing with collapsed rings, and the members behind each ring node."""

    data: NetworkData
    members: dict[str, tuple[str, ...]]   # ring node id -> member ids (text order)
    edge_values: np.ndarray               # per drawn edge (rows), the largest values of the edges it stands for


def ring_node(cluster_id: int) -> str:
    return f"{RING_PREFIX}{cluster_id}"


def collapse_rings(data: NetworkData, rings: set[int] | frozenset[int],
                   edge_values: np.ndarray | None = None) -> Collapsed:
    """``data`` with each ring of ``rings`` that has drawn members replaced by one node;
    ``edge_values`` (one row per edge, e.g. link strength) are merged by their maximum."""
    values = np.zeros(data.edge_a.size) if edge_values is None else np.asarray(edge_values, dtype=np.float64)
    group = np.where(np.isin(data.node_cluster, list(rings)), data.node_cluster, 0) if rings else \
        np.zeros(data.n_nodes, dtype=np.int32)
    collapsed = sorted({int(c) for c in group if c})
    if not collapsed:
        return Collapsed(data=data, members={}, edge_values=values)
    keep = np.flatnonzero(group == 0)
    ids = [str(data.node_ids[k]) for k in keep] + [ring_node(c) for c in collapsed]
    order = np.argsort(np.array(ids, dtype=object).astype(str), kind="stable")
    new_of_old = np.empty(data.n_nodes, dtype=np.int64)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    new_of_old[keep] = rank[:keep.size]
    for j, c in enumerate(collapsed):
        new_of_old[group == c] = rank[keep.size + j]
    members = {ring_node(c): tuple(sorted(str(i) for i in data.node_ids[group == c])) for c in collapsed}

    def merged(values: np.ndarray, reduce) -> np.ndarray:
        out = [values[k] for k in keep] + [reduce(values[group == c]) for c in collapsed]
        return np.array(out, dtype=values.dtype)[order]

    a, b = new_of_old[data.edge_a], new_of_old[data.edge_b]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    inside = lo == hi
    key = lo[~inside] * len(ids) + hi[~inside]
    uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    nets = np.zeros(uniq.size, dtype=np.uint8)
    np.bitwise_or.at(nets, inverse, data.edge_networks[~inside])
    merged_values = np.full((uniq.size, *values.shape[1:]), -np.inf)
    np.maximum.at(merged_values, inverse, values[~inside])
    with np.errstate(all="ignore"):
        direction = merged(data.node_direction,
                           lambda v: float(np.nanmean(v)) if np.isfinite(v).any() else np.nan)
    new = dataclasses.replace(
        data, node_ids=np.array(ids, dtype=object)[order],
        node_role=merged(data.node_role, lambda v: np.int8(ROLE_SEED)),
        node_parent=merged(data.node_parent, lambda v: ""),
        node_networks=merged(data.node_networks, lambda v: np.bitwise_or.reduce(v)),
        node_direction=direction, node_cluster=merged(data.node_cluster, lambda v: v[0]),
        node_suspect=merged(data.node_suspect, lambda v: bool(v.any())),
        edge_a=(uniq // len(ids)).astype(np.int32), edge_b=(uniq % len(ids)).astype(np.int32),
        edge_networks=nets, edge_type=data.edge_type[~inside][first])
    return Collapsed(data=new, members=members, edge_values=merged_values)
