"""Neighbourhood queries against networkx on the exported GraphML and brute-force checks."""
from __future__ import annotations

import itertools

import networkx as nx
import pytest

from engine.errors import UsageError
from engine.exports.network import write_graphml
from engine.svn.neighbourhood import Exploration, Networks, expand, seed_view, suspect_overlap
from engine.params import SvnParams
from engine.svn.stage import revalidate, run_svn
from tests.engine.svn_market import small_market


@pytest.fixture(scope="module")
def setup():
    tables, rings = small_market(seed=4, n_noise=45, ring_sizes=(6, 5), mixed_pairs=True)
    result = run_svn(tables, tables.event(None), SvnParams())
    return tables, rings, result, Networks.build(result)


@pytest.mark.parametrize("correction", ["bonferroni", "fdr"])
def test_neighbours_equal_graphml_neighbours(setup, tmp_path, correction) -> None:
    _t, rings, result, networks = setup
    res = revalidate(result, correction)
    path = tmp_path / "g.graphml"
    write_graphml(res, path)
    graph = nx.read_graphml(path)
    assert graph.number_of_nodes() > 0
    for node in graph.nodes():
        view = seed_view(networks, node, correction)
        assert set(view.neighbours) == set(graph.neighbors(node))
        assert graph.nodes[node]["cluster"] == int(res.membership[res.index_of(node)])
        clique = all(graph.has_edge(u, v) for u, v in itertools.combinations(view.neighbours, 2))
        assert view.is_clique == clique


def test_evidence_lists_every_validated_link_with_dates(setup) -> None:
    tables, rings, result, networks = setup
    seed = rings[0][0]
    view = seed_view(networks, seed, "bonferroni")
    assert set(rings[0]) - {seed} <= set(view.neighbours)
    links = result.links()
    ids = result.investor_ids
    expected = {(str(ids[a]), str(ids[b]), int(t)) for a, b, t in zip(links.a, links.b, links.link_type)
                if seed in (ids[a], ids[b]) and (ids[b] if ids[a] == seed else ids[a]) in view.neighbours}
    got = {(e.investor_a, e.investor_b, ["bb", "ss", "bsbs", "bs", "sb", "bbs", "bsb", "sbs", "bss"]
            .index(e.link_type)) for e in view.evidence}
    assert got == expected
    trades = tables.trades
    for e in view.evidence:
        assert len(e.dates) == e.cooccurrences and e.correction == "bonferroni"
        assert e.p_value < result.threshold
        if e.link_type == "bb":   # both bought on each of those days (ring members only buy)
            for who in (e.investor_a, e.investor_b):
                days = set(trades.loc[(trades["investor_id"] == who) & (trades["buy_shares"] > trades["sell_shares"]),
                                      "date"].dt.strftime("%Y-%m-%d"))
                assert set(e.dates) <= days


def test_directionality_histogram_and_seeded_draw(setup) -> None:
    _t, rings, result, networks = setup
    seed = rings[0][0]
    v1 = seed_view(networks, seed, "fdr", random_seed=3)
    v2 = seed_view(networks, seed, "fdr", random_seed=3)
    assert v1 == v2
    assert sum(v1.histogram) == sum(1 for r in v1.directionality.values() if r is not None)
    assert all(r is None or r == 1.0 for name, r in v1.directionality.items() if name in rings[0])
    assert v1.histogram[-1] >= len(rings[0]) - 1     # buy ring members sit in the top bin
    assert sum(v1.random_histogram) > 0 and not hasattr(v1, "ks_p_value")  # descriptive only


def test_cap_keeps_strongest_neighbours_with_a_message(setup) -> None:
    _t, rings, _result, networks = setup
    seed = rings[0][0]
    full = seed_view(networks, seed, "fdr")
    capped = seed_view(networks, seed, "fdr", cap=2)
    assert len(capped.neighbours) == 2 and "showing the 2" in capped.message
    assert set(capped.neighbours) <= set(full.neighbours) and full.message == ""
    best = {}
    for e in full.evidence:
        other = e.investor_b if e.investor_a == seed else e.investor_a
        if e.link_type in ("bb", "ss", "bsbs"):
            best[other] = min(best.get(other, 0.0), e.log10_p_value)
    ranked = sorted(best, key=lambda o: (best[o], o))
    assert set(capped.neighbours) == set(ranked[:2])


def test_expand_grows_by_neighbours_and_round_trips_json(setup) -> None:
    _t, rings, _result, networks = setup
    seed = rings[1][0]
    ex = expand(Exploration(), seed, networks)
    assert ex.seeds == (seed,) and ex.expanded == (seed,)
    for corr in ("bonferroni", "fdr"):
        nbrs = set(seed_view(networks, seed, corr).neighbours)
        assert set(ex.nodes[corr]) == nbrs | {seed}
        assert {tuple(e) for e in ex.edges[corr]} == {tuple(sorted((seed, n))) for n in nbrs}
    other = sorted(set(ex.nodes["bonferroni"]) - {seed})[0]
    ex2 = expand(ex, other, networks)
    assert ex2.seeds == (seed,) and ex2.expanded == (seed, other)
    assert set(ex2.nodes["fdr"]) == set(ex.nodes["fdr"]) | set(seed_view(networks, other, "fdr").neighbours) | {other}
    assert Exploration.from_json(ex2.to_json()) == ex2
    assert expand(ex2, other, networks) == ex2
    with pytest.raises(UsageError, match="not among"):
        expand(ex2, "NOBODY", networks)


def test_suspect_overlap(setup) -> None:
    _t, rings, result, _n = setup
    members = result.suspicious_members()
    assert set(rings[0]) <= members
    ov = suspect_overlap(result, [rings[0][0], rings[0][1], "N000"])
    assert ov.common == tuple(sorted(rings[0][:2]))
    cid = next(r.cluster_id for r in result.rings if rings[0][0] in r.member_ids)
    assert ov.by_cluster == ((cid, ov.common),)
    assert ov.jaccard == pytest.approx(2 / len(members | {rings[0][0], rings[0][1], "N000"}))
