"""Sensitivity of the verdict to K: the same analysis at K − 2 … K + 2 (METHOD §1 "Choosing K").

Each row is exactly what a separate run with that K fixed would report (the chains are the
K scan's own, fitted with the same restarts and seed): the rewarding cluster's size and
centroid, its discontinuous share, the pooled and the largest pairwise p-value with both
verdicts, and the Jaccard overlap of its suspects with those of the chosen K.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.kmeans.kscan import jaccard
from engine.kmeans.suspects import ClusterStats

SPAN = 2


@dataclass(frozen=True)
class SensitivityRow:
    """The rewarding cluster and its verdict at one K."""

    k: int
    rewarding_cluster: int
    rewarding_size: int
    centroid: tuple[float, float, float]     # raw (A, a, E)
    discontinuous_share: float | None
    n_suspects: int
    p_pooled: float | None
    p_pairwise_max: float | None
    anomalous: bool
    anomalous_all_pairs: bool
    suspects_jaccard: float                   # with the chosen K's suspects


def sensitivity_ks(k: int) -> range:
    """K − 2 … K + 2 (values below 2 are left out)."""
    return range(max(2, k - SPAN), k + SPAN + 1)


def sensitivity_row(k: int, stats: ClusterStats, centroid: np.ndarray, suspects: np.ndarray,
                    chosen_suspects: np.ndarray) -> SensitivityRow:
    """One row from the K's cluster statistics and suspect mask (bool per investor row)."""
    rew, sig = stats.rewarding_cluster, stats.significance
    share = float(stats.shares[rew])
    return SensitivityRow(k=k, rewarding_cluster=rew, rewarding_size=int(stats.sizes[rew]),
                          centroid=(float(centroid[0]), float(centroid[1]), float(centroid[2])),
                          discontinuous_share=None if np.isnan(share) else share,
                          n_suspects=int(np.count_nonzero(suspects)), p_pooled=sig.pooled.p_value,
                          p_pairwise_max=sig.largest_pairwise_p, anomalous=sig.anomalous,
                          anomalous_all_pairs=sig.anomalous_all_pairs,
                          suspects_jaccard=jaccard(suspects, chosen_suspects))
