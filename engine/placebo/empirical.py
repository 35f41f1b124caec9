"""Empirical p-values against pseudo-event values (METHOD §5; Phipson & Smyth 2010)."""
from __future__ import annotations

import math

import numpy as np


def empirical_p(observed: float | None, null: np.ndarray) -> float | None:
    """p = (1 + #{y ≥ x}) / (1 + N): never 0; None when nothing was observed."""
    if observed is None or math.isnan(observed):
        return None
    values = np.asarray(null, dtype=np.float64)
    return (1.0 + float(np.count_nonzero(values >= observed))) / (1.0 + values.size)


def population_p(observed: float, pooled: np.ndarray) -> float | None:
    """The same form against every pseudo-event suspect's score pooled; None without any."""
    values = np.asarray(pooled, dtype=np.float64)
    if values.size == 0:
        return None
    return empirical_p(observed, values)
