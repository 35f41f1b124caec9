"""Validation-threshold sweep (METHOD §2, App. B.3): suspicious investors against the threshold.

Each point re-validates the kept candidate tests at a typed threshold (no tail is
recomputed), re-runs Infomap and the ring ranking, and counts the investors in clusters
with d·R_C at or above the setting (and at least two members active in Δ̄). The curve is
exploratory: a threshold chosen because it maximises the suspects must never be presented as
evidence (``EXPLORATORY_NOTE`` travels with it to the JSON and the dialog).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.errors import UsageError
from engine.progress import Reporter
from engine.svn.stage import SvnResult, revalidate


EXPLORATORY_NOTE = ("Exploratory: the curve shows how the suspects depend on the threshold; a threshold "
                    "chosen because it maximises the suspects must never be presented as evidence.")


@dataclass(frozen=True)
class SweepPoint:
    """The network at one typed threshold."""

    threshold: float
    n_links: int
    n_clustered: int
    n_clusters: int
    n_suspicious_clusters: int
    n_suspicious_investors: int


@dataclass(frozen=True)
class SweepResult:
    """Every point, ascending threshold, and the one with the most suspicious investors."""

    points: list[SweepPoint]
    best_threshold: float | None   # ties: the smallest threshold (the most conservative)


def threshold_grid(low: float = 1e-12, high: float = 1e-2, per_decade: int = 1) -> np.ndarray:
    """Log-spaced thresholds from ``low`` to ``high`` inclusive."""
    if not 0.0 < low <= high <= 1.0 or per_decade < 1:
        raise UsageError(f"a threshold sweep needs 0 < low <= high <= 1 and at least one point per "
                         f"decade (got {low:g}, {high:g}, {per_decade})")
    steps = max(int(round(math.log10(high / low) * per_decade)), 0)
    return np.logspace(math.log10(low), math.log10(high), steps + 1)


def sweep(result: SvnResult, thresholds: np.ndarray | None = None,
          reporter: Reporter | None = None) -> SweepResult:
    """Suspicious investors as the validation threshold runs over ``thresholds``."""
    grid = threshold_grid() if thresholds is None else np.sort(np.asarray(thresholds, dtype=np.float64))
    points = []
    for done, value in enumerate(grid):
        net = revalidate(result, "threshold", float(value), reporter)
        suspicious = [r for r in net.rings if r.suspicious]
        points.append(SweepPoint(
            threshold=float(value), n_links=int(net.validated.sum()),
            n_clustered=int((net.membership > 0).sum()), n_clusters=len(net.rings),
            n_suspicious_clusters=len(suspicious),
            n_suspicious_investors=sum(r.size for r in suspicious)))
        if reporter is not None:
            reporter.advance((done + 1) / grid.size)
    best = max(points, key=lambda p: (p.n_suspicious_investors, -p.threshold)) if points else None
    return SweepResult(points=points, best_threshold=best.threshold if best else None)
