"""Trading calendar, rolling windows and reference period against brute-force enumeration."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from engine.market.calendar import build_windows, reference_period, trading_calendar
from engine.errors import UsageError


def _dates(n: int, start: str = "2020-01-01") -> np.ndarray:
    return pd.bdate_range(start, periods=n).to_numpy().astype("datetime64[D]")


def test_calendar_keeps_only_active_days_of_the_stock() -> None:
    trades = pd.DataFrame({
        "investor_id": ["a", "b", "a", "c", "b"],
        "stock": ["X", "X", "Y", "X", "X"],
        "date": pd.to_datetime(["2020-01-03", "2020-01-02", "2020-01-06", "2020-01-07", "2020-01-03"]),
        "buy_shares": [1.0, 0.0, 5.0, 0.0, 0.0],
        "sell_shares": [0.0, 2.0, 0.0, 0.0, 3.0],
    })
    cal = trading_calendar(trades, "X")
    assert cal.dtype == np.dtype("datetime64[D]")
    # 2020-01-06 is stock Y only; 2020-01-07 is an all-zero row of X.
    assert [d.item() for d in cal] == [dt.date(2020, 1, 2), dt.date(2020, 1, 3)]


@pytest.mark.parametrize("n_days,event_idx,length,step,n", [
    (60, 45, 20, 5, 27), (60, 45, 20, 5, 3), (30, 20, 20, 5, 27), (100, 99, 7, 3, 10), (40, 39, 1, 1, 50),
])
def test_windows_match_brute_force(n_days: int, event_idx: int, length: int, step: int, n: int) -> None:
    dates = _dates(n_days)
    event = dates[event_idx].item()
    w = build_windows(dates, event, dates[0].item(), length, step, n)
    # brute force: walk back from the day before the event in steps, keep windows that fit
    expected = []
    end = event_idx - 1
    while len(expected) < n and end - length + 1 >= 0:
        expected.append((end - length + 1, end))
        end -= step
    expected.reverse()
    assert list(zip(w.starts.tolist(), w.ends.tolist())) == expected
    assert w.n_windows == len(expected) and w.length == length
    assert w.end_dates()[-1] == dates[event_idx - 1].item()
    assert np.array_equal(w.overlaps_last(), w.ends >= w.starts[-1])


def test_event_on_a_non_trading_day_and_reference_period() -> None:
    dates = _dates(50)  # business days only
    saturday = dt.date(2020, 2, 1)
    assert saturday.weekday() == 5
    w = build_windows(dates, saturday, dt.date(2020, 1, 25), 10, 5, 27)
    assert w.end_dates()[-1] == dt.date(2020, 1, 31)
    # [Sat 25 Jan, Sat 1 Feb): the business days 27..31 Jan
    assert [d.item() for d in dates[w.ref_lo:w.ref_hi]] == [dt.date(2020, 1, d) for d in range(27, 32)]


def test_usage_errors() -> None:
    dates = _dates(50)
    with pytest.raises(UsageError, match="no trading day"):
        reference_period(dates, dt.date(2020, 2, 1), dt.date(2020, 2, 3))  # a weekend only
    with pytest.raises(UsageError, match="outside the data"):
        build_windows(dates, dates[0].item(), dates[0].item(), 5, 1, 3)
    with pytest.raises(UsageError, match="outside the data"):
        build_windows(dates, dt.date(2021, 1, 1), dates[0].item(), 5, 1, 3)
    with pytest.raises(UsageError, match="a window needs 20"):
        build_windows(dates, dates[10].item(), dates[0].item(), 20, 5, 3)
    with pytest.raises(UsageError, match="no trading day"):
        build_windows(dates, dates[30].item(), dates[30].item(), 5, 5, 3)
