"""Whole-chart layouts of the link chart (pure numpy, deterministic): circular, and grouped
by ring (each ring on its own circle, rings side by side in ring order, investors in no
ring on a last circle). The force layout is ``views.graph_layout.relax_layout``.

Pinned nodes keep their positions in every layout.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

from views.graph_layout import Layout

NODE_SPACING = 1.0       # arc length between neighbours on a circle
GROUP_GAP = 2.0          # space between two ring circles


def _circle(count: int) -> np.ndarray:
    """Offsets of ``count`` points evenly on a circle whose arc spacing is NODE_SPACING."""
    if count <= 1:
        return np.zeros((count, 2))
    radius = max(NODE_SPACING * count / (2.0 * np.pi), NODE_SPACING / 2.0)
    angle = np.pi / 2.0 - 2.0 * np.pi * np.arange(count) / count
    return radius * np.column_stack((np.cos(angle), np.sin(angle)))


def _keep_pinned(layout: Layout, previous: dict[str, tuple[float, float]], pinned: Iterable[str]) -> Layout:
    xy = layout.xy.copy()
    for k, node in enumerate(layout.ids):
        if node in pinned and node in previous:
            xy[k] = previous[node]
    return Layout(ids=layout.ids, xy=xy)


def circular_layout(ids: Iterable[str], previous: dict[str, tuple[float, float]] | None = None,
                    pinned: Iterable[str] = ()) -> Layout:
    """Every node on one circle, in id order."""
    order = np.array(sorted(str(i) for i in ids), dtype=object)
    return _keep_pinned(Layout(ids=order, xy=_circle(order.size)), previous or {}, set(pinned))


def ring_layout(ids: Iterable[str], cluster: dict[str, int], rank: dict[int, int] | None = None,
                previous: dict[str, tuple[float, float]] | None = None, pinned: Iterable[str] = ()) -> Layout:
    """One circle per ring (``cluster``: id -> ring id, 0 = none), left to right by ring rank
    (``rank``; ring id when absent), investors in no ring on the last circle."""
    rank = rank or {}
    groups: dict[int, list[str]] = {}
    for node in sorted(str(i) for i in ids):
        groups.setdefault(int(cluster.get(node, 0)), []).append(node)
    order = sorted(groups, key=lambda c: (c == 0, rank.get(c, c), c))
    out_ids: list[str] = []
    out_xy: list[np.ndarray] = []
    x = 0.0
    for c in order:
        members = groups[c]
        offsets = _circle(len(members))
        radius = float(np.abs(offsets[:, 0]).max()) if len(members) > 1 else 0.0
        x += radius
        out_ids.extend(members)
        out_xy.append(offsets + np.array([x, 0.0]))
        x += radius + GROUP_GAP
    xy = np.vstack(out_xy) if out_xy else np.zeros((0, 2))
    sort = np.argsort(np.array(out_ids, dtype=object).astype(str), kind="stable")
    laid = Layout(ids=np.array(out_ids, dtype=object)[sort], xy=xy[sort])
    return _keep_pinned(laid, previous or {}, set(pinned))
