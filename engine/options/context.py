"""Context shown beside the options evidence, never added to it (METHOD.md §3).

A PSE of the stock within ``pse_lookahead_days`` trading days ahead (using the event date to
score the days before it would make the test circular and leak the answer into any backtest),
and filings on the stock by investors of the case within the same number of trading days
before or after the day.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from engine.market.calendar import as_day, iso_day
from engine.tables import CaseTables


@dataclass(frozen=True)
class Context:
    """Per-day context of the options calendar."""

    pse_days_ahead: np.ndarray          # int64, 0 = no PSE within the lookahead
    pse_events: tuple[tuple[str, np.datetime64], ...]  # (event_id, date) of the stock's PSEs
    filings: pd.DataFrame               # investor_id, date, form, transaction, pos (calendar index)
    window: int

    def pse_text(self, dates: np.ndarray, k: int) -> str:
        """'the PSE ID on DATE is N trading day(s) ahead' for day ``k`` ("" when none)."""
        gap = int(self.pse_days_ahead[k])
        if gap == 0:
            return ""
        name = "a PSE"
        for event_id, when in self.pse_events:
            if int(np.searchsorted(dates, when, side="left")) - k == gap:
                name = f"the PSE {event_id} on {iso_day(when)}"
                break
        return f"{name} is {gap} trading day(s) ahead"

    def filing_texts(self, k: int) -> tuple[str, ...]:
        """'ID date form transaction' of the filings within the window around day ``k``."""
        near = self.filings
        sel = near[(near["pos"] >= k - self.window) & (near["pos"] <= k + self.window)]
        return tuple(_filing_text(r) for r in sel.itertuples(index=False))


def _filing_text(r: Any) -> str:
    """'INVESTOR DATE FORM TRANSACTION' of one filings row (a data-frame named tuple)."""
    return " ".join(str(x) for x in (r.investor_id, pd.Timestamp(r.date).date().isoformat(),
                                     "" if pd.isna(r.form) else r.form,
                                     "" if pd.isna(r.transaction) else r.transaction)).strip()


def pse_days_ahead(dates: np.ndarray, event_dates: list[np.datetime64], lookahead: int) -> np.ndarray:
    """Trading days from each day to the nearest PSE 1 … ``lookahead`` days ahead; 0 if none."""
    out = np.zeros(dates.size, np.int64)
    idx = np.arange(dates.size)
    for e in sorted(event_dates):
        gap = int(np.searchsorted(dates, e, side="left")) - idx
        hit = (gap >= 1) & (gap <= lookahead) & ((out == 0) | (gap < out))
        out[hit] = gap[hit]
    return out


def filings_near_case(filings: pd.DataFrame | None, stock: str, case_ids: pd.Series,
                      dates: np.ndarray) -> pd.DataFrame:
    """Filings on ``stock`` by investors of the case (``case_ids``: the trades' investor_id
    column) within the calendar, with the calendar position of their date."""
    cols = ["investor_id", "date", "form", "transaction", "pos"]
    if filings is None or filings.empty or dates.size == 0:
        return pd.DataFrame(columns=cols)
    on_stock = filings[filings["stock"] == stock]
    filers = on_stock["investor_id"].unique()
    rows = on_stock[on_stock["investor_id"].isin(case_ids[case_ids.isin(filers)].unique())].copy()
    fdates = rows["date"].to_numpy().astype("datetime64[D]")
    inside = (fdates >= dates[0]) & (fdates <= dates[-1])
    rows = rows[inside]
    rows["pos"] = np.searchsorted(dates, fdates[inside], side="left")  # a holiday maps to the next day
    for c in ("form", "transaction"):
        if c not in rows.columns:
            rows[c] = ""
    return rows.sort_values(["date", "investor_id"])[cols]


def filings_count(near: pd.DataFrame, n: int, window: int) -> np.ndarray:
    """Number of filings within ``window`` trading days before or after each day."""
    c = np.concatenate(([0], np.cumsum(np.bincount(near["pos"].to_numpy(np.int64), minlength=n))))
    idx = np.arange(n)
    return c[np.minimum(idx + window + 1, n)] - c[np.maximum(idx - window, 0)]


def build_context(tables: CaseTables, stock: str, dates: np.ndarray, window: int) -> Context:
    """The context of every day of the stock's options calendar."""
    ev = tables.events[tables.events["stock"] == stock].sort_values(["event_date", "event_id"])
    pse = tuple((str(i), as_day(d)) for i, d in zip(ev["event_id"], ev["event_date"]))
    near = filings_near_case(tables.filings, stock, tables.trades["investor_id"], dates)
    return Context(pse_days_ahead=pse_days_ahead(dates, [d for _, d in pse], window), pse_events=pse,
                   filings=near, window=window)
