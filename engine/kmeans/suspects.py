"""Rewarding cluster, discontinuous investors, chi-squared tests and the suspect ranking (METHOD §1).

All of it refers to the last window (the one ending on the trading day before the PSE).
An investor of cluster C there is *discontinuous* when its label was never C in any earlier
window that does not overlap the last one; *hard* when it has no active record of the stock
before the last window's first day, *soft* otherwise. The suspects are the discontinuous
members of the rewarding cluster, ranked by s_i = exp(−||x_i − corner||), ties by the net
shares traded in the rewarding direction over Δ̄ (d·Σ(Vb − Vs)), then investor_id.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2_contingency

LEVELS: tuple[float, float] = (0.05, 0.01)


@dataclass(frozen=True)
class ChiSquareTest:
    """Rewarding cluster vs one other cluster: 2x2 homogeneity of discontinuous shares."""

    cluster: int                 # the other cluster's id
    statistic: float | None      # None when the table has an empty row or column
    p_value: float | None
    share_rewarding: float       # discontinuous share in the rewarding cluster
    share_other: float           # discontinuous share in the other cluster
    size_rewarding: int
    size_other: int
    reject_5pct: bool
    reject_1pct: bool


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
class ClusterStats:
    """Last-window clusters: rewarding id, discontinuous counts per cluster and the tests."""

    rewarding_cluster: int
    corner: tuple[float, float, float]
    corner_distance: np.ndarray      # float64 (K,): centroid distance to the corner
    sizes: np.ndarray                # int64 (K,)
    discontinuous: np.ndarray        # int64 (K,)
    shares: np.ndarray               # float64 (K,): discontinuous / size (NaN when empty)
    tests: list[ChiSquareTest]
    anomalous: bool


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


def chi_square_tests(sizes: np.ndarray, disc: np.ndarray, rewarding: int,
                     significance: float) -> tuple[list[ChiSquareTest], bool]:
    """Pearson 2x2 tests (no continuity correction) of the rewarding cluster vs each other one.

    Anomalous: every comparison rejects at ``significance`` with the rewarding share larger.
    """
    shares = np.divide(disc, sizes, out=np.full(sizes.size, np.nan), where=sizes > 0)
    tests, anomalous = [], True
    for k in range(sizes.size):
        if k == rewarding:
            continue
        table = np.array([[disc[rewarding], sizes[rewarding] - disc[rewarding]],
                          [disc[k], sizes[k] - disc[k]]], dtype=np.float64)
        if (table.sum(axis=0) > 0).all() and (table.sum(axis=1) > 0).all():
            stat, p, _, _ = chi2_contingency(table, correction=False)
            stat, p = float(stat), float(p)
        else:
            stat = p = None
        tests.append(ChiSquareTest(
            cluster=k, statistic=stat, p_value=p, share_rewarding=float(shares[rewarding]),
            share_other=float(shares[k]), size_rewarding=int(sizes[rewarding]), size_other=int(sizes[k]),
            reject_5pct=p is not None and p < LEVELS[0], reject_1pct=p is not None and p < LEVELS[1]))
        anomalous &= p is not None and p < significance and shares[rewarding] > shares[k]
    return tests, bool(anomalous and tests)


def cluster_stats(labels: np.ndarray, centroids: np.ndarray, earlier: np.ndarray, sign: int,
                  significance: float) -> tuple[ClusterStats, np.ndarray]:
    """Rewarding cluster, per-cluster discontinuous shares and tests; also the discontinuity mask."""
    k = centroids.shape[0]
    rew, dist = rewarding_cluster(centroids, sign)
    disc = discontinuous(labels, earlier)
    last = labels[-1]
    sizes = np.bincount(last[last >= 0], minlength=k).astype(np.int64)
    n_disc = np.bincount(last[disc], minlength=k).astype(np.int64)
    tests, anomalous = chi_square_tests(sizes, n_disc, rew, significance)
    shares = np.divide(n_disc, sizes, out=np.full(k, np.nan), where=sizes > 0)
    cx, cy, cz = (float(v) for v in rewarding_corner(sign))
    corner = (cx, cy, cz)
    return ClusterStats(rewarding_cluster=rew, corner=corner, corner_distance=dist, sizes=sizes,
                        discontinuous=n_disc, shares=shares, tests=tests, anomalous=anomalous), disc


def _optional(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def rank_suspects(investor_ids: np.ndarray, members: np.ndarray, points: np.ndarray, hard: np.ndarray,
                  sign: int, bought: np.ndarray, sold: np.ndarray, directionality: np.ndarray,
                  profit: np.ndarray) -> list[Suspect]:
    """Suspects (rows ``members`` of the text-ordered index) ranked by score, shares, then id.

    Per-investor arrays are indexed by row; ``points`` holds last-window (A, a, E) per row.
    """
    rows = np.asarray(members, dtype=np.int64)
    corner = rewarding_corner(sign)
    score = np.exp(-np.linalg.norm(points[rows] - corner, axis=1))
    net = sign * (bought[rows] - sold[rows])
    order = np.lexsort((rows, -net, -score))  # rows follow investor_id text order
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
