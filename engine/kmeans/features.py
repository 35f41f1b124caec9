"""Per-window k-means features (A, a, E) of every investor, rescaled per investor (METHOD §1).

For window w (calendar days ``starts[w] .. ends[w]``) and an investor active in it:

- A = Σ Ab − Σ As over the window's records;
- a = Σ (Ab + As) on the target stock / Σ (Ab + As) over all stocks on the window's dates
  (``TargetPanel.all_stock_turnover``); 0 when the all-stock turnover is 0;
- E = α_t̃ with t̃ = argmax over the window's days t of |α_t|, α_t = position at the end of
  day t. On a day without a record the position carried from the last record counts, so the
  position carried *into* the window is α of every window day before the investor's first
  trade in it: it is a candidate exactly when the investor has no record on the window's
  first day (with a record on that day, α of that day already includes the trade). Ties of
  |α| go to the earliest day (hence a carried position wins a tie).

A and E are then divided per investor by their largest absolute value over all windows in
which the investor is active (0 when that maximum is 0). Inactive (window, investor) cells
are NaN.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.market.calendar import Windows
from engine.market.panel import TargetPanel


@dataclass(frozen=True)
class WindowFeatures:
    """Feature points per window: ``values[w, i] = (A, a, E)`` rescaled; NaN when inactive."""

    values: np.ndarray      # float64 (n_windows, n_investors, 3)
    active: np.ndarray      # bool (n_windows, n_investors)
    scale_a: np.ndarray     # float64 (n_investors,): max |A| over windows (0 if never active)
    scale_e: np.ndarray     # float64 (n_investors,): max |E| over windows


def _exposure(panel: TargetPanel, alpha: np.ndarray, start: int, idx: np.ndarray) -> np.ndarray:
    """E (unscaled) of every investor for one window from its records ``idx``; 0 where the
    investor is inactive. Records are sorted by (inv, day), so each investor's records in the
    window are one run: its largest |α| is the first record of the run reaching the run's
    maximum, and the position carried into the window is α of the record just before the run
    (when it is the same investor's, i.e. a record before the window)."""
    best = np.zeros(panel.n_investors)
    if not idx.size:
        return best
    inv = panel.inv[idx]
    mag = np.abs(alpha[idx])
    run = np.flatnonzero(np.r_[True, inv[1:] != inv[:-1]])          # first position of each run
    run_of = np.cumsum(np.r_[False, inv[1:] != inv[:-1]])            # run of each position
    hits = np.flatnonzero(mag == np.maximum.reduceat(mag, run)[run_of])
    top = hits[np.r_[True, run_of[hits][1:] != run_of[hits][:-1]]]   # first hit of each run
    first = idx[run]
    before = first - 1
    own = (before >= 0) & (panel.inv[np.maximum(before, 0)] == inv[run])
    carried = np.where(own, alpha[np.maximum(before, 0)], 0.0)
    peak = alpha[idx[top]]
    use_carried = (panel.day[first] != start) & (np.abs(carried) >= np.abs(peak))
    best[inv[run]] = np.where(use_carried, carried, peak)
    return best


def _rescale(raw: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Divide each investor's column by its max |value| over active windows (0 when that is 0)."""
    scale = np.max(np.where(active, np.abs(raw), 0.0), axis=0)
    safe = np.where(scale > 0, scale, 1.0)
    return np.where(scale > 0, raw / safe, 0.0), scale


def window_features(panel: TargetPanel, windows: Windows) -> WindowFeatures:
    """A, a, E of every investor in every window, rescaled per investor."""
    n_w, n_i = windows.n_windows, panel.n_investors
    alpha = panel.alpha()
    flow = panel.ab - panel.as_
    gross = panel.ab + panel.as_
    raw_a = np.zeros((n_w, n_i))
    raw_e = np.zeros((n_w, n_i))
    target = np.zeros((n_w, n_i))
    active = np.zeros((n_w, n_i), dtype=bool)
    for w, (s, e) in enumerate(zip(windows.starts.tolist(), windows.ends.tolist())):
        in_win = panel.day_mask(s, e + 1)
        inv = panel.inv[in_win]
        active[w, inv] = True
        raw_a[w] = np.bincount(inv, weights=flow[in_win], minlength=n_i)
        target[w] = np.bincount(inv, weights=gross[in_win], minlength=n_i)
        raw_e[w] = _exposure(panel, alpha, s, np.flatnonzero(in_win))
    total = panel.all_stock_turnover(windows.starts, windows.ends)
    magnitudo = np.where(total > 0, target / np.where(total > 0, total, 1.0), 0.0)
    a_scaled, scale_a = _rescale(raw_a, active)
    e_scaled, scale_e = _rescale(raw_e, active)
    values = np.stack([a_scaled, np.minimum(magnitudo, 1.0), e_scaled], axis=2)
    values[~active] = np.nan
    return WindowFeatures(values=values, active=active, scale_a=scale_a, scale_e=scale_e)
