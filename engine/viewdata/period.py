"""The network filtered to a brushed period: edges with at least one co-occurrence inside it.

Validation stays over the whole period (the links are those validated by the analysis;
nothing is re-tested); the period only decides which of them are drawn. An edge is kept
when one of its validated diagonal link types (the ones that make it an edge) has a
co-occurrence day, both investors in the same state, inside the period.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from engine.svn.counts import DIAGONAL_CODES, LINK_STATES
from engine.svn.neighbourhood import NETWORK_CORRECTIONS
from engine.svn.stage import SvnResult

Period = tuple[dt.date, dt.date]    # first and last day, both included


def _state_days(svn: SvnResult, nodes: np.ndarray, lo: int, hi: int) -> dict[int, np.ndarray]:
    """Per diagonal state, a (len(nodes), hi − lo) bool matrix: node in that state on that day."""
    st = svn.states
    first = np.searchsorted(st.inv, nodes, "left")
    last = np.searchsorted(st.inv, nodes, "right")
    take = np.concatenate([np.arange(a, b) for a, b in zip(first, last)]) if nodes.size else np.zeros(0, np.int64)
    row = np.repeat(np.arange(nodes.size), last - first)
    inside = (st.day[take] >= lo) & (st.day[take] < hi)
    out = {}
    for state in {LINK_STATES[t][0] for t in DIAGONAL_CODES}:
        sel = inside & (st.state[take] == state)
        grid = np.zeros((nodes.size, max(hi - lo, 0)), dtype=bool)
        grid[row[sel], st.day[take][sel] - lo] = True
        out[state] = grid
    return out


def pairs_in_period(svn: SvnResult, ea: np.ndarray, eb: np.ndarray, types: np.ndarray,
                    period: Period) -> np.ndarray:
    """Mask of the pairs (eligible indices ``ea``, ``eb``) with at least one co-occurrence day
    inside ``period`` in one of their validated diagonal link types.

    ``types`` is a bool (n_pairs, len(DIAGONAL_CODES)) matrix of the pair's validated diagonal
    link types (the ones that make it an edge of the network).
    """
    lo = int(np.searchsorted(svn.period_dates, np.datetime64(period[0], "D"), "left"))
    hi = int(np.searchsorted(svn.period_dates, np.datetime64(period[1], "D"), "right"))
    out = np.zeros(ea.size, dtype=bool)
    if ea.size == 0 or hi <= lo:
        return out
    nodes, inverse = np.unique(np.concatenate((ea, eb)), return_inverse=True)
    ra, rb = inverse[:ea.size], inverse[ea.size:]
    grids = _state_days(svn, nodes, lo, hi)
    for col, code in enumerate(DIAGONAL_CODES):
        wanted = np.flatnonzero(types[:, col] & ~out)
        if wanted.size:
            grid = grids[LINK_STATES[code][0]]
            out[wanted] = (grid[ra[wanted]] & grid[rb[wanted]]).any(axis=1)
    return out


def diagonal_log10_p(context, ea: np.ndarray, eb: np.ndarray) -> np.ndarray:
    """Float (n_pairs, len(DIAGONAL_CODES)): log10 p of each diagonal link type of each pair
    (eligible indices, ``ea < eb``) validated in the Bonferroni or the FDR network of
    ``context`` (an ``engine.viewdata.network.NetworkContext``); NaN where not validated."""
    svn = context.svn
    cand = svn.candidates
    validated = np.zeros(cand.a.size, dtype=bool)
    for corr in NETWORK_CORRECTIONS:
        validated[context.networks.by_correction[corr].links] = True
    key = ea.astype(np.int64) * svn.n_investors + eb
    lo = np.searchsorted(context.pair_key, key, "left")
    hi = np.searchsorted(context.pair_key, key, "right")
    out = np.full((key.size, len(DIAGONAL_CODES)), np.nan)
    for offset in range(int((hi - lo).max()) if key.size else 0):  # one candidate per type and pair
        idx = lo + offset
        ok = idx < hi
        idx = np.where(ok, idx, 0)
        for col, code in enumerate(DIAGONAL_CODES):
            hit = ok & validated[idx] & (cand.link_type[idx] == code)
            out[hit, col] = cand.log10_p[idx[hit]]
    return out


def _eligible_pairs(context, data) -> tuple[np.ndarray, np.ndarray]:
    svn = context.svn
    eligible = np.array([svn.index_of(str(n)) for n in data.node_ids], dtype=np.int64)
    ea, eb = eligible[data.edge_a], eligible[data.edge_b]
    return np.minimum(ea, eb), np.maximum(ea, eb)


def edge_strength(context, data) -> np.ndarray:
    """−log10 p of the strongest validated diagonal link of each of ``data``'s edges."""
    ea, eb = _eligible_pairs(context, data)
    if ea.size == 0:
        return np.zeros(0)
    lp = diagonal_log10_p(context, ea, eb)
    return -np.nanmin(np.where(np.isnan(lp), np.inf, lp), axis=1)


def network_edges_in_period(context, data, period: Period) -> np.ndarray:
    """Mask over ``data``'s edges (an ``engine.viewdata.network.NetworkData`` drawn from
    ``context``) of those with a co-occurrence inside ``period``."""
    ea, eb = _eligible_pairs(context, data)
    return pairs_in_period(context.svn, ea, eb, ~np.isnan(diagonal_log10_p(context, ea, eb)), period)
