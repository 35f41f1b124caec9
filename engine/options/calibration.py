"""Daily options risk, its calibration against the stock's own history, and priorities
(METHOD.md §3).

Risk r = mean of the day's available component scores (NaN on a day without a baseline).
Calibration days: the days with a risk before the reference period (n of them). Each day's
empirical p-value p = (1 + #{calibration days with risk ≥ r}) / (1 + n) (never 0). An alert
is a day with r > alert_threshold; it is HIGH when r > high_threshold and p ≤ high_p_value,
MEDIUM otherwise. With n < ``min_calibration(p)`` days (99 for 0.01) no day can reach
p ≤ high_p_value, so HIGH is unavailable and every alert says why.
"""
from __future__ import annotations

import math

import numpy as np

from engine.params import OptionsParams


def daily_risk(components: dict[str, np.ndarray], n_days: int) -> np.ndarray:
    """Mean of the available (non-NaN) component scores per day; NaN when none is."""
    if not components:
        return np.full(n_days, np.nan)
    stacked = np.vstack(list(components.values()))
    count = (~np.isnan(stacked)).sum(axis=0)
    total = np.nansum(stacked, axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def calibrated_p(risk: np.ndarray, calibration: np.ndarray) -> np.ndarray:
    """(1 + #{calibration risk ≥ r}) / (1 + n) per day; NaN where the risk is NaN."""
    ref = np.sort(risk[calibration & ~np.isnan(risk)])
    n = ref.size
    at_least = n - np.searchsorted(ref, np.nan_to_num(risk, nan=np.inf), side="left")
    return np.where(np.isnan(risk), np.nan, (1.0 + at_least) / (1.0 + n))


def min_calibration(p_level: float) -> int:
    """Fewest calibration days for which p = 1 / (1 + n) can be at or below ``p_level``."""
    return max(0, math.ceil(1.0 / p_level - 1.0 - 1e-9))


def priorities(risk: np.ndarray, p_value: np.ndarray, n_calibration: int,
               p: OptionsParams) -> np.ndarray:
    """"HIGH", "MEDIUM" or "" per day (see the module docstring)."""
    r = np.nan_to_num(risk, nan=-1.0)
    high_ok = n_calibration >= min_calibration(p.high_p_value)
    high = (r > p.high_threshold) & (np.nan_to_num(p_value, nan=1.0) <= p.high_p_value) & high_ok
    return np.where(high, "HIGH", np.where(r > p.alert_threshold, "MEDIUM", "")).astype(object)


def high_unavailable_reason(n_calibration: int, p: OptionsParams) -> str:
    """Why HIGH cannot be given on this stock ("" when it can)."""
    need = min_calibration(p.high_p_value)
    if n_calibration >= need:
        return ""
    return (f"HIGH unavailable: only {n_calibration} days before the reference period to calibrate "
            f"against; a p-value of {p.high_p_value:g} needs at least {need}")
