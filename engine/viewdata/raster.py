"""Presentation arrays of the trading-state raster: investors x trading days, grouped by ring.

The raster shows, for every SVN-eligible investor and trading day, the day's state on the
target stock (b, s, bs, or no trade). Rows are grouped by SVN cluster in ring-rank order
(unclustered investors last), so a ring that trades in lockstep shows as a coloured band.
Volumes for the hover text are looked up from the panel's records by binary search, so no
dense float matrix is kept.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from engine.market.panel import TargetPanel

CODE_NONE: int = 0   # no trade
CODE_B: int = 1      # r > θ
CODE_S: int = 2      # r < −θ
CODE_BS: int = 3     # |r| <= θ
CODE_NAMES: tuple[str, ...] = ("no trade", "b", "s", "bs")
NO_CLUSTER: int = 0


@dataclass(frozen=True)
class RasterData:
    """Raster codes (n_rows, n_days) with row identity, cluster groups and hover records."""

    row_ids: np.ndarray          # object (n_rows,) investor id of each display row
    row_cluster: np.ndarray      # int32 (n_rows,) SVN cluster id, NO_CLUSTER when isolated
    group_starts: np.ndarray     # int32 (n_groups,) first row of each cluster group
    group_cluster: np.ndarray    # int32 (n_groups,) cluster id of each group
    dates: np.ndarray            # datetime64[D] (n_days,)
    codes: np.ndarray            # uint8 (n_rows, n_days), CODE_*
    reference_day: int           # calendar index of reference_start (first day >= it), -1 if none
    event_day: int               # calendar index of the PSE (first day >= it), -1 if none
    rec_key: np.ndarray          # int64 sorted row * n_days + day, for hover look-ups
    rec_vb: np.ndarray           # float64 shares bought per record
    rec_vs: np.ndarray           # float64 shares sold per record

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.row_ids.size), int(self.dates.size))

    def volumes_at(self, row: int, day: int) -> tuple[float, float]:
        """(shares bought, shares sold) of display row ``row`` on day ``day``; zeros if none."""
        key = np.int64(row) * self.dates.size + day
        k = int(np.searchsorted(self.rec_key, key))
        if k < self.rec_key.size and self.rec_key[k] == key:
            return float(self.rec_vb[k]), float(self.rec_vs[k])
        return 0.0, 0.0


def day_index(dates: np.ndarray, when: dt.date | None) -> int:
    """Index of the first calendar day on or after ``when`` (-1 if none or past the end)."""
    if when is None:
        return -1
    k = int(np.searchsorted(dates, np.datetime64(when, "D")))
    return k if k < dates.size else -1


def cluster_row_order(ids: np.ndarray, cluster_of: np.ndarray,
                      cluster_rank: dict[int, int]) -> np.ndarray:
    """Display order: clusters by rank (unranked by id), members by id, isolated last."""
    ids_s = np.asarray(ids, dtype=object).astype(str)
    clusters = np.asarray(cluster_of, dtype=np.int64)
    uniq, inverse = np.unique(clusters, return_inverse=True)
    last = np.int64(np.iinfo(np.int32).max)
    rank = np.array([last if c == NO_CLUSTER else cluster_rank.get(int(c), last - 1)
                     for c in uniq], dtype=np.int64)
    rank_of = rank[inverse]
    return np.lexsort((ids_s, clusters, rank_of))


def build_raster(panel: TargetPanel, row_ids: np.ndarray, row_cluster: np.ndarray,
                 theta: float, reference_start: dt.date | None,
                 event_date: dt.date | None) -> RasterData:
    """Raster of ``row_ids`` (already in display order) on the panel's calendar."""
    ids = np.asarray(row_ids, dtype=object)
    clusters = np.asarray(row_cluster, dtype=np.int32)
    n_rows, n_days = ids.size, panel.n_days
    panel_rows = panel.rows_of(ids)
    display_of_panel = np.full(panel.n_investors, -1, dtype=np.int64)
    known = panel_rows >= 0
    display_of_panel[panel_rows[known]] = np.flatnonzero(known)
    rec_row = display_of_panel[panel.inv]
    take = rec_row >= 0
    codes = np.zeros((n_rows, n_days), dtype=np.uint8)
    states = panel.states(theta)[take]  # STATE_B=0, STATE_S=1, STATE_BS=2 -> CODE_* = state + 1
    codes[rec_row[take], panel.day[take]] = (states + 1).astype(np.uint8)
    key = rec_row[take] * np.int64(n_days) + panel.day[take]
    order = np.argsort(key, kind="stable")
    change = np.flatnonzero(np.r_[True, clusters[1:] != clusters[:-1]]) if n_rows else np.zeros(0, np.int64)
    return RasterData(
        row_ids=ids, row_cluster=clusters,
        group_starts=change.astype(np.int32), group_cluster=clusters[change].astype(np.int32),
        dates=panel.dates, codes=codes,
        reference_day=day_index(panel.dates, reference_start),
        event_day=day_index(panel.dates, event_date),
        rec_key=key[order], rec_vb=panel.vb[take][order], rec_vs=panel.vs[take][order])

