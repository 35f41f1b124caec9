"""Our k-means++ seeding against scikit-learn's ``kmeans_plusplus`` (the oracle it replaces): the
same centres to the bit and the random stream left at the same place, on weighted points like
the k-means features (duplicates merged, clumps, uniform background) and on tiny clouds."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import kmeans_plusplus as sklearn_kmeans_plusplus

from engine.kmeans.dynamic import merge_rows
from engine.kmeans.lloyd import initial_centres
from engine.kmeans.points import Points
from engine.kmeans.seeding import kmeans_plusplus


def _cloud(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct feature-like points (A, a, E) with integer multiplicities as weights."""
    base = rng.uniform([-1, 0, -1], [1, 1, 1], (n, 3))
    clumps = np.clip(rng.normal(0, 0.1, (n, 3)) + rng.choice([-0.6, 0.6], (n, 3)), -1, 1)
    corner = np.ones((n // 10, 3))                      # many first-time buyers on one point
    x, w, _ = merge_rows(np.concatenate([base, clumps, corner]).round(3))
    return x, w


@pytest.mark.parametrize("seed", range(6))
def test_seeding_is_scikit_learns_to_the_bit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x, w = _cloud(rng, int(rng.integers(200, 1500)))
    pts = Points.of(x, w)
    for k in (2, 3, 7, 8, 17):
        ours, theirs = np.random.RandomState(seed), np.random.RandomState(seed)
        for _ in range(3):   # consecutive restarts draw from one stream
            got = kmeans_plusplus(pts, k, ours)
            want = sklearn_kmeans_plusplus(x, k, sample_weight=w, random_state=theirs)[0]
            assert got.tobytes() == want.tobytes()
        assert ours.random_sample() == theirs.random_sample()


def test_tiny_clouds_and_the_restart_list() -> None:
    x = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    w = np.array([1.0, 5.0, 2.0])
    pts = Points.of(x, w)
    inits = initial_centres(pts, 3, 4, 11)
    rng = np.random.RandomState(11)
    for got in inits:
        assert got.tobytes() == sklearn_kmeans_plusplus(x, 3, sample_weight=w, random_state=rng)[0].tobytes()
        assert sorted(map(tuple, got)) == sorted(map(tuple, x))   # K = n: every point once


def test_more_centres_than_points_is_refused_as_scikit_learn_refuses_it() -> None:
    x, w = np.arange(8.0).reshape(4, 2), np.ones(4)
    with pytest.raises(ValueError, match="n_samples=4 should be >= n_clusters=6") as ours:
        kmeans_plusplus(Points.of(x, w), 6, np.random.RandomState(0))
    with pytest.raises(ValueError) as theirs:
        sklearn_kmeans_plusplus(x, 6, sample_weight=w, random_state=0)
    assert str(ours.value) == str(theirs.value)
