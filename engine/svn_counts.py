"""States, eligibility and co-occurrence counts of the validated network (METHOD §2).

Per eligible investor (≥ min_active_days active days in the period) and state Q ∈ {b, s, bs},
a sparse investor × day indicator S_Q; N_ij^QR = (S_Q S_R^T)_ij comes from chunked sparse
products (int counts, never a dense N × N). Six products give the nine link types of the
ordered pairs i < j (text order of investor_id): the three symmetric ones keep their upper
triangle, the three mixed ones split into the upper (bs, bbs, sbs) and the lower triangle
read transposed (sb, bsb, bss). Each count is tested at once against the tail table, and
only tests with p <= cap are kept (the candidates), so no threshold change recomputes tails.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from engine.hypergeom_tails import TailTable
from engine.panel import STATE_B, STATE_BS, STATE_S, TargetPanel
from engine.progress import Reporter

LINK_TYPES: tuple[str, ...] = ("bb", "ss", "bsbs", "bs", "sb", "bbs", "bsb", "sbs", "bss")
DIAGONAL_CODES: tuple[int, ...] = (0, 1, 2)
LOG10_E = float(np.log10(np.e))
# (state of row x, state of column y, type of the upper entry x < y, type of the lower entry x > y)
_PRODUCTS: tuple[tuple[int, int, int, int | None], ...] = (
    (STATE_B, STATE_B, 0, None), (STATE_S, STATE_S, 1, None), (STATE_BS, STATE_BS, 2, None),
    (STATE_B, STATE_S, 3, 4), (STATE_B, STATE_BS, 5, 6), (STATE_S, STATE_BS, 7, 8),
)
_CHUNK_WORK = 6_000_000   # multiply-adds per sparse block (bounds the block's memory)


@dataclass(frozen=True)
class StateSample:
    """Eligible investors' states on the active days of the period."""

    rows: np.ndarray          # int64 (N,): panel rows of the eligible investors (text order)
    n_days: int               # T: trading days of the period
    inv: np.ndarray           # int32 per record: eligible index
    day: np.ndarray           # int32 per record: day within the period (0..T-1)
    state: np.ndarray         # int8 per record
    state_days: np.ndarray    # int64 (3, N): N_i^Q

    @property
    def n_investors(self) -> int:
        return int(self.rows.size)

    def indicator(self, state: int) -> sp.csr_matrix:
        """S_Q as an (N, T) CSR matrix of int32 ones."""
        sel = self.state == state
        data = np.ones(int(sel.sum()), dtype=np.int32)
        return sp.csr_matrix((data, (self.inv[sel], self.day[sel])),
                             shape=(self.n_investors, self.n_days))


def sample_states(panel: TargetPanel, lo: int, hi: int, theta: float, min_days: int) -> StateSample:
    """States of the investors active on at least ``min_days`` days of calendar days [lo, hi)."""
    in_period = panel.day_mask(lo, hi)
    active = np.bincount(panel.inv[in_period], minlength=panel.n_investors)
    rows = np.flatnonzero(active >= min_days)
    new_index = np.full(panel.n_investors, -1, dtype=np.int64)
    new_index[rows] = np.arange(rows.size)
    keep = in_period & (new_index[panel.inv] >= 0)
    inv = new_index[panel.inv[keep]].astype(np.int32)
    state = panel.states(theta)[keep]
    counts = np.zeros((3, rows.size), dtype=np.int64)
    np.add.at(counts, (state.astype(np.int64), inv), 1)
    return StateSample(rows=rows, n_days=int(hi - lo), inv=inv,
                       day=(panel.day[keep] - lo).astype(np.int32), state=state,
                       state_days=counts)


@dataclass(frozen=True)
class Candidates:
    """Tests with N_ij^QR >= 1 and p <= cap, sorted by (a, b, link type)."""

    a: np.ndarray             # int32: eligible index of i (i < j)
    b: np.ndarray             # int32: eligible index of j
    link_type: np.ndarray     # int8: code into LINK_TYPES
    cooccurrences: np.ndarray # int32: N_ij^QR
    log10_p: np.ndarray       # float64: log10 P(X >= N_ij^QR)
    n_tested: int             # tests with N_ij^QR >= 1 (the others have p = 1)

    def take(self, index: np.ndarray) -> "Candidates":
        """The candidates at ``index`` (order kept)."""
        return Candidates(self.a[index], self.b[index], self.link_type[index],
                          self.cooccurrences[index], self.log10_p[index], self.n_tested)


def _row_chunks(work: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive row ranges of at most ~_CHUNK_WORK multiply-adds each."""
    cum = np.cumsum(work)
    bounds, start = [], 0
    while start < work.size:
        limit = (cum[start - 1] if start else 0) + _CHUNK_WORK
        stop = max(int(np.searchsorted(cum, limit, side="right")), start + 1)
        bounds.append((start, stop))
        start = stop
    return bounds


def _keep(parts: list, table: TailTable, ltype: int, a, b, n1, n2, k) -> None:
    """Test entries against the tail table and keep those with p <= cap."""
    mask, log_p = table.lookup(n1, n2, k)
    if mask.any():
        parts.append((a[mask].astype(np.int32), b[mask].astype(np.int32),
                      np.full(int(mask.sum()), ltype, np.int8), k[mask].astype(np.int32),
                      log_p * LOG10_E))


def candidate_links(sample: StateSample, cap: float, reporter: Reporter | None = None) -> Candidates:
    """All tests with p <= cap, from chunked sparse co-occurrence products."""
    table = TailTable(sample.n_days, cap)
    mats = {q: sample.indicator(q) for q in (STATE_B, STATE_S, STATE_BS)}
    nq = sample.state_days
    parts: list = []
    n_tested = 0
    for step, (q, r, upper, lower) in enumerate(_PRODUCTS):
        left, right_full = mats[q], mats[r].T.tocsr()
        per_day = np.asarray(mats[r].sum(axis=0)).ravel()
        work = left @ per_day
        for lo, hi in _row_chunks(np.asarray(work, dtype=np.int64)):
            if reporter is not None:
                reporter.check()
            # symmetric products: only columns y >= x can hold an upper entry
            first_col = 0 if lower is not None else lo
            right = right_full if lower is not None else mats[r][lo:].T.tocsr()
            block = (left[lo:hi] @ right).tocoo()
            x = block.row.astype(np.int64) + lo
            y = block.col.astype(np.int64) + first_col
            k = block.data
            up = y > x
            n_tested += int(up.sum())
            _keep(parts, table, upper, x[up], y[up], nq[q][x[up]], nq[r][y[up]], k[up])
            if lower is not None:
                down = y < x
                n_tested += int(down.sum())
                _keep(parts, table, lower, y[down], x[down], nq[q][x[down]], nq[r][y[down]], k[down])
        if reporter is not None:
            reporter.advance((step + 1) / len(_PRODUCTS))
    return _assemble(parts, sample.n_investors, n_tested)


def _assemble(parts: list, n: int, n_tested: int) -> Candidates:
    """Concatenate the kept tests and sort them by (a, b, link type)."""
    if not parts:
        empty = np.empty(0, dtype=np.int32)
        return Candidates(empty, empty.copy(), np.empty(0, np.int8), empty.copy(),
                          np.empty(0, np.float64), n_tested)
    a, b, t, k, lp = (np.concatenate(col) for col in zip(*parts))
    key = (a.astype(np.int64) * n + b) * len(LINK_TYPES) + t
    order = np.argsort(key, kind="stable")
    return Candidates(a[order], b[order], t[order], k[order], lp[order], n_tested)
