"""Human-in-the-loop queries on the validated networks (METHOD §2, paper §3.3, §5.3).

``Networks.build(result)`` derives the Bonferroni and the FDR network from the kept
candidate tests (no tail is recomputed). Two investors are neighbours when their pair is
validated in at least one diagonal type (the clustered network, as in the GraphML export);
the evidence lists every validated link type of the pair with its co-occurrence dates and
p-value. ``Exploration`` is the investigator's path (seeds, expanded nodes, nodes and edges
per correction): a frozen, JSON-serialisable record kept in the case file.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

import numpy as np

from engine.svn.communities import diagonal_edges
from engine.errors import UsageError
from engine.svn.counts import DIAGONAL_CODES, LINK_STATES, LINK_TYPES
from engine.svn.stage import SvnResult
from engine.svn.validate import validate

NETWORK_CORRECTIONS: tuple[str, ...] = ("bonferroni", "fdr")
HIST_EDGES = np.linspace(-1.0, 1.0, 11)


@dataclass(frozen=True)
class Network:
    """One correction's validated links and its diagonal adjacency (CSR over eligible indices)."""

    correction: str
    threshold: float
    links: np.ndarray          # int64 candidate indices of the validated links (all nine types)
    indptr: np.ndarray         # int64 (N+1,)
    neighbours: np.ndarray     # int64: neighbours of each node, ascending

    def of(self, node: int) -> np.ndarray:
        """Eligible indices of the neighbours of ``node``."""
        return self.neighbours[self.indptr[node]:self.indptr[node + 1]]


@dataclass(frozen=True)
class Networks:
    """The Bonferroni and FDR networks of one analysis (rebuilt on demand, not serialised)."""

    result: SvnResult
    by_correction: dict[str, Network]

    @classmethod
    def build(cls, result: SvnResult) -> "Networks":
        """Validate the kept candidates under both corrections."""
        cand, n = result.candidates, result.n_investors
        nets = {}
        for corr in NETWORK_CORRECTIONS:
            check = validate(cand.log10_p, corr, result.alpha, result.n_tests)
            chosen = np.flatnonzero(check.mask)
            a, b = diagonal_edges(cand.a[chosen], cand.b[chosen], cand.link_type[chosen], n)
            src, dst = np.concatenate((a, b)), np.concatenate((b, a))
            order = np.lexsort((dst, src))
            indptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
            nets[corr] = Network(corr, check.threshold, chosen, indptr, dst[order])
        return cls(result, nets)

    def node(self, investor_id: str) -> int:
        """Eligible index of an investor; UsageError for investors outside the network's sample."""
        pos = self.result.index_of(investor_id)
        if pos < 0:
            raise UsageError(f"investor {investor_id!r} is not among the {self.result.n_investors} "
                             "investors eligible for the validated network (active on too few days)")
        return pos


@dataclass(frozen=True)
class LinkEvidence:
    """One validated link between the seed and a neighbour."""

    investor_a: str
    investor_b: str
    link_type: str
    cooccurrences: int
    dates: tuple[str, ...]     # ISO dates of the co-occurrence days
    p_value: float
    log10_p_value: float
    correction: str


@dataclass(frozen=True)
class SeedView:
    """What the investigator sees around a seed in one network."""

    seed: str
    correction: str
    threshold: float
    neighbours: tuple[str, ...]
    evidence: list[LinkEvidence]
    is_clique: bool                       # every two neighbours are linked too
    directionality: dict[str, float | None]  # neighbour -> R_i over the reference period
    histogram: tuple[int, ...]            # neighbours' R_i over HIST_EDGES
    random_histogram: tuple[int, ...]     # the same for a seeded random draw of other eligible
                                          # investors active in the reference period; shown
                                          # descriptively: neighbours are chosen for trading with
                                          # the seed, so a test p-value against random investors
                                          # would be invalid (METHOD §2)
    message: str = ""                     # set when the neighbourhood was capped


def cooccurrence_dates(result: SvnResult, a: int, b: int, link_type: int) -> tuple[str, ...]:
    """ISO dates on which node a was in state Q and node b in state R of ``link_type`` (a < b)."""
    st = result.states
    q_state, r_state = LINK_STATES[link_type]

    def days(node: int, state: int) -> np.ndarray:
        # records are grouped by investor; keys of the array's dtype (a Python list made numpy
        # cast all 160,000 records to int64 on every call: 0.2 ms of a link's 0.25)
        lo, hi = st.inv.searchsorted(np.array([node, node + 1], dtype=st.inv.dtype))
        return st.day[lo:hi][st.state[lo:hi] == state]

    common = np.intersect1d(days(a, q_state), days(b, r_state))
    return tuple(str(d) for d in result.period_dates[common])


def _evidence(result: SvnResult, net: Network, seed: int, others: np.ndarray) -> list[LinkEvidence]:
    """Every validated link (any of the nine types) between the seed and ``others``."""
    cand = result.candidates
    links = net.links
    lo, hi = np.minimum(seed, others), np.maximum(seed, others)
    pair_key = cand.a[links].astype(np.int64) * result.n_investors + cand.b[links]
    wanted = np.isin(pair_key, lo.astype(np.int64) * result.n_investors + hi)
    ids = result.investor_ids
    out = []
    for idx in links[wanted]:
        a, b, t = int(cand.a[idx]), int(cand.b[idx]), int(cand.link_type[idx])
        lp = float(cand.log10_p[idx])
        out.append(LinkEvidence(str(ids[a]), str(ids[b]), LINK_TYPES[t], int(cand.cooccurrences[idx]),
                                cooccurrence_dates(result, a, b, t), 10.0 ** lp, lp, net.correction))
    return out


def _is_clique(net: Network, nodes: np.ndarray) -> bool:
    """True when every two of ``nodes`` are neighbours (checked per node, no dense matrix)."""
    for node in nodes:
        if np.setdiff1d(nodes, np.r_[net.of(int(node)), node], assume_unique=True).size:
            return False
    return True


def _histogram(values: np.ndarray) -> tuple[int, ...]:
    """Counts of the finite values over HIST_EDGES (ten bins on [-1, 1])."""
    values = values[np.isfinite(values)]
    return tuple(int(c) for c in np.histogram(values, bins=HIST_EDGES)[0])


def _strongest(result: SvnResult, net: Network, seed: int, nbrs: np.ndarray, cap: int) -> np.ndarray:
    """The ``cap`` neighbours with the smallest diagonal p-value towards the seed."""
    cand = result.candidates
    links = net.links[np.isin(cand.link_type[net.links], DIAGONAL_CODES)]
    touches = (cand.a[links] == seed) | (cand.b[links] == seed)
    links = links[touches]
    other = np.where(cand.a[links] == seed, cand.b[links], cand.a[links]).astype(np.int64)
    best = np.full(result.n_investors, np.inf)
    np.minimum.at(best, other, cand.log10_p[links])
    order = np.lexsort((nbrs, best[nbrs]))
    return np.sort(nbrs[order[:cap]])


def seed_view(networks: Networks, investor_id: str, correction: str, cap: int = 500,
              random_seed: int = 0, n_random: int = 200) -> SeedView:
    """The seed's first neighbours in one network, with evidence, clique test and histograms."""
    result = networks.result
    net = networks.by_correction[correction]
    seed = networks.node(investor_id)
    nbrs = net.of(seed)
    message = ""
    if nbrs.size > cap:
        message = (f"{investor_id} has {nbrs.size} neighbours in the {correction} network; "
                   f"showing the {cap} with the smallest p-values")
        nbrs = _strongest(result, net, seed, nbrs, cap)
    ids = result.investor_ids
    r = result.directionality
    pool = np.setdiff1d(np.flatnonzero(np.isfinite(r)), np.r_[nbrs, seed])
    rng = np.random.default_rng(random_seed)
    draw = rng.choice(pool, size=min(max(n_random, 10 * nbrs.size), pool.size), replace=False) \
        if pool.size else pool
    return SeedView(
        seed=investor_id, correction=correction, threshold=net.threshold,
        neighbours=tuple(str(ids[j]) for j in nbrs), evidence=_evidence(result, net, seed, nbrs),
        is_clique=_is_clique(net, nbrs),
        directionality={str(ids[j]): (None if not np.isfinite(r[j]) else float(r[j])) for j in nbrs},
        histogram=_histogram(r[nbrs]), random_histogram=_histogram(r[draw]),
        message=message)


@dataclass(frozen=True)
class Exploration:
    """Seeds, expanded nodes, and the nodes and edges shown per correction (case work)."""

    seeds: tuple[str, ...] = ()
    expanded: tuple[str, ...] = ()
    nodes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    edges: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_json(self) -> str:
        """Canonical JSON (sorted keys) for the case file."""
        return json.dumps(dataclasses.asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "Exploration":
        """Rebuild from ``to_json`` output."""
        data = json.loads(text)
        return cls(seeds=tuple(data["seeds"]), expanded=tuple(data["expanded"]),
                   nodes={k: tuple(v) for k, v in data["nodes"].items()},
                   edges={k: tuple((a, b) for a, b in v) for k, v in data["edges"].items()},
                   notes=tuple(data.get("notes", ())))


def expand(exploration: Exploration, node: str, networks: Networks, cap: int = 500) -> Exploration:
    """Add ``node`` (a seed if new) and its first neighbours in both networks."""
    result = networks.result
    ids = result.investor_ids
    idx = networks.node(node)
    nodes = {c: set(exploration.nodes.get(c, ())) for c in NETWORK_CORRECTIONS}
    edges = {c: set(exploration.edges.get(c, ())) for c in NETWORK_CORRECTIONS}
    notes = list(exploration.notes)
    for corr, net in networks.by_correction.items():
        nbrs = net.of(idx)
        if nbrs.size > cap:
            notes.append(f"{node}: {nbrs.size} neighbours in the {corr} network, "
                         f"the {cap} with the smallest p-values added")
            nbrs = _strongest(result, net, idx, nbrs, cap)
        nodes[corr].add(node)
        for j in nbrs:
            other = str(ids[j])
            nodes[corr].add(other)
            edges[corr].add((min(node, other), max(node, other)))
    seeds = exploration.seeds if (node in exploration.seeds or any(
        node in v for v in exploration.nodes.values())) else exploration.seeds + (node,)
    expanded = exploration.expanded if node in exploration.expanded else exploration.expanded + (node,)
    return Exploration(seeds=seeds, expanded=expanded,
                       nodes={c: tuple(sorted(v)) for c, v in nodes.items()},
                       edges={c: tuple(sorted(v)) for c, v in edges.items()}, notes=tuple(notes))


@dataclass(frozen=True)
class SuspectOverlap:
    """k-means suspects that sit in suspicious SVN clusters (the strongest evidence)."""

    common: tuple[str, ...]
    by_cluster: tuple[tuple[int, tuple[str, ...]], ...]   # (suspicious cluster id, suspects in it)
    n_suspects: int
    n_ring_members: int
    jaccard: float


def suspect_overlap(result: SvnResult, suspect_ids) -> SuspectOverlap:
    """Overlap of a list of k-means suspects with the members of suspicious clusters."""
    suspects = {str(s) for s in suspect_ids}
    members = result.suspicious_members()
    by_cluster = []
    for ring in result.rings:
        if ring.suspicious:
            hit = tuple(sorted(suspects.intersection(str(i) for i in ring.member_ids)))
            if hit:
                by_cluster.append((ring.cluster_id, hit))
    union = suspects | members
    common = tuple(sorted(suspects & members))
    return SuspectOverlap(common, tuple(by_cluster), len(suspects), len(members),
                          len(common) / len(union) if union else 0.0)
