"""Presentation arrays of the triage views: investor heatmap, outlier chart, episode scorecard.

Episodes and their 200-800 scores come from the episodes stage; this module arranges
them per investor for display: a heatmap grid ordered by mean score (colour = mean score,
marker size = episode count), the outlier chart's share of high-risk episodes against the
episode count for any threshold, and the rows of one investor's scorecard.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COMPONENTS: tuple[str, ...] = ("direction", "concentration", "exposure", "timing")


@dataclass(frozen=True)
class TriageData:
    """Episodes grouped by investor, with per-investor summaries and a heatmap grid."""

    ids: np.ndarray              # object (n,) investors with at least one episode, text order
    n_episodes: np.ndarray       # int32 (n,)
    mean_score: np.ndarray       # float64 (n,)
    grid_x: np.ndarray           # float64 (n,) heatmap column
    grid_y: np.ndarray           # float64 (n,) heatmap row (0 = top, best scores first)
    ep_offsets: np.ndarray       # int64 (n + 1,) episodes of investor k: ep_offsets[k]:ep_offsets[k+1]
    ep_start: np.ndarray         # datetime64[D] (m,) first day of each episode
    ep_end: np.ndarray           # datetime64[D] (m,) last day
    ep_days: np.ndarray          # int32 (m,) active days in the episode
    ep_score: np.ndarray         # float64 (m,) 200-800
    ep_components: np.ndarray    # float64 (m, 4) COMPONENTS in [0, 1]
    ep_volume: np.ndarray        # float64 (m,) shares traded (bought + sold)
    ep_net: np.ndarray           # float64 (m,) shares bought - sold
    high_risk_default: float     # default threshold of the outlier chart

    def episodes_of(self, investor_id: str) -> slice:
        """Slice into the ep_* arrays for one investor (empty if unknown)."""
        k = int(np.searchsorted(self.ids, str(investor_id)))   # ids are str in text order: no copy per call
        if k < self.ids.size and self.ids[k] == investor_id:
            return slice(int(self.ep_offsets[k]), int(self.ep_offsets[k + 1]))
        return slice(0, 0)


def high_risk_share(data: TriageData, threshold: float) -> np.ndarray:
    """Per investor, the share of episodes scoring at or above ``threshold``."""
    if data.ids.size == 0:
        return np.zeros(0)
    high = (data.ep_score >= threshold).astype(np.float64)
    counts = np.add.reduceat(high, data.ep_offsets[:-1]) if high.size else np.zeros(data.ids.size)
    return counts / np.maximum(data.n_episodes, 1)


def heatmap_grid(mean_score: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Grid cells for the heatmap: best mean score top-left, ties by id, near-square grid."""
    n = mean_score.size
    cols = max(1, int(np.ceil(np.sqrt(n))))
    order = np.lexsort((np.asarray(ids, dtype=object).astype(str), -mean_score))
    slot = np.empty(n, dtype=np.int64)
    slot[order] = np.arange(n)
    return (slot % cols).astype(np.float64), (slot // cols).astype(np.float64)


def build_triage(ep_investor: np.ndarray, ep_start: np.ndarray, ep_end: np.ndarray,
                 ep_days: np.ndarray, ep_score: np.ndarray, ep_components: np.ndarray,
                 ep_volume: np.ndarray, ep_net: np.ndarray,
                 high_risk_default: float) -> TriageData:
    """Group per-episode arrays (any order) by investor id, episodes in date order."""
    inv = np.asarray(ep_investor, dtype=object)
    starts = np.asarray(ep_start, dtype="datetime64[D]")
    order = np.lexsort((starts, inv.astype(str)))
    inv = inv[order]
    ids, first, counts = np.unique(inv.astype(str), return_index=True, return_counts=True)
    score = np.asarray(ep_score, dtype=np.float64)[order]
    mean = (np.add.reduceat(score, first) / counts) if score.size else np.zeros(0)
    gx, gy = heatmap_grid(mean, ids)
    return TriageData(
        ids=ids.astype(object), n_episodes=counts.astype(np.int32), mean_score=mean,
        grid_x=gx, grid_y=gy, ep_offsets=np.r_[first, inv.size].astype(np.int64),
        ep_start=starts[order], ep_end=np.asarray(ep_end, dtype="datetime64[D]")[order],
        ep_days=np.asarray(ep_days, dtype=np.int32)[order], ep_score=score,
        ep_components=np.asarray(ep_components, dtype=np.float64).reshape(-1, len(COMPONENTS))[order],
        ep_volume=np.asarray(ep_volume, dtype=np.float64)[order],
        ep_net=np.asarray(ep_net, dtype=np.float64)[order],
        high_risk_default=float(high_risk_default))

