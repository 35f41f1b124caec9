"""K chosen by the stability of the rewarding cluster across K (METHOD §1 "Choosing K"), with the
5% elbow on W_K kept as a reported diagnostic.

Every K of k_min .. k_max + 2 gets the full dynamic clustering (restarts in the first window, warm
starts after, Jaccard relabelling). R_K are the last-window members of K's rewarding cluster.
Among K = k_min .. k_max, a K *qualifies* when J(R_K, R_{K+1}) >= min_jaccard and R_K holds at
most ``max_share`` of the investors active in the last window; K is the first K of the longest
run (at least two) of consecutive qualifying K, ties to the smaller K. Without such a run, K
maximises min(J(R_K, R_{K+1}), J(R_{K+1}, R_{K+2})) (ties: smaller K) and the choice is
reported as not stable. The chains are kept, so the chosen K's clustering and the sensitivity
table (K − 2 … K + 2) reuse them instead of fitting again.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.kmeans.dynamic import DynamicClustering, WindowPoints, cluster_windows, max_k
from engine.kmeans.scan_pool import chains_in_processes, scan_workers
from engine.kmeans.suspects import rewarding_cluster
from engine.progress import Reporter


@dataclass(frozen=True)
class KCandidate:
    """One K of the scan: overlap of its rewarding cluster with the next K's, and its size."""

    k: int
    jaccard_next: float | None       # J(R_K, R_{K+1}); None when K + 1 was not fitted
    jaccard_next2: float | None      # J(R_{K+1}, R_{K+2}); None when K + 2 was not fitted
    rewarding_size: int
    rewarding_share_of_active: float
    qualifies: bool                  # J(R_K, R_{K+1}) >= min_jaccard and share <= max_share


@dataclass(frozen=True)
class KSelection:
    """How K was chosen ("stability" or "fixed"), whether it is stable, and the 5% elbow."""

    rule: str
    k: int
    stable: bool | None              # None when K was fixed
    reason: str
    candidates: tuple[KCandidate, ...]
    elbow_k_values: np.ndarray       # int64 (n_K,): K values with a W_K per window
    elbow_inertia: np.ndarray        # float64 (n_windows, n_K): W_K of each K's chain
    elbow_per_window: np.ndarray     # int64 (n_windows,): the 5% elbow K, 0 = no elbow up to k_max


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """|a ∩ b| / |a ∪ b| of two boolean member masks (0 when both are empty)."""
    union = int(np.count_nonzero(a | b))
    return int(np.count_nonzero(a & b)) / union if union else 0.0


def rewarding_members(chain: DynamicClustering) -> np.ndarray:
    """Bool (n_investors,): last-window members of the chain's rewarding cluster.

    Features are oriented (d·A, a, d·E), so the rewarding corner is (1, 1, 1)."""
    rew, _ = rewarding_cluster(chain.centroids[-1], +1)
    return chain.labels[-1] == rew


def scan_chains(features: np.ndarray, active: np.ndarray, prepared: list[WindowPoints], k_values: range,
                restarts: int, seed: int, reporter: Reporter | None = None,
                workers: int | None = None) -> dict[int, DynamicClustering]:
    """The dynamic clustering of every K in ``k_values`` that each window can hold, on
    ``workers`` processes (None: as many as pay, engine/kmeans/scan_pool.py); the same chains
    either way."""
    feasible = [k for k in k_values if 2 <= k <= max_k(prepared)]
    n_proc = scan_workers(prepared, len(feasible)) if workers is None else workers
    if n_proc > 1 and len(feasible) > 1:
        return chains_in_processes(features, active, prepared, feasible, restarts, seed, n_proc, reporter)
    chains = {}
    for j, k in enumerate(feasible):
        chains[k] = cluster_windows(features, active, k, restarts, seed, prepared=prepared)
        if reporter is not None:
            reporter.check()
            reporter.advance((j + 1) / len(feasible))
    return chains


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    """(start, length) of every maximal run of True in ``flags``."""
    out, start = [], None
    for i, flag in enumerate(flags + [False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            out.append((start, i - start))
            start = None
    return out


def stability_choice(members: dict[int, np.ndarray], n_active: int, k_min: int, k_max: int,
                     min_jaccard: float, max_share: float) -> tuple[int, bool, str, tuple[KCandidate, ...]]:
    """K, stable, reason and the candidate table from the rewarding members of each fitted K."""
    def jac(k: int) -> float | None:
        return jaccard(members[k], members[k + 1]) if k in members and k + 1 in members else None

    cands = []
    for k in sorted(members):
        size = int(np.count_nonzero(members[k]))
        share = size / n_active if n_active else 0.0
        j1, j2 = jac(k), jac(k + 1)
        ok = k_min <= k <= k_max and j1 is not None and j1 >= min_jaccard and share <= max_share
        cands.append(KCandidate(k=k, jaccard_next=j1, jaccard_next2=j2, rewarding_size=size,
                                rewarding_share_of_active=share, qualifies=ok))
    scanned = [c for c in cands if k_min <= c.k <= k_max]
    if not scanned:
        raise ValueError("no K of the scan could be fitted")
    runs = [(s, n) for s, n in _runs([c.qualifies for c in scanned]) if n >= 2]
    if runs:
        start, length = max(runs, key=lambda r: (r[1], -r[0]))  # longest, then smaller K
        first, last = scanned[start].k, scanned[start + length - 1].k
        return first, True, (f"longest stable run K = {first}–{last}: the rewarding cluster keeps a "
                             f"Jaccard overlap ≥ {min_jaccard:g} from each K to the next and holds at "
                             f"most {max_share:.0%} of the active investors"), tuple(cands)
    best = max(scanned, key=lambda c: (min(c.jaccard_next or 0.0, c.jaccard_next2 or 0.0), -c.k))
    worst = min(best.jaccard_next or 0.0, best.jaccard_next2 or 0.0)
    return best.k, False, (f"no run of two K with a stable rewarding cluster (Jaccard ≥ {min_jaccard:g}, "
                           f"at most {max_share:.0%} of the active investors); K = {best.k} maximises the "
                           f"overlap with the next two K ({worst:.2f}): NOT STABLE"), tuple(cands)


def elbow_per_window(inertia: np.ndarray, k_values: np.ndarray, k_max: int, tolerance: float) -> np.ndarray:
    """Per window, the first K <= k_max whose next K lowers W_K by less than ``tolerance``
    relatively (W_K = 0 stops there); 0 when no K up to k_max does."""
    out = np.zeros(inertia.shape[0], dtype=np.int64)
    for w, row in enumerate(inertia):
        for j in range(k_values.size - 1):
            if k_values[j] > k_max:
                break
            if row[j] <= 0 or (row[j] - row[j + 1]) / row[j] < tolerance:
                out[w] = k_values[j]
                break
    return out


def select_k(chains: dict[int, DynamicClustering], n_active: int, k_min: int, k_max: int, min_jaccard: float,
             max_share: float, tolerance: float) -> KSelection:
    """The stability choice of K and the elbow diagnostic from the scan's chains."""
    members = {k: rewarding_members(c) for k, c in chains.items()}
    k, stable, reason, cands = stability_choice(members, n_active, k_min, k_max, min_jaccard, max_share)
    k_values = np.array(sorted(chains), dtype=np.int64)
    inertia = np.stack([chains[int(v)].inertia for v in k_values], axis=1)
    return KSelection(rule="stability", k=k, stable=stable, reason=reason, candidates=cands,
                      elbow_k_values=k_values, elbow_inertia=inertia,
                      elbow_per_window=elbow_per_window(inertia, k_values, k_max, tolerance))


def fixed_k(k: int, n_windows: int) -> KSelection:
    """The investigator's K: no scan, no elbow."""
    return KSelection(rule="fixed", k=k, stable=None, reason=f"K = {k} fixed by the investigator (kmeans.k)",
                      candidates=(), elbow_k_values=np.zeros(0, np.int64), elbow_inertia=np.zeros((n_windows, 0)),
                      elbow_per_window=np.zeros(n_windows, np.int64))
