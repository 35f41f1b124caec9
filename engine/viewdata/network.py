"""Presentation arrays of the neighbourhood graph: the explored nodes and edges, with evidence.

The network view draws what the investigator explored (seeds, expanded nodes and their
first neighbours, in the Bonferroni and FDR networks) plus, as a preview that is not case
work, the first neighbours of the current focus. Edges are every validated pair among the
shown nodes (not only seed-neighbour pairs), so a ring that is a clique is drawn as one. Each edge carries which networks validate
it and its strongest diagonal link type (the colour); ``edge_text`` builds, on demand, the
tooltip with every validated link type of the pair, its co-occurrence days, p-value and
correction.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from engine.svn.neighbourhood import NETWORK_CORRECTIONS, Exploration, Networks, cooccurrence_dates, expand
from engine.svn.counts import DIAGONAL_CODES, LINK_TYPES
from engine.svn.stage import SvnResult

NETWORK_BITS: dict[str, int] = {"bonferroni": 1, "fdr": 2}
ROLE_NEIGHBOUR, ROLE_SEED, ROLE_EXPANDED = 0, 1, 2
MAX_DATES_SHOWN = 12


@dataclass(frozen=True)
class NetworkContext:
    """What the graph is drawn from: the SVN result, both networks and the k-means suspects."""

    svn: SvnResult
    networks: Networks
    suspect_ids: frozenset[str]
    cap: int
    pair_key: np.ndarray   # int64 a * N + b of every candidate (sorted, as the candidates are)


@dataclass(frozen=True)
class NetworkData:
    """Nodes and edges to draw; ids in text order, edges (a < b) by index."""

    node_ids: np.ndarray        # object (n,)
    node_role: np.ndarray       # int8 ROLE_*
    node_parent: np.ndarray     # object (n,) the expanded node that brought it in, "" for seeds
    node_networks: np.ndarray   # uint8 bitmask of NETWORK_BITS the node is shown in
    node_direction: np.ndarray  # float64 R_i over the reference period, NaN if inactive
    node_cluster: np.ndarray    # int32 cluster id in the analysed network, 0 = none
    node_suspect: np.ndarray    # bool k-means suspect
    edge_a: np.ndarray          # int32 index into node_ids
    edge_b: np.ndarray          # int32
    edge_networks: np.ndarray   # uint8 bitmask of NETWORK_BITS validating the pair
    edge_type: np.ndarray       # object: strongest validated diagonal link type
    thresholds: dict[str, float]
    messages: tuple[str, ...]   # cap notes of the exploration

    @property
    def n_nodes(self) -> int:
        return int(self.node_ids.size)


def network_context(svn: SvnResult, suspect_ids: Iterable[str], cap: int,
                    networks: Networks | None = None) -> NetworkContext:
    """The graph's context; ``networks`` are the result's (built here when not given: the
    expensive part, done once per result off the GUI thread)."""
    cand = svn.candidates
    key = cand.a.astype(np.int64) * svn.n_investors + cand.b
    return NetworkContext(svn=svn, networks=networks if networks is not None else Networks.build(svn),
                          suspect_ids=frozenset(str(s) for s in suspect_ids), cap=int(cap), pair_key=key)


@dataclass(frozen=True)
class NetworkPreview:
    """The focus's first neighbours, drawn as an overlay over the explored graph (not case
    work): ``node_ids`` are the previewed investors not drawn yet, edges join the focus to
    each neighbour; both carry the NETWORK_BITS of the networks they belong to."""

    focus: str
    node_ids: np.ndarray        # object: investors not drawn yet (the focus first when new)
    node_networks: np.ndarray   # uint8
    edge_other: np.ndarray      # object: the neighbour at the far end of each focus edge
    edge_networks: np.ndarray   # uint8


def preview(context: NetworkContext, drawn: frozenset[str], focus: str | None) -> NetworkPreview | None:
    """The preview of ``focus`` when it is in the network's sample and not drawn yet."""
    if focus is None or focus in drawn or context.svn.index_of(focus) < 0:
        return None
    around = expand(Exploration(), focus, context.networks, context.cap)
    node_bits: dict[str, int] = {}
    edge_bits: dict[str, int] = {}
    for corr in NETWORK_CORRECTIONS:
        bit = NETWORK_BITS[corr]
        for n in around.nodes.get(corr, ()):
            if n not in drawn:
                node_bits[n] = node_bits.get(n, 0) | bit
        for a, b in around.edges.get(corr, ()):
            other = b if a == focus else a
            edge_bits[other] = edge_bits.get(other, 0) | bit
    ids = sorted(node_bits, key=lambda n: (n != focus, n))
    others = sorted(edge_bits)
    return NetworkPreview(focus=focus, node_ids=np.array(ids, dtype=object),
                          node_networks=np.array([node_bits[n] for n in ids], dtype=np.uint8),
                          edge_other=np.array(others, dtype=object),
                          edge_networks=np.array([edge_bits[n] for n in others], dtype=np.uint8))


def _parents(node_ids: list[str], seeds: set[str], expanded: tuple[str, ...],
             pairs: list[tuple[str, str]]) -> dict[str, str]:
    """For each non-seed node, the earliest expanded node it is linked to."""
    order = {n: k for k, n in enumerate(expanded)}
    best: dict[str, str] = {}
    for a, b in pairs:
        for node, other in ((a, b), (b, a)):
            if other in order and node not in seeds:
                if node not in best or order[other] < order[best[node]]:
                    best[node] = other
    return best


def format_p(log10_p: float) -> str:
    """A p-value from its log10, exact in print even where float64 would underflow."""
    if log10_p > -300:
        return f"{10.0 ** log10_p:.2e}"
    exponent = np.floor(log10_p)
    return f"{10.0 ** (log10_p - exponent):.2f}e{int(exponent)}"


def _member(sorted_values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Mask of ``wanted`` found in the ascending array ``sorted_values`` (binary search)."""
    if sorted_values.size == 0:
        return np.zeros(wanted.size, dtype=bool)
    k = np.minimum(np.searchsorted(sorted_values, wanted), sorted_values.size - 1)
    return sorted_values[k] == wanted


def edge_text(context: NetworkContext, a_id: str, b_id: str) -> str:
    """Tooltip of one pair: every validated link type with co-occurrences, dates, p, networks.

    Built on demand (hover), since a dense block of a few hundred investors has tens of
    thousands of edges.
    """
    svn, nets = context.svn, context.networks.by_correction
    a, b = sorted((svn.index_of(a_id), svn.index_of(b_id)))
    key = np.int64(a) * svn.n_investors + b
    lo, hi = np.searchsorted(context.pair_key, [key, key + 1])
    cand = svn.candidates
    lines = [f"{svn.investor_ids[a]} – {svn.investor_ids[b]}"]
    span = np.arange(lo, hi, dtype=np.int64)
    valid = {c: _member(nets[c].links, span) for c in NETWORK_CORRECTIONS}
    for k, idx in enumerate(span.tolist()):
        valid_in = [c for c in NETWORK_CORRECTIONS if valid[c][k]]
        if not valid_in:
            continue
        t, lp = int(cand.link_type[idx]), float(cand.log10_p[idx])
        dates = cooccurrence_dates(svn, a, b, t)
        shown = ", ".join(dates[:MAX_DATES_SHOWN]) + (" …" if len(dates) > MAX_DATES_SHOWN else "")
        lines.append(f"{LINK_TYPES[t]}: {int(cand.cooccurrences[idx])} days, p = {format_p(lp)} "
                     f"({', '.join(valid_in)})\n    {shown}")
    return "\n".join(lines)


def _strongest_types(context: NetworkContext, ea: np.ndarray, eb: np.ndarray) -> np.ndarray:
    """Per pair of eligible indices (ea < eb), the validated diagonal type with the smallest p."""
    svn, nets = context.svn, context.networks.by_correction
    cand = svn.candidates
    key = ea.astype(np.int64) * svn.n_investors + eb
    lo = np.searchsorted(context.pair_key, key, side="left")
    hi = np.searchsorted(context.pair_key, key, side="right")
    best_p = np.full(key.size, np.inf)
    best_t = np.full(key.size, -1, dtype=np.int64)
    for offset in range(len(LINK_TYPES)):  # at most one candidate per link type and pair
        idx = lo + offset
        ok = idx < hi
        idx = np.where(ok, idx, 0)
        validated = np.zeros(key.size, dtype=bool)
        for corr in NETWORK_CORRECTIONS:
            validated |= _member(nets[corr].links, idx)
        t = cand.link_type[idx].astype(np.int64) if cand.link_type.size else np.zeros(key.size, np.int64)
        lp = cand.log10_p[idx] if cand.log10_p.size else np.zeros(key.size)
        better = ok & validated & np.isin(t, DIAGONAL_CODES) & (lp < best_p)
        best_p = np.where(better, lp, best_p)
        best_t = np.where(better, t, best_t)
    names = np.array(list(LINK_TYPES) + [""], dtype=object)
    return names[np.where(best_t >= 0, best_t, len(LINK_TYPES))]


def _induced_pairs(net, eligible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every validated (diagonal) pair among the given eligible indices, so cliques show."""
    eligible = eligible[eligible >= 0]
    member = np.zeros(int(eligible.max()) + 1 if eligible.size else 0, dtype=bool)
    member[eligible] = True
    left, right = [], []
    for i in eligible:
        nbrs = net.of(int(i))
        nbrs = nbrs[(nbrs > i) & (nbrs < member.size)]
        nbrs = nbrs[member[nbrs]]
        left.append(np.full(nbrs.size, i, dtype=np.int64))
        right.append(nbrs)
    if not left:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(left), np.concatenate(right)


def network_data(context: NetworkContext, exploration: Exploration) -> NetworkData:
    """Nodes and edges of ``exploration`` in both networks, ready to draw (vectorised edges)."""
    svn = context.svn
    bits: dict[str, int] = {}
    for corr in NETWORK_CORRECTIONS:
        for n in exploration.nodes.get(corr, ()):
            bits[n] = bits.get(n, 0) | NETWORK_BITS[corr]
    ids = sorted(bits)
    n_nodes = len(ids)
    pos = {n: k for k, n in enumerate(ids)}
    eligible = np.array([svn.index_of(n) for n in ids], dtype=np.int64)
    node_of = np.full(svn.n_investors, -1, dtype=np.int64)
    node_of[eligible[eligible >= 0]] = np.flatnonzero(eligible >= 0)
    node_bits = np.array([bits[n] for n in ids], dtype=np.uint8)
    keys, key_bits = [], []
    for corr in NETWORK_CORRECTIONS:
        bit = NETWORK_BITS[corr]
        listed = [(pos[a], pos[b]) for a, b in exploration.edges.get(corr, ()) if a in pos and b in pos]
        pa = np.array([min(p) for p in listed], dtype=np.int64)
        pb = np.array([max(p) for p in listed], dtype=np.int64)
        ia, ib = _induced_pairs(context.networks.by_correction[corr], eligible[(node_bits & bit) > 0])
        na, nb = node_of[ia], node_of[ib]
        keys.append(np.concatenate((pa * n_nodes + pb, np.minimum(na, nb) * n_nodes + np.maximum(na, nb))))
        key_bits.append(np.full(keys[-1].size, bit, dtype=np.uint8))
    all_keys = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    uniq, inverse = np.unique(all_keys, return_inverse=True)
    edge_networks = np.zeros(uniq.size, dtype=np.uint8)
    np.bitwise_or.at(edge_networks, inverse, np.concatenate(key_bits) if key_bits else np.zeros(0, np.uint8))
    edge_a, edge_b = uniq // max(n_nodes, 1), uniq % max(n_nodes, 1)
    seeds = set(exploration.seeds)
    listed_pairs = sorted({(min(a, b), max(a, b)) for c in NETWORK_CORRECTIONS for a, b in exploration.edges.get(c, ())})
    parents = _parents(ids, seeds, exploration.expanded, listed_pairs)
    safe = np.maximum(eligible, 0)
    ea, eb = eligible[edge_a], eligible[edge_b]
    role = np.array([ROLE_SEED if n in seeds else ROLE_EXPANDED if n in exploration.expanded
                     else ROLE_NEIGHBOUR for n in ids], dtype=np.int8)
    return NetworkData(
        node_ids=np.array(ids, dtype=object), node_role=role,
        node_parent=np.array([parents.get(n, "") for n in ids], dtype=object),
        node_networks=node_bits,
        node_direction=np.where(eligible >= 0, svn.directionality[safe], np.nan),
        node_cluster=np.where(eligible >= 0, svn.membership[safe], 0).astype(np.int32),
        node_suspect=np.array([n in context.suspect_ids for n in ids], dtype=bool),
        edge_a=edge_a.astype(np.int32), edge_b=edge_b.astype(np.int32), edge_networks=edge_networks,
        edge_type=_strongest_types(context, np.minimum(ea, eb), np.maximum(ea, eb)),
        thresholds={c: float(n.threshold) for c, n in context.networks.by_correction.items()},
        messages=tuple(exploration.notes))
