"""Summing trade rows that differ only by venue into one row per (investor, stock, day).

Rules: volume, value and contract-count columns are summed; ``min_price`` is the
minimum and ``max_price`` the maximum over venues; ``avg_buy_price`` and
``avg_sell_price`` are averaged weighted by ``buy_shares`` and ``sell_shares`` (plain mean
of the reported prices when those shares sum to 0); ``first_price``, ``last_price`` and
every unknown extra column are taken from the *main venue* row: the one with the most
shares traded (buy + sell), ties to the earlier row in the file.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from engine.ingest.schema import TRADE_KEY, TRADE_SUMS

_WEIGHTED = {"avg_buy_price": "buy_shares", "avg_sell_price": "sell_shares"}
SORT_ORDER = ["stock", "date", "investor_id"]


def sum_venues(trades: pd.DataFrame) -> pd.DataFrame:
    """One row per (investor_id, stock, date), sorted by (stock, date, investor_id), no venue."""
    key = list(TRADE_KEY)
    dup = trades.duplicated(key, keep=False).to_numpy()
    if dup.any():
        merged = _merge(trades.loc[dup])
        trades = pd.concat([trades.loc[~dup], merged], ignore_index=True)
    trades = trades.drop(columns=["venue"], errors="ignore")
    return trades.sort_values(SORT_ORDER, kind="stable").reset_index(drop=True)


def _merge(multi: pd.DataFrame) -> pd.DataFrame:
    """Aggregate rows sharing a key: main-venue row as the base, summary columns overwritten."""
    group = multi.groupby(list(TRADE_KEY), sort=False).ngroup().to_numpy()
    weight = (multi["buy_shares"] + multi["sell_shares"]).to_numpy()
    order = np.lexsort((np.arange(len(multi)), -weight, group))
    multi = multi.iloc[order].reset_index(drop=True)
    group = group[order]
    firsts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    base = multi.iloc[firsts].reset_index(drop=True)
    grouped = multi.groupby(group, sort=True)
    for col in TRADE_SUMS:
        if col in multi:
            base[col] = grouped[col].sum(min_count=1).to_numpy()
    if "min_price" in multi:
        base["min_price"] = grouped["min_price"].min().to_numpy()
    if "max_price" in multi:
        base["max_price"] = grouped["max_price"].max().to_numpy()
    for col, weight_col in _WEIGHTED.items():
        if col in multi:
            base[col] = _weighted_mean(multi[col], multi[weight_col], group)
    return base


def _weighted_mean(price: pd.Series, weight: pd.Series, group: np.ndarray) -> np.ndarray:
    """Per-group mean of ``price`` weighted by ``weight`` over rows with a price."""
    has = price.notna().to_numpy()
    p = np.where(has, price.to_numpy(dtype=float, na_value=np.nan), 0.0)
    w = np.where(has, weight.to_numpy(dtype=float), 0.0)
    n_groups = int(group.max()) + 1
    num = np.bincount(group, weights=p * w, minlength=n_groups)
    den = np.bincount(group, weights=w, minlength=n_groups)
    plain_sum = np.bincount(group, weights=p, minlength=n_groups)
    plain_n = np.bincount(group, weights=has.astype(float), minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.where(plain_n > 0, plain_sum / plain_n, np.nan))
