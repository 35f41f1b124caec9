"""Weighted Lloyd, warm-started k-means, Jaccard relabelling and the elbow diagnostic against
independent oracles (scikit-learn, brute force over permutations, hand-made curves)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from sklearn.cluster import KMeans

from engine.kmeans.dynamic import cluster_windows, jaccard_matrix, matching, merge_rows
from engine.kmeans.kscan import elbow_per_window
from engine.kmeans.lloyd import best_of, initial_centres, lloyd, weighted_means
from engine.kmeans.points import Points


def _brute_jaccard(prev: np.ndarray, new: np.ndarray, p: int, n: int) -> float:
    a, b = set(np.flatnonzero(prev == p)), set(np.flatnonzero(new == n))
    return len(a & b) / len(a | b) if a | b else 0.0


@pytest.mark.parametrize("seed", range(12))
def test_relabelling_equals_brute_force_over_permutations(seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 7))
    n = int(rng.integers(5, 60))
    prev = rng.integers(-1, k, n)
    new = np.where(rng.random(n) < 0.6, prev, rng.integers(-1, k, n))  # partly stable
    jm = jaccard_matrix(prev, new, k)
    for p in range(k):
        for q in range(k):
            assert jm[p, q] == pytest.approx(_brute_jaccard(prev, new, p, q))
    perm = matching(jm)
    assert sorted(perm.tolist()) == list(range(k))
    got = sum(jm[perm[q], q] for q in range(k))
    best = max(sum(jm[pi[q], q] for q in range(k)) for pi in itertools.permutations(range(k)))
    assert got == pytest.approx(best)


def test_elbow_diagnostic_on_hand_curves() -> None:
    """Per window: the first K <= k_max whose next K lowers W_K by less than 5%; 0 = no elbow."""
    ks = np.arange(2, 8)
    curves = np.array([[100.0, 50, 48, 20, 19, 18],     # 2/50 = 4% < 5% at K = 3
                       [100.0, 50, 47.5, 20, 19.5, 19],  # exactly 5% is not < 5%; 0.5/20 at K = 5
                       [100.0, 50, 25, 12, 6, 3],       # never flat: no elbow
                       [100.0, 0, 0, 0, 0, 0],          # W_K = 0 stops
                       [100.0, 50, 25, 12, 6, 5.9]])    # flat from K = 6 to 7
    assert elbow_per_window(curves, ks, 6, 0.05).tolist() == [3, 5, 0, 3, 6]
    assert elbow_per_window(curves, ks, 5, 0.05).tolist() == [3, 5, 0, 3, 0]  # K = 6 is past k_max


def _blobs(rng: np.random.Generator, centers: np.ndarray, per: int, width: float = 0.02) -> np.ndarray:
    """Uniform points in small cubes around the centers (splitting such a cube gains < 5%)."""
    return np.concatenate([c + rng.uniform(-width, width, (per, 3)) for c in centers])


CENTERS = np.array([[1, 1, 1], [-1, 0, -1], [0, 0.5, 0], [1, 0, -1], [-1, 1, 1], [0, 1, -1],
                    [1, 1, -1], [-1, 0, 1], [0, 0, 0], [1, 0.5, 0]], float)


def test_weighted_distinct_rows_give_the_same_fit_as_scikit_learn() -> None:
    """Our Lloyd on merged rows equals scikit-learn's KMeans on all rows from the same start."""
    rng = np.random.default_rng(2)
    x = rng.random((60, 3))[rng.integers(0, 60, 300)]  # many duplicates, no distance ties
    u, w, inv = merge_rows(x)
    assert np.array_equal(u[inv], x) and w.sum() == 300
    for k in (2, 5, 9):
        init = u[:k]
        full = KMeans(k, init=init, n_init=1, tol=0.0, algorithm="lloyd").fit(x)
        ours = lloyd(Points.of(u, w), init)
        assert ours.inertia == pytest.approx(full.inertia_, rel=1e-9)
        assert np.array_equal(ours.labels[inv], full.labels_)
        np.testing.assert_allclose(ours.centres, full.cluster_centers_, atol=1e-12)


def test_best_of_restarts_keeps_the_lowest_inertia_and_seeds_differ() -> None:
    rng = np.random.default_rng(4)
    x = _blobs(rng, CENTERS[:6], 40, width=0.3)
    pts = Points.of(x, np.ones(len(x)))
    inits = {seed: initial_centres(pts, 6, 3, seed) for seed in range(5)}
    firsts = [inits[s][0].tobytes() for s in range(5)]
    assert len(set(firsts)) == 5                      # each seed starts elsewhere
    assert len({a.tobytes() for a in inits[0]}) == 3  # and each restart too
    best = best_of(pts, 6, 3, 0)
    assert best.inertia == min(lloyd(pts, init).inertia for init in inits[0])


def test_an_emptied_cluster_takes_the_furthest_point() -> None:
    x = np.array([[0.0, 0, 0], [0.1, 0, 0], [5, 0, 0]])
    fit = lloyd(Points.of(x, np.ones(3)), np.array([[0.0, 0, 0], [100, 100, 100]]))
    assert fit.labels.tolist() == [0, 0, 1]


def test_dynamic_clusters_follow_their_members() -> None:
    """Blobs drift slowly; members stay put except a few movers: ids must follow the blobs."""
    rng = np.random.default_rng(3)
    k, per, n_w = 4, 50, 6
    home = np.repeat(np.arange(k), per)
    n = home.size
    feats = np.full((n_w, n, 3), np.nan)
    active = rng.random((n_w, n)) < 0.85
    truth = np.tile(home, (n_w, 1))
    for w in range(n_w):
        movers = rng.choice(n, 5, replace=False)
        truth[w, movers] = (home[movers] + 1) % k
        centers = CENTERS[:k] + 0.02 * w
        feats[w] = centers[truth[w]] + rng.uniform(-0.05, 0.05, (n, 3))
    feats[~active] = np.nan
    dyn = cluster_windows(feats, active, k, 10, 0, None)
    assert np.array_equal(dyn.labels < 0, ~active)
    # each truth blob maps to one label, the same in every window
    mapping = {}
    for w in range(n_w):
        for b in range(k):
            got = set(dyn.labels[w, (truth[w] == b) & active[w]].tolist())
            assert len(got) == 1
            mapping.setdefault(b, got.pop())
            assert dyn.labels[w, (truth[w] == b) & active[w]][0] == mapping[b]
    assert np.all(np.isnan(dyn.jaccard[0]))
    for w in range(1, n_w):
        for b in range(k):
            prev = set(np.flatnonzero((truth[w - 1] == b) & active[w - 1]))
            cur = set(np.flatnonzero((truth[w] == b) & active[w]))
            assert dyn.jaccard[w, mapping[b]] == pytest.approx(len(prev & cur) / len(prev | cur))
    assert np.all(dyn.drift[1:] < 0.1)
    again = cluster_windows(feats, active, k, 10, 0, None)
    assert np.array_equal(again.labels, dyn.labels) and np.array_equal(again.centroids, dyn.centroids)


def test_weighted_means_and_inertia_against_plain_sums() -> None:
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(50, 3)), rng.integers(1, 4, 50).astype(float)
    labels = rng.integers(0, 4, 50)
    centres, inertia = weighted_means(Points.of(x, w), labels, 4)
    for k in range(4):  # oracle: plain weighted means and squared distances
        members = labels == k
        assert np.allclose(centres[k], (x[members] * w[members, None]).sum(0) / w[members].sum())
    assert np.isclose(inertia, sum(w[i] * ((x[i] - centres[labels[i]]) ** 2).sum() for i in range(50)))


@pytest.mark.parametrize("zeros", ["positive", "negative", "mixed"])
def test_merge_rows_gives_np_unique_bytes(zeros: str) -> None:
    """The lexsort merge equals np.unique(axis=0) to the bit, duplicates and signed zeros included."""
    rng = np.random.default_rng(len(zeros))
    for _ in range(40):
        n = int(rng.integers(1, 400))
        x = np.round(rng.uniform([-1, 0, -1], [1, 1, 1], (n, 3)), int(rng.integers(0, 3)))
        x = {"positive": np.abs(x) + 0.0, "negative": -np.abs(x), "mixed": x}[zeros]
        unique, inverse, counts = np.unique(x, axis=0, return_inverse=True, return_counts=True)
        got = merge_rows(x)
        for ours, theirs in zip(got, (unique, counts.astype(np.float64), inverse.reshape(-1))):
            assert ours.dtype == theirs.dtype and ours.tobytes() == theirs.tobytes()
