"""Contract-level options rows (METHOD.md §3): the stock's rows summed per day and contract.

A contract is (type, strike, expiry). Rows of the same contract on the same day are summed
(volume and open interest), so account-level rows (``investor_id``) and the row holding the
rest of the market read like one row per contract; implied volatility and underlying close
are the mean of the rows that give one. Per contract-day:
- ``voi`` = volume / open interest; +inf when the open interest is 0 and volume traded, NaN
  when both are 0;
- ``iv_change``: implied volatility minus the same contract's on its previous row (NaN for the
  contract's first row or without implied_vol).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class ContractDays:
    """One entry per (day, contract), ordered by day, then puts before calls, strike, expiry."""

    day: np.ndarray            # int64 index into the options calendar
    is_call: np.ndarray        # bool
    strike: np.ndarray         # float64
    expiry: np.ndarray         # datetime64[D]
    dte: np.ndarray            # int64 calendar days from the day to expiry
    volume: np.ndarray         # float64
    open_interest: np.ndarray  # float64, start of the day
    implied_vol: np.ndarray    # float64, NaN when not supplied
    iv_change: np.ndarray      # float64, NaN when unknown
    underlying: np.ndarray     # float64, NaN when not supplied
    voi: np.ndarray            # float64 (see the module docstring)

    @property
    def size(self) -> int:
        return int(self.day.size)

    def rows_of_day(self, k: int) -> np.ndarray:
        """Positions of day ``k``'s contracts (entries are sorted by day)."""
        lo, hi = np.searchsorted(self.day, [k, k + 1])
        return np.arange(lo, hi)

    def label(self, i: int) -> str:
        """'call 22.00 exp 2020-07-17'."""
        kind = "call" if self.is_call[i] else "put"
        return f"{kind} {self.strike[i]:.2f} exp {self.expiry[i].item().isoformat()}"


def _column(rows: pd.DataFrame, name: str) -> np.ndarray:
    if name not in rows.columns:
        return np.full(len(rows), np.nan)
    return pd.to_numeric(rows[name], errors="coerce").to_numpy(np.float64)


def contract_days(rows: pd.DataFrame, calendar: np.ndarray) -> ContractDays:
    """The stock's options rows summed per (day, contract) on ``calendar`` (vectorised)."""
    date = rows["date"].to_numpy().astype("datetime64[D]")
    frame = pd.DataFrame({
        "day": np.searchsorted(calendar, date).astype(np.int64),
        "call": (rows["right"].astype(str).str.upper() == "C").to_numpy(bool),
        "strike": rows["strike"].to_numpy(np.float64),
        "expiry": rows["expiry"].to_numpy().astype("datetime64[D]").astype(np.int64),
        "volume": rows["volume"].to_numpy(np.float64),
        "oi": rows["open_interest"].to_numpy(np.float64),
        "iv": _column(rows, "implied_vol"),
        "under": _column(rows, "underlying_close"),
    })
    g = frame.groupby(["day", "call", "strike", "expiry"], sort=True)
    summed = g[["volume", "oi"]].sum()
    means = g[["iv", "under"]].mean()  # NaN rows left out; NaN when none gives a value
    keys = summed.index.to_frame(index=False)
    day = keys["day"].to_numpy(np.int64)
    is_call = keys["call"].to_numpy(bool)
    strike = keys["strike"].to_numpy(np.float64)
    expiry = keys["expiry"].to_numpy(np.int64).astype("datetime64[D]")
    volume = summed["volume"].to_numpy(np.float64)
    oi = summed["oi"].to_numpy(np.float64)
    iv = means["iv"].to_numpy(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        voi = np.where(oi > 0, volume / np.where(oi > 0, oi, 1.0), np.where(volume > 0, np.inf, np.nan))
    return ContractDays(day=day, is_call=is_call, strike=strike, expiry=expiry,
                        dte=(expiry - calendar[day]).astype(np.int64), volume=volume, open_interest=oi,
                        implied_vol=iv, iv_change=_previous_change(day, is_call, strike, expiry, iv),
                        underlying=means["under"].to_numpy(np.float64), voi=voi)


def _previous_change(day: np.ndarray, is_call: np.ndarray, strike: np.ndarray, expiry: np.ndarray,
                     iv: np.ndarray) -> np.ndarray:
    """iv minus the same contract's iv on its previous row (NaN for its first row)."""
    order = np.lexsort((day, expiry, strike, is_call))
    same = np.zeros(day.size, bool)
    o = order
    same[1:] = ((is_call[o[1:]] == is_call[o[:-1]]) & (strike[o[1:]] == strike[o[:-1]])
                & (expiry[o[1:]] == expiry[o[:-1]]))
    change_sorted = np.full(day.size, np.nan)
    change_sorted[1:] = iv[o[1:]] - iv[o[:-1]]
    change_sorted[~same] = np.nan
    out = np.empty(day.size)
    out[order] = change_sorted
    return out
