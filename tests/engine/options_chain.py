"""Tiny hand-made options chains and cases for the options-flow tests."""
from __future__ import annotations

import numpy as np
import pandas as pd

from engine.tables import CaseTables

STOCK = "ACME"


def business_days(n: int, start: str = "2021-03-01") -> pd.DatetimeIndex:
    return pd.bdate_range(start, periods=n)


def trades_on(days: pd.DatetimeIndex, investors: tuple[str, ...] = ("A",)) -> pd.DataFrame:
    """One buying record per investor and day on the stock, so the calendar is ``days``."""
    frames = [pd.DataFrame({"investor_id": inv, "stock": STOCK, "date": days, "buy_shares": 1.0,
                            "sell_shares": 0.0, "buy_value": 10.0, "sell_value": 0.0})
              for inv in investors]
    return pd.concat(frames, ignore_index=True).sort_values(["stock", "date", "investor_id"],
                                                             ignore_index=True)


def row(day: pd.Timestamp, right: str, strike: float, volume: float, oi: float, expiry_days: int,
        iv: float = np.nan, under: float = 100.0, investor: str | None = None) -> dict:
    return {"stock": STOCK, "date": day, "expiry": day + pd.Timedelta(days=expiry_days),
            "strike": float(strike), "right": right, "volume": float(volume),
            "open_interest": float(oi), "implied_vol": iv, "underlying_close": under,
            "investor_id": investor}


def events_frame(event_date: pd.Timestamp, reference_start: pd.Timestamp, direction: str = "buy",
                 extra: tuple[tuple[str, pd.Timestamp], ...] = ()) -> pd.DataFrame:
    ids = ["E1"] + [e for e, _ in extra]
    dates = [event_date] + [d for _, d in extra]
    return pd.DataFrame({"event_id": ids, "stock": STOCK, "event_date": dates,
                         "reference_start": reference_start, "direction": direction})


def case(days: pd.DatetimeIndex, rows: list[dict], event_date: pd.Timestamp,
         reference_start: pd.Timestamp, direction: str = "buy", filings: pd.DataFrame | None = None,
         drop: tuple[str, ...] = (), investors: tuple[str, ...] = ("A",),
         extra_events: tuple[tuple[str, pd.Timestamp], ...] = ()) -> CaseTables:
    options = pd.DataFrame(rows).drop(columns=list(drop))
    return CaseTables(trades=trades_on(days, investors),
                      events=events_frame(event_date, reference_start, direction, extra_events),
                      options=options, filings=filings)


def quiet_chain(days: pd.DatetimeIndex, seed: int = 0, iv: float = 0.30) -> list[dict]:
    """An ordinary chain: balanced calls and puts around the money, 30 days to expiry."""
    rng = np.random.default_rng(seed)
    rows = []
    for d in days:
        for right in "CP":
            for k in (90.0, 100.0, 110.0):
                rows.append(row(d, right, k, float(rng.integers(40, 60)), 400.0, 30,
                                iv=iv + float(rng.normal(0, 0.005)), investor="Y"))
    return rows


def informed_rows(day: pd.Timestamp, volume: float = 2500.0, investor: str = "X",
                  right: str = "C") -> list[dict]:
    """Heavy short-dated out-of-the-money buying with little open interest on ``day``."""
    strike = 110.0 if right == "C" else 90.0
    return [row(day, right, strike, volume, 100.0, 6, iv=0.45, investor=investor)]
