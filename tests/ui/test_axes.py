"""Sparse value axis of the short stacked panels: tick choice against a brute-force oracle."""
from __future__ import annotations

import numpy as np
import pytest

from views._axes import sparse_ticks

STEPS = [m * 10.0 ** e for e in range(-4, 7) for m in (1.0, 2.0, 5.0)]


def _oracle(lo: float, hi: float, size: float, gap: float, edge: float) -> list[float]:
    """Coarsest 1/2/5 step with >= 2 ticks (else >= 1) inside the edges, ticks >= gap px apart."""
    per_px = (hi - lo) / size
    inner = (lo + edge * per_px, hi - edge * per_px)
    found = {}
    for step in sorted(STEPS, reverse=True):
        if step / per_px < gap:
            continue
        k = np.arange(np.ceil(inner[0] / step - 1e-9), np.floor(inner[1] / step + 1e-9) + 1)
        found.setdefault(min(len(k), 2), (step, [float(v) for v in k * step]))
    return (found.get(2) or found.get(1) or (0.0, []))[1]


@pytest.mark.parametrize("seed", range(40))
def test_sparse_ticks_match_oracle(seed):
    rng = np.random.default_rng(seed)
    lo = float(rng.uniform(-5, 5) * 10.0 ** rng.integers(-2, 4))
    hi = lo + float(rng.uniform(0.1, 10) * 10.0 ** rng.integers(-2, 4))
    size = float(rng.uniform(30, 300))
    step, ticks = sparse_ticks(lo, hi, size, 12.0, 7.0)
    assert ticks == pytest.approx(_oracle(lo, hi, size, 12.0, 7.0), rel=1e-9, abs=1e-12)
    per_px = (hi - lo) / size
    for t in ticks:
        assert lo + 7.0 * per_px - 1e-9 <= t <= hi - 7.0 * per_px + 1e-9
    if len(ticks) > 1:
        assert step / per_px >= 12.0


def test_short_panel_still_gets_a_tick():
    step, ticks = sparse_ticks(0.0, 1.12, 40.0, 12.0, 7.0)
    assert ticks == [0.5] and step == 0.5
    assert sparse_ticks(0.0, 1.0, 10.0, 12.0, 7.0) == (0.0, [])
