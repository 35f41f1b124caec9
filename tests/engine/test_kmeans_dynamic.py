"""Elbow, warm-started k-means and Jaccard relabelling against independent oracles."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from sklearn.cluster import KMeans

from engine.kmeans.dynamic import (choose_k, cluster_windows, elbow_pick, jaccard_matrix,
                                   match_clusters, merge_rows)


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
    perm = match_clusters(prev, new, k)
    assert sorted(perm.tolist()) == list(range(k))
    got = sum(jm[perm[q], q] for q in range(k))
    best = max(sum(jm[pi[q], q] for q in range(k)) for pi in itertools.permutations(range(k)))
    assert got == pytest.approx(best)


def test_elbow_rule_on_hand_curves() -> None:
    ks = np.arange(2, 7)
    assert elbow_pick(np.array([100.0, 50, 48, 20, 19]), ks, 0.05) == 3   # 2/50 = 4% < 5%
    assert elbow_pick(np.array([100.0, 50, 47.5, 20, 19.5]), ks, 0.05) == 5  # exactly 5% is not < 5%
    assert elbow_pick(np.array([100.0, 50, 25, 12, 6]), ks, 0.05) == 6     # never flat: k_max
    assert elbow_pick(np.array([100.0, 0, 0, 0, 0]), ks, 0.05) == 3        # W_K = 0 stops


def _blobs(rng: np.random.Generator, centers: np.ndarray, per: int, width: float = 0.02) -> np.ndarray:
    """Uniform points in small cubes around the centers (splitting such a cube gains < 5%)."""
    return np.concatenate([c + rng.uniform(-width, width, (per, 3)) for c in centers])


CENTERS = np.array([[1, 1, 1], [-1, 0, -1], [0, 0.5, 0], [1, 0, -1], [-1, 1, 1], [0, 1, -1],
                    [1, 1, -1], [-1, 0, 1], [0, 0, 0], [1, 0.5, 0]], float)


@pytest.mark.parametrize("k_true", [8, 9, 10])
def test_elbow_finds_planted_k(k_true: int) -> None:
    """Splitting one of K uniform blobs lowers W_K by about 25%/K, so the 5% rule on W_K can
    only stop at the planted K once K is above ~6 (it is why the rule lands near K = 7)."""
    rng = np.random.default_rng(k_true)
    x = np.stack([_blobs(rng, CENTERS[:k_true], 100) for _ in range(3)])
    elbow = choose_k(x, np.ones(x.shape[:2], bool), 2, 15, 0.05, 2, 0)
    assert elbow.k == k_true
    assert elbow.k_per_window.tolist() == [k_true] * 3
    assert elbow.inertia.shape == (3, 14)


def test_k_is_the_mean_rounded_half_up() -> None:
    rng = np.random.default_rng(1)
    x = np.stack([_blobs(rng, CENTERS[:8], 100)[:792], _blobs(rng, CENTERS[:9], 88)])
    elbow = choose_k(x, np.ones(x.shape[:2], bool), 2, 15, 0.05, 2, 0)
    assert elbow.k_per_window.tolist() == [8, 9]
    assert elbow.k == 9  # 8.5 rounds up (numpy's round-half-even would give 8)


def test_weighted_distinct_rows_give_the_same_fit() -> None:
    rng = np.random.default_rng(2)
    x = rng.random((60, 3))[rng.integers(0, 60, 300)]  # many duplicates, no distance ties
    u, w, inv = merge_rows(x)
    assert np.array_equal(u[inv], x) and w.sum() == 300
    init = u[:5]
    full = KMeans(5, init=init, n_init=1, tol=0.0).fit(x)
    merged = KMeans(5, init=init, n_init=1, tol=0.0).fit(u, sample_weight=w)
    assert merged.inertia_ == pytest.approx(full.inertia_)
    assert np.array_equal(merged.labels_[inv], full.labels_)


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


def test_reported_numbers_do_not_depend_on_the_last_bits_of_library_sums() -> None:
    from engine.kmeans.dynamic import significant, weighted_means
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(50, 3)), rng.integers(1, 4, 50).astype(float)
    labels = rng.integers(0, 4, 50)
    centres, inertia = weighted_means(x, w, labels, 4)
    for k in range(4):  # oracle: plain weighted means and squared distances
        members = labels == k
        assert np.allclose(centres[k], (x[members] * w[members, None]).sum(0) / w[members].sum())
    assert np.isclose(inertia, sum(w[i] * ((x[i] - centres[labels[i]]) ** 2).sum() for i in range(50)))
    values = np.array([431.513191000000123, 0.0, np.nan, -2.5e-7 * (1 + 1e-15)])
    assert np.array_equal(significant(values), significant(values * (1 + 1e-15)), equal_nan=True)
    assert significant(values)[0] == 431.513191
