"""Rewarding cluster, discontinuous investors, their significance and the suspect ranking (METHOD §1).

All of it refers to the last window (the one ending on the trading day before the PSE).
An investor of cluster C there is *discontinuous* when it was never in C in any earlier
window that does not overlap the last one (by label, or by distance where C's centroid
wandered: engine/kmeans/stability.py); *hard* when it has no active record of the stock
before the last window's first day, *soft* otherwise. The suspects are the discontinuous
members of the rewarding cluster, ranked by the placebo p-value when given, then by
s_i = exp(−||x_i − corner||), ties by the net shares traded in the rewarding direction over
Δ̄ (d·Σ(Vb − Vs)), then investor_id.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.kmeans.significance import Significance, significance
from engine.kmeans.stability import discontinuous_with_rule, sizes_per_window

@dataclass(frozen=True)
class Suspect:
    """One discontinuous investor of the rewarding cluster."""

    investor_id: str
    rank: int
    score: float
    discontinuity: str               # "hard" or "soft"
    shares: float                    # d·Σ_Δ̄ (Vb − Vs): net shares in the rewarding direction
    shares_bought: float             # Σ_Δ̄ Vb (raw)
    shares_sold: float               # Σ_Δ̄ Vs (raw)
    directionality: float | None     # R_i over Δ̄, None when inactive there
    expected_profit: float | None    # π_i, None when no valuation price exists
    point: tuple[float, float, float]  # (A, a, E) in the last window


@dataclass(frozen=True)
class StabilityCheck:
    """The centroid stability rule: where ids wandered, and the verdict without the rule."""

    delta: float
    wandered: np.ndarray                 # bool (n_windows, K): membership judged by distance
    rewarding_windows: tuple[int, ...]   # 0-based windows where the rewarding id wandered
    anomalous_without_rule: bool
    anomalous_all_pairs_without_rule: bool
    suspects_without_rule: int


@dataclass(frozen=True)
class ClusterStats:
    """Last-window clusters: rewarding id, discontinuous counts per cluster, tests and stability."""

    rewarding_cluster: int
    corner: tuple[float, float, float]
    corner_distance: np.ndarray      # float64 (K,): centroid distance to the corner
    sizes: np.ndarray                # int64 (K,)
    discontinuous: np.ndarray        # int64 (K,)
    shares: np.ndarray               # float64 (K,): discontinuous / size (NaN when empty)
    significance: Significance
    stability: StabilityCheck

    @property
    def anomalous(self) -> bool:
        """The primary verdict: pooled one-sided Fisher test."""
        return self.significance.anomalous


def rewarding_corner(sign: int) -> np.ndarray:
    """(1, 1, 1) for a buy event, (−1, 1, −1) for a sell event."""
    return np.array([float(sign), 1.0, float(sign)])


def rewarding_cluster(centroids: np.ndarray, sign: int) -> tuple[int, np.ndarray]:
    """Cluster whose centroid is nearest the rewarding corner (ties: smaller id), and distances."""
    dist = np.linalg.norm(centroids - rewarding_corner(sign), axis=1)
    return int(np.argmin(dist)), dist


def discontinuous(labels: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    """Bool (n_investors,): active in the last window and never in its cluster in ``earlier`` windows."""
    last = labels[-1].astype(np.int64)
    seen = (labels[earlier] == last[None, :]).any(axis=0) if earlier.any() else np.zeros(last.size, bool)
    return (last >= 0) & ~seen


def _counts(labels_last: np.ndarray, disc: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Sizes and discontinuous members per last-window cluster."""
    sizes = np.bincount(labels_last[labels_last >= 0], minlength=k).astype(np.int64)
    return sizes, np.bincount(labels_last[disc], minlength=k).astype(np.int64)


def cluster_stats(features: np.ndarray, labels: np.ndarray, centroids: np.ndarray, earlier: np.ndarray,
                  sign: int, level: float, delta: float) -> tuple[ClusterStats, np.ndarray]:
    """Rewarding cluster, per-cluster discontinuous shares under the stability rule, tests, and
    the discontinuity mask. ``features`` and ``centroids`` cover every window (same frame)."""
    k = centroids.shape[1]
    rew, dist = rewarding_cluster(centroids[-1], sign)
    last = labels[-1].astype(np.int64)
    disc, wander = discontinuous_with_rule(features, labels, centroids, sizes_per_window(labels, k), earlier, delta)
    sizes, n_disc = _counts(last, disc, k)
    plain = discontinuous(labels, earlier)
    plain_sig = significance(sizes, _counts(last, plain, k)[1], rew, level)
    check = StabilityCheck(delta=delta, wandered=wander, rewarding_windows=tuple(np.flatnonzero(wander[:, rew]).tolist()),
                           anomalous_without_rule=plain_sig.anomalous,
                           anomalous_all_pairs_without_rule=plain_sig.anomalous_all_pairs,
                           suspects_without_rule=int(np.count_nonzero(plain & (last == rew))))
    shares = np.divide(n_disc, sizes, out=np.full(k, np.nan), where=sizes > 0)
    cx, cy, cz = (float(v) for v in rewarding_corner(sign))
    corner = (cx, cy, cz)
    return ClusterStats(rewarding_cluster=rew, corner=corner, corner_distance=dist, sizes=sizes,
                        discontinuous=n_disc, shares=shares, significance=significance(sizes, n_disc, rew, level),
                        stability=check), disc


def _optional(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def rank_suspects(investor_ids: np.ndarray, members: np.ndarray, points: np.ndarray, hard: np.ndarray,
                  sign: int, bought: np.ndarray, sold: np.ndarray, directionality: np.ndarray,
                  profit: np.ndarray, placebo_p: np.ndarray | None = None) -> list[Suspect]:
    """Suspects (rows ``members`` of the text-ordered index) ranked by placebo p (when given,
    smaller first), then score, shares in the rewarding direction, then id.

    Per-investor arrays are indexed by row; ``points`` holds last-window (A, a, E) per row;
    ``placebo_p`` the per-investor empirical p-value of the pseudo-event test (METHOD §5).
    """
    rows = np.asarray(members, dtype=np.int64)
    corner = rewarding_corner(sign)
    score = np.exp(-np.linalg.norm(points[rows] - corner, axis=1))
    net = sign * (bought[rows] - sold[rows])
    keys: tuple[np.ndarray, ...] = (rows, -net, -score)  # rows follow investor_id text order
    if placebo_p is not None:
        keys = keys + (placebo_p[rows],)
    order = np.lexsort(keys)
    out = []
    for rank, j in enumerate(order.tolist(), start=1):
        i = int(rows[j])
        out.append(Suspect(
            investor_id=str(investor_ids[i]), rank=rank, score=float(score[j]),
            discontinuity="hard" if hard[i] else "soft", shares=float(net[j]),
            shares_bought=float(bought[i]), shares_sold=float(sold[i]),
            directionality=_optional(directionality[i]), expected_profit=_optional(profit[i]),
            point=(float(points[i, 0]), float(points[i, 1]), float(points[i, 2]))))
    return out
