"""One pseudo-event (or the event's own comparison run): a pure function of shared inputs and a day.

``PlaceboContext`` holds what every date shares (the panel and the validated network's rings
are computed once per event); ``analyse_day`` runs the W k-means windows ending the trading day
before ``day`` with the event's K and a seed derived from ``kmeans.seed`` and the date, finds
the rewarding cluster and its discontinuous members, and measures the statistics of METHOD §5.
It uses one thread and nothing else, so the same day gives the same bytes wherever it runs.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from engine.kmeans.dynamic import cluster_windows
from engine.kmeans.features import window_features
from engine.kmeans.suspects import cluster_stats, rewarding_corner
from engine.market.calendar import Windows
from engine.market.investor_metrics import expected_profit
from engine.market.panel import TargetPanel
from engine.params import KMeansParams


@dataclass(frozen=True)
class PlaceboContext:
    """Inputs shared by every date of one event's placebo test (sent once to each worker)."""

    panel: TargetPanel
    sign: int                        # d
    k: int                           # the event's K (no K scan per pseudo-event)
    kmeans: KMeansParams             # window length, step, restarts, seed, significance
    windows: int                     # W
    ref_length: int                  # trading days from reference_start to the event
    closes: np.ndarray               # float64 (n_days,): close of the stock per calendar day, NaN if none
    ring_rows: tuple[np.ndarray, ...]  # panel rows of each validated-network cluster, in ring order


@dataclass(frozen=True)
class DayStats:
    """The statistics of one analysed day."""

    date: str
    excess_share: float              # rewarding discontinuous share − pooled share of the rest
    n_suspects: int
    rewarding_profit: float          # Σ π_i over the rewarding cluster (NaN without a close)
    member_rows: np.ndarray          # int64: panel rows of the rewarding cluster
    member_scores: np.ndarray        # float64: exp(−||x − corner||) of those rows
    member_suspect: np.ndarray       # bool: discontinuous (a suspect at that day)
    member_hard: np.ndarray          # bool: no activity before the last window
    ring_values: np.ndarray          # float64 (n_rings,): d·R_C over the day's reference period


def day_seed(seed: int, date: str) -> int:
    """A 31-bit seed from ``kmeans.seed`` and the ISO date: the same for a date wherever it runs."""
    digest = hashlib.sha256(f"{seed}|{date}".encode("ascii")).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def day_windows(ctx: PlaceboContext, day: int) -> Windows:
    """W windows of D days shifted by the step, the last ending the trading day before ``day``."""
    p = ctx.kmeans
    ends = (day - 1) - p.window_step * np.arange(ctx.windows - 1, -1, -1, dtype=np.int64)
    return Windows(dates=ctx.panel.dates, starts=ends - (p.window_length - 1), ends=ends,
                   ref_lo=day - ctx.ref_length, ref_hi=day)


def excess_share(sizes: np.ndarray, disc: np.ndarray, rewarding: int) -> float:
    """Discontinuous share of the rewarding cluster minus the pooled share of the others."""
    rest_size = int(sizes.sum() - sizes[rewarding])
    if sizes[rewarding] == 0 or rest_size == 0:
        return float("nan")
    rest = (int(disc.sum()) - int(disc[rewarding])) / rest_size
    return float(disc[rewarding] / sizes[rewarding] - rest)


def ring_values(panel: TargetPanel, ring_rows: tuple[np.ndarray, ...], sign: int, lo: int, hi: int) -> np.ndarray:
    """d·R_C of each member set over calendar days [lo, hi); 0 where no member was active."""
    r_sum = panel.sum_over(panel.r(), lo, hi)
    days = panel.active_days(lo, hi)
    out = np.zeros(len(ring_rows))
    for c, rows in enumerate(ring_rows):
        n = days[rows].sum()
        if n > 0:
            out[c] = sign * r_sum[rows].sum() / n
    return out


def analyse_day(ctx: PlaceboContext, day: int) -> DayStats:
    """The placebo statistics at calendar index ``day`` of the stock (METHOD §5)."""
    panel = ctx.panel
    date = str(panel.dates[day])
    windows = day_windows(ctx, day)
    feats = window_features(panel, windows)
    orient = np.array([ctx.sign, 1.0, ctx.sign])
    dyn = cluster_windows(feats.values * orient, feats.active, ctx.k, ctx.kmeans.first_window_restarts,
                          day_seed(ctx.kmeans.seed, date))
    earlier = windows.ends < windows.starts[-1]
    stats, disc = cluster_stats(feats.values, dyn.labels, dyn.centroids * orient, earlier, ctx.sign,
                                ctx.kmeans.significance, ctx.kmeans.stability_delta)
    rew = stats.rewarding_cluster
    members = np.flatnonzero(dyn.labels[-1] == rew)
    points = feats.values[-1, members]
    scores = np.exp(-np.linalg.norm(points - rewarding_corner(ctx.sign), axis=1))
    close = float(ctx.closes[day])
    profit = expected_profit(panel, windows.ref_lo, windows.ref_hi, None if np.isnan(close) else close)
    hard = panel.first_day() >= windows.starts[-1]
    return DayStats(
        date=date, excess_share=excess_share(stats.sizes, stats.discontinuous, rew),
        n_suspects=int(disc[members].sum()),
        rewarding_profit=float(np.nansum(profit[members])) if not np.isnan(close) else float("nan"),
        member_rows=members.astype(np.int64), member_scores=scores, member_suspect=disc[members],
        member_hard=hard[members],
        ring_values=ring_values(panel, ctx.ring_rows, ctx.sign, windows.ref_lo, windows.ref_hi))
