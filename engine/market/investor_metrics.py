"""Per-investor quantities over the reference period Δ̄ shared by k-means and SVN (METHOD §1).

Directionality R_i = (ΣVb − ΣVs)/(ΣVb + ΣVs) over Δ̄ (NaN when inactive there) and expected
profit π_i = p_TB·Σ_Δ̄(Vb − Vs) − Σ_Δ̄(Ab − As) (NaN when no valuation price exists), with
p_TB the event's offer price, else the close on the event date or the first trading day
after it, else none.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from engine.market.calendar import trading_calendar
from engine.market.panel import TargetPanel
from engine.tables import CaseTables, Event


def valuation_price(tables: CaseTables, event: Event, calendar: np.ndarray | None = None) -> float | None:
    """p_TB: the offer price, else the close on the first trading day of the stock on or after
    the event date (the event date itself when it is one), else None: a close from a later
    day is never used, so a gap in ``prices`` cannot value the position weeks afterwards.
    ``calendar`` is the stock's trading calendar (computed from the trades when not given)."""
    if event.offer_price is not None:
        return float(event.offer_price)
    prices = tables.prices
    if prices is None or prices.empty:
        return None
    days = calendar if calendar is not None else trading_calendar(tables.trades, event.stock)
    pos = int(np.searchsorted(days, np.datetime64(event.event_date, "D")))
    if pos == days.size:
        return None
    day = pd.Timestamp(days[pos])
    close = prices.loc[(prices["stock"] == event.stock) & (prices["date"] == day), "close"].dropna()
    return float(close.iloc[0]) if not close.empty else None


def directionality(panel: TargetPanel, lo: int, hi: int) -> np.ndarray:
    """R_i over calendar days [lo, hi), volume-weighted; NaN for investors inactive there."""
    bought = panel.sum_over(panel.vb, lo, hi)
    sold = panel.sum_over(panel.vs, lo, hi)
    total = bought + sold
    out = np.full(panel.n_investors, np.nan)
    np.divide(bought - sold, total, out=out, where=total > 0)
    return out


def expected_profit(panel: TargetPanel, lo: int, hi: int, price: float | None) -> np.ndarray:
    """π_i over calendar days [lo, hi); all NaN without a valuation price."""
    if price is None:
        return np.full(panel.n_investors, np.nan)
    shares = panel.sum_over(panel.vb - panel.vs, lo, hi)
    cash = panel.sum_over(panel.ab - panel.as_, lo, hi)
    return price * shares - cash
