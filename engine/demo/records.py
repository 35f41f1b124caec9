"""Trade records of the demo market before pricing: (investor, stock, day, EUR bought, EUR sold).

Every behaviour of the synthetic market (background and planted) emits a ``Records`` chunk;
``price_records`` turns the concatenation into the trades table (shares, values, venues).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class Records:
    """Parallel arrays of daily trade intentions; ``roundtrip`` rows buy and sell equal shares."""

    inv: np.ndarray        # int64 investor index
    stock: np.ndarray      # int64 stock index
    day: np.ndarray        # int64 trading-day index
    buy: np.ndarray        # float64 EUR bought
    sell: np.ndarray       # float64 EUR sold
    roundtrip: np.ndarray  # bool

    @classmethod
    def make(cls, inv: ArrayLike, stock: ArrayLike, day: ArrayLike, buy: ArrayLike, sell: ArrayLike,
             roundtrip: ArrayLike | None = None) -> "Records":
        """Broadcast scalars and cast to the canonical dtypes."""
        n = int(np.broadcast_shapes(*(np.shape(x) for x in (inv, stock, day, buy, sell)))[0])
        rt = np.zeros(n, bool) if roundtrip is None else np.broadcast_to(roundtrip, (n,))
        def arr(x: ArrayLike, dtype: type) -> np.ndarray:
            return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype), (n,)))
        return cls(arr(inv, np.int64), arr(stock, np.int64), arr(day, np.int64),
                   arr(buy, np.float64), arr(sell, np.float64), arr(rt, bool))

    @classmethod
    def concat(cls, parts: list["Records"]) -> "Records":
        """One chunk from many, in the given order."""
        return cls(*(np.concatenate([getattr(p, f) for p in parts])
                     for f in ("inv", "stock", "day", "buy", "sell", "roundtrip")))


def directed(inv: ArrayLike, stock: ArrayLike, day: ArrayLike, value: ArrayLike,
             is_buy: ArrayLike) -> Records:
    """Records that buy (``is_buy``) or sell ``value`` EUR."""
    is_buy = np.asarray(is_buy, bool)
    value = np.asarray(value, np.float64)
    return Records.make(inv, stock, day, np.where(is_buy, value, 0.0), np.where(is_buy, 0.0, value))


def sample_days(rng: np.random.Generator, n_rows: int, counts: ArrayLike, lo: ArrayLike,
                hi: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """For each row r, ``counts[r]`` distinct days in ``[lo[r], hi[r])`` (vectorised).

    Returns (row index, day) pairs sorted by row then day; counts are clipped to the span.
    """
    first = np.broadcast_to(np.asarray(lo, np.int64), (n_rows,))
    end = np.broadcast_to(np.asarray(hi, np.int64), (n_rows,))
    span = np.maximum(end - first, 0)
    count = np.minimum(np.broadcast_to(np.asarray(counts, np.int64), (n_rows,)), span)
    width = int(span.max()) if n_rows else 0
    if width == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    keys = rng.random((n_rows, width))
    keys[np.arange(width)[None, :] >= span[:, None]] = 2.0  # outside the span: never chosen
    order = np.argsort(keys, axis=1, kind="stable")
    take = np.arange(width)[None, :] < count[:, None]
    rows = np.broadcast_to(np.arange(n_rows)[:, None], (n_rows, width))[take]
    days = (order + first[:, None])[take]
    srt = np.lexsort((days, rows))
    return rows[srt], days[srt]


VENUES = ("XMIL", "TRQM")  # primary market and a second venue for the split rows


def price_records(rng: np.random.Generator, rec: Records, close: np.ndarray,
                  venue_split_rate: float) -> pd.DataFrame:
    """The trades table: duplicates summed, shares at the day's price, a few venue splits.

    ``close`` is (n_stocks, n_days). Columns use indices (``inv``, ``stock``, ``day``); the
    caller maps them to text. Roundtrip rows get equal bought and sold shares (state bs).
    """
    frame = pd.DataFrame({"inv": rec.inv, "stock": rec.stock, "day": rec.day,
                          "buy": rec.buy, "sell": rec.sell, "rt": rec.roundtrip})
    g = frame.groupby(["inv", "stock", "day"], sort=True).agg(
        buy=("buy", "sum"), sell=("sell", "sum"), rt=("rt", "all")).reset_index()
    n = len(g)
    ref = close[g["stock"].to_numpy(), g["day"].to_numpy()]
    pb = np.round(ref * (1.0 + rng.normal(0.0, 0.004, n)), 4)
    ps = np.round(ref * (1.0 + rng.normal(0.0, 0.004, n)), 4)
    buy, sell, rt = g["buy"].to_numpy(), g["sell"].to_numpy(), g["rt"].to_numpy()
    vb = np.where(buy > 0, np.maximum(1.0, np.rint(buy / pb)), 0.0)
    vs = np.where(sell > 0, np.maximum(1.0, np.rint(sell / ps)), 0.0)
    vs = np.where(rt & (vb > 0), vb, vs)
    out = pd.DataFrame({
        "inv": g["inv"].to_numpy(), "stock": g["stock"].to_numpy(), "day": g["day"].to_numpy(),
        "venue": VENUES[0], "buy_shares": vb.astype(np.int64), "sell_shares": vs.astype(np.int64),
        "buy_value": np.round(vb * pb, 2), "sell_value": np.round(vs * ps, 2),
        "n_buy": np.where(vb > 0, 1 + rng.poisson(np.sqrt(vb) / 15.0), 0).astype(np.int64),
        "n_sell": np.where(vs > 0, 1 + rng.poisson(np.sqrt(vs) / 15.0), 0).astype(np.int64),
    })
    return _split_venues(rng, out, venue_split_rate)


def _split_venues(rng: np.random.Generator, t: pd.DataFrame, rate: float) -> pd.DataFrame:
    """Move part of some rows to the second venue (ingest must sum them back)."""
    eligible = ((t["buy_shares"] >= 2) | (t["sell_shares"] >= 2)).to_numpy()
    pick = np.flatnonzero(eligible & (rng.random(len(t)) < rate))
    if pick.size == 0:
        return t
    frac = rng.uniform(0.2, 0.8, pick.size)
    second = t.iloc[pick].copy()
    first = t.iloc[pick].copy()
    for side in ("buy", "sell"):
        shares = first[f"{side}_shares"].to_numpy()
        value = first[f"{side}_value"].to_numpy()
        moved = np.floor(shares * frac).astype(np.int64)
        moved_value = np.round(np.where(shares > 0, value * moved / np.maximum(shares, 1), 0.0), 2)
        second[f"{side}_shares"] = moved
        second[f"{side}_value"] = moved_value
        first[f"{side}_shares"] = shares - moved
        first[f"{side}_value"] = np.round(value - moved_value, 2)
        count = first[f"n_{side}"].to_numpy()
        second[f"n_{side}"] = np.where(moved > 0, np.maximum(1, count // 2), 0)
        first[f"n_{side}"] = np.where(shares - moved > 0, np.maximum(1, count - count // 2), 0)
    second["venue"] = VENUES[1]
    keep = (second["buy_shares"] + second["sell_shares"]).to_numpy() > 0
    keep &= (first["buy_shares"] + first["sell_shares"]).to_numpy() > 0
    rest = t.drop(index=t.index[pick[keep]])
    return pd.concat([rest, first[keep], second[keep]], ignore_index=True)
