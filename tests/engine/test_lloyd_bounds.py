"""The bounded (Hamerly) Lloyd against a brute-force Lloyd that recomputes every distance at every
iteration: same labels at the end, same centres and inertia, on weighted points in the feature
cube with clusters that overlap (many near-boundary points), emptied clusters and exact ties."""
from __future__ import annotations

import numpy as np
import pytest

from engine.kmeans.lloyd import MAX_ITER, lloyd, nearest, partial_sq_dist
from engine.kmeans.points import Points


def brute_lloyd(x: np.ndarray, w: np.ndarray, init: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Plain Lloyd: every point to its nearest centre by explicit squared distances (ties: the
    smaller index; an emptied cluster takes the point furthest from its own centre), then
    weighted means by a Python loop, until no label changes."""
    k = init.shape[0]

    def assign(c: np.ndarray) -> np.ndarray:
        d = ((x[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        labels = np.array([min(range(k), key=lambda j, r=r: (r[j], j)) for r in d])
        empty = [j for j in range(k) if not np.any(labels == j)]
        if empty:
            own = d[np.arange(len(x)), labels]
            far = sorted(range(len(x)), key=lambda i: (-own[i], i))[:len(empty)]
            labels[far] = empty
        return labels

    def means(labels: np.ndarray) -> np.ndarray:
        c = np.zeros((k, x.shape[1]))
        for j in range(k):
            m = labels == j
            if m.any():
                c[j] = (x[m] * w[m, None]).sum(axis=0) / w[m].sum()
        return c

    labels = assign(init)
    for _ in range(MAX_ITER):
        new = assign(means(labels))
        if np.array_equal(new, labels):
            break
        labels = new
    return labels, means(labels)


def _cube_points(rng: np.random.Generator, n: int) -> np.ndarray:
    """Points like the k-means features: (A, a, E) in [−1, 1] x [0, 1] x [−1, 1], clumped."""
    base = rng.uniform([-1, 0, -1], [1, 1, 1], (n // 2, 3))
    clumps = rng.normal(0, 0.15, (n - n // 2, 3)) + rng.choice([-0.5, 0.5], (n - n // 2, 3))
    return np.clip(np.concatenate([base, clumps]), [-1, 0, -1], [1, 1, 1])


@pytest.mark.parametrize("seed", range(8))
def test_bounded_lloyd_equals_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(150, 400))
    x = _cube_points(rng, n)
    w = rng.integers(1, 5, n).astype(np.float64)
    k = int(rng.integers(2, 14))
    init = x[rng.choice(n, k, replace=False)] + rng.normal(0, 0.05, (k, 3))
    fit = lloyd(Points.of(x, w), init)
    labels, centres = brute_lloyd(x, w, init)
    assert np.array_equal(fit.labels, labels)
    np.testing.assert_allclose(fit.centres, centres, rtol=0, atol=1e-12)
    oracle_inertia = float(sum(w[i] * ((x[i] - centres[labels[i]]) ** 2).sum() for i in range(n)))
    assert fit.inertia == pytest.approx(oracle_inertia, rel=1e-12)


def test_emptied_clusters_and_ties_follow_the_brute_force() -> None:
    """Centres far from every point empty at once; a symmetric grid puts points exactly halfway."""
    g = np.linspace(-1.0, 1.0, 9)
    x = np.array([[a, 0.5, e] for a in g for e in g])
    w = np.ones(len(x))
    for init in (np.array([[-0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [9.0, 9.0, 9.0], [-9.0, 9.0, -9.0]]),
                 np.array([[-0.25, 0.5, 0.0], [0.25, 0.5, 0.0], [0.0, 0.5, 0.75]])):
        fit = lloyd(Points.of(x, w), init)
        labels, centres = brute_lloyd(x, w, init)
        assert np.array_equal(fit.labels, labels)
        np.testing.assert_allclose(fit.centres, centres, rtol=0, atol=1e-12)


def test_distances_do_not_depend_on_which_points_are_computed_together() -> None:
    """Any subset of points (a single one included) gets the same bits as in the full product,
    and the nearest centre is the first of the smallest."""
    rng = np.random.default_rng(7)
    xt = np.ascontiguousarray(_cube_points(rng, 500).T)
    centres = rng.uniform(-1, 1, (11, 3))
    full = partial_sq_dist(xt, centres)
    for size in (1, 2, 3, 7, 64, 499):
        cols = np.sort(rng.choice(500, size, replace=False))
        assert np.array_equal(partial_sq_dist(np.ascontiguousarray(xt[:, cols]), centres), full[:, cols])
    tied = np.array([[1.0, 0.0, 2.0], [0.5, 0.0, 2.0], [0.5, 3.0, 1.0]])
    assert nearest(tied).tolist() == [1, 0, 2]
    assert np.array_equal(nearest(full), np.argmin(full, axis=0))
