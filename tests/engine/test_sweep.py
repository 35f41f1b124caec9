"""Threshold sweep: grid, exact link counts against scipy, planted rings, kept tails only."""
from __future__ import annotations

import numpy as np
import pytest

from engine.errors import UsageError
from engine.params import SvnParams
from engine.svn.stage import run_svn
from engine.svn.sweep import sweep, threshold_grid
from tests.engine.svn_market import brute_force_tests, small_market


def test_threshold_grid() -> None:
    grid = threshold_grid(1e-12, 1e-2, 1)
    assert grid.size == 11
    np.testing.assert_allclose(grid[[0, 5, -1]], [1e-12, 1e-7, 1e-2], rtol=1e-12)
    assert threshold_grid(1e-6, 1e-4, 2).size == 5
    with pytest.raises(UsageError):
        threshold_grid(1e-2, 1e-6)


def test_sweep_counts_links_exactly_and_finds_the_rings() -> None:
    tables, rings = small_market(seed=6, n_noise=40, ring_sizes=(6, 5))
    result = run_svn(tables, tables.event(None), SvnParams())
    _ids, _t, tests = brute_force_tests(tables.trades)
    out = sweep(result)
    assert [p.threshold for p in out.points] == pytest.approx(list(threshold_grid()))
    for point in out.points:
        assert point.n_links == sum(1 for t in tests if t[4] < point.threshold)
    links = [p.n_links for p in out.points]
    assert links == sorted(links)
    ring_total = sum(len(r) for r in rings)
    best = next(p for p in out.points if p.threshold == out.best_threshold)
    assert best.n_suspicious_investors >= ring_total
    assert best.n_suspicious_investors == max(p.n_suspicious_investors for p in out.points)
    strict = out.points[0]                      # 1e-12: too strict for rings of 5-6 on 80 days
    assert strict.n_suspicious_investors < ring_total


def test_sweep_beyond_the_kept_tails_is_refused() -> None:
    tables, _ = small_market(seed=6, n_noise=20, ring_sizes=(4,))
    result = run_svn(tables, tables.event(None), SvnParams())
    with pytest.raises(UsageError, match="above"):
        sweep(result, np.array([1e-3, 0.2]))
