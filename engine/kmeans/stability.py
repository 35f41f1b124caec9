"""Centroid stability check and distance-based membership (METHOD §1, paper footnote 9).

Following a cluster's relabelled id back in time, its centroid must stay within δ (Euclidean,
feature space) of the cluster's last-window centroid in every earlier window that does not
overlap the last one. Where it wanders further (or the id is empty), the id no longer means
"the same behaviour": in that window an investor counts as having been in the cluster when its
point is strictly nearer to the cluster's last-window centroid than to each of that window's K
centroids. The same rule holds for every cluster, so the shares compared by the significance
test are built alike.
"""
from __future__ import annotations

import numpy as np


def wandered(centroids: np.ndarray, sizes: np.ndarray, earlier: np.ndarray, delta: float) -> np.ndarray:
    """Bool (n_windows, K): earlier windows where the id's centroid is further than ``delta`` from
    its last-window centroid, or the id has no member."""
    far = np.linalg.norm(centroids - centroids[-1][None, :, :], axis=2) > delta
    return earlier[:, None] & (far | (sizes == 0))


def seen_in_own_cluster(features: np.ndarray, labels: np.ndarray, centroids: np.ndarray,
                        earlier: np.ndarray, wander: np.ndarray) -> np.ndarray:
    """Bool (n_investors,): active in the last window and in its last-window cluster C in some
    earlier window: by label where C's centroid stayed, by distance where it wandered."""
    last = labels[-1].astype(np.int64)
    rows = np.flatnonzero(last >= 0)
    own = last[rows]
    target = centroids[-1][own]                                  # (n, 3): own last-window centroid
    windows = np.flatnonzero(earlier)
    same = labels[windows][:, rows] == own[None, :]              # (windows, n): by label
    judged = wander[windows][:, own]                             # (windows, n): by distance instead
    for j in np.flatnonzero(judged.any(axis=1)).tolist():
        moved = np.flatnonzero(judged[j])
        centres = centroids[windows[j]]
        x = features[windows[j], rows[moved]]                     # NaN where inactive: never nearer
        to_target = np.linalg.norm(x - target[moved], axis=1)
        to_window = np.linalg.norm(x[:, None, :] - centres[None, :, :], axis=2).min(axis=1)
        same[j, moved] = to_target < to_window
    seen = np.zeros(labels.shape[1], dtype=bool)
    seen[rows] = same.any(axis=0)
    return seen


def discontinuous_with_rule(features: np.ndarray, labels: np.ndarray, centroids: np.ndarray,
                            sizes_per_window: np.ndarray, earlier: np.ndarray,
                            delta: float) -> tuple[np.ndarray, np.ndarray]:
    """(discontinuous mask, wandered (n_windows, K)) under the centroid stability rule."""
    wander = wandered(centroids, sizes_per_window, earlier, delta)
    seen = seen_in_own_cluster(features, labels, centroids, earlier, wander)
    return (labels[-1] >= 0) & ~seen, wander


def sizes_per_window(labels: np.ndarray, k: int) -> np.ndarray:
    """Int64 (n_windows, K): members of each id in each window."""
    n_w = labels.shape[0]
    slot = labels.astype(np.int64) + 1 + (k + 1) * np.arange(n_w)[:, None]    # −1 (inactive) -> slot 0
    return np.bincount(slot.ravel(), minlength=n_w * (k + 1)).reshape(n_w, k + 1)[:, 1:]
