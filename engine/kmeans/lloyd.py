"""Weighted Lloyd k-means on a window's distinct points (METHOD §1 "Dynamic clustering").

The K scan fits 16 K values x 27 windows; scikit-learn's estimator spends most of such a small
fit validating its input, so the iterations are done here in numpy (the same algorithm:
squared Euclidean, assignment then weighted means, until the labels no longer change;
an emptied cluster is moved to the point furthest from its centre, as scikit-learn does).
Seeding is scikit-learn's public ``kmeans_plusplus``. Callers hold ``single_threaded()``
(engine/kmeans/dynamic.py) so the small BLAS products use one thread (PITFALLS.md).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_ITER = 300


@dataclass(frozen=True)
class Fit:
    """Labels of the points, centres (weighted member means) and the inertia around them."""

    labels: np.ndarray      # int64 (n_points,)
    centres: np.ndarray     # float64 (K, 3)
    inertia: float


def _means(wx: np.ndarray, w: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Weighted member means (``wx`` = points times weights), summed in a fixed order."""
    weight = np.bincount(labels, weights=w, minlength=k)
    sums = np.empty((k, wx.shape[1]))
    for d in range(wx.shape[1]):
        sums[:, d] = np.bincount(labels, weights=wx[:, d], minlength=k)
    return np.divide(sums, weight[:, None], out=np.zeros_like(sums), where=weight[:, None] > 0)


def weighted_means(x: np.ndarray, w: np.ndarray, labels: np.ndarray, k: int) -> tuple[np.ndarray, float]:
    """Cluster centres as weighted member means and the inertia around them, summed in a fixed
    order, so the centres (and the next window's warm start) depend only on the labels."""
    centres = _means(x * w[:, None], w, labels, k)
    return centres, float(np.sum(w * ((x - centres[labels]) ** 2).sum(axis=1)))


def _assign(x: np.ndarray, sq_x: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Nearest centre of every point (ties: smaller index); an emptied cluster takes the point
    furthest from its centre (largest distance first)."""
    k = centres.shape[0]
    d2 = x @ (-2.0 * centres.T)
    d2 += (centres * centres).sum(axis=1)[None, :]
    labels = np.argmin(d2, axis=1)
    empty = np.flatnonzero(np.bincount(labels, minlength=k) == 0)
    if empty.size:
        dist = d2[np.arange(labels.size), labels] + sq_x
        labels[np.argsort(-dist, kind="stable")[:empty.size]] = empty
    return labels


def lloyd(x: np.ndarray, w: np.ndarray, init: np.ndarray) -> Fit:
    """Lloyd iterations from ``init`` until no label changes (or MAX_ITER)."""
    k = init.shape[0]
    sq_x = (x * x).sum(axis=1)
    wx = x * w[:, None]
    centres = np.array(init, dtype=np.float64)
    labels = _assign(x, sq_x, centres)
    for _ in range(MAX_ITER):
        centres = _means(wx, w, labels, k)
        new = _assign(x, sq_x, centres)
        if np.array_equal(new, labels):
            break
        labels = new
    centres, inertia = weighted_means(x, w, labels, k)
    return Fit(labels=labels, centres=centres, inertia=inertia)


def initial_centres(x: np.ndarray, w: np.ndarray, k: int, restarts: int, seed: int) -> list[np.ndarray]:
    """``restarts`` k-means++ seedings drawn from one random stream of ``seed``."""
    from sklearn.cluster import kmeans_plusplus  # imported on use: keeps the GUI's start-up light
    rng = np.random.RandomState(seed)
    return [kmeans_plusplus(x, k, sample_weight=w, random_state=rng)[0] for _ in range(max(restarts, 1))]


def best_of(x: np.ndarray, w: np.ndarray, k: int, restarts: int, seed: int) -> Fit:
    """The lowest-inertia fit over ``restarts`` k-means++ seedings (ties: the first)."""
    best = None
    for init in initial_centres(x, w, k, restarts, seed):
        fit = lloyd(x, w, init)
        if best is None or fit.inertia < best.inertia:
            best = fit
    assert best is not None
    return best
