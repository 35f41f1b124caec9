"""States, eligibility and co-occurrence counts of the validated network (METHOD §2).

Per eligible investor (≥ min_active_days active days in the period) and state Q ∈ {b, s, bs},
the days in Q. ``candidate_links`` counts N_ij^QR of the nine link types of every ordered pair
i < j (text order of investor_id) by blocks of rows lo <= i < hi (``engine.svn.cooccur``:
sparse products, dense ones between busy rows, never an N × N matrix), two blocks at a time on
threads, and keeps only the tests with p <= cap (the candidates), so no threshold change
recomputes tails. Blocks come out sorted by (i, j, type) and are gathered in order.
"""
from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from engine.svn.cooccur import KeptFilter, Stacked, block_tests
from engine.svn.hypergeom_tails import TailTable
from engine.forked import cores
from engine.market.panel import STATE_B, STATE_BS, STATE_S, TargetPanel
from engine.progress import Reporter
from engine.tasks.runner import in_task

LINK_TYPES: tuple[str, ...] = ("bb", "ss", "bsbs", "bs", "sb", "bbs", "bsb", "sbs", "bss")
DIAGONAL_CODES: tuple[int, ...] = (0, 1, 2)
# (state of i, state of j) of each link type, aligned with LINK_TYPES
LINK_STATES: tuple[tuple[int, int], ...] = (
    (STATE_B, STATE_B), (STATE_S, STATE_S), (STATE_BS, STATE_BS), (STATE_B, STATE_S), (STATE_S, STATE_B),
    (STATE_B, STATE_BS), (STATE_BS, STATE_B), (STATE_S, STATE_BS), (STATE_BS, STATE_S))
LOG10_E = math.log10(math.e)   # natural-log tails to log10 (math: mypy misreads numpy's e)
_TYPE_OF = np.zeros((3, 3), dtype=np.int8)   # link type code of (state of i, state of j)
for _code, (_q, _r) in enumerate(LINK_STATES):
    _TYPE_OF[_q, _r] = _code
_COUNTS_SHARE = 0.8       # share of the stage's progress bar spent on counts and tails
_WORKERS = 2
_CHUNK_WORK = 10_000_000  # co-occurring days + dense pairs per block of rows (bounds its memory)


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


def _chunk_tests(kept: KeptFilter, lo: int, hi: int) -> tuple[tuple, int]:
    """Kept tests of the pairs (i, j), lo <= i < hi, i < j, all nine types, sorted by (a, b, type)."""
    (a, b, pair, k, log_p), n_tested = block_tests(kept, lo, hi)
    t = _TYPE_OF.ravel()[pair]
    order = a.astype(np.int64)
    order *= kept.stacked.x.shape[0] // 3
    order += b
    order *= len(LINK_TYPES)
    order += t
    order = np.argsort(order, kind="stable")
    count_type = np.int16 if kept.n_days < 2 ** 15 else np.int32
    log10_p = log_p[order]
    log10_p *= LOG10_E
    return (a[order], b[order], t[order], k[order].astype(count_type, copy=False), log10_p), n_tested


def _workers() -> int:
    """Threads for the row blocks: two where the machine has two cores, one inside a task
    (METHOD §5: one level of parallelism)."""
    return 1 if in_task() else max(1, min(_WORKERS, cores()))


def candidate_links(sample: StateSample, cap: float, reporter: Reporter | None = None) -> Candidates:
    """All tests with p <= cap, from row-chunked co-occurrence products on threads (the products
    and numpy release the GIL); blocks are gathered in order, so the result never depends on
    the threads."""
    stacked = Stacked.build(sample.inv, sample.state, sample.day, sample.state_days, sample.n_days)
    kept = KeptFilter(stacked, TailTable(sample.n_days, cap))
    chunks = _row_chunks(stacked.investor_work())
    parts: list = []
    n_tested = 0
    with ThreadPoolExecutor(_workers()) as pool, threadpool_limits(1, user_api="blas"):
        futures = [pool.submit(_chunk_tests, kept, lo, hi) for lo, hi in chunks]
        try:
            for done, future in enumerate(futures):
                if reporter is not None:
                    reporter.check()
                part, tested = future.result()
                parts.append(part)
                n_tested += tested
                if reporter is not None:
                    reporter.advance(_COUNTS_SHARE * (done + 1) / len(chunks))
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    if not parts:
        empty = np.empty(0, dtype=np.int32)
        return Candidates(empty, empty.copy(), np.empty(0, np.int8), np.empty(0, np.int16),
                          np.empty(0, np.float64), n_tested)
    a, b, t, k, lp = (np.concatenate(col) for col in zip(*parts))
    return Candidates(a, b, t, k, lp, n_tested)
