"""Presentation arrays of the feature cube: each investor's (A, a, E) point per window.

The cube view shows the k-means space window by window: points coloured by their
(relabelled) cluster, the rewarding corner marked, suspects distinguishable. This module
only repackages the k-means result into what the view draws, with ids as the key.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

AXIS_NAMES: tuple[str, str, str] = ("A", "a", "E")


@dataclass(frozen=True)
class CubeData:
    """Per-window cube coordinates, cluster labels and the rewarding corner."""

    ids: np.ndarray              # object (n,) investor ids, text order
    window_start: np.ndarray     # datetime64[D] (n_windows,) first day of each window
    window_end: np.ndarray       # datetime64[D] (n_windows,) last day of each window
    coords: np.ndarray           # float32 (n_windows, n, 3) (A, a, E), NaN where inactive
    labels: np.ndarray           # int16 (n_windows, n) cluster label, -1 where inactive
    n_clusters: int              # K: labels run over 0 .. K-1
    rewarding_cluster: int       # label of the rewarding cluster (last window)
    corner: np.ndarray           # float64 (3,) best rewarding position (+-1, 1, +-1)
    suspect: np.ndarray          # bool (n,) k-means suspects
    k_note: str = ""             # which K, why, how stable, and the verdict (one line)

    @property
    def n_windows(self) -> int:
        return int(self.labels.shape[0])

    def active(self, window: int) -> np.ndarray:
        """Positions (into ``ids``) of the investors active in ``window``."""
        return np.flatnonzero(self.labels[window] >= 0)


def rewarding_corner(direction_sign: int) -> np.ndarray:
    """(1, 1, 1) for a buy event, (-1, 1, -1) for a sell event (METHOD.md §1)."""
    d = 1.0 if direction_sign >= 0 else -1.0
    return np.array([d, 1.0, d])


def build_cube(ids: np.ndarray, window_start: np.ndarray, window_end: np.ndarray,
               features: np.ndarray, labels: np.ndarray, rewarding_cluster: int,
               suspect_ids: np.ndarray, direction_sign: int, n_clusters: int | None = None,
               k_note: str = "") -> CubeData:
    """Cube arrays from k-means output; ``suspect_ids`` may name ids outside ``ids`` (ignored).

    ``n_clusters`` is K; by default the largest label + 1.
    """
    ids_o = np.asarray(ids, dtype=object)
    lab = np.asarray(labels, dtype=np.int16)
    if lab.shape != np.asarray(features).shape[:2]:
        raise ValueError("labels and features disagree on (windows, investors)")
    index = pd.Index(ids_o, dtype=object)
    pos = index.get_indexer(pd.Index(np.asarray(suspect_ids, dtype=object), dtype=object))
    suspect = np.zeros(ids_o.size, dtype=bool)
    suspect[pos[pos >= 0]] = True
    k = n_clusters if n_clusters is not None else (int(lab.max()) + 1 if lab.size else 0)
    return CubeData(ids=ids_o, window_start=np.asarray(window_start, dtype="datetime64[D]"),
                    window_end=np.asarray(window_end, dtype="datetime64[D]"),
                    coords=np.asarray(features, dtype=np.float32), labels=lab,
                    n_clusters=max(int(k), 0), rewarding_cluster=int(rewarding_cluster),
                    corner=rewarding_corner(direction_sign), suspect=suspect, k_note=k_note)
