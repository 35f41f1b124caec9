"""The vectorised isolation forest against scikit-learn's and against its own definition."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr

from engine.options import iforest


def test_average_path_length_by_hand() -> None:
    harmonic = lambda n: sum(1 / k for k in range(1, n + 1))  # noqa: E731
    # c(n) = 2 H(n-1) - 2(n-1)/n with H(i) ~ ln(i) + Euler's constant
    got = iforest.average_path(np.array([1, 2, 3, 256]))
    assert got[:2].tolist() == [0.0, 1.0]
    assert got[3] == pytest.approx(2 * harmonic(255) - 2 * 255 / 256, rel=2e-3)


def _walk(forest: iforest.Forest, row: np.ndarray, tree: int) -> float:
    """Path length of ``row`` in one tree by following the nodes one at a time."""
    node = tree
    while forest.feature[node] >= 0:
        node = forest.left[node] if row[forest.feature[node]] <= forest.threshold[node] else forest.right[node]
    return forest.depth[node] + float(iforest.average_path(forest.size[node]))


def test_scores_equal_a_node_by_node_walk() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 4))
    forest = iforest.fit(x, 20, seed=1)
    assert forest.sample_size == 256 and forest.depth.max() <= 8
    assert (forest.size[: forest.n_trees] == 256).all()
    inner = forest.feature >= 0
    assert (forest.size[forest.left[inner]] + forest.size[forest.right[inner]] == forest.size[inner]).all()
    test = (rng.normal(size=(15, 4)) * 2).astype(np.float32)   # the forest compares in float32
    got = iforest.anomaly(forest, test)
    for i, row in enumerate(test):
        mean = np.mean([_walk(forest, row, t) for t in range(20)])
        assert got[i] == pytest.approx(2 ** (-mean / iforest.average_path(256)))


def test_agrees_with_scikit_learn() -> None:
    from sklearn.ensemble import IsolationForest
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, 6))
    x[:5] += 6
    ours = iforest.anomaly(iforest.fit(x, 100, seed=0), x)
    theirs = -IsolationForest(n_estimators=100, random_state=0).fit(x).score_samples(x)
    assert spearmanr(ours, theirs).statistic > 0.9
    assert abs(ours.mean() - theirs.mean()) < 0.02
    assert set(np.argsort(ours)[-5:]) == set(range(5)) == set(np.argsort(theirs)[-5:])


def test_constant_columns_and_tiny_inputs() -> None:
    x = np.column_stack([np.zeros(30), np.arange(30.0)])
    forest = iforest.fit(x, 10, seed=0)
    assert set(forest.feature[forest.feature >= 0].tolist()) == {1}   # never splits a constant column
    same = iforest.fit(np.ones((5, 2)), 10, seed=0)
    assert (same.feature == -1).all()
    assert iforest.anomaly(same, np.ones((2, 2))).tolist() == pytest.approx([2 ** (-iforest.average_path(5) / iforest.average_path(5))] * 2)
