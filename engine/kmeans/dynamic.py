"""Dynamic k-means over the windows: elbow choice of K, warm starts, Jaccard relabelling (METHOD §1).

Every fit runs single-threaded (``threadpool_limits(1)``: OpenMP k-means collapses when the
other core is busy, PITFALLS.md) on the *distinct* feature rows weighted by multiplicity,
which gives the same centroids and inertia as the full data at a fraction of the cost.

Elbow: W_K is the k-means inertia Σ_k Σ_{i∈S_k} ||x_i − c_k||² (not E_K = W_K/K, see
METHOD). Per window, K is the first K of k_min..k_max with (W_K − W_{K+1})/W_K < tolerance
(a window whose W_K is 0 stops there; none found: k_max); the chosen K is the mean over
windows rounded half up. K values at or above the number of distinct points have W_K = 0.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import linear_sum_assignment
from threadpoolctl import threadpool_limits

from engine.errors import UsageError
from engine.progress import Reporter

if TYPE_CHECKING:
    from sklearn.cluster import KMeans


@dataclass(frozen=True)
class Elbow:
    """The elbow scan: W_K per window and K, the K each window picks, and the chosen K."""

    k_values: np.ndarray      # int64 (n_K,)
    inertia: np.ndarray       # float64 (n_windows, n_K) W_K; NaN for windows not scanned
    k_per_window: np.ndarray  # int64 (n_windows,), 0 for windows not scanned
    k: int


@dataclass(frozen=True)
class DynamicClustering:
    """Labels and centroids per window after relabelling, with the stability diagnostics."""

    labels: np.ndarray        # int16 (n_windows, n_investors), −1 inactive
    centroids: np.ndarray     # float64 (n_windows, K, 3), relabelled order
    inertia: np.ndarray       # float64 (n_windows,)
    jaccard: np.ndarray       # float64 (n_windows, K): Jaccard with the same id in w−1; NaN at w=0
    drift: np.ndarray         # float64 (n_windows, K): centroid move since w−1; NaN at w=0


def merge_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows, their multiplicities (float weights) and the row -> distinct map."""
    unique, inverse, counts = np.unique(x, axis=0, return_inverse=True, return_counts=True)
    return unique, counts.astype(np.float64), inverse.reshape(-1)


def single_threaded() -> threadpool_limits:
    """Limit every thread pool to one thread, after loading scikit-learn's OpenMP runtime:
    threadpoolctl only limits libraries already loaded, and scikit-learn is imported lazily."""
    import sklearn.cluster  # noqa: F401  (loads the OpenMP runtime the limit must reach)
    return threadpool_limits(1)


def _fit(x: np.ndarray, w: np.ndarray, k: int, init, n_init: int, seed: int) -> KMeans:
    """One weighted k-means fit; callers hold ``single_threaded()`` around their loops
    (entering it per fit costs more than a small fit)."""
    from sklearn.cluster import KMeans  # imported on use: keeps the GUI's start-up light
    # tol=0: iterate until labels are stable; sklearn scales tol by the *unweighted* variance,
    # which would make a fit on merged rows stop at a different point than on all rows
    model = KMeans(n_clusters=k, init=init, n_init=n_init, random_state=seed, algorithm="lloyd", tol=0.0)
    return model.fit(x, sample_weight=w)


def inertia_curve(x: np.ndarray, w: np.ndarray, k_values: np.ndarray, restarts: int, seed: int,
                  reporter: Reporter | None = None) -> np.ndarray:
    """W_K for each K on weighted distinct rows (0 once K reaches the number of rows)."""
    out = np.zeros(k_values.size)
    for j, k in enumerate(k_values.tolist()):
        if reporter is not None:
            reporter.check()
        if k < x.shape[0]:
            out[j] = _fit(x, w, k, "k-means++", restarts, seed).inertia_
    return significant(out)


def weighted_means(x: np.ndarray, w: np.ndarray, labels: np.ndarray, k: int) -> tuple[np.ndarray, float]:
    """Cluster centres as weighted member means and the inertia around them, summed in a fixed
    order: the reported centres (and the next window's warm start) depend only on the labels,
    not on the last bits of scikit-learn's own sums."""
    weight = np.bincount(labels, weights=w, minlength=k)
    sums = np.stack([np.bincount(labels, weights=w * x[:, d], minlength=k) for d in range(x.shape[1])], axis=1)
    centres = np.divide(sums, weight[:, None], out=np.zeros_like(sums), where=weight[:, None] > 0)
    return centres, float(np.sum(w * ((x - centres[labels]) ** 2).sum(axis=1)))


def significant(values: np.ndarray, digits: int = 12) -> np.ndarray:
    """``values`` rounded to ``digits`` significant digits. W_K from scikit-learn can differ in
    its last bits between identical runs (the order of floating-point sums is not fixed);
    rounding keeps the reported curve, and so the JSON and packet bytes, repeatable."""
    out = np.array(values, dtype=np.float64)
    nz = np.isfinite(out) & (out != 0)
    scale = 10.0 ** (digits - 1 - np.floor(np.log10(np.abs(out[nz]))))
    out[nz] = np.round(out[nz] * scale) / scale
    return out


def elbow_pick(inertia: np.ndarray, k_values: np.ndarray, tolerance: float) -> int:
    """First K whose next K lowers W_K by less than ``tolerance`` relatively (else the last K)."""
    for j in range(k_values.size - 1):
        w_k, w_next = inertia[j], inertia[j + 1]
        if w_k <= 0 or (w_k - w_next) / w_k < tolerance:
            return int(k_values[j])
    return int(k_values[-1])


def choose_k(features: np.ndarray, active: np.ndarray, k_min: int, k_max: int, tolerance: float,
             restarts: int, seed: int, reporter: Reporter | None = None) -> Elbow:
    """Elbow scan over every window with at least two distinct points; K = rounded mean."""
    if not 2 <= k_min <= k_max:
        raise UsageError(f"the elbow scan needs 2 <= k_min <= k_max (got {k_min}, {k_max})")
    k_values = np.arange(k_min, k_max + 1, dtype=np.int64)
    n_w = features.shape[0]
    inertia = np.full((n_w, k_values.size), np.nan)
    picks = np.zeros(n_w, dtype=np.int64)
    with single_threaded():
        for w in range(n_w):
            x, wt, _ = merge_rows(features[w][active[w]])
            if x.shape[0] >= 2:
                inertia[w] = inertia_curve(x, wt, k_values, restarts, seed, reporter)
                picks[w] = elbow_pick(inertia[w], k_values, tolerance)
            if reporter is not None:
                reporter.advance((w + 1) / n_w)
    scanned = picks[picks > 0]
    if scanned.size == 0:
        raise UsageError("no window has two distinct investor feature points: K cannot be chosen")
    return Elbow(k_values=k_values, inertia=inertia, k_per_window=picks,
                 k=int(math.floor(scanned.mean() + 0.5)))


def jaccard_matrix(prev: np.ndarray, new: np.ndarray, k: int) -> np.ndarray:
    """J[p, n] = |prev cluster p ∩ new cluster n| / |union| over investor rows (−1 = absent)."""
    both = (prev >= 0) & (new >= 0)
    inter = np.bincount(prev[both].astype(np.int64) * k + new[both], minlength=k * k).reshape(k, k)
    size_p = np.bincount(prev[prev >= 0], minlength=k)
    size_n = np.bincount(new[new >= 0], minlength=k)
    union = size_p[:, None] + size_n[None, :] - inter
    return np.divide(inter, union, out=np.zeros((k, k)), where=union > 0)


def match_clusters(prev: np.ndarray, new: np.ndarray, k: int) -> np.ndarray:
    """``perm[n]`` = previous id given to new cluster n, maximising the total Jaccard overlap."""
    rows, cols = linear_sum_assignment(jaccard_matrix(prev, new, k), maximize=True)
    perm = np.empty(k, dtype=np.int64)
    perm[cols] = rows
    return perm


def cluster_windows(features: np.ndarray, active: np.ndarray, k: int, restarts: int, seed: int,
                    reporter: Reporter | None = None) -> DynamicClustering:
    """k-means per window: best of ``restarts`` in the first, warm starts after, relabelled."""
    n_w, n_i = active.shape
    labels = np.full((n_w, n_i), -1, dtype=np.int16)
    centroids = np.zeros((n_w, k, 3))
    inertia = np.zeros(n_w)
    jac = np.full((n_w, k), np.nan)
    drift = np.full((n_w, k), np.nan)
    with single_threaded():
        for w in range(n_w):
            if reporter is not None:
                reporter.check()
            rows = np.flatnonzero(active[w])
            x, wt, inverse = merge_rows(features[w, rows])
            if x.shape[0] < k:
                raise UsageError(f"window {w + 1} has {x.shape[0]} distinct investor points, "
                                 f"fewer than K = {k}")
            init = "k-means++" if w == 0 else centroids[w - 1]
            model = _fit(x, wt, k, init, restarts if w == 0 else 1, seed)
            raw = np.full(n_i, -1, dtype=np.int64)
            raw[rows] = model.labels_[inverse]
            perm = np.arange(k) if w == 0 else match_clusters(labels[w - 1], raw, k)
            labels[w, rows] = perm[raw[rows]]
            centres, inertia[w] = weighted_means(x, wt, model.labels_, k)
            centroids[w, perm] = centres
            if w > 0:
                jac[w] = np.diag(jaccard_matrix(labels[w - 1], labels[w], k))
                drift[w] = np.linalg.norm(centroids[w] - centroids[w - 1], axis=1)
            if reporter is not None:
                reporter.advance((w + 1) / n_w)
    return DynamicClustering(labels=labels, centroids=centroids, inertia=inertia, jaccard=jac, drift=drift)
