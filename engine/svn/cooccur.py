"""Co-occurrence counts of a block of investors, kept only where p <= cap (METHOD §2).

Rows of the stacked indicator are (investor i, state Q) at 3i+Q over the T days of the period.
A sparse product pays for every co-occurring day of every pair, so between rows active on many
days ("heavy" rows) a float32 BLAS product is far cheaper (exact: counts stay below 2^24); all
other pairs go through scipy's sparse product. The heavy cut comes from a cost estimate: it
changes the speed, never a count. Every count is compared with the smallest kept count of its
(N_i^Q, N_j^R) by a gather, so only the few kept counts meet the tail table, whose groups are
all computed before the first block (``KeptFilter``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from engine.svn.hypergeom_tails import TailTable

# CPU seconds per unit (2-core project machines); they only choose the heavy cut
_SPARSE_PAIR_DAY = 3.5e-8  # one co-occurring (pair, day) of a sparse product, with its count's check
_DENSE_CELL = 3e-9         # one pair of a dense block: its count's check
_DENSE_MAC = 3.3e-11       # one multiply-add of a dense product
_CUTS = 16                # heavy cuts tried, log-spaced from 2 days to T


@dataclass(frozen=True)
class Stacked:
    """The three state indicators interleaved by investor (row 3i+Q), split at the heavy cut."""

    x: sp.csr_matrix          # (3N, T) ones (int16 while T fits: products move half the bytes)
    days: np.ndarray          # int64 (3N,): N_i^Q of row 3i+Q
    code: np.ndarray          # int32 (3N,): index of N_i^Q in ``values``
    values: np.ndarray        # int64: the distinct N_i^Q (the tail groups are pairs of them)
    light: np.ndarray         # int64: rows active on fewer days than the cut, ascending
    heavy: np.ndarray         # int64: the other rows, ascending
    light_x: sp.csr_matrix    # x[light]
    heavy_x: sp.csr_matrix    # x[heavy]
    heavy_dense: np.ndarray   # float32 (len(heavy), T): x[heavy] for BLAS

    @classmethod
    def build(cls, inv: np.ndarray, state: np.ndarray, day: np.ndarray, state_days: np.ndarray,
              n_days: int, heavy_from: int | None = None) -> "Stacked":
        """Stack per-record states (``state_days``: (3, N) N_i^Q); heavy rows have at least
        ``heavy_from`` days (None: the cut of least estimated cost)."""
        dtype = np.int16 if n_days < np.iinfo(np.int16).max else np.int32
        rows = inv.astype(np.int64) * 3 + state
        x = sp.csr_matrix((np.ones(rows.size, dtype), (rows, day)), shape=(3 * state_days.shape[1], n_days))
        days = state_days.T.ravel().astype(np.int64)
        values, code = np.unique(days, return_inverse=True)
        cut = heavy_cut(x, days) if heavy_from is None else heavy_from
        is_heavy = days >= cut
        light, heavy = np.flatnonzero(~is_heavy), np.flatnonzero(is_heavy)
        light_x = x if heavy.size == 0 else x[light]
        heavy_x = x[heavy]
        return cls(x, days, code.astype(np.int32), values, light, heavy, light_x, heavy_x,
                   heavy_x.astype(np.float32).toarray())

    def investor_work(self) -> np.ndarray:
        """Estimated multiply-adds of each investor's pairs with later investors (chunk sizes)."""
        n_days = self.x.shape[1]
        per_day = np.bincount(self.x.indices, minlength=n_days)
        per_day_light = np.bincount(self.light_x.indices, minlength=n_days)
        heavy = np.zeros(self.days.size, bool)
        heavy[self.heavy] = True
        sparse_work = np.where(heavy, self.x @ per_day_light, self.x @ per_day).astype(np.float64)
        n3 = self.days.size
        sparse_work *= (n3 - np.arange(n3)) / max(n3, 1)
        dense_cells = np.zeros(n3)
        dense_cells[self.heavy] = self.heavy.size - 1 - np.arange(self.heavy.size)
        return (sparse_work + dense_cells).reshape(-1, 3).sum(axis=1)


def heavy_cut(x: sp.csr_matrix, days: np.ndarray) -> int:
    """The day count from which rows go to the dense product, by least estimated CPU time
    (T + 1: none)."""
    n_days = x.shape[1]
    row_days = np.repeat(days, np.diff(x.indptr))
    total = float(np.square(np.bincount(x.indices, minlength=n_days), dtype=np.float64).sum()) / 2
    best, best_cost = n_days + 1, total * _SPARSE_PAIR_DAY
    for cut in np.unique(np.geomspace(2, max(n_days, 2), _CUTS).astype(np.int64)):
        per_day = np.bincount(x.indices[row_days >= cut], minlength=n_days).astype(np.float64)
        cells = float(np.count_nonzero(days >= cut)) ** 2 / 2
        cost = ((total - float(np.square(per_day).sum()) / 2) * _SPARSE_PAIR_DAY
                + cells * (_DENSE_CELL + n_days * _DENSE_MAC))
        if cost < best_cost:
            best, best_cost = int(cut), cost
    return best


class KeptFilter:
    """Smallest kept count and start in the tail table's values of every (code of N_i^Q, code of
    N_j^R), all computed at once: one vectorised recursion over every group (dense reference
    case: 0.11 s, against 0.28 s for the eleven growths of filling groups as blocks met them;
    those blocks met nearly every group anyway). Blocks on threads then only read it."""

    def __init__(self, stacked: Stacked, table: TailTable) -> None:
        self.stacked = stacked
        self.width = int(stacked.values.size)
        slot = table.slots(np.repeat(stacked.values, self.width), np.tile(stacked.values, self.width))
        self.grid = table.smallest_kept(slot).astype(stacked.x.dtype)   # >= 1: a count of 0 is no test
        self.start = table.starts(slot)
        self.values = table.values
        self.n_days = table.t

    def log_tail(self, key: np.ndarray, k: np.ndarray) -> np.ndarray:
        """Natural log p of kept counts ``k`` of keys ``key`` (k >= ``grid[key]``)."""
        return self.values[self.start[key] + k]


def _tests(kept: KeptFilter, lids: np.ndarray, rids: np.ndarray, per_row: np.ndarray, col: np.ndarray,
           key: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, ...]:
    """(i, j, 3Q+R, count, natural log p) of kept tests listed row by row: ``per_row[r]`` tests
    of stacked row ``lids[r]``, each with stacked row ``rids[col]`` (repeats and gathers of
    per-row values: no pass divides the long arrays)."""
    a = np.repeat((lids // 3).astype(np.int32), per_row)
    b = (rids // 3).astype(np.int32)[col]
    pair = np.repeat((lids % 3 * 3).astype(np.int8), per_row)
    pair += (rids % 3).astype(np.int8)[col]
    return a, b, pair, k, kept.log_tail(key, k)


def _sparse_tests(kept: KeptFilter, left: sp.csr_matrix, lids: np.ndarray, right: sp.csr_matrix,
                  rids: np.ndarray, diagonal: bool) -> tuple[tuple[np.ndarray, ...], int]:
    """Kept tests of rows ``lids`` × rows ``rids`` by a sparse product (diagonal: j > i only)."""
    code = kept.stacked.code
    block = left @ right.T
    per_row = np.diff(block.indptr)
    key = np.repeat(code[lids] * np.int32(kept.width), per_row)
    key += code[rids][block.indices]
    k = block.data
    idx = np.flatnonzero(k >= kept.grid[key])
    if diagonal:
        upper = (rids // 3)[block.indices] > np.repeat(lids // 3, per_row)
        n_tested = int(np.count_nonzero(upper))
        idx = idx[upper[idx]]
    else:
        n_tested = int(k.size)
    kept_per_row = np.diff(np.searchsorted(idx, block.indptr))
    return _tests(kept, lids, rids, kept_per_row, block.indices[idx], key[idx], k[idx]), n_tested


def _dense_tests(kept: KeptFilter, lh: slice, rh: slice, diagonal: bool) -> tuple[tuple[np.ndarray, ...], int]:
    """Kept tests of heavy rows ``lh`` × heavy rows ``rh`` by a BLAS product (diagonal: j > i):
    each count meets its smallest kept count, gathered per (code of its row, column)."""
    st, width = kept.stacked, kept.width
    lids, rids = st.heavy[lh], st.heavy[rh]
    prod = st.heavy_dense[lh] @ st.heavy_dense[rh].T
    if diagonal:
        prod *= (rids // 3)[None, :] > (lids // 3)[:, None]
    lcode, rcode = st.code[lids], st.code[rids]
    codes, row_of = np.unique(lcode, return_inverse=True)
    least = kept.grid.reshape(width, width)[codes][:, rcode].astype(np.float32)
    kept_cells = prod >= least[row_of]
    idx = np.flatnonzero(kept_cells)
    per_row = np.count_nonzero(kept_cells, axis=1)
    k = prod.ravel()[idx].astype(st.x.dtype)
    col = idx - np.repeat(np.arange(lids.size, dtype=np.int64) * rids.size, per_row)
    key = np.repeat(lcode * np.int32(width), per_row)
    key += rcode[col]
    return _tests(kept, lids, rids, per_row, col, key, k), int(np.count_nonzero(prod))


def block_tests(kept: KeptFilter, lo: int, hi: int) -> tuple[tuple[np.ndarray, ...], int]:
    """(i, j, 3Q+R, count, natural log p) of every kept test of the pairs i < j with
    lo <= i < hi, and the number of tests with a count >= 1."""
    st = kept.stacked
    n3 = st.x.shape[0]
    l0, l1 = np.searchsorted(st.light, [3 * lo, 3 * hi])
    h0, h1 = np.searchsorted(st.heavy, [3 * lo, 3 * hi])
    own = (np.arange(3 * lo, 3 * hi), st.x[3 * lo:3 * hi])
    later = (np.arange(3 * hi, n3), st.x[3 * hi:])
    light = (st.light[l0:l1], st.light_x[l0:l1])
    light_later = (st.light[l1:], st.light_x[l1:])
    heavy = (st.heavy[h0:h1], st.heavy_x[h0:h1])
    parts, n_tested = [], 0
    # light rows meet every row; heavy rows meet light rows sparsely and heavy rows densely
    for (lids, left), (rids, right), diagonal in ((light, own, True), (light, later, False),
                                                  (heavy, light, True), (heavy, light_later, False)):
        if lids.size and rids.size:
            part, tested = _sparse_tests(kept, left, lids, right, rids, diagonal)
            parts.append(part)
            n_tested += tested
    for rh, diagonal in ((slice(h0, h1), True), (slice(h1, None), False)):
        if h1 > h0 and st.heavy[rh].size:
            part, tested = _dense_tests(kept, slice(h0, h1), rh, diagonal)
            parts.append(part)
            n_tested += tested
    if not parts:
        empty = np.empty(0, np.int32)
        return (empty, empty, np.empty(0, np.int8), np.empty(0, st.x.dtype), np.empty(0)), n_tested
    a, b, pair, k, log_p = (np.concatenate(col) for col in zip(*parts))
    return (a, b, pair, k, log_p), n_tested
