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


def _exposure(panel: TargetPanel, alpha: np.ndarray, start: int, in_win: np.ndarray) -> np.ndarray:
    """E (unscaled) of every investor for one window; 0 where the investor is inactive."""
    idx = np.flatnonzero(in_win)
    inv = panel.inv[idx]
    mag = np.abs(alpha[idx])
    # records are sorted by (inv, day): the first record of a group with the largest |α| wins
    order = np.lexsort((panel.day[idx], -mag, inv))
    first = order[np.r_[True, inv[order][1:] != inv[order][:-1]]]
    best = np.zeros(panel.n_investors)
    best[inv[first]] = alpha[idx[first]]
    carried = panel.position_at(start - 1, per_record=alpha) if start > 0 else np.zeros(panel.n_investors)
    trades_first_day = np.zeros(panel.n_investors, dtype=bool)
    trades_first_day[inv[panel.day[idx] == start]] = True
    use_carried = ~trades_first_day & (np.abs(carried) >= np.abs(best))
    return np.where(use_carried, carried, best)


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
        raw_e[w] = _exposure(panel, alpha, s, in_win)
    total = panel.all_stock_turnover(windows.starts, windows.ends)
    magnitudo = np.where(total > 0, target / np.where(total > 0, total, 1.0), 0.0)
    a_scaled, scale_a = _rescale(raw_a, active)
    e_scaled, scale_e = _rescale(raw_e, active)
    values = np.stack([a_scaled, np.minimum(magnitudo, 1.0), e_scaled], axis=2)
    values[~active] = np.nan
    return WindowFeatures(values=values, active=active, scale_a=scale_a, scale_e=scale_e)
