"""Exact, fast log upper tails of the hypergeometric law, for millions of SVN tests.

p = P(X >= k) with X ~ Hypergeom(T, n1, n2) depends only on (T, n1, n2, k). A
``TailTable`` computes, once per distinct (n1, n2), the log tails of every k whose p is at
most a cap (all others are never validated), by the backward recursion
log S_k = logaddexp(log pmf(k), log S_{k+1}) from the top of the support, vectorised over
all (n1, n2) groups at once. Looking up millions of entries is then a gather. Work stays in
log space, so tails far below float64's range (T > ~1,000) keep their exact value.
"""
from __future__ import annotations

import numpy as np
from scipy.special import betaln, gammaln

_DENSE_LIMIT = 1 << 24   # (T+1)^2 slots up to which group slots live in a dense array
_ADD_CHUNK = 20_000      # groups whose tails one recursion computes together (bounds its memory)


def log_factorials(t: int) -> np.ndarray:
    """log n! for n = 0..t (float64)."""
    return gammaln(np.arange(t + 1, dtype=np.float64) + 1.0)


def log_pmf(lf: np.ndarray, t: int, n1: np.ndarray, n2: np.ndarray, k: np.ndarray) -> np.ndarray:
    """log P(X = k) for X ~ Hypergeom(t, n1, n2), k inside the support, from log factorials."""
    return (lf[n1] - lf[k] - lf[n1 - k] + lf[t - n1] - lf[n2 - k] - lf[t - n1 - n2 + k]
            - lf[t] + lf[n2] + lf[t - n2])


class TailTable:
    """Cache of log P(X >= k) per (n1, n2) for the k with P(X >= k) <= cap (cap <= 1)."""

    def __init__(self, t: int, cap: float = 1.0) -> None:
        if t < 1:
            raise ValueError("the number of days T must be positive")
        self.t = int(t)
        self.log_cap = 0.0 if cap >= 1.0 else float(np.log(cap))
        self._lf = log_factorials(self.t)
        width = self.t + 1
        self._dense = width * width <= _DENSE_LIMIT
        # group slot per dense key; unused (empty) in sparse mode
        self._slot = np.full(width * width if self._dense else 0, -1, dtype=np.int32)
        self._keys = np.empty(0, dtype=np.int64)      # group keys, in slot order
        self._sorted = np.empty(0, dtype=np.int64)    # sorted keys (sparse mode)
        self._sorted_slot = np.empty(0, dtype=np.int32)
        self._kcap = np.empty(0, dtype=np.int32)      # smallest k with p <= cap (top+1: none)
        self._offset = np.empty(0, dtype=np.int64)    # start of the group's values in _flat
        self._flat = np.empty(0, dtype=np.float64)

    @property
    def n_groups(self) -> int:
        """Distinct (n1, n2) groups computed so far."""
        return int(self._keys.size)

    def _key(self, n1: np.ndarray, n2: np.ndarray) -> np.ndarray:
        """Slot key of the unordered pair {n1, n2} (int32 in dense mode, int64 otherwise)."""
        dtype = np.int32 if self._dense else np.int64
        a = np.minimum(n1, n2).astype(dtype, copy=False)
        b = np.maximum(n1, n2).astype(dtype, copy=False)
        return a * dtype(self.t + 1) + b

    def _slots(self, key: np.ndarray) -> np.ndarray:
        """Group slot of each key (-1 when not computed yet)."""
        if self._dense:
            return self._slot[key]
        pos = np.searchsorted(self._sorted, key)
        pos = np.minimum(pos, max(self._sorted.size - 1, 0))
        found = self._sorted.size > 0
        hit = self._sorted[pos] == key if found else np.zeros(key.shape, bool)
        return np.where(hit, self._sorted_slot[pos] if found else -1, -1).astype(np.int32)

    def _missing(self, key: np.ndarray) -> np.ndarray:
        """Distinct keys not yet in the table."""
        if self._dense:
            seen = np.zeros(self._slot.size, dtype=bool)
            seen[key] = True
            return np.flatnonzero(seen & (self._slot < 0)).astype(np.int64)
        uniq = np.unique(key)
        return uniq[self._slots(uniq) < 0]

    def _compute(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(smallest kept k, number of kept tails, the tails in k order) of each group of
        ``keys``: the backward recursion, vectorised over the groups."""
        t, lf = self.t, self._lf
        n1 = keys // (t + 1)
        n2 = keys % (t + 1)
        top = np.minimum(n1, n2)
        low = np.maximum(0, n1 + n2 - t)           # P(X >= low) = 1
        log_s = np.full(keys.size, -np.inf)
        kcap = top + 1
        out_g, out_k, out_v = [], [], []
        active = np.flatnonzero(top > low)
        step = 0
        while active.size:
            k = top[active] - step
            value = np.logaddexp(log_s[active], log_pmf(lf, t, n1[active], n2[active], k))
            value = np.minimum(value, 0.0)
            ok = value <= self.log_cap
            g_ok = active[ok]
            out_g.append(g_ok)
            out_k.append(k[ok])
            out_v.append(value[ok])
            log_s[active] = value
            kcap[g_ok] = k[ok]
            active = g_ok[k[ok] - 1 > low[g_ok]]
            step += 1
        lengths = top + 1 - kcap
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        flat = np.empty(int(lengths.sum()), dtype=np.float64)
        if out_g:
            g_all = np.concatenate(out_g)
            k_all = np.concatenate(out_k)
            flat[starts[g_all] + (k_all - kcap[g_all])] = np.concatenate(out_v)
        return kcap, lengths, flat

    def _add(self, keys: np.ndarray) -> None:
        """Compute and store the capped tails of new (n1, n2) groups, ``_ADD_CHUNK`` groups at a
        time: the recursion's per-step lists hold about three times a chunk's tails, so a long
        period (T = 2,500: a 621 MB table) adding every group at once peaked at 5.6 GB."""
        parts = [self._compute(keys[i:i + _ADD_CHUNK]) for i in range(0, keys.size, _ADD_CHUNK)]
        kcap = np.concatenate([part[0] for part in parts])
        lengths = np.concatenate([part[1] for part in parts])
        new_flat = np.concatenate([part[2] for part in parts])
        del parts
        offsets = self._flat.size + np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        first = self._keys.size
        self._keys = np.concatenate((self._keys, keys))
        self._kcap = np.concatenate((self._kcap, kcap.astype(np.int32)))
        self._offset = np.concatenate((self._offset, offsets))
        self._flat = np.concatenate((self._flat, new_flat))
        slots = np.arange(first, first + keys.size, dtype=np.int32)
        if self._dense:
            self._slot[keys] = slots
        else:
            order = np.argsort(self._keys, kind="stable")
            self._sorted = self._keys[order]
            self._sorted_slot = order.astype(np.int32)

    def slots(self, n1: np.ndarray, n2: np.ndarray) -> np.ndarray:
        """Group slot of each (n1, n2), computing the groups not seen yet."""
        key = self._key(np.asarray(n1), np.asarray(n2))
        missing = self._missing(key).astype(np.int64)
        if missing.size:
            self._add(missing)
        return self._slots(key)

    def smallest_kept(self, slot: np.ndarray) -> np.ndarray:
        """Smallest k with P(X >= k) <= cap per group slot (min(n1, n2) + 1 when none; always
        >= 1): a count is kept exactly when it reaches this value."""
        return self._kcap[slot]

    def starts(self, slot: np.ndarray) -> np.ndarray:
        """Where each group's count 0 would sit in ``values``: a kept count k of the group has
        its log tail at ``values[start + k]`` (one gather per lookup instead of three)."""
        return self._offset[slot] - self._kcap[slot]

    @property
    def values(self) -> np.ndarray:
        """Every kept log tail, group after group (a new array when groups are added; entries
        already there never change)."""
        return self._flat

    def log_tail(self, slot: np.ndarray, k: np.ndarray) -> np.ndarray:
        """log P(X >= k) of kept counts (k >= ``smallest_kept(slot)``)."""
        return self._flat[self.starts(slot) + k]

    def lookup(self, n1: np.ndarray, n2: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mask of entries with p <= cap, their log p), computing unseen groups on the way.

        ``k`` must lie in [0, min(n1, n2)] (an observed co-occurrence count).
        """
        slot = self.slots(n1, n2)
        k = np.asarray(k)
        mask = k >= self._kcap[slot]
        return mask, self.log_tail(slot[mask], k[mask])


def _log_choose(n: np.ndarray | float, k: np.ndarray) -> np.ndarray:
    """log C(n, k) through betaln, accurate for large n (no cancellation of big log n!)."""
    return -np.log1p(n) - betaln(n - k + 1.0, k + 1.0)


def _log_run(t: int, n1: np.ndarray, n2: np.ndarray, start: np.ndarray, step: int) -> np.ndarray:
    """log Σ pmf(x) for x = start, start+step, … while in the support (terms decreasing)."""
    n1f, n2f, x = n1.astype(np.float64), n2.astype(np.float64), start.astype(np.float64)
    rest = t - n1f - n2f
    first = _log_choose(n1f, x) + _log_choose(t - n1f, n2f - x) - _log_choose(np.float64(t), n2f)
    bound = np.minimum(n1f, n2f) if step > 0 else np.maximum(0.0, -rest)
    rel = np.zeros(x.shape)      # log(term / first term)
    total = np.ones(x.shape)     # Σ term / first term
    active = np.flatnonzero(x != bound)
    while active.size:
        xa = x[active]
        if step > 0:
            ratio = (n1f[active] - xa) * (n2f[active] - xa) / ((xa + 1.0) * (rest[active] + xa + 1.0))
        else:
            ratio = xa * (rest[active] + xa) / ((n1f[active] - xa + 1.0) * (n2f[active] - xa + 1.0))
        rel[active] += np.log(ratio)
        term = np.exp(rel[active])
        total[active] += term
        x[active] = xa + step
        go = (term > 1e-18 * total[active]) & (x[active] != bound[active])
        active = active[go]
    return first + np.log(total)


def log_sf(t: int, n1, n2, k) -> np.ndarray:
    """Exact log P(X >= k), X ~ Hypergeom(t, n1, n2), elementwise for any integers.

    Above the mode the tail is summed upward from k; at or below it, P(X >= k) =
    1 − P(X <= k−1) with the lower tail (then at most about one half) summed downward.
    """
    n1, n2, k = np.broadcast_arrays(np.asarray(n1, np.int64), np.asarray(n2, np.int64),
                                    np.asarray(k, np.int64))
    out = np.zeros(k.shape, dtype=np.float64)
    top = np.minimum(n1, n2)
    low = np.maximum(0, n1 + n2 - t)
    out[k > top] = -np.inf
    inside = (k > low) & (k <= top)
    mode = (n1 + 1) * (n2 + 1) // (t + 2)
    up = inside & (k > mode)
    down = inside & (k <= mode)
    if up.any():
        out[up] = _log_run(t, n1[up], n2[up], k[up], +1)
    if down.any():
        out[down] = np.log1p(-np.exp(_log_run(t, n1[down], n2[down], k[down] - 1, -1)))
    return out


def log_cdf(t: int, n1, n2, k) -> np.ndarray:
    """Exact log P(X <= k) via the mirror law: n2 − X ~ Hypergeom(t, t − n1, n2)."""
    n1, n2, k = (np.asarray(v, np.int64) for v in (n1, n2, k))
    return log_sf(t, t - n1, n2, n2 - k)
