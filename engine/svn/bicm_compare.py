"""Maximum-entropy alternative (METHOD §2, App. B.4): BiCM-validated networks per state layer.

For each state layer Q ∈ {b, s, bs} the investor × day indicator S_Q is fitted by the
Bipartite Configuration Model (PyPI ``bicm``: link probabilities P_it that reproduce every
investor's and every day's degree on average). The co-occurrence V_ij = (S_Q S_Q^T)_ij of
two investors is then a sum of independent Bernoulli(P_it P_jt); like ``bicm``'s default
projection we test it with the Poisson law of mean λ_ij = Σ_t P_it P_jt and validate with
Benjamini–Hochberg over the layer's n_Q(n_Q−1)/2 pairs. The union of the three layers is
clustered by the same Infomap set-up, and the clustering is compared with the
hypergeometric SVN's by pairwise Jaccard (pairs of investors put together by both over
pairs put together by either), plus the best-matching BiCM cluster of every SVN cluster.
"""
from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.special import gammaln, pdtrc

from engine.svn.infomap_wrap import infomap_clusters
from engine.market.panel import STATE_NAMES
from engine.progress import Reporter
from engine.svn.counts import StateSample
from engine.svn.stage import SvnResult
from engine.svn.validate import fdr

_DENSE_BLOCK = 8_000_000   # entries of a dense λ block


@dataclass(frozen=True)
class BicmLayer:
    """Validation summary of one state layer."""

    state: str
    n_investors: int       # investors with at least one day in the state
    n_tests: int           # n_Q (n_Q − 1) / 2
    n_tested: int          # pairs with V_ij >= 1
    n_validated: int
    threshold: float       # the BH cut p_(k̄) (0.0 when nothing is validated)


@dataclass(frozen=True)
class BicmComparison:
    """The BiCM network, its clusters and their agreement with the SVN clusters."""

    layers: list[BicmLayer]
    a: np.ndarray              # int64: validated edges (eligible indices, a < b), union of layers
    b: np.ndarray
    membership: np.ndarray     # int32: Infomap cluster of the BiCM network, 0 = none
    pair_jaccard: float        # co-clustered pairs: |both| / |either|
    best_match: list[tuple[int, int, float]]  # (SVN cluster id, best BiCM cluster id, set Jaccard)


def log_poisson_sf(k: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """log P(Y >= k), Y ~ Poisson(λ); far tails (underflow) from the leading term's bound."""
    k = k.astype(np.float64)
    sf = pdtrc(k - 1.0, lam)
    with np.errstate(divide="ignore"):
        out = np.log(sf)
    deep = sf <= 0
    if deep.any():
        kd, ld = k[deep], lam[deep]
        out[deep] = kd * np.log(ld) - ld - gammaln(kd + 1.0) - np.log1p(-ld / (kd + 1.0))
    return out


def bicm_probabilities(indicator: sp.csr_matrix) -> np.ndarray:
    """BiCM link probabilities of a binary matrix.

    Rows or columns linked to everything (or to nothing) have probability 1 (or 0) in the
    BiCM and make the ``bicm`` solver fail, so they are peeled off first and the model is
    fitted on the rest; the package's console messages are silenced.
    """
    from bicm import BipartiteGraph

    mat = indicator.tocsr().astype(np.float64)
    probs = np.zeros(mat.shape)
    rows, cols = np.arange(mat.shape[0]), np.arange(mat.shape[1])
    while rows.size and cols.size:
        sub = mat[rows][:, cols]
        row_deg, col_deg = np.asarray(sub.sum(axis=1)).ravel(), np.asarray(sub.sum(axis=0)).ravel()
        full_r, full_c = row_deg == cols.size, col_deg == rows.size
        drop_r, drop_c = full_r | (row_deg == 0), full_c | (col_deg == 0)
        if not (drop_r.any() or drop_c.any()):
            break
        probs[np.ix_(rows[full_r], cols)] = 1.0
        probs[np.ix_(rows, cols[full_c])] = 1.0
        rows, cols = rows[~drop_r], cols[~drop_c]
    if rows.size and cols.size:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            graph = BipartiteGraph(biadjacency=mat[rows][:, cols])
            graph.solve_tool(print_error=False)
            core = np.asarray(graph.get_bicm_matrix(), dtype=np.float64)
        probs[np.ix_(rows, cols)] = np.nan_to_num(core, nan=1.0)
    return probs


def layer_pvalues(sample: StateSample, state: int,
                  reporter: Reporter | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(layer rows, x, y, log p) of every pair x < y of the layer with V_xy >= 1.

    ``rows`` maps layer positions to eligible indices (investors with a day in the state).
    """
    full = sample.indicator(state)
    rows = np.flatnonzero(np.diff(full.indptr) > 0)
    cols = np.flatnonzero(np.bincount(full.indices, minlength=sample.n_days) > 0)
    mat = full[rows][:, cols].tocsr()
    n = rows.size
    if n < 2:
        empty = np.empty(0, np.int64)
        return rows, empty, empty, np.empty(0)
    probs = bicm_probabilities(mat)
    step = max(1, _DENSE_BLOCK // n)
    xs, ys, logs = [], [], []
    for lo in range(0, n, step):
        if reporter is not None:
            reporter.check()
        hi = min(lo + step, n)
        block = (mat[lo:hi] @ mat[lo:].T).tocoo()      # rows and columns counted from lo
        up = block.col > block.row
        row, col, k = block.row[up], block.col[up], block.data[up]
        lam = (probs[lo:hi] @ probs[lo:].T)[row, col]  # dense block of step x (n - lo) means
        xs.append(row.astype(np.int64) + lo)
        ys.append(col.astype(np.int64) + lo)
        logs.append(log_poisson_sf(k, lam))
    return rows, np.concatenate(xs), np.concatenate(ys), np.concatenate(logs)


def layer_links(sample: StateSample, state: int, alpha: float,
                reporter: Reporter | None = None) -> tuple[BicmLayer, np.ndarray, np.ndarray]:
    """FDR-validated BiCM co-occurrence links of one state layer (eligible indices, a < b)."""
    rows, x, y, log_p = layer_pvalues(sample, state, reporter)
    n = rows.size
    m = n * (n - 1) // 2
    check = fdr(log_p / np.log(10.0), alpha, m)
    layer = BicmLayer(STATE_NAMES[state], int(n), int(m), int(x.size), int(check.mask.sum()),
                      check.threshold)
    return layer, rows[x[check.mask]].astype(np.int64), rows[y[check.mask]].astype(np.int64)


def pair_jaccard(first: np.ndarray, second: np.ndarray) -> float:
    """Jaccard index of the sets of co-clustered pairs of two memberships (0 = no cluster)."""
    both = (first > 0) & (second > 0)
    joint = np.unique(np.stack((first[both], second[both])), axis=1, return_counts=True)[1]
    together = float((joint * (joint - 1) // 2).sum())
    in_first, in_second = (float((c * (c - 1) // 2).sum()) for c in
                           (np.bincount(first[first > 0]), np.bincount(second[second > 0])))
    union = in_first + in_second - together
    return together / union if union else 1.0


def best_matches(svn: np.ndarray, other: np.ndarray) -> list[tuple[int, int, float]]:
    """For each SVN cluster, the other clustering's cluster of largest set Jaccard (ties: lower id)."""
    out = []
    sizes_other = np.bincount(other)
    for cid in range(1, int(svn.max(initial=0)) + 1):
        members = svn == cid
        hits = np.bincount(other[members], minlength=sizes_other.size)
        hits[0] = 0
        union = members.sum() + sizes_other - hits
        jac = np.where(hits > 0, hits / np.maximum(union, 1), 0.0)
        best = int(np.argmax(jac))
        out.append((cid, best, float(jac[best])) if jac[best] > 0 else (cid, 0, 0.0))
    return out


def compare_bicm(result: SvnResult, alpha: float | None = None,
                 reporter: Reporter | None = None) -> BicmComparison:
    """BiCM networks of the three state layers, their clusters and the comparison with the SVN."""
    level = result.alpha if alpha is None else alpha
    layers, edges_a, edges_b = [], [], []
    for state in range(len(STATE_NAMES)):
        layer, a, b = layer_links(result.states, state, level, reporter)
        layers.append(layer)
        edges_a.append(a)
        edges_b.append(b)
        if reporter is not None:
            reporter.advance((state + 1) / (len(STATE_NAMES) + 1))
    n = result.n_investors
    key = np.sort(np.concatenate(edges_a) * n + np.concatenate(edges_b))
    key = key[np.r_[True, key[1:] != key[:-1]]] if key.size else key
    a, b = key // n, key % n
    membership = infomap_clusters(n, a, b, seed=result.infomap_seed, trials=result.infomap_trials)
    return BicmComparison(layers=layers, a=a, b=b, membership=membership,
                          pair_jaccard=pair_jaccard(result.membership, membership),
                          best_match=best_matches(result.membership, membership))
