"""States, eligibility and co-occurrence counts of the validated network (METHOD §2).

Per eligible investor (≥ min_active_days active days in the period) and state Q ∈ {b, s, bs},
a sparse investor × day indicator S_Q; N_ij^QR = (S_Q S_R^T)_ij comes from chunked sparse
products (int counts, never a dense N × N): for a block of rows lo <= i < hi and each of
the nine link types (Q, R) of the ordered pairs i < j (text order of investor_id), the
product S_Q[lo:hi] S_R[lo:]^T holds every pair of the block once. Each count is tested at
once against the tail table and only tests with p <= cap are kept (the candidates), so no
threshold change recomputes tails. Blocks come out sorted by (i, j, type), in order.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from engine.svn.hypergeom_tails import TailTable
from engine.market.panel import STATE_B, STATE_BS, STATE_S, TargetPanel
from engine.progress import Reporter

LINK_TYPES: tuple[str, ...] = ("bb", "ss", "bsbs", "bs", "sb", "bbs", "bsb", "sbs", "bss")
DIAGONAL_CODES: tuple[int, ...] = (0, 1, 2)
# (state of i, state of j) of each link type, aligned with LINK_TYPES
LINK_STATES: tuple[tuple[int, int], ...] = (
    (STATE_B, STATE_B), (STATE_S, STATE_S), (STATE_BS, STATE_BS), (STATE_B, STATE_S), (STATE_S, STATE_B),
    (STATE_B, STATE_BS), (STATE_BS, STATE_B), (STATE_S, STATE_BS), (STATE_BS, STATE_S))
LOG10_E = float(np.log10(np.e))
_COUNTS_SHARE = 0.8       # share of the stage's progress bar spent on counts and tails
_CHUNK_WORK = 20_000_000  # multiply-adds per block of rows (bounds the block's memory)


@dataclass(frozen=True)
class StateSample:
    """Eligible investors' states on the active days of the period."""

    rows: np.ndarray          # int64 (N,): panel rows of the eligible investors (text order)
    n_days: int               # T: trading days of the period
    inv: np.ndarray           # int32 per record: eligible index (records sorted by inv, then day)
    day: np.ndarray           # int32 per record: day within the period (0..T-1)
    state: np.ndarray         # int8 per record
    state_days: np.ndarray    # int64 (3, N): N_i^Q

    @property
    def n_investors(self) -> int:
        return int(self.rows.size)

    def indicator(self, state: int | None) -> sp.csr_matrix:
        """S_Q as an (N, T) CSR matrix of int32 ones (every active day when ``state`` is None)."""
        sel = np.ones(self.state.shape, bool) if state is None else self.state == state
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
    cooccurrences: np.ndarray # int16 (int32 when T >= 2^15): N_ij^QR
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


def _chunk_tests(mats: dict, nq: np.ndarray, table: TailTable, lo: int, hi: int) -> tuple[tuple, int]:
    """Kept tests of the pairs (i, j), lo <= i < hi, i < j, all nine types, sorted by (a, b, type)."""
    rights = {q: m[lo:].T.tocsr() for q, m in mats.items()}   # only columns j >= lo matter
    cols: list[list[np.ndarray]] = [[], [], [], [], []]
    n_tested = 0
    days = nq.astype(np.int32)
    count_type = np.int16 if table.t < 2 ** 15 else np.int32
    for ltype, (q, r) in enumerate(LINK_STATES):
        block = (mats[q][lo:hi] @ rights[r]).tocoo()
        up = block.col > block.row   # j > i (both counted from lo)
        x = block.row[up].astype(np.int32) + np.int32(lo)
        y = block.col[up].astype(np.int32) + np.int32(lo)
        k = block.data[up]
        n_tested += int(k.size)
        mask, log_p = table.lookup(days[q][x], days[r][y], k)
        for out, values in zip(cols, (x[mask], y[mask], np.full(int(mask.sum()), ltype, np.int8),
                                      k[mask].astype(count_type), log_p * LOG10_E)):
            out.append(values)
    a, b, t, k, lp = (np.concatenate(c) for c in cols)
    order = np.argsort((a.astype(np.int64) * nq.shape[1] + b) * len(LINK_TYPES) + t, kind="stable")
    return (a[order], b[order], t[order], k[order], lp[order]), n_tested


def candidate_links(sample: StateSample, cap: float, reporter: Reporter | None = None) -> Candidates:
    """All tests with p <= cap, from row-chunked sparse co-occurrence products."""
    table = TailTable(sample.n_days, cap)
    mats = {q: sample.indicator(q) for q in (STATE_B, STATE_S, STATE_BS)}
    # multiply-adds of row i over the nine types ~ Σ_days(i) (investors active that day) × share j > i
    every = sample.indicator(None)
    per_day = np.asarray(every.sum(axis=0)).ravel()
    n = sample.n_investors
    work = (every @ per_day) * (n - np.arange(n)) // max(n, 1)
    parts: list = []
    n_tested = 0
    chunks = _row_chunks(work)
    for done, (lo, hi) in enumerate(chunks):
        if reporter is not None:
            reporter.check()
        kept, tested = _chunk_tests(mats, sample.state_days, table, lo, hi)
        parts.append(kept)
        n_tested += tested
        if reporter is not None:
            reporter.advance(_COUNTS_SHARE * (done + 1) / len(chunks))
    if not parts:
        empty = np.empty(0, dtype=np.int32)
        return Candidates(empty, empty.copy(), np.empty(0, np.int8), np.empty(0, np.int16),
                          np.empty(0, np.float64), n_tested)
    a, b, t, k, lp = (np.concatenate(col) for col in zip(*parts))
    return Candidates(a, b, t, k, lp, n_tested)
