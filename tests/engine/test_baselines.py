"""Baseline rankings: brute-force volume fluctuation, top-n overlaps, reconstruction outliers."""
from __future__ import annotations

import numpy as np
import pytest

from engine.kmeans.baselines import SERIES_POINTS, position_series, reconstruction_errors, run_baselines, volume_fluctuation
from engine.market.panel import TargetPanel
from tests.engine.test_panel import make_tables, random_market


def _dense(panel: TargetPanel, values: np.ndarray) -> np.ndarray:
    out = np.zeros((panel.n_investors, panel.n_days))
    out[panel.inv, panel.day] = values
    return out


def test_volume_fluctuation_and_series_match_dense() -> None:
    panel = TargetPanel.build(random_market(5, n_inv=30, n_days=90), "S0")
    vol = _dense(panel, panel.vb + panel.vs)
    lo, hi = 60, 75
    want = vol[:, lo:hi].mean(axis=1) - vol[:, :lo].mean(axis=1)
    np.testing.assert_allclose(volume_fluctuation(panel, lo, hi), want)
    np.testing.assert_allclose(volume_fluctuation(panel, 0, 10), vol[:, :10].mean(axis=1))
    rows = np.array([0, 3, 7])
    x, days = position_series(panel, rows, 5, panel.n_days - 1)
    assert days.size == min(SERIES_POINTS, panel.n_days - 5) and days[0] == 5 and days[-1] == panel.n_days - 1
    alpha = np.cumsum(_dense(panel, panel.ab - panel.as_), axis=1)[rows][:, days]
    scale = np.abs(alpha).max(axis=1, keepdims=True)
    np.testing.assert_allclose(x, np.where(scale > 0, alpha / np.where(scale > 0, scale, 1), 0))


def test_rankings_overlaps_and_ties() -> None:
    # four investors active in the reference period (days 2..3), one only before it
    rows = [("d", "X", "2020-01-01", 5, 0, 50, 0), ("a", "X", "2020-01-02", 1, 0, 10, 0),
            ("b", "X", "2020-01-03", 1, 0, 10, 0), ("c", "X", "2020-01-03", 3, 0, 30, 0),
            ("e", "X", "2020-01-06", 1, 0, 10, 0), ("a", "X", "2020-01-06", 2, 0, 20, 0)]
    panel = TargetPanel.build(make_tables(rows), "X")
    ids = list(panel.investor_ids)
    assert ids == ["a", "b", "c", "d", "e"]
    profit = np.array([4.0, 4.0, 1.0, 100.0, -2.0])  # d is outside the population
    base = run_baselines(panel, 2, 4, (0, 3), profit, ["c", "b"], 2, 4, 0)
    assert base.population == 4
    by = {r.name: r for r in base.rankings}
    # a and b tie on profit: id order; top 2 = {a, b}; suspects' top 2 = {c, b}: Jaccard 1/3
    assert by["expected_profit"].top_ids == ["a", "b"] and by["expected_profit"].top_values == [4.0, 4.0]
    assert by["expected_profit"].jaccard_top_n == pytest.approx(1 / 3)
    assert by["expected_profit"].suspects_in_top_n == 1
    # volume in days 2..3 (per day) minus before: c 1.5-0, a 1.0-0.5, b 0.5-0, e 0.5-0
    assert by["volume_fluctuation"].top_ids == ["c", "a"]
    assert by["volume_fluctuation"].top_values == pytest.approx([1.5, 0.5])
    unavailable = run_baselines(panel, 2, 4, (0, 3), np.full(5, np.nan), [], 2, 4, 0)
    assert not unavailable.rankings[0].available and unavailable.rankings[0].top_ids == []


def test_reconstruction_detectors_find_a_planted_odd_series() -> None:
    """Most positions are built at varied times and speeds; one is short all along and flips
    long at the very end: it is the worst reconstructed by both detectors."""
    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 40)
    onset = rng.uniform(0.0, 0.6, (300, 1))
    x = np.clip((t[None, :] - onset) * rng.uniform(2, 6, (300, 1)), 0, 1) + rng.normal(0, 0.01, (300, 40))
    x[123] = np.where(t > 0.9, 1.0, -1.0)
    pca_err, ae_err, trained = reconstruction_errors(x, 16, 0)
    assert trained == 300
    assert int(np.argmax(pca_err)) == 123
    assert 123 in np.argsort(-ae_err)[:3]
    again = reconstruction_errors(x, 16, 0)
    assert np.array_equal(again[1], ae_err)  # seeded
