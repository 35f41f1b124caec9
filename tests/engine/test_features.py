"""Window features A, a, E against hand-computed values on a tiny two-stock market."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.market.calendar import build_windows
from engine.kmeans.features import window_features
from engine.market.panel import TargetPanel
from tests.engine.test_panel import make_tables, random_market

DAYS = pd.bdate_range("2020-03-02", periods=8)  # Mon 2 Mar .. Wed 11 Mar


def _d(i: int) -> pd.Timestamp:
    return DAYS[i]


def tiny_market():
    """Stock X (target) and Y; windows D=3, step 2: days 0-2, 2-4, 4-6; PSE on day 7."""
    rows = [
        ("a", "X", _d(0), 10, 0, 100, 0), ("a", "X", _d(3), 0, 3, 0, 30), ("a", "Y", _d(3), 7, 0, 70, 0),
        ("a", "X", _d(6), 1, 0, 10, 0),
        ("b", "X", _d(1), 0, 5, 0, 50), ("b", "Y", _d(1), 15, 0, 150, 0), ("b", "X", _d(2), 0, 2, 0, 20),
        ("b", "X", _d(5), 7, 0, 70, 0),
        ("b", "Y", pd.Timestamp("2020-03-07"), 1, 0, 99, 0),  # Saturday: inside window 2's dates (Fri 6 .. Tue 10)
        ("c", "X", _d(0), 1, 0, 10, 0), ("c", "X", _d(6), 0, 1, 0, 10),
        ("d", "X", _d(2), 5, 0, 50, 0), ("d", "X", _d(4), 0, 10, 0, 100),
        ("e", "X", _d(1), 4, 0, 40, 0), ("e", "X", _d(3), 0, 8, 0, 80),
        ("f", "X", _d(0), 5, 0, 0, 0),  # shares without turnover: all-stock turnover 0
        ("z", "X", _d(7), 1, 0, 10, 0),  # trades only on the PSE day
    ]
    tables = make_tables(rows)
    panel = TargetPanel.build(tables, "X")
    windows = build_windows(panel.dates, _d(7).date(), _d(0).date(), 3, 2, 10)
    return panel, windows


def test_hand_computed_features() -> None:
    panel, windows = tiny_market()
    assert windows.starts.tolist() == [0, 2, 4] and windows.ends.tolist() == [2, 4, 6]
    f = window_features(panel, windows)
    row = {k: i for i, k in enumerate(panel.investor_ids)}
    nan = np.nan
    expected = {
        # A rescaled by max|A|, a, E rescaled by max|E|
        "a": [(1.0, 1.0, 1.0), (-0.3, 0.3, 1.0), (0.1, 1.0, 0.8)],          # E in w1 = carried 100
        "b": [(-1.0, 70 / 220, -1.0), (-20 / 70, 1.0, -1.0), (1.0, 70 / 169, -1.0)],  # sells; w2 carries -70
        "c": [(1.0, 1.0, 1.0), (nan, nan, nan), (-1.0, 1.0, 1.0)],          # absent from w1; carried 10 beats 0
        "d": [(0.5, 1.0, 1.0), (-0.5, 1.0, 1.0), (-1.0, 1.0, -1.0)],        # tie 50/-50: earliest day
        "e": [(0.5, 1.0, 1.0), (-1.0, 1.0, 1.0), (nan, nan, nan)],          # tie with carried 40: carried
        "f": [(0.0, 0.0, 0.0), (nan, nan, nan), (nan, nan, nan)],
        "z": [(nan, nan, nan)] * 3,
    }
    for inv, points in expected.items():
        np.testing.assert_allclose(f.values[:, row[inv], :], np.array(points), rtol=1e-12, err_msg=inv)
    assert np.array_equal(f.active, ~np.isnan(f.values[:, :, 0]))
    assert f.scale_a[row["a"]] == 100 and f.scale_e[row["b"]] == 70 and f.scale_a[row["z"]] == 0


@pytest.mark.parametrize("seed", [3, 4])
def test_exposure_matches_dense_brute_force(seed: int) -> None:
    """E over each window's days with the carried dense position, first argmax."""
    t = random_market(seed, n_inv=25, n_days=45, density=0.15)
    panel = TargetPanel.build(t, "S1")
    windows = build_windows(panel.dates, panel.dates[-1].item(), panel.dates[0].item(), 10, 4, 27)
    f = window_features(panel, windows)
    flow = np.zeros((panel.n_investors, panel.n_days))
    flow[panel.inv, panel.day] = panel.ab - panel.as_
    vol = np.zeros_like(flow)
    vol[panel.inv, panel.day] = panel.vb + panel.vs
    alpha = np.cumsum(flow, axis=1)
    raw_e = np.zeros((windows.n_windows, panel.n_investors))
    raw_a = np.zeros_like(raw_e)
    for w, (s, e) in enumerate(zip(windows.starts, windows.ends)):
        seg = alpha[:, s:e + 1]
        raw_e[w] = seg[np.arange(seg.shape[0]), np.argmax(np.abs(seg), axis=1)]
        raw_a[w] = flow[:, s:e + 1].sum(axis=1)
    act = np.stack([(vol[:, s:e + 1] > 0).any(axis=1) for s, e in zip(windows.starts, windows.ends)])
    assert np.array_equal(f.active, act)
    for raw, col in ((raw_e, 2), (raw_a, 0)):
        scale = np.abs(np.where(act, raw, 0)).max(axis=0)
        want = np.where(scale > 0, raw / np.where(scale > 0, scale, 1), 0)
        np.testing.assert_allclose(f.values[:, :, col][act], want[act], atol=1e-12)
    vals = f.values[f.active]
    assert np.all((vals[:, 1] >= 0) & (vals[:, 1] <= 1)) and np.all(np.abs(vals[:, [0, 2]]) <= 1)
