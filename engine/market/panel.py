"""Record-based (COO) investor x day panel of the target stock, shared by every analytic.

A dense investor x day array would take ~117 MB per variable at the reference scale
(27,000 investors x 541 days), so the panel keeps one entry per *active record*
(Vb + Vs > 0) of the target stock, sorted by (investor row, calendar day).

API (``panel = TargetPanel.build(tables, stock)``):

- ``panel.investor_ids``: object array of ``str``, sorted in text order; row ``i`` of every
  per-investor array in the engine is ``investor_ids[i]`` (the shared InvestorIndex).
  ``panel.index`` is the same as a ``pandas.Index``; ``panel.rows_of(ids)`` gives rows
  (-1 for ids without an active target-stock record).
- ``panel.dates``: the stock's trading calendar, ``datetime64[D]`` (engine.market.calendar).
- ``first_record()`` / ``first_day()``: each investor's first record index / calendar day.
- per record, sorted by (inv, day): ``inv`` (int32 row), ``day`` (int32 calendar index),
  ``vb, vs, ab, as_`` (float64 shares bought / sold, turnover bought / sold).
- ``alpha()``: position after each record, Σ (Ab − As) over the investor's records up to and
  including that day, from the first date of the data (flat before it); ``share_position()``
  the same in shares. ``position_at(day)``: every investor's position carried at the end of
  a calendar day (0 before its first record); ``positions_at(days, rows)`` the same for some
  investors on several days at once.
- ``r()``: daily r(i,t) = (Vb − Vs)/(Vb + Vs) per record; ``states(theta)``: int8 state code
  per record, ``STATE_B`` (r > θ), ``STATE_S`` (r < −θ), ``STATE_BS`` otherwise (METHOD §2).
- ``sum_over(values, lo, hi)``: per-investor sum of a per-record array over calendar days
  [lo, hi); ``active_days(lo, hi)`` likewise counts active days.
- ``all_stock_turnover(starts, ends)``: (n_windows, n_investors) Σ (Ab + As) over *all*
  stocks (target included) on calendar dates from ``dates[start]`` to ``dates[end]``
  inclusive, for the magnitudo feature.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engine.market.calendar import trading_calendar
from engine.errors import UsageError
from engine.tables import CaseTables

STATE_B: int = 0
STATE_S: int = 1
STATE_BS: int = 2
STATE_NAMES: tuple[str, str, str] = ("b", "s", "bs")


def _sum_duplicates(key: np.ndarray, *values: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Sort by ``key`` and sum the values of equal keys (defensive: ingest already sums venues)."""
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    return key[starts], [np.add.reduceat(v[order], starts) if key.size else v[order] for v in values]


@dataclass(frozen=True)
class TargetPanel:
    """Active records of the target stock in COO form, plus all-stock turnover for magnitudo."""

    stock: str
    investor_ids: np.ndarray     # object (n_investors,), sorted text
    dates: np.ndarray            # datetime64[D] (n_days,), trading calendar of the stock
    inv: np.ndarray              # int32 (n_records,)
    day: np.ndarray              # int32 (n_records,)
    vb: np.ndarray               # float64 (n_records,)
    vs: np.ndarray
    ab: np.ndarray
    as_: np.ndarray
    tot_inv: np.ndarray          # int32: all-stock turnover records of the panel's investors,
    tot_date: np.ndarray         # datetime64[D], sorted by date,
    tot_value: np.ndarray        # float64 Σ over stocks of (Ab + As) per (investor, date)
    index: pd.Index = field(init=False, repr=False, compare=False)  # investor id -> row

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", pd.Index(self.investor_ids, dtype=object))

    @classmethod
    def build(cls, tables: CaseTables, stock: str) -> "TargetPanel":
        """Build the panel of ``stock`` from the case's (venue-summed) trades table."""
        trades = tables.trades
        is_target = (trades["stock"] == stock).to_numpy(bool)
        vb_all = trades["buy_shares"].to_numpy(np.float64)
        vs_all = trades["sell_shares"].to_numpy(np.float64)
        sel = is_target & ((vb_all + vs_all) > 0)
        if not sel.any():
            raise UsageError(f"the stock {stock!r} has no active trade in the data")
        # Ids are matched through their distinct values (codes), not as ~10^6 Python strings:
        # converting and hashing each row's id took most of the build (dense case 0.86 -> 0.32 s CPU).
        codes, distinct = pd.factorize(trades["investor_id"])
        present = np.unique(codes[sel])
        if present[0] < 0:   # import refuses a blank id; a row without one is never given to another investor
            raise UsageError(f"a trade in {stock!r} has no investor_id")
        investor_ids, present_row = np.unique(np.asarray(distinct, dtype=object)[present].astype(str),
                                              return_inverse=True)
        investor_ids = investor_ids.astype(object)
        row_of_code = np.full(len(distinct) + 1, -1, dtype=np.int64)   # the last entry: a missing id (code -1)
        row_of_code[present] = present_row
        rows_all = row_of_code[codes]
        inv = rows_all[sel]
        dates = trading_calendar(trades, stock)
        days_all = trades["date"].to_numpy().astype("datetime64[D]")
        day = np.searchsorted(dates, days_all[sel])
        n_days = dates.size
        ab_all = trades["buy_value"].to_numpy(np.float64)
        as_all = trades["sell_value"].to_numpy(np.float64)
        key, (vb, vs, ab, as_) = _sum_duplicates(
            inv.astype(np.int64) * n_days + day, vb_all[sel], vs_all[sel], ab_all[sel], as_all[sel])
        turnover = ab_all + as_all
        keep = (rows_all >= 0) & (turnover > 0)
        day_num = days_all[keep].astype(np.int64)
        tkey, (tvalue,) = _sum_duplicates(day_num * len(investor_ids) + rows_all[keep], turnover[keep])
        return cls(stock=stock, investor_ids=investor_ids, dates=dates,
                   inv=(key // n_days).astype(np.int32), day=(key % n_days).astype(np.int32),
                   vb=vb, vs=vs, ab=ab, as_=as_,
                   tot_inv=(tkey % len(investor_ids)).astype(np.int32),
                   tot_date=(tkey // len(investor_ids)).astype("datetime64[D]"),
                   tot_value=tvalue)

    # -- sizes and identity -------------------------------------------------------------
    @property
    def n_investors(self) -> int:
        return int(self.investor_ids.size)

    @property
    def n_days(self) -> int:
        return int(self.dates.size)

    @property
    def n_records(self) -> int:
        return int(self.inv.size)

    def rows_of(self, ids) -> np.ndarray:
        """Panel rows of investor ids (int64, −1 for unknown ids)."""
        return self.index.get_indexer(pd.Index(np.asarray(ids, dtype=object), dtype=object))

    def first_record(self) -> np.ndarray:
        """Index of each investor's first record (records are grouped by investor)."""
        return np.searchsorted(self.inv, np.arange(self.n_investors))

    def first_day(self) -> np.ndarray:
        """Each investor's first active calendar day (every investor has at least one record)."""
        return self.day[self.first_record()].astype(np.int64)

    # -- daily quantities per record ----------------------------------------------------
    def alpha(self) -> np.ndarray:
        """Turnover position after each record (cumulated from the first date of the data)."""
        return self._cumulate(self.ab - self.as_)

    def share_position(self) -> np.ndarray:
        """Share position after each record."""
        return self._cumulate(self.vb - self.vs)

    def _cumulate(self, flow: np.ndarray) -> np.ndarray:
        return pd.Series(flow).groupby(self.inv, sort=False).cumsum().to_numpy(np.float64)

    def position_at(self, day: int, per_record: np.ndarray | None = None) -> np.ndarray:
        """Each investor's position carried at the end of calendar day ``day`` (0 if none yet)."""
        return self.positions_at(np.array([day]), np.arange(self.n_investors), per_record)[:, 0]

    def positions_at(self, days: np.ndarray, rows: np.ndarray, per_record: np.ndarray | None = None) -> np.ndarray:
        """(len(rows), len(days)) positions of investor ``rows`` carried at the end of each of the
        calendar ``days`` (0 before the investor's first record), in one search."""
        values = self.alpha() if per_record is None else per_record
        width = np.int64(self.n_days + 1)
        key = self.inv.astype(np.int64) * width + self.day
        rows = np.asarray(rows, dtype=np.int64)
        last = np.searchsorted(key, (rows[:, None] * width + np.asarray(days, dtype=np.int64)).ravel(),
                               side="right") - 1
        at = np.maximum(last, 0)
        ok = (last >= 0) & (self.inv[at] == np.repeat(rows, len(days)))
        return np.where(ok, values[at], 0.0).reshape(rows.size, len(days))

    def r(self) -> np.ndarray:
        """Daily directionality r(i,t) = (Vb − Vs)/(Vb + Vs) of each record."""
        return (self.vb - self.vs) / (self.vb + self.vs)

    def states(self, theta: float) -> np.ndarray:
        """State code per record: STATE_B if r > θ, STATE_S if r < −θ, else STATE_BS."""
        r = self.r()
        out = np.full(r.shape, STATE_BS, dtype=np.int8)
        out[r > theta] = STATE_B
        out[r < -theta] = STATE_S
        return out

    # -- aggregates ---------------------------------------------------------------------
    def day_mask(self, lo: int, hi: int) -> np.ndarray:
        """Records on calendar days [lo, hi)."""
        return (self.day >= lo) & (self.day < hi)

    def sum_over(self, values: np.ndarray, lo: int, hi: int) -> np.ndarray:
        """Per-investor sum of a per-record array over calendar days [lo, hi)."""
        m = self.day_mask(lo, hi)
        return np.bincount(self.inv[m], weights=values[m], minlength=self.n_investors)

    def active_days(self, lo: int = 0, hi: int | None = None) -> np.ndarray:
        """Per-investor number of active days in [lo, hi) (whole calendar by default)."""
        m = self.day_mask(lo, self.n_days if hi is None else hi)
        return np.bincount(self.inv[m], minlength=self.n_investors)

    def all_stock_turnover(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """(n_windows, n_investors) all-stock Σ (Ab + As) from dates[start] to dates[end]."""
        lo = np.searchsorted(self.tot_date, self.dates[starts], side="left")
        hi = np.searchsorted(self.tot_date, self.dates[ends], side="right")
        out = np.zeros((len(starts), self.n_investors))
        for w, (a, b) in enumerate(zip(lo, hi)):
            out[w] = np.bincount(self.tot_inv[a:b], weights=self.tot_value[a:b],
                                 minlength=self.n_investors)
        return out
