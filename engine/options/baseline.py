"""Trailing baselines of daily series (METHOD.md §3): each day against the days before it.

The baseline of day t is the ``length`` calendar days before t (fewer at the start); values
that are NaN (a day where the series is undefined) are left out. With fewer than ``minimum``
values the day's baseline is unavailable (NaN). Standard deviations are sample ones (ddof 1).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def trailing(values: np.ndarray, length: int) -> np.ndarray:
    """(n, length) view: row t holds the ``length`` values before t (NaN before the start)."""
    padded = np.concatenate((np.full(length, np.nan), values.astype(np.float64)))
    return np.lib.stride_tricks.sliding_window_view(padded, length)[: values.size]


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den with NaN where den is 0."""
    out = np.full(np.shape(num), np.nan)
    np.divide(num, den, out=out, where=np.asarray(den) > 0)
    return out


@dataclass(frozen=True)
class Baseline:
    """Count, mean, sample std and one-sided-ready z of a series against its trailing days."""

    n: np.ndarray      # int64 values in the baseline
    mean: np.ndarray   # NaN when unavailable
    std: np.ndarray    # NaN when unavailable; 0 for a constant baseline
    z: np.ndarray      # (x - mean) / std; a zero std gives 0 at the mean, ±z_cap elsewhere


def baseline(values: np.ndarray, length: int, minimum: int, z_cap: float) -> Baseline:
    """Trailing baseline of ``values`` (vectorised)."""
    window = trailing(values, length)
    ok = ~np.isnan(window)
    n = ok.sum(axis=1).astype(np.int64)
    available = n >= max(minimum, 2)
    total = np.where(ok, window, 0.0).sum(axis=1)
    mean = np.where(available, total / np.maximum(n, 1), np.nan)
    dev = np.where(ok, window - np.nan_to_num(mean)[:, None], 0.0)
    std = np.where(available, np.sqrt((dev ** 2).sum(axis=1) / np.maximum(n - 1, 1)), np.nan)
    std = np.where(std <= 1e-9 * np.maximum(np.abs(np.nan_to_num(mean)), 1.0), 0.0, std)  # rounding
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (values - mean) / std
    flat = available & (std == 0)
    z[flat] = np.where(np.isclose(values[flat], mean[flat], rtol=1e-9, atol=0.0), 0.0,
                       np.sign(values[flat] - mean[flat]) * z_cap)
    return Baseline(n=n, mean=mean, std=std, z=np.where(available, z, np.nan))


def pooled_share(part: np.ndarray, whole: np.ndarray, length: int, available: np.ndarray) -> np.ndarray:
    """Σ part / Σ whole over each day's trailing baseline (NaN when unavailable or empty)."""
    out = ratio(np.nansum(trailing(part, length), axis=1), np.nansum(trailing(whole, length), axis=1))
    out[~available] = np.nan
    return out
