"""Weighted Lloyd k-means on a window's distinct points (METHOD §1 "Dynamic clustering").

The K scan fits 16 K values x 27 windows; scikit-learn's estimator spends most of such a small
fit validating its input, so the iterations are done here in numpy (the same algorithm:
squared Euclidean, assignment then weighted means, until the labels no longer change;
an emptied cluster is moved to the point furthest from its centre, as scikit-learn does).
Seeding is scikit-learn's greedy k-means++ (engine/kmeans/seeding.py, the same bits). A fit
takes the window's ``Points`` (engine/kmeans/points.py), whose invariants every K reuses.
Callers hold ``single_threaded()`` (engine/kmeans/dynamic.py) so the small BLAS products use
one thread (PITFALLS.md).

Speed (Hamerly's bounds): after the first assignment only a few dozen of ~6,000 points change
cluster per iteration, so each point keeps an upper bound on its distance to its own centre and
a lower bound on its distance to every other one, both moved by how far the centres moved. A
point whose bounds leave a margin (``Points.margin``, far above the rounding of the distances) cannot
change cluster and is not recomputed; the others get their exact distances. The labels are
therefore those of the full assignment at every iteration, and the centres, summed in a fixed
order from the labels, the same bits. Distances are one BLAS product per call, never a single
column (see ``partial_sq_dist``), so a point's distances do not depend on the others computed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.kmeans.points import Points
from engine.kmeans.seeding import kmeans_plusplus

MAX_ITER = 300
ARGMIN_COLUMNS = 1024


@dataclass(frozen=True)
class Fit:
    """Labels of the points, centres (weighted member means) and the inertia around them."""

    labels: np.ndarray      # int64 (n_points,)
    centres: np.ndarray     # float64 (K, 3)
    inertia: float


def bins(labels: np.ndarray, width: int) -> np.ndarray:
    """(n, width) bincount bins of the points' ``Points.wt`` entries: label · width + column."""
    return labels[:, None] * width + np.arange(width)


def _means(pts: Points, cells: np.ndarray, k: int) -> np.ndarray:
    """Weighted member means from the points' ``bins``, each cluster's sums added in point order.

    One bincount over the interleaved (w, w·x₀, w·x₁, …) of every point: consecutive entries
    go to different bins, so the additions do not wait for each other as they do in one
    bincount per column, and each bin still adds its entries in point order (the same bits)."""
    width = pts.wt.shape[1]
    sums = np.bincount(cells.reshape(-1), weights=pts.wt.reshape(-1), minlength=k * width).reshape(k, width)
    weight = sums[:, :1]
    return np.divide(sums[:, 1:], weight, out=np.zeros((k, width - 1)), where=weight > 0)


def inertia(pts: Points, labels: np.ndarray, centres: np.ndarray) -> float:
    """Weighted squared distances of the points to their centres, summed in a fixed order.

    Per point the three squares are added left to right, as ``((x − c) ** 2).sum(axis=1)``
    adds them (the same bits), from the contiguous coordinate rows instead of 3-wide rows."""
    own = centres.T[:, labels]                  # (3, n): each point's centre
    diff = pts.xt - own
    diff *= diff
    return float(np.sum(pts.w * ((diff[0] + diff[1]) + diff[2])))


def weighted_means(pts: Points, labels: np.ndarray, k: int) -> tuple[np.ndarray, float]:
    """Cluster centres as weighted member means and the inertia around them, summed in a fixed
    order, so the centres (and the next window's warm start) depend only on the labels."""
    centres = _means(pts, bins(labels, pts.wt.shape[1]), k)
    return centres, inertia(pts, labels, centres)


def partial_sq_dist(xt: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """(K, n) squared distances minus |x|² (the same ranking per point) of the points ``xt``
    (d, n): (−2c)·x + |c|². One BLAS product of at least two columns, so every entry has the
    same bits whichever points are computed together (a single column would take another
    BLAS routine)."""
    m = -2.0 * centres
    d2 = (m @ np.repeat(xt, 2, axis=1))[:, :1] if xt.shape[1] == 1 else m @ xt
    d2 += (centres * centres).sum(axis=1)[:, None]
    return d2


def nearest(d2: np.ndarray) -> np.ndarray:
    """Per column of ``d2`` (K, n), the row of its smallest entry (ties: the smaller row).

    ``argmin`` gives the same rows (its first smallest entry; distances are never NaN) and is
    3-10x faster on the few hundred columns an iteration recomputes, but slower than the
    row-by-row comparison on a full window (it walks the columns with a stride)."""
    if d2.shape[1] <= ARGMIN_COLUMNS:
        return d2.argmin(axis=0)
    low = d2.min(axis=0)
    labels = np.empty(d2.shape[1], dtype=np.int64)
    for k in range(d2.shape[0] - 1, -1, -1):     # the smallest row written last
        labels[d2[k] == low] = k
    return labels


def _assign(xt: np.ndarray, sq_x: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest centre of every point (ties: smaller index), an emptied cluster taking the point
    furthest from its centre (largest distance first); also the (K, n) distances minus |x|²."""
    k = centres.shape[0]
    d2 = partial_sq_dist(xt, centres)
    labels = nearest(d2)
    empty = np.flatnonzero(np.bincount(labels, minlength=k) == 0)
    if empty.size:
        dist = d2[labels, np.arange(labels.size)] + sq_x
        labels[np.argsort(-dist, kind="stable")[:empty.size]] = empty
    return labels, d2


def _bounds(d2: np.ndarray, sq_x: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance to the own centre and to the nearest other centre, from columns of ``d2``
    (overwritten)."""
    flat = d2.reshape(-1)                        # a view: d2 is contiguous
    spots = labels * labels.size + np.arange(labels.size)
    own = flat.take(spots)
    flat[spots] = np.inf
    other = d2.min(axis=0) if d2.shape[0] > 1 else np.full(labels.size, np.inf)
    return np.sqrt(np.maximum(own + sq_x, 0.0)), np.sqrt(np.maximum(other + sq_x, 0.0))


def _half_gap(centres: np.ndarray) -> np.ndarray:
    """Per centre, half the distance to the nearest other centre: a point nearer than that to
    its own centre cannot be nearer to another (Hamerly); only a bound, so its rounding is free."""
    diff = centres[:, None, :] - centres[None, :, :]
    between = np.einsum("ijk,ijk->ij", diff, diff)
    np.fill_diagonal(between, np.inf)
    return 0.5 * np.sqrt(between.min(axis=1))


class _Assignment:
    """The labels of the full assignment, kept up to date with Hamerly's bounds: ``upper``
    (with the margin) on the distance to the own centre, ``lower`` on that to any other."""

    def __init__(self, pts: Points, centres: np.ndarray) -> None:
        self.xt, self.sq_x, self.margin, self.width = pts.xt, pts.sq_x, pts.margin, pts.wt.shape[1]
        self._full(centres)

    def _full(self, centres: np.ndarray) -> None:
        self.centres = centres
        self.labels, d2 = _assign(self.xt, self.sq_x, centres)
        self.cells = bins(self.labels, self.width)
        self.counts = np.bincount(self.labels, minlength=centres.shape[0])
        upper, self.lower = _bounds(d2, self.sq_x, self.labels)
        self.upper = upper + self.margin

    def update(self, centres: np.ndarray) -> bool:
        """Move to ``centres``; True when a label changed."""
        k = centres.shape[0]
        step = centres - self.centres
        shift = np.sqrt(np.einsum("ij,ij->i", step, step))
        self.centres = centres
        self.upper += shift.take(self.labels)
        self.lower -= shift.max()
        todo = np.flatnonzero(self.upper >= np.maximum(self.lower, _half_gap(centres).take(self.labels)))
        if not todo.size:
            return False
        d2 = partial_sq_dist(self.xt.take(todo, axis=1), centres)
        new = nearest(d2)
        upper, self.lower[todo] = _bounds(d2, self.sq_x.take(todo), new)
        self.upper[todo] = upper + self.margin
        old = self.labels.take(todo)
        moved = new != old
        if not moved.any():
            return False
        counts = self.counts + np.bincount(new[moved], minlength=k) - np.bincount(old[moved], minlength=k)
        if counts.min() == 0:            # an emptied cluster: the full assignment moves a point
            before = self.labels
            self._full(centres)
            return not np.array_equal(before, self.labels)
        self.counts = counts
        self.labels[todo] = new          # the means of the old labels are already taken
        self.cells[todo[moved]] = bins(new[moved], self.width)
        return True


def lloyd(pts: Points, init: np.ndarray) -> Fit:
    """Lloyd iterations from ``init`` until no label changes (or MAX_ITER)."""
    k = init.shape[0]
    state = _Assignment(pts, np.array(init, dtype=np.float64))
    for _ in range(MAX_ITER):
        centres = _means(pts, state.cells, k)
        if not state.update(centres):   # the labels stay: these centres are their means
            return Fit(labels=state.labels, centres=centres, inertia=inertia(pts, state.labels, centres))
    centres, total = weighted_means(pts, state.labels, k)
    return Fit(labels=state.labels, centres=centres, inertia=total)


def initial_centres(pts: Points, k: int, restarts: int, seed: int) -> list[np.ndarray]:
    """``restarts`` k-means++ seedings drawn from one random stream of ``seed``."""
    rng = np.random.RandomState(seed)
    return [kmeans_plusplus(pts, k, rng) for _ in range(max(restarts, 1))]


def best_of(pts: Points, k: int, restarts: int, seed: int) -> Fit:
    """The lowest-inertia fit over ``restarts`` k-means++ seedings (ties: the first)."""
    best = None
    for init in initial_centres(pts, k, restarts, seed):
        fit = lloyd(pts, init)
        if best is None or fit.inertia < best.inertia:
            best = fit
    assert best is not None
    return best
