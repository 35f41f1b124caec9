"""Kept co-occurrence counts: sparse, dense and mixed products equal a brute-force count."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import hypergeom

from engine.svn.cooccur import KeptFilter, Stacked, block_tests
from engine.svn.hypergeom_tails import TailTable

N, T, CAP = 40, 60, 1e-2


def _records(seed: int) -> tuple[np.ndarray, ...]:
    """Investors from nearly idle to active most days, in random states."""
    rng = np.random.default_rng(seed)
    activity = np.linspace(0.03, 0.9, N)[rng.permutation(N)]
    active = rng.random((N, T)) < activity[:, None]
    state = rng.integers(0, 3, (N, T))
    inv, day = np.nonzero(active)
    st = state[inv, day].astype(np.int8)
    state_days = np.zeros((3, N), dtype=np.int64)
    np.add.at(state_days, (st.astype(np.int64), inv), 1)
    return inv.astype(np.int32), st, day.astype(np.int32), state_days


def _brute_force(inv, st, day, state_days) -> tuple[set, int]:
    """{(i, j, Q, R, k)} of every test i < j with k >= 1 and p <= CAP, and the tests with k >= 1."""
    days = np.zeros((N, 3, T), dtype=bool)
    days[inv, st, day] = True
    table = TailTable(T, CAP)
    rows, n_tested = [], 0
    for i in range(N):
        for j in range(i + 1, N):
            for q in range(3):
                for r in range(3):
                    k = int((days[i, q] & days[j, r]).sum())
                    if k:
                        n_tested += 1
                        rows.append((i, j, q, r, k))
    i, j, q, r, k = (np.array(col) for col in zip(*rows))
    kept, _ = table.lookup(state_days[q, i], state_days[r, j], k)
    # the tail table's cut agrees with scipy's p-values away from rounding at the cap
    p = hypergeom.sf(k - 1, T, state_days[q, i], state_days[r, j])
    assert np.array_equal(kept[np.abs(p / CAP - 1) > 1e-9], (p <= CAP)[np.abs(p / CAP - 1) > 1e-9])
    return {row for row, ok in zip(rows, kept) if ok}, n_tested


@pytest.mark.parametrize("heavy_from", [None, 0, 12, 10 ** 6])
def test_kernel_equals_brute_force(heavy_from) -> None:
    inv, st, day, state_days = _records(seed=3)
    stacked = Stacked.build(inv, st, day, state_days, T, heavy_from=heavy_from)
    if heavy_from == 12:
        assert stacked.heavy.size and stacked.light.size        # both kinds of product meet
    kept = KeptFilter(stacked, TailTable(T, CAP))
    found, n_tested, logs = set(), 0, {}
    for lo, hi in ((0, 13), (13, 14), (14, N)):                  # uneven blocks, one of a single row
        (i, j, pair, k, log_p), tested = block_tests(kept, lo, hi)
        n_tested += tested
        for a, b, qr, c, lp in zip(i, j, pair, k, log_p):
            key = (int(a), int(b), int(qr // 3), int(qr % 3), int(c))
            assert key not in found
            found.add(key)
            logs[key] = lp
    expect, expect_tested = _brute_force(inv, st, day, state_days)
    assert found == expect and n_tested == expect_tested
    i, j, q, r, k = (np.array(col) for col in zip(*sorted(expect)))
    ref = np.log(hypergeom.sf(k - 1, T, state_days[q, i], state_days[r, j]))
    np.testing.assert_allclose([logs[key] for key in sorted(expect)], ref, rtol=1e-9)
