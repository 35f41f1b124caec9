"""Bonferroni, Benjamini–Hochberg and typed-threshold validation on log10 p (METHOD §2).

All three work on the kept candidate tests (p <= cap, cap >= alpha and >= any typed
threshold), which is exact: a test with p > alpha can never pass Bonferroni or BH at level
alpha, and m counts every test (9·N(N−1)/2), untested ones having p = 1.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.errors import UsageError

CORRECTIONS: tuple[str, ...] = ("bonferroni", "fdr", "threshold")


def n_tests(n_investors: int) -> int:
    """m = 9·N(N−1)/2: every link type of every unordered pair."""
    return 9 * n_investors * (n_investors - 1) // 2


@dataclass(frozen=True)
class Validation:
    """Which candidates pass, and the p-value cut that decided it."""

    correction: str
    mask: np.ndarray               # bool over the candidates
    threshold: float               # the p-value cut (0.0 when FDR rejects nothing)
    log10_threshold: float | None  # exact even when the cut underflows; None: nothing passes
    inclusive: bool                # True: p <= cut passes (FDR); False: p < cut


def bonferroni(log10_p: np.ndarray, alpha: float, m: int) -> Validation:
    """Validated when p < alpha / m."""
    cut = math.log10(alpha) - math.log10(max(m, 1))
    return Validation("bonferroni", log10_p < cut, 10.0 ** cut, cut, False)


def fdr(log10_p: np.ndarray, alpha: float, m: int) -> Validation:
    """Benjamini–Hochberg: k̄ = max k with p_(k) <= k·alpha/m; validated when p <= p_(k̄)."""
    ordered = np.sort(log10_p)
    ranks = np.arange(1, ordered.size + 1, dtype=np.float64)
    passing = np.flatnonzero(ordered <= np.log10(ranks) + (math.log10(alpha) - math.log10(max(m, 1))))
    if passing.size == 0:
        return Validation("fdr", np.zeros(log10_p.shape, bool), 0.0, None, True)
    cut = float(ordered[passing[-1]])
    return Validation("fdr", log10_p <= cut, 10.0 ** cut, cut, True)


def typed_threshold(log10_p: np.ndarray, threshold: float) -> Validation:
    """Validated when p < the typed threshold."""
    if not 0.0 < threshold <= 1.0:
        raise UsageError(f"a p-value threshold must lie in (0, 1], got {threshold!r}")
    cut = math.log10(threshold)
    return Validation("threshold", log10_p < cut, float(threshold), cut, False)


def validate(log10_p: np.ndarray, correction: str, alpha: float, m: int,
             threshold: float | None = None, cap: float = 1.0) -> Validation:
    """Apply one correction; a typed threshold above the kept cap is refused (tails not kept)."""
    if correction == "bonferroni":
        return bonferroni(log10_p, alpha, m)
    if correction == "fdr":
        return fdr(log10_p, alpha, m)
    if correction == "threshold":
        if threshold is None:
            raise UsageError("correction 'threshold' needs a p-value threshold")
        if threshold > cap:
            raise UsageError(f"threshold {threshold:g} is above {cap:g}, the largest p-value kept "
                             "from this run; re-run the analysis with that threshold")
        return typed_threshold(log10_p, threshold)
    raise UsageError(f"unknown correction {correction!r}; use bonferroni, fdr or a p-value")
