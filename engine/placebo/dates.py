"""Pseudo-event dates of one event: eligible ordinary days, taken evenly (METHOD §5).

Eligible calendar index j: before the event's reference_start, at least ``min_distance``
trading days from every PSE of the stock in the case, with room for W windows of D days
shifted by the step (and for a reference period as long as the event's) before j. N of the
M eligible ones are taken at index round(k(M−1)/(N−1)), k = 0 … N−1, with N lowered to
at most (M−1)//spacing + 1 so that evenly taken dates stay ``spacing`` trading days apart
(an index step is at least one trading day). Fewer than ``MIN_USABLE``
leave the test unavailable: with 18 pseudo-events a p-value cannot reach 0.05.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.market.calendar import as_day
from engine.params import KMeansParams, PlaceboParams

MIN_USABLE = 19


@dataclass(frozen=True)
class PseudoDates:
    """The chosen calendar indices, or why the test is unavailable."""

    indices: tuple[int, ...]
    n_eligible: int
    reason: str                  # "" when available

    @property
    def available(self) -> bool:
        return not self.reason


def even_picks(m: int, n: int) -> list[int]:
    """Indices round(k(m−1)/(n−1)) (half up), k = 0 … n−1, without repeats."""
    if m <= 0 or n <= 0:
        return []
    if n == 1:
        return [0]
    picks = [(2 * k * (m - 1) + (n - 1)) // (2 * (n - 1)) for k in range(n)]
    return sorted(set(picks))


def eligible(calendar: np.ndarray, ref_lo: int, ref_len: int, pse_dates: list, kmeans: KMeansParams,
             placebo: PlaceboParams) -> np.ndarray:
    """Calendar indices that may serve as pseudo-events (int64, increasing)."""
    history = kmeans.window_length + kmeans.window_step * (placebo.windows - 1)
    j = np.arange(max(history, ref_len), ref_lo, dtype=np.int64)
    for date in pse_dates:
        pse = int(np.searchsorted(calendar, as_day(date)))
        j = j[np.abs(j - pse) >= placebo.min_distance]
    return j


def pseudo_dates(calendar: np.ndarray, ref_lo: int, ref_len: int, pse_dates: list,
                 kmeans: KMeansParams, placebo: PlaceboParams) -> PseudoDates:
    """The pseudo-event calendar indices for ``placebo.n`` requested dates."""
    candidates = eligible(calendar, ref_lo, ref_len, pse_dates, kmeans, placebo)
    n = min(placebo.n, (candidates.size - 1) // max(placebo.spacing, 1) + 1) if candidates.size else 0
    chosen = [int(candidates[i]) for i in even_picks(candidates.size, n)]
    reason = ""
    if len(chosen) < MIN_USABLE:
        reason = (f"only {len(chosen)} usable pseudo-event date(s) of {candidates.size} eligible "
                  f"(at least {MIN_USABLE} are needed for a p-value to reach 0.05)")
    return PseudoDates(indices=tuple(chosen), n_eligible=int(candidates.size), reason=reason)
