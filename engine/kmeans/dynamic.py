"""Dynamic k-means over the windows: warm starts and Jaccard relabelling (METHOD §1).

Every fit runs single-threaded (``threadpool_limits(1)``: OpenMP k-means collapses when the
other core is busy, PITFALLS.md) on the *distinct* feature rows weighted by multiplicity,
which gives the same centroids and inertia as the full data at a fraction of the cost. The
distinct rows of each window do not depend on K, so ``prepare_windows`` computes them once
for the whole K scan (engine/kmeans/kscan.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from threadpoolctl import threadpool_limits

from engine.errors import UsageError
from engine.kmeans.lloyd import best_of, lloyd
from engine.kmeans.points import Points
from engine.progress import Reporter

@dataclass(frozen=True)
class DynamicClustering:
    """Labels and centroids per window after relabelling, with the stability diagnostics."""

    labels: np.ndarray        # int16 (n_windows, n_investors), −1 inactive
    centroids: np.ndarray     # float64 (n_windows, K, 3), relabelled order
    inertia: np.ndarray       # float64 (n_windows,)
    jaccard: np.ndarray       # float64 (n_windows, K): Jaccard with the same id in w−1; NaN at w=0
    drift: np.ndarray         # float64 (n_windows, K): centroid move since w−1; NaN at w=0


def merge_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows (in lexicographic order), their multiplicities (float weights) and the
    row -> distinct map: ``np.unique(x, axis=0)``'s answer by a stable ``lexsort`` (np.unique
    sorts rows as structured records, ~25x slower). Where equal rows could differ in their bits
    (NaN, or +0.0 beside −0.0 in a column) np.unique itself decides which one is kept."""
    zero = x == 0
    neg = np.signbit(x)
    if np.isnan(x).any() or ((zero & neg).any(axis=0) & (zero & ~neg).any(axis=0)).any():
        unique, inverse, counts = np.unique(x, axis=0, return_inverse=True, return_counts=True)
        return unique, counts.astype(np.float64), inverse.reshape(-1)
    order = np.lexsort(x.T[::-1])
    rows = x[order]
    first = np.empty(x.shape[0], dtype=bool)
    first[:1] = True
    np.any(rows[1:] != rows[:-1], axis=1, out=first[1:])
    starts = np.flatnonzero(first)
    inverse = np.empty(x.shape[0], dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return rows[starts], np.diff(np.append(starts, x.shape[0])).astype(np.float64), inverse


def single_threaded() -> threadpool_limits:
    """Limit the BLAS thread pool to one thread (the fits are small products, PITFALLS.md); the
    fits use no OpenMP library (numpy only), so none needs loading first to be limited."""
    return threadpool_limits(1)


def jaccard_matrix(prev: np.ndarray, new: np.ndarray, k: int) -> np.ndarray:
    """J[p, n] = |prev cluster p ∩ new cluster n| / |union| over investor rows (−1 = absent)."""
    both = (prev >= 0) & (new >= 0)
    inter = np.bincount(prev[both].astype(np.int64) * k + new[both], minlength=k * k).reshape(k, k)
    size_p = np.bincount(prev[prev >= 0], minlength=k)
    size_n = np.bincount(new[new >= 0], minlength=k)
    union = size_p[:, None] + size_n[None, :] - inter
    return np.divide(inter, union, out=np.zeros((k, k)), where=union > 0)


def matching(jm: np.ndarray) -> np.ndarray:
    """``perm[n]`` = previous id given to new cluster n, maximising the total of ``jm[p, n]``."""
    rows, cols = linear_sum_assignment(jm, maximize=True)
    perm = np.empty(jm.shape[0], dtype=np.int64)
    perm[cols] = rows
    return perm



@dataclass(frozen=True)
class WindowPoints:
    """One window's active rows, its distinct feature points with their weights, and the row map."""

    rows: np.ndarray      # int64: investor rows active in the window
    cloud: Points         # the distinct points (n_distinct, 3), weighted by multiplicity
    inverse: np.ndarray   # int64 (rows.size,): distinct point of each active row

    @property
    def points(self) -> np.ndarray:
        """The distinct points, (n_distinct, 3)."""
        return self.cloud.x


def prepare_windows(features: np.ndarray, active: np.ndarray) -> list[WindowPoints]:
    """Distinct weighted points of every window (they do not depend on K)."""
    out = []
    for w in range(active.shape[0]):
        rows = np.flatnonzero(active[w])
        x, wt, inverse = merge_rows(features[w, rows])
        out.append(WindowPoints(rows=rows, cloud=Points.of(x, wt), inverse=inverse))
    return out


def max_k(prepared: list[WindowPoints]) -> int:
    """The largest K every window can hold (its fewest distinct points)."""
    return min(p.points.shape[0] for p in prepared)


def cluster_windows(features: np.ndarray, active: np.ndarray, k: int, restarts: int, seed: int,
                    reporter: Reporter | None = None,
                    prepared: list[WindowPoints] | None = None) -> DynamicClustering:
    """k-means per window: best of ``restarts`` in the first, warm starts after, relabelled.

    ``prepared`` (from ``prepare_windows`` on the same features) saves the K scan from
    recomputing each window's distinct points for every K."""
    n_w, n_i = active.shape
    windows = prepared if prepared is not None else prepare_windows(features, active)
    labels = np.full((n_w, n_i), -1, dtype=np.int16)
    centroids = np.zeros((n_w, k, 3))
    inertia = np.zeros(n_w)
    jac = np.full((n_w, k), np.nan)
    drift = np.full((n_w, k), np.nan)
    with single_threaded():
        for w, win in enumerate(windows):
            if reporter is not None:
                reporter.check()
            x, rows = win.points, win.rows
            if x.shape[0] < k:
                raise UsageError(f"window {w + 1} has {x.shape[0]} distinct investor points, "
                                 f"fewer than K = {k}")
            fit = best_of(win.cloud, k, restarts, seed) if w == 0 else lloyd(win.cloud, centroids[w - 1])
            raw = np.full(n_i, -1, dtype=np.int64)
            raw[rows] = fit.labels[win.inverse]
            if w == 0:
                perm = np.arange(k)
            else:
                both = np.flatnonzero((labels[w - 1] >= 0) | (raw >= 0))  # the rows Jaccard needs
                jm = jaccard_matrix(labels[w - 1, both], raw[both], k)
                perm = matching(jm)
                jac[w, perm] = jm[perm, np.arange(k)]
            labels[w, rows] = perm[raw[rows]]
            inertia[w] = fit.inertia
            centroids[w, perm] = fit.centres
            if w > 0:
                drift[w] = np.linalg.norm(centroids[w] - centroids[w - 1], axis=1)
            if reporter is not None:
                reporter.advance((w + 1) / n_w)
    return DynamicClustering(labels=labels, centroids=centroids, inertia=inertia, jaccard=jac, drift=drift)
