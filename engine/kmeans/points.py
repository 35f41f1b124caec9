"""A window's weighted points with what every k-means fit on them reuses, whatever K.

The K scan fits 16 K values on the same 27 windows (and the first window 10 times per K): the
weighted rows, the transposed points and the squared norms are computed once per window here
instead of once per fit.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Points:
    """Distinct points ``x`` (n, d), their weights, and per-fit invariants derived from them."""

    x: np.ndarray           # float64 (n, d)
    w: np.ndarray           # float64 (n,), C-contiguous
    xt: np.ndarray          # float64 (d, n), contiguous: the distance products' operand
    sq_x: np.ndarray        # (n,) |x|² as the Lloyd bounds add it back
    norms: np.ndarray       # (n,) |x|² as k-means++ seeding computes it (einsum)
    wt: np.ndarray          # (n, 1 + d) contiguous: per point w, w·x₀, w·x₁, …
    margin: float           # slack on the Lloyd bounds, far above the distances' rounding

    # The distances of lloyd.partial_sq_dist are exact to ~1e-7 times the data's scale, and
    # points whose distances differ by more are ordered alike by them: 1e-6 times the scale.

    @property
    def n(self) -> int:
        """The number of points."""
        return int(self.x.shape[0])

    @classmethod
    def of(cls, x: np.ndarray, w: np.ndarray) -> Points:
        """The invariants of ``x`` weighted by ``w``."""
        x = np.asarray(x, dtype=np.float64)
        w = np.ascontiguousarray(w, dtype=np.float64)
        scale = max(1.0, float(np.abs(x).max(initial=0.0)) * np.sqrt(x.shape[1]))
        return cls(x=x, w=w, xt=np.ascontiguousarray(x.T), sq_x=(x * x).sum(axis=1),
                   norms=np.einsum("ij,ij->i", x, x),
                   wt=np.ascontiguousarray(np.hstack([w[:, None], x * w[:, None]])),
                   margin=1e-6 * scale)
