"""Pooled and pairwise one-sided Fisher tests of the rewarding cluster (METHOD §1 "Significance")
against an exact hypergeometric sum, scipy's fisher_exact and, where counts are large,
chi2_contingency; small expected counts show why the chi-squared reading is not used."""
from __future__ import annotations

from math import comb

import numpy as np
import pytest
from scipy.stats import chi2_contingency, fisher_exact

from engine.kmeans.significance import TEST_NAME, significance


def _exact_greater(a: int, b: int, c: int, d: int) -> float:
    """P(X >= a), X ~ Hypergeometric: a + c discontinuous among n, a + b drawn (hand sum)."""
    n, drawn, marked = a + b + c + d, a + b, a + c
    top = min(drawn, marked)
    return sum(comb(marked, x) * comb(n - marked, drawn - x) for x in range(a, top + 1)) / comb(n, drawn)


# sizes, discontinuous per cluster; rewarding cluster 0. Expected counts near 1 in small ones.
CASES = [
    (np.array([25, 3, 9, 40, 1, 0]), np.array([20, 1, 2, 10, 1, 0])),
    (np.array([12, 2, 2, 5]), np.array([9, 0, 2, 1])),
    (np.array([6, 30, 4]), np.array([2, 10, 4])),
]


@pytest.mark.parametrize("sizes,disc", CASES)
def test_pooled_and_pairwise_equal_the_exact_hypergeometric_tail(sizes: np.ndarray, disc: np.ndarray) -> None:
    sig = significance(sizes, disc, 0, 0.05)
    a, b = int(disc[0]), int(sizes[0] - disc[0])
    c, d = int(disc[1:].sum()), int((sizes[1:] - disc[1:]).sum())
    assert sig.pooled.test == TEST_NAME
    assert sig.pooled.p_value == pytest.approx(_exact_greater(a, b, c, d), rel=1e-10)
    assert sig.pooled.p_value == pytest.approx(fisher_exact([[a, b], [c, d]], alternative="greater")[1], rel=1e-12)
    assert sig.pooled.share_rewarding == a / (a + b) and sig.pooled.share_other == c / (c + d)
    assert sig.anomalous == (sig.pooled.p_value < 0.05)
    assert [p.cluster for p in sig.pairwise] == list(range(1, sizes.size))
    for pair in sig.pairwise:
        k = pair.cluster
        if sizes[k] < 2:   # single-member and empty clusters are listed, not tested
            assert pair.test is None and pair.p_value is None and pair.size_other == sizes[k]
            continue
        ck, dk = int(disc[k]), int(sizes[k] - disc[k])
        assert pair.p_value == pytest.approx(_exact_greater(a, b, ck, dk), rel=1e-10)
        assert pair.share_other == ck / (ck + dk)
    tested = [p.p_value for p in sig.pairwise if p.p_value is not None]
    assert sig.anomalous_all_pairs == all(p < 0.05 for p in tested)
    assert sig.largest_pairwise_p == max(tested)


def test_pooled_rejects_where_a_small_cluster_blocks_the_all_pairs_reading() -> None:
    """The issue's case: pooled against the rest the rewarding share is clearly larger, yet one
    small cluster with expected counts near 1 keeps the all-pairs verdict from rejecting."""
    sizes, disc = np.array([80, 300, 250, 3]), np.array([60, 90, 70, 2])
    sig = significance(sizes, disc, 0, 0.05)
    assert sig.anomalous and sig.pooled.p_value < 1e-10
    assert not sig.anomalous_all_pairs
    small = sig.pairwise[-1]
    assert small.cluster == 3 and small.p_value > 0.05
    # the chi-squared approximation on that table (expected counts < 5) says otherwise
    table = np.array([[60, 20], [2, 1]])
    assert chi2_contingency(table, correction=False)[3].min() < 5
    assert small.p_value == pytest.approx(fisher_exact(table, alternative="greater")[1])


def test_one_sided_fisher_is_near_half_the_chi_squared_p_on_large_counts() -> None:
    """Large counts, rewarding share larger: the one-sided exact p is close to half the
    two-sided Pearson p (normal approximation), an independent sanity check of direction."""
    sizes, disc = np.array([2000, 3000]), np.array([1100, 1550])
    p = significance(sizes, disc, 0, 0.05).pooled.p_value
    chi_p = chi2_contingency(np.array([[1100, 900], [1550, 1450]]), correction=False)[1]
    assert p == pytest.approx(chi_p / 2, rel=0.1)
    # the other direction does not reject: one-sided
    assert significance(np.array([3000, 2000]), np.array([1550, 1100]), 0, 0.05).pooled.p_value > 0.9


def test_an_empty_rewarding_cluster_is_not_anomalous() -> None:
    sig = significance(np.array([0, 10, 5]), np.array([0, 3, 1]), 0, 0.05)
    assert sig.pooled.p_value is None and not sig.anomalous and not sig.anomalous_all_pairs
