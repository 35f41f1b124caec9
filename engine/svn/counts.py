"""States, eligibility and co-occurrence counts of the validated network (METHOD §2).

Per eligible investor (≥ min_active_days active days in the period) and state Q ∈ {b, s, bs},
a sparse day indicator; the three are interleaved (row 3i+Q), so one chunked sparse product
(int counts, never a dense N × N) gives N_ij^QR of all nine link types of the ordered pairs
i < j (text order of investor_id) of a block of rows lo <= i < hi: the diagonal block
(lo <= j < hi, upper half kept) and the block j >= hi. A count is kept only when its p <= cap:
a gather of the smallest kept count of its (N_i^Q, N_j^R) decides that for every count, and
only the kept ones meet the tail table (the candidates), so no threshold change recomputes
tails. Blocks come out sorted by (i, j, type), in order.
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
_TYPE_OF = np.zeros((3, 3), dtype=np.int8)   # link type code of (state of i, state of j)
for _code, (_q, _r) in enumerate(LINK_STATES):
    _TYPE_OF[_q, _r] = _code
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


@dataclass(frozen=True)
class _Stacked:
    """The three state indicators interleaved by investor: row 3i+q holds i's days in state q."""

    x: sp.csr_matrix          # (3N, T) ones (int16 while T fits, so products move half the bytes)
    days: np.ndarray          # int64 (3N,): N_i^q of row 3i+q
    code: np.ndarray          # int32 (3N,): index of N_i^q in ``values``
    values: np.ndarray        # int64: the distinct N_i^q (the tail table's groups are pairs of them)

    @classmethod
    def of(cls, sample: StateSample) -> "_Stacked":
        """Interleave the state indicators of ``sample``."""
        dtype = np.int16 if sample.n_days < np.iinfo(np.int16).max else np.int32
        rows = sample.inv.astype(np.int64) * 3 + sample.state
        x = sp.csr_matrix((np.ones(rows.size, dtype), (rows, sample.day)),
                          shape=(3 * sample.n_investors, sample.n_days))
        days = sample.state_days.T.ravel()
        values, code = np.unique(days, return_inverse=True)
        return cls(x, days, code.astype(np.int32), values)


class _KeptFrom:
    """Smallest kept count per (code of N_i^Q, code of N_j^R), filled from the tail table on
    first sight (0 = not seen yet: every kept count is >= 1)."""

    def __init__(self, stacked: _Stacked, table: TailTable) -> None:
        self.width = int(stacked.values.size)
        self.values = stacked.values
        self.table = table
        self.grid = np.zeros(self.width * self.width, dtype=stacked.x.dtype)

    def filter(self, key: np.ndarray, k: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """The entries of ``idx`` whose count reaches the smallest kept count of their key."""
        seen = np.zeros(self.grid.size, dtype=bool)
        seen[key[idx[self.grid[key[idx]] == 0]]] = True
        new = np.flatnonzero(seen)
        if new.size:
            self.grid[new] = self.table.smallest_kept(self.values[new // self.width],
                                                       self.values[new % self.width])
        return idx[k[idx] >= self.grid[key[idx]]]


def _block_tests(stacked: _Stacked, kept: _KeptFrom, lo: int, hi: int, c_lo: int, c_hi: int,
                 diagonal: bool) -> tuple[tuple, int]:
    """Kept tests of i in [lo, hi) with j in [c_lo, c_hi), all nine types, in one product.

    The product of the interleaved rows holds N_ij^QR at (3(i-lo)+Q, 3(j-c_lo)+R). Each count
    is compared with the smallest kept count of its (N_i^Q, N_j^R) by a gather, so only the
    few kept counts meet the tail table. On the diagonal block only j > i is a test.
    """
    block = stacked.x[3 * lo:3 * hi] @ stacked.x[3 * c_lo:3 * c_hi].T
    counts = np.diff(block.indptr)
    key = np.repeat(stacked.code[3 * lo:3 * hi] * np.int32(kept.width), counts)
    key += stacked.code[3 * c_lo:3 * c_hi][block.indices]
    k = block.data
    candidate = np.flatnonzero(k >= kept.grid[key])
    if diagonal:
        upper = block.indices // 3 > np.repeat(np.arange(3 * (hi - lo)) // 3, counts)
        n_tested = int(upper.sum())
        candidate = candidate[upper[candidate]]
    else:
        n_tested = int(k.size)
    idx = kept.filter(key, k, candidate)
    row = np.searchsorted(block.indptr, idx, side="right") - 1
    col = block.indices[idx]
    n1, n2, k = stacked.days[3 * lo + row], stacked.days[3 * c_lo + col], k[idx]
    mask, log_p = kept.table.lookup(n1, n2, k)
    a = (lo + row[mask] // 3).astype(np.int32)
    b = (c_lo + col[mask] // 3).astype(np.int32)
    t = _TYPE_OF[row[mask] % 3, col[mask] % 3]
    return (a, b, t, k[mask], log_p * LOG10_E), n_tested


def _chunk_tests(stacked: _Stacked, kept: _KeptFrom, lo: int, hi: int) -> tuple[tuple, int]:
    """Kept tests of the pairs (i, j), lo <= i < hi, i < j, all nine types, sorted by (a, b, type)."""
    n = stacked.x.shape[0] // 3
    parts, n_tested = [], 0
    for c_lo, c_hi, diagonal in ((lo, hi, True), (hi, n, False)):
        if c_hi > c_lo:
            part, tested = _block_tests(stacked, kept, lo, hi, c_lo, c_hi, diagonal)
            parts.append(part)
            n_tested += tested
    a, b, t, k, lp = (np.concatenate(col) for col in zip(*parts))
    order = np.argsort((a.astype(np.int64) * n + b) * len(LINK_TYPES) + t, kind="stable")
    count_type = np.int16 if kept.table.t < 2 ** 15 else np.int32
    return (a[order], b[order], t[order], k[order].astype(count_type), lp[order]), n_tested


def candidate_links(sample: StateSample, cap: float, reporter: Reporter | None = None) -> Candidates:
    """All tests with p <= cap, from row-chunked sparse co-occurrence products."""
    stacked = _Stacked.of(sample)
    kept = _KeptFrom(stacked, TailTable(sample.n_days, cap))
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
        part, tested = _chunk_tests(stacked, kept, lo, hi)
        parts.append(part)
        n_tested += tested
        if reporter is not None:
            reporter.advance(_COUNTS_SHARE * (done + 1) / len(chunks))
    if not parts:
        empty = np.empty(0, dtype=np.int32)
        return Candidates(empty, empty.copy(), np.empty(0, np.int8), np.empty(0, np.int16),
                          np.empty(0, np.float64), n_tested)
    a, b, t, k, lp = (np.concatenate(col) for col in zip(*parts))
    return Candidates(a, b, t, k, lp, n_tested)
