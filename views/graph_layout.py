"""Deterministic, incremental node layout for the neighbourhood graph.

An investigator expanding a network must not lose their bearings: nodes already on
screen keep their positions, and each new node is placed near the node it was reached
from (its parent), on rings around it with a small seeded jitter. Pinned nodes never
move, not even when the layout is tidied with ``relax_layout``. Same inputs -> same
positions, independent of the order in which ids are given.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

RING_STEP = 1.0          # distance between successive rings around a parent
PER_RING = 12            # new nodes on the first ring; each further ring holds more
JITTER = 0.08            # seeded jitter, as a fraction of RING_STEP
ORPHAN_SPREAD = 4.0      # spacing factor between nodes placed without a parent


@dataclass(frozen=True)
class Layout:
    """Node positions: ``ids[k]`` sits at ``xy[k]``; ids in text order."""

    ids: np.ndarray   # object array of str
    xy: np.ndarray    # float64 (n, 2)

    def position_map(self) -> dict[str, tuple[float, float]]:
        """id -> (x, y)."""
        return {str(i): (float(p[0]), float(p[1])) for i, p in zip(self.ids, self.xy)}

    @cached_property
    def index(self) -> pd.Index:
        """id -> row of ``xy``, built once per layout (the network looked positions up several
        times per selection, each time indexing every id laid out so far)."""
        return pd.Index(self.ids, dtype=object)


def empty_layout() -> Layout:
    """A layout with no nodes."""
    return Layout(ids=np.array([], dtype=object), xy=np.zeros((0, 2)))


def _unit_noise(seed: int, node: str) -> np.ndarray:
    """Two numbers in [-1, 1] from (seed, node id): order-independent, reproducible."""
    digest = hashlib.sha256(f"{seed}:{node}".encode("utf-8")).digest()
    raw = np.frombuffer(digest[:8], dtype=np.uint32).astype(np.float64)
    return raw / np.float64(2**32 - 1) * 2.0 - 1.0


def _ring_offsets(count: int, start_angle: float, spread: float) -> np.ndarray:
    """Offsets of ``count`` nodes on concentric arcs of angular width ``spread``.

    The arcs are centred on ``start_angle``; ring r holds about PER_RING * r nodes per
    full turn, so spacing along the arcs stays even as rings grow.
    """
    out = np.zeros((count, 2))
    placed, ring = 0, 1
    full = spread >= 2.0 * np.pi - 1e-9
    while placed < count:
        capacity = max(1, int(round(PER_RING * ring * spread / (2.0 * np.pi))))
        n = min(capacity, count - placed)
        if full:
            angles = start_angle + 2.0 * np.pi * np.arange(n) / n + (ring - 1) * np.pi / capacity
        else:
            angles = start_angle + spread * ((np.arange(n) + 0.5) / n - 0.5)
        out[placed:placed + n, 0] = RING_STEP * ring * np.cos(angles)
        out[placed:placed + n, 1] = RING_STEP * ring * np.sin(angles)
        placed += n
        ring += 1
    return out


def extend_layout(previous: Layout, nodes: Iterable[str], parents: Mapping[str, str],
                  seed: int = 0) -> Layout:
    """Positions for ``nodes``: known ones stay put, new ones ring their parent.

    ``parents`` maps a new node to the already placed (or earlier placed) node it was
    reached from; new nodes without a parent go to the origin when the layout is empty,
    else to a point right of the current drawing (several are spread wide). The ring around a parent
    starts at the angle pointing away from the layout's centre, so groups spread outward.
    """
    asked = {str(n) for n in nodes}
    if all(n in previous.index for n in asked):
        return previous     # nothing new (a focus previewed before): the same layout, its index kept
    known = previous.position_map()
    wanted = sorted(asked | set(known))
    pos = dict(known)
    remaining = [n for n in wanted if n not in known]
    if remaining:
        pts = previous.xy
        centre = pts.mean(axis=0) if len(pts) else np.zeros(2)
        free_anchor = (np.array([pts[:, 0].max() + 2 * RING_STEP, centre[1]])
                       if len(pts) else np.zeros(2))
        members = set(wanted)
        orphans = [n for n in remaining if parents.get(n) in (None, n) or parents[n] not in members]
        _place_groups({None: orphans} if orphans else {}, pos, centre, free_anchor, seed)
        remaining = [n for n in remaining if n not in pos]
        while remaining:  # a new parent is placed before its children
            ready: dict[str | None, list[str]] = {}
            for n in remaining:
                if parents[n] in pos:
                    ready.setdefault(parents[n], []).append(n)
            if not ready:  # a cycle of new parents: break it at the free anchor
                ready = {None: remaining}
            _place_groups(ready, pos, centre, free_anchor, seed)
            remaining = [n for n in remaining if n not in pos]
    xy = np.array([pos[n] for n in wanted], dtype=np.float64).reshape(-1, 2)
    return Layout(ids=np.array(wanted, dtype=object), xy=xy)


def _place_groups(groups: dict[str | None, list[str]], pos: dict[str, tuple[float, float]],
                  centre: np.ndarray, free_anchor: np.ndarray, seed: int) -> None:
    """Place each group of new nodes around its parent (or the free anchor).

    Children of a parent away from the centre fan out on a half-turn facing outward;
    children of a central parent get full rings. Seeded jitter breaks exact symmetry.
    """
    for parent in sorted(groups, key=lambda p: "" if p is None else p):
        children = sorted(groups[parent])
        anchor = free_anchor if parent is None else np.asarray(pos[parent])
        away = anchor - centre
        outward = bool(np.hypot(*away) > 1e-9)
        start = float(np.arctan2(away[1], away[0])) if outward else 0.0
        if parent is None:  # separate seeds: one at the anchor, several spread wide
            offsets = (np.zeros((1, 2)) if len(children) == 1
                       else ORPHAN_SPREAD * _ring_offsets(len(children), start, 2.0 * np.pi))
        else:
            offsets = _ring_offsets(len(children), start, np.pi if outward else 2.0 * np.pi)
            offsets += JITTER * RING_STEP * np.array([_unit_noise(seed, c) for c in children])
        for child, off in zip(children, offsets):
            p = anchor + off
            pos[child] = (float(p[0]), float(p[1]))


def relax_layout(layout: Layout, edges: np.ndarray, pinned: Iterable[str] = (),
                 iterations: int = 50, seed: int = 0) -> Layout:
    """Tidy a layout with a few spring-electrical steps; pinned nodes never move.

    ``edges`` is an (m, 2) array of node ids. The force model is Fruchterman-Reingold
    with a fixed step schedule, so the result is deterministic.
    """
    n = len(layout.ids)
    if n < 2 or iterations <= 0:
        return layout
    index = {str(i): k for k, i in enumerate(layout.ids)}
    e = np.asarray(edges, dtype=object).reshape(-1, 2)
    keep = [k for k in range(len(e)) if str(e[k, 0]) in index and str(e[k, 1]) in index]
    src = np.array([index[str(e[k, 0])] for k in keep], dtype=np.int64)
    dst = np.array([index[str(e[k, 1])] for k in keep], dtype=np.int64)
    frozen = np.isin(layout.ids.astype(str), np.array(sorted(set(map(str, pinned))), dtype=str))
    xy = layout.xy.copy()
    ideal = RING_STEP
    step0 = ideal * 0.5
    for it in range(iterations):
        delta = xy[:, None, :] - xy[None, :, :]
        dist2 = np.maximum((delta ** 2).sum(axis=2), 1e-9)
        force = (delta * (ideal * ideal / dist2)[:, :, None]).sum(axis=1)
        if len(src):
            d = xy[src] - xy[dst]
            dist = np.maximum(np.sqrt((d ** 2).sum(axis=1)), 1e-9)
            pull = d * (dist / ideal)[:, None]
            np.add.at(force, src, -pull)
            np.add.at(force, dst, pull)
        length = np.maximum(np.sqrt((force ** 2).sum(axis=1)), 1e-12)
        step = step0 * (1.0 - it / iterations)
        move = force / length[:, None] * np.minimum(length, step)[:, None]
        move[frozen] = 0.0
        xy += move
    return Layout(ids=layout.ids, xy=xy)
