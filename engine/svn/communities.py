"""Clusters of the validated diagonal network, ring ranking and characterisation (METHOD §2).

R_C pools the daily r(i,t) of every (member, active day) pair in Δ̄; π_C is the mean
expected profit of the members. Clusters rank by d·R_C (descending), ties by π_C
(descending), then cluster id; a cluster without activity in Δ̄ (or without π_C) sorts
last on that key. A cluster is suspicious when d·R_C reaches the setting and at least two of
its members are active in Δ̄ (a single active member makes a "ring" of one). Characterisation:
for each cluster, hypergeometric over- and under-expression p-values of every investor type
(nodes of the network as population) and of every link type (validated links among network
nodes as population), each judged against a Bonferroni threshold α / m over the m
(cluster, value) tests of that attribute: raw p-values alone are not evidence.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.svn.hypergeom_tails import log_cdf, log_sf
from engine.svn.counts import DIAGONAL_CODES, LINK_TYPES, LOG10_E

INVESTOR_TYPES: tuple[str, ...] = ("H", "IF", "L")
MIN_ACTIVE_MEMBERS = 2


@dataclass(frozen=True)
class Expression:
    """Over/under-expression of one attribute value in one cluster."""

    attribute: str            # "investor_type" or "link_type"
    value: str
    observed: int             # in the cluster
    cluster_total: int        # members (investor type) or internal links (link type)
    network_with_value: int   # in the whole network
    network_total: int
    log10_p_over: float       # log10 P(X >= observed)
    log10_p_under: float      # log10 P(X <= observed)
    log10_threshold: float    # log10(α / m), m = (cluster, value) tests of this attribute
    over_expressed: bool      # log10_p_over < log10_threshold
    under_expressed: bool     # log10_p_under < log10_threshold


@dataclass(frozen=True)
class Ring:
    """One Infomap cluster with its ranking quantities."""

    cluster_id: int
    rank: int
    member_ids: np.ndarray            # object array of investor ids, text order
    mean_directionality: float | None # R_C (raw, not multiplied by d)
    mean_expected_profit: float | None  # π_C
    active_pairs: int                 # (member, active day) pairs in Δ̄
    active_members: int               # members active in Δ̄
    suspicious: bool                  # d·R_C >= the setting and >= 2 members active in Δ̄
    internal_links: int               # validated diagonal edges inside the cluster
    composition: dict[str, int]       # investor type -> members ("" = unknown)
    expression: list[Expression]

    @property
    def size(self) -> int:
        return int(self.member_ids.size)


def diagonal_edges(a: np.ndarray, b: np.ndarray, link_type: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Unique pairs (a < b) validated in at least one diagonal type, sorted (int64).

    Links usually come sorted by pair (candidate order), so a linear pass keeps each pair's
    first diagonal link; numpy's hash-based ``unique`` takes seconds on millions of keys.
    """
    diag = link_type <= max(DIAGONAL_CODES)
    da, db = a[diag], b[diag]
    key = da.astype(np.int64)
    key *= n
    key += db
    if key.size > 1 and bool((key[1:] < key[:-1]).any()):
        order = np.argsort(key, kind="stable")
        key, da, db = key[order], da[order], db[order]
    first = np.ones(key.size, dtype=bool)
    np.not_equal(key[1:], key[:-1], out=first[1:])
    return da[first].astype(np.int64), db[first].astype(np.int64)


def _none_if_nan(value: float) -> float | None:
    """JSON-friendly: NaN (no activity, no price) becomes None."""
    return None if not np.isfinite(value) else float(value)


def rank_rings(membership: np.ndarray, ids: np.ndarray, ref_r_sum: np.ndarray, ref_days: np.ndarray,
               profit: np.ndarray, types: np.ndarray, links: tuple[np.ndarray, np.ndarray, np.ndarray],
               sign: int, suspicious_at: float, alpha: float,
               edges: tuple[np.ndarray, np.ndarray] | None = None) -> list[Ring]:
    """Every cluster with R_C, π_C, rank, suspicious flag and characterisation (Bonferroni at
    ``alpha``), best first; ``edges``: the links' ``diagonal_edges`` when the caller has them."""
    n_clusters = int(membership.max(initial=0))
    if n_clusters == 0:
        return []
    cid = np.arange(1, n_clusters + 1)
    m = membership
    in_net = m > 0
    r_sum = np.bincount(m[in_net], weights=ref_r_sum[in_net], minlength=n_clusters + 1)[1:]
    days = np.bincount(m[in_net], weights=ref_days[in_net], minlength=n_clusters + 1)[1:]
    active = np.bincount(m[in_net & (ref_days > 0)], minlength=n_clusters + 1)[1:]
    r_c = np.full(n_clusters, np.nan)
    np.divide(r_sum, days, out=r_c, where=days > 0)
    finite = in_net & np.isfinite(profit)
    p_sum = np.bincount(m[finite], weights=profit[finite], minlength=n_clusters + 1)[1:]
    p_cnt = np.bincount(m[finite], minlength=n_clusters + 1)[1:]
    pi_c = np.full(n_clusters, np.nan)
    np.divide(p_sum, p_cnt, out=pi_c, where=p_cnt > 0)
    key_r = np.where(np.isfinite(r_c), -sign * r_c, np.inf)
    key_p = np.where(np.isfinite(pi_c), -pi_c, np.inf)
    order = np.lexsort((cid, key_p, key_r))
    rank = np.empty(n_clusters, dtype=np.int64)
    rank[order] = np.arange(1, n_clusters + 1)
    type_counts, type_expr = _type_expression(m, types, n_clusters, alpha)
    if edges is None:
        edges = diagonal_edges(*links, m.size)
    internal, link_expr = _link_expression(m, links, edges, n_clusters, alpha)
    members_sorted = np.argsort(m, kind="stable")
    bounds = np.searchsorted(m[members_sorted], np.arange(1, n_clusters + 2))
    rings = []
    for c in order:
        rows = members_sorted[bounds[c]:bounds[c + 1]]
        value = r_c[c]
        rings.append(Ring(
            cluster_id=int(c + 1), rank=int(rank[c]), member_ids=ids[rows],
            mean_directionality=_none_if_nan(value), mean_expected_profit=_none_if_nan(pi_c[c]),
            active_pairs=int(days[c]), active_members=int(active[c]),
            suspicious=bool(np.isfinite(value) and sign * value >= suspicious_at
                            and active[c] >= MIN_ACTIVE_MEMBERS),
            internal_links=int(internal[c]),
            composition={t: int(type_counts[c, j]) for j, t in enumerate(INVESTOR_TYPES + ("",))
                         if type_counts[c, j]},
            expression=type_expr[c] + link_expr[c]))
    return rings


def _expression_table(attribute: str, values: tuple[str, ...], observed: np.ndarray,
                      with_value: np.ndarray, alpha: float) -> list[list[Expression]]:
    """Hypergeometric over/under p-values of an (n_clusters, n_values) count table, judged
    against α / m with m the number of (cluster, value) tests made.

    The population holds ``with_value.sum()`` items, ``with_value[v]`` of them with value v;
    cluster c draws ``observed[c].sum()`` of them.
    """
    population = int(with_value.sum())
    totals = observed.sum(axis=1)
    n_c, n_v = observed.shape
    draws = np.repeat(totals, n_v)
    succ = np.tile(with_value, n_c)
    obs = observed.ravel()
    over = log_sf(population, succ, draws, obs) * LOG10_E
    under = log_cdf(population, succ, draws, obs) * LOG10_E
    out: list[list[Expression]] = [[] for _ in range(n_c)]
    tested = np.flatnonzero(np.repeat(totals > 0, n_v) & (succ > 0))
    cut = float(np.log10(alpha / tested.size)) if tested.size else 0.0
    for flat in tested:
        c, v = divmod(int(flat), n_v)
        o, u = float(over[flat]), float(under[flat])
        out[c].append(Expression(attribute, values[v], int(obs[flat]), int(totals[c]), int(succ[flat]),
                                 population, o, u, cut, o < cut, u < cut))
    return out


def _type_expression(m: np.ndarray, types: np.ndarray, n_clusters: int, alpha: float):
    """Members per investor type (last column: unknown type) and their expression tests."""
    codes = np.full(types.shape, len(INVESTOR_TYPES), dtype=np.int64)
    for j, t in enumerate(INVESTOR_TYPES):
        codes[types == t] = j
    in_net = m > 0
    width = len(INVESTOR_TYPES) + 1
    flat = np.bincount((m[in_net] - 1) * width + codes[in_net], minlength=n_clusters * width)
    counts = flat.reshape(n_clusters, width)
    known = counts[:, :len(INVESTOR_TYPES)]
    return counts, _expression_table("investor_type", INVESTOR_TYPES, known, known.sum(axis=0), alpha)


def _link_expression(m: np.ndarray, links: tuple[np.ndarray, np.ndarray, np.ndarray],
                     edges: tuple[np.ndarray, np.ndarray], n_clusters: int,
                     alpha: float) -> tuple[np.ndarray, list[list[Expression]]]:
    """Internal diagonal edges per cluster and expression tests of the nine link types."""
    a, b, t = links
    ca, cb = m[a], m[b]
    inside = (ca > 0) & (ca == cb)
    counts = np.bincount((ca[inside] - 1).astype(np.int64) * len(LINK_TYPES) + t[inside],
                         minlength=n_clusters * len(LINK_TYPES)).reshape(n_clusters, len(LINK_TYPES))
    both_net = (ca > 0) & (cb > 0)
    network = np.bincount(t[both_net], minlength=len(LINK_TYPES))
    ea, eb = edges
    ma = m[ea]
    internal = np.bincount(ma[(ma > 0) & (ma == m[eb])] - 1, minlength=n_clusters)
    return internal, _expression_table("link_type", LINK_TYPES, counts, network, alpha)
