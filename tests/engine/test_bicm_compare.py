"""BiCM alternative: Poisson tails, p-values against the bicm package, BH, pairwise Jaccard."""
from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.stats import poisson

from engine.svn.bicm_compare import (best_matches, bicm_probabilities, compare_bicm, layer_links,
                                 layer_pvalues, log_poisson_sf, pair_jaccard)
from engine.market.panel import STATE_B
from engine.params import SvnParams
from engine.svn.stage import run_svn
from tests.engine.svn_market import small_market


@pytest.fixture(scope="module")
def result():
    # enough noise traders that the ring's days are not explained by their degree alone
    tables, rings = small_market(seed=8, n_noise=200, n_days=120, ring_sizes=(7,), p_active=0.15,
                                 event_day=100)
    return run_svn(tables, tables.event(None), SvnParams()), rings


@pytest.mark.parametrize("rows", [
    [[1, 1], [1, 1], [1, 1]],                              # everything full: the solver's crash case
    [[1, 1, 0], [1, 0, 1], [1, 1, 1]],                     # a full row and a full column
    [[1, 1, 0, 0], [1, 0, 1, 0], [0, 1, 1, 0], [1, 1, 1, 1]],
    [[1, 0, 1, 0, 0], [0, 1, 1, 0, 1], [1, 1, 0, 0, 0], [0, 0, 1, 1, 0]],
])
def test_bicm_probabilities_reproduce_the_degrees(rows) -> None:
    mat = np.array(rows, dtype=float)
    probs = bicm_probabilities(sp.csr_matrix(mat))
    assert np.all((probs >= 0) & (probs <= 1))
    np.testing.assert_allclose(probs.sum(axis=1), mat.sum(axis=1), atol=1e-6)
    np.testing.assert_allclose(probs.sum(axis=0), mat.sum(axis=0), atol=1e-6)


def test_log_poisson_sf_including_the_underflow_region() -> None:
    k = np.array([1, 3, 10, 40, 5])
    lam = np.array([0.5, 3.0, 2.0, 1.0, 20.0])
    np.testing.assert_allclose(np.exp(log_poisson_sf(k, lam)), poisson.sf(k - 1, lam), rtol=1e-12)
    # far tail: exact sum of pmf terms in log space (scipy's sf underflows to 0 here)
    kk, ll = 400, 0.3
    assert poisson.sf(kk - 1, ll) == 0.0
    terms = [x * math.log(ll) - ll - math.lgamma(x + 1) for x in range(kk, kk + 60)]
    top = max(terms)
    exact = top + math.log(sum(math.exp(t - top) for t in terms))
    assert float(log_poisson_sf(np.array([kk]), np.array([ll]))[0]) == pytest.approx(exact, rel=1e-9)


@pytest.mark.slow   # the bicm package's own projection compiles with numba (~6 s)
def test_layer_pvalues_match_the_bicm_package() -> None:
    from bicm import BipartiteGraph
    tables, _ = small_market(seed=8, n_noise=30, ring_sizes=(5,), p_active=0.15)
    res = run_svn(tables, tables.event(None), SvnParams())
    rows, x, y, log_p = layer_pvalues(res.states, STATE_B)
    full = res.states.indicator(STATE_B)
    mat = full[rows][:, np.flatnonzero(np.asarray(full.sum(axis=0)).ravel() > 0)].toarray().astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        graph = BipartiteGraph(biadjacency=mat)
        graph.solve_tool(print_error=False)
        graph.compute_projection(rows=True, alpha=1e-300, approx_method="poisson", threads_num=1,
                                 progress_bar=False, validation_method="fdr")
        ref = graph.get_projected_pvals_mat("rows")
    np.testing.assert_allclose(np.exp(log_p), ref[x, y], rtol=1e-6, atol=1e-12)
    co = mat @ mat.T
    upper = np.triu(co, 1) > 0
    assert upper.sum() == x.size


def test_layer_links_follow_benjamini_hochberg(result) -> None:
    res, _ = result
    rows, x, y, log_p = layer_pvalues(res.states, STATE_B)
    layer, a, b = layer_links(res.states, STATE_B, 0.01)
    m = rows.size * (rows.size - 1) // 2
    p = np.sort(np.r_[np.exp(log_p), np.ones(m - x.size)])
    passing = np.flatnonzero(p <= np.arange(1, m + 1) * 0.01 / m)
    cut = p[passing[-1]] if passing.size else -1.0
    expected = {(int(rows[i]), int(rows[j])) for i, j, q in zip(x, y, np.exp(log_p)) if q <= cut * (1 + 1e-12)}
    assert set(zip(a.tolist(), b.tolist())) == expected
    assert layer.n_tests == m and layer.n_validated == len(expected) and layer.state == "b"


def _pairs(m: np.ndarray) -> set:
    return {(i, j) for i, j in itertools.combinations(range(m.size), 2) if m[i] > 0 and m[i] == m[j]}


def test_pair_jaccard_by_hand_and_brute_force() -> None:
    first = np.array([1, 1, 1, 2, 2, 0])
    second = np.array([1, 1, 2, 2, 2, 0])
    assert pair_jaccard(first, second) == pytest.approx(2 / 6)
    rng = np.random.default_rng(0)
    for _ in range(20):
        u, v = rng.integers(0, 4, 25), rng.integers(0, 5, 25)
        pu, pv = _pairs(u), _pairs(v)
        expect = len(pu & pv) / len(pu | pv) if pu | pv else 1.0
        assert pair_jaccard(u, v) == pytest.approx(expect)
    assert best_matches(first, second) == [(1, 1, 2 / 3), (2, 2, 2 / 3)]


def test_compare_bicm_finds_the_planted_ring(result) -> None:
    res, rings = result
    comparison = compare_bicm(res)
    assert [layer.state for layer in comparison.layers] == ["b", "s", "bs"]
    ids = list(res.investor_ids)
    ring_rows = [ids.index(m) for m in rings[0]]
    labels = comparison.membership[ring_rows]
    assert labels[0] > 0 and (labels == labels[0]).all()
    svn_cluster = int(res.membership[ring_rows[0]])
    match = dict((c, (o, j)) for c, o, j in comparison.best_match)[svn_cluster]
    assert match[0] == labels[0] and match[1] >= 0.8
    assert 0.0 < comparison.pair_jaccard <= 1.0
