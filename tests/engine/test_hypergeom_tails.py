"""Exact log hypergeometric tails against scipy and against big-integer binomial sums."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import hypergeom

from engine.svn.hypergeom_tails import TailTable, log_cdf, log_sf


def _exact_log_sf(t: int, n1: int, n2: int, k: int) -> float:
    """log P(X >= k) from exact integer binomial sums (no floating point until the log)."""
    top = min(n1, n2)
    if k > top:
        return -math.inf
    k = max(k, 0)
    numerator = sum(math.comb(n1, x) * math.comb(t - n1, n2 - x) for x in range(k, top + 1))
    return _log_int(numerator) - _log_int(math.comb(t, n2))


def _log_int(value: int) -> float:
    shift = max(value.bit_length() - 64, 0)
    return math.log(value >> shift) + shift * math.log(2.0)


def _random_cases(rng: np.random.Generator, t: int, size: int):
    n1 = rng.integers(0, t + 1, size)
    n2 = rng.integers(0, t + 1, size)
    k = (rng.random(size) * (np.minimum(n1, n2) + 2)).astype(np.int64)
    return n1, n2, k


@pytest.mark.parametrize("t", [1, 7, 60, 541, 1500])
def test_log_sf_matches_scipy(t: int) -> None:
    rng = np.random.default_rng(t)
    n1, n2, k = _random_cases(rng, t, 2000)
    ref = hypergeom.sf(k - 1, t, n1, n2)
    ours = np.exp(log_sf(t, n1, n2, k))
    ok = ref > 1e-290
    np.testing.assert_allclose(ours[ok], ref[ok], rtol=1e-9, atol=0)
    assert np.all(ours[ref == 0] == 0) or np.all(log_sf(t, n1, n2, k)[ref == 0] < -600)


def test_extreme_tails_beyond_float64_match_big_integers() -> None:
    cases = [(2000, 1000, 1000, 999), (2000, 1000, 1000, 1000), (1200, 600, 600, 590),
             (5000, 40, 4000, 40), (541, 541, 300, 300), (3000, 1500, 1500, 1200)]
    assert hypergeom.sf(998, 2000, 1000, 1000) == 0.0       # float64 underflow in scipy
    for t, n1, n2, k in cases:
        exact = _exact_log_sf(t, n1, n2, k)
        got = float(log_sf(t, [n1], [n2], [k])[0])
        assert abs(got - exact) <= 1e-9 * abs(exact), (t, n1, n2, k, got, exact)


def test_lower_tail_by_mirror_matches_scipy_and_integers() -> None:
    rng = np.random.default_rng(3)
    t = 300
    n1, n2, k = _random_cases(rng, t, 1000)
    ref = hypergeom.cdf(k, t, n1, n2)
    ours = np.exp(log_cdf(t, n1, n2, k))
    ok = ref > 1e-290
    np.testing.assert_allclose(ours[ok], ref[ok], rtol=1e-9)
    exact = math.log(sum(math.comb(150, x) * math.comb(150, 150 - x) for x in range(0, 11))) \
        - math.log(math.comb(300, 150))
    assert abs(float(log_cdf(300, [150], [150], [10])[0]) - exact) < 1e-9 * abs(exact)


def test_support_edges() -> None:
    t = 10
    assert log_sf(t, [4], [8], [2])[0] == 0.0            # X >= 2 always (4 + 8 - 10 = 2)
    assert log_sf(t, [4], [8], [0])[0] == 0.0
    assert log_sf(t, [4], [8], [5])[0] == -np.inf        # above min(n1, n2)
    assert log_sf(t, [0], [8], [0])[0] == 0.0
    assert abs(np.exp(log_sf(t, [4], [8], [4])[0]) - hypergeom.sf(3, t, 4, 8)) < 1e-15


@pytest.mark.parametrize("cap", [1e-2, 1e-6, 1.0])
def test_tail_table_keeps_exactly_the_tests_under_the_cap(cap: float) -> None:
    t = 541
    rng = np.random.default_rng(11)
    n1 = rng.integers(1, 400, 20000)
    n2 = rng.integers(1, 400, 20000)
    k = rng.binomial(np.minimum(n1, n2), 0.5)
    table = TailTable(t, cap)
    mask, values = table.lookup(n1, n2, k)
    ref = np.log(hypergeom.sf(k - 1, t, n1, n2))   # T = 541: no underflow (smallest ~1e-162)
    inside = (k >= 1) & (k > np.maximum(0, n1 + n2 - t))
    expect = inside & (ref <= np.log(cap) + 1e-12)
    assert np.array_equal(mask & inside, expect)
    np.testing.assert_allclose(values[expect[mask]], ref[expect], rtol=1e-10, atol=1e-12)
    again_mask, again = TailTable(t, cap).lookup(n1[::-1], n2[::-1], k[::-1])
    assert np.array_equal(again_mask, mask[::-1]) and np.array_equal(np.sort(again), np.sort(values))


def test_tail_table_grows_lazily_and_is_symmetric() -> None:
    table = TailTable(100, 0.05)
    m1, v1 = table.lookup(np.array([30]), np.array([60]), np.array([25]))
    groups = table.n_groups
    m2, v2 = table.lookup(np.array([60, 30]), np.array([30, 60]), np.array([25, 25]))
    assert table.n_groups == groups == 1
    assert m1[0] and m2.all() and v2[0] == v2[1] == v1[0]
    np.testing.assert_allclose(v1[0], hypergeom.logsf(24, 100, 30, 60), rtol=1e-11)


def test_tail_table_sparse_slots_for_long_periods() -> None:
    """T > 4095 keeps group slots in a sorted array instead of a dense (T+1)^2 one."""
    t = 5000
    table = TailTable(t, 1e-3)
    assert not table._dense
    rng = np.random.default_rng(5)
    n1, n2 = rng.integers(1, 3000, 3000), rng.integers(1, 3000, 3000)
    k = rng.binomial(np.minimum(n1, n2), 0.6)
    for part in (slice(0, 1500), slice(1000, 3000)):       # second call reuses and extends
        mask, values = table.lookup(n1[part], n2[part], k[part])
        ref = log_sf(t, n1[part], n2[part], k[part])
        inside = k[part] >= 1
        assert np.array_equal(mask & inside, inside & (ref <= np.log(1e-3) + 1e-12))
        np.testing.assert_allclose(values, ref[mask], rtol=1e-9, atol=1e-10)


def test_tail_table_in_chunks_equals_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Groups added a few at a time (bounded memory on long periods) give the very same table
    as all at once, and still match scipy."""
    import engine.svn.hypergeom_tails as tails

    t = 541
    rng = np.random.default_rng(3)
    n1, n2 = rng.integers(1, 400, 5000), rng.integers(1, 400, 5000)
    k = rng.binomial(np.minimum(n1, n2), 0.5)
    whole = TailTable(t, 1e-2)
    mask, values = whole.lookup(n1, n2, k)
    monkeypatch.setattr(tails, "_ADD_CHUNK", 7)
    chunked = TailTable(t, 1e-2)
    chunked_mask, chunked_values = chunked.lookup(n1, n2, k)
    assert chunked.n_groups == whole.n_groups > 7
    assert np.array_equal(chunked_mask, mask) and np.array_equal(chunked_values, values)
    assert np.array_equal(chunked.values, whole.values)
    ref = np.log(hypergeom.sf(k - 1, t, n1, n2))
    np.testing.assert_allclose(chunked_values, ref[mask], rtol=1e-10, atol=1e-12)
