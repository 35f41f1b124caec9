"""Trading calendar of a stock, rolling k-means windows and the reference period (METHOD §1).

All positions are *calendar indices*: integers into the stock's trading calendar, a sorted
``datetime64[D]`` array of the dates on which the stock has at least one active record
(Vb + Vs > 0). Windows hold D consecutive trading days; window ``w`` covers calendar
indices ``starts[w] .. ends[w]`` inclusive, consecutive windows are shifted by ``step``,
and the last one ends on the trading day before the PSE. The reference period Δ̄ =
[reference_start, t_S) is the half-open index range ``[ref_lo, ref_hi)``.

"The PSE is outside the data" means: no trading day of the stock before the event date,
or an event date after the last date of the data (``last_data_date``, any stock).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.errors import UsageError


def as_day(value: dt.date | np.datetime64 | pd.Timestamp | str) -> np.datetime64:
    """A date as ``numpy.datetime64[D]`` (the calendar's unit)."""
    return np.datetime64(pd.Timestamp(value).date(), "D")


def iso_day(value: np.datetime64) -> str:
    """ISO text (YYYY-MM-DD) of a calendar day."""
    return str(value.astype("datetime64[D]"))


def trading_calendar(trades: pd.DataFrame, stock: str) -> np.ndarray:
    """Sorted unique dates (``datetime64[D]``) with at least one active record of ``stock``."""
    rows = trades[trades["stock"] == stock]
    active = (rows["buy_shares"].to_numpy(float) + rows["sell_shares"].to_numpy(float)) > 0
    days = rows["date"].to_numpy()[active].astype("datetime64[D]")
    return np.unique(days)


@dataclass(frozen=True)
class Windows:
    """The rolling windows and the reference period of one event, as calendar indices."""

    dates: np.ndarray        # trading calendar, datetime64[D]
    starts: np.ndarray       # int64 (n_windows,): first calendar index of each window
    ends: np.ndarray         # int64 (n_windows,): last calendar index of each window (inclusive)
    ref_lo: int              # first calendar index of the reference period
    ref_hi: int              # one past its last index (= first trading day on/after t_S)

    @property
    def n_windows(self) -> int:
        return int(self.starts.size)

    @property
    def length(self) -> int:
        """D, trading days per window."""
        return int(self.ends[0] - self.starts[0] + 1)

    def start_dates(self) -> list[dt.date]:
        """First trading day of each window."""
        return [d.item() for d in self.dates[self.starts]]

    def end_dates(self) -> list[dt.date]:
        """Last trading day of each window."""
        return [d.item() for d in self.dates[self.ends]]

    def overlaps_last(self) -> np.ndarray:
        """Boolean (n_windows,): window shares at least one trading day with the last one."""
        return self.ends >= self.starts[-1]


def reference_period(dates: np.ndarray, reference_start: dt.date, event_date: dt.date) -> tuple[int, int]:
    """Calendar index range [lo, hi) of Δ̄ = [reference_start, t_S); UsageError when empty."""
    lo = int(np.searchsorted(dates, as_day(reference_start), side="left"))
    hi = int(np.searchsorted(dates, as_day(event_date), side="left"))
    if hi <= lo:
        raise UsageError(
            f"the reference period {reference_start.isoformat()} .. {event_date.isoformat()} "
            "(event date excluded) contains no trading day of the stock")
    return lo, hi


def build_windows(dates: np.ndarray, event_date: dt.date, reference_start: dt.date,
                  length: int, step: int, n_windows: int,
                  last_data_date: dt.date | None = None) -> Windows:
    """Windows of ``length`` trading days shifted by ``step``, the last ending before t_S.

    As many windows as the data allows when it starts too late for ``n_windows``.
    """
    if length < 1 or step < 1 or n_windows < 1:
        raise UsageError("window length, step and number of windows must be at least 1")
    if dates.size == 0:
        raise UsageError("the stock has no active trading day in the data")
    t_s = as_day(event_date)
    last = as_day(last_data_date) if last_data_date is not None else dates[-1]
    if t_s <= dates[0] or t_s > last:
        raise UsageError(
            f"the event date {event_date.isoformat()} is outside the data of the stock "
            f"({iso_day(dates[0])} .. {iso_day(last)}): "
            "at least one trading day before the event is needed")
    last_end = int(np.searchsorted(dates, t_s, side="left")) - 1
    fit = (last_end - (length - 1)) // step + 1  # windows whose start index is >= 0
    if fit < 1:
        raise UsageError(
            f"only {last_end + 1} trading day(s) of the stock before the event; "
            f"a window needs {length}")
    count = min(n_windows, fit)
    ends = last_end - step * np.arange(count - 1, -1, -1, dtype=np.int64)
    starts = ends - (length - 1)
    lo, hi = reference_period(dates, reference_start, event_date)
    return Windows(dates=dates, starts=starts, ends=ends, ref_lo=lo, ref_hi=hi)
