"""Every view's presentation data built from a real analysis of the demo market."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from engine import serialize

from engine.viewdata import prepare as viewdata
from engine.svn.neighbourhood import Exploration, expand
from engine.params import AnalysisParams
from engine.svn.counts import DIAGONAL_CODES, LINK_TYPES
from engine.viewdata.network import NETWORK_BITS, ROLE_NEIGHBOUR, ROLE_SEED, edge_text, network_data, preview
from engine.viewdata.raster import CODE_B, CODE_BS, CODE_NONE, CODE_S, NO_CLUSTER

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_result(demo_tables):
    from engine.pipeline import run_stages
    event = demo_tables.event_list()[0]
    return run_stages(demo_tables, event, AnalysisParams(), "test")


def test_raster_rows_are_eligible_investors_grouped_by_ring_rank(demo_result, demo_tables):
    svn = demo_result.svn
    rd = viewdata.for_raster(demo_result, demo_tables)
    assert sorted(rd.row_ids.tolist()) == sorted(svn.investor_ids.tolist())
    by_rank = [r.cluster_id for r in sorted(svn.rings, key=lambda r: r.rank)]
    seen = [c for c in rd.group_cluster.tolist()]
    assert seen == by_rank + ([NO_CLUSTER] if (svn.membership == NO_CLUSTER).any() else [])
    for ring in svn.rings:  # each ring's rows contiguous and exactly its members
        rows = np.flatnonzero(rd.row_cluster == ring.cluster_id)
        assert rows.size == ring.size and np.all(np.diff(rows) == 1)
        assert set(rd.row_ids[rows]) == set(ring.member_ids)
    # a sample of cells against the trades table itself
    trades = demo_tables.trades
    t = trades[trades.stock == demo_result.event.stock]
    rng = np.random.default_rng(0)
    theta = demo_result.params.svn.theta
    active = np.argwhere(rd.codes != CODE_NONE)
    for row, day in active[rng.choice(len(active), 40, replace=False)]:
        rows = t[(t.investor_id == rd.row_ids[row]) & (t.date == np.datetime64(rd.dates[day], "ns"))]
        vb, vs = rows.buy_shares.sum(), rows.sell_shares.sum()
        r = (vb - vs) / (vb + vs)
        assert rd.codes[row, day] == (CODE_B if r > theta else CODE_S if r < -theta else CODE_BS)
        assert rd.volumes_at(row, day) == (vb, vs)
    assert rd.dates[rd.event_day] >= np.datetime64(demo_result.event.event_date)


def test_cube_flags_kmeans_suspects(demo_result):
    km = demo_result.kmeans
    cd = viewdata.for_cube(demo_result)
    assert set(cd.ids[cd.suspect]) == {s.investor_id for s in km.suspects}
    assert cd.n_clusters == km.k and cd.rewarding_cluster == km.rewarding_cluster
    np.testing.assert_array_equal(cd.labels, km.labels)


@pytest.fixture(scope="module")
def graph(demo_result):
    """The result's validated network (diagonal links) as a networkx graph: the oracle."""
    svn = demo_result.svn
    links = svn.links()
    out = nx.Graph()
    diag = np.isin(links.link_type, DIAGONAL_CODES)
    out.add_edges_from(zip(svn.investor_ids[links.a[diag]], svn.investor_ids[links.b[diag]]))
    return out


def test_network_drawing_of_an_expansion_is_first_neighbours_by_networkx(demo_result, graph):
    svn = demo_result.svn
    focus = next(s.investor_id for s in demo_result.kmeans.suspects
                 if s.investor_id in graph and graph.degree(s.investor_id) >= 2)
    prep = viewdata.for_network(demo_result)
    data = network_data(prep.context, expand(Exploration(), focus, prep.context.networks))
    bit = NETWORK_BITS[svn.correction]
    shown = set(data.node_ids[(data.node_networks & bit) > 0])
    assert shown == {focus, *graph.neighbors(focus)}
    assert data.node_role[data.node_ids == focus][0] == ROLE_SEED
    assert set(data.node_role[data.node_ids != focus]) == {ROLE_NEIGHBOUR}
    assert set(data.node_parent[data.node_ids != focus]) == {focus}
    in_net = (data.edge_networks & bit) > 0
    drawn = {frozenset((data.node_ids[a], data.node_ids[b]))
             for a, b in zip(data.edge_a[in_net], data.edge_b[in_net])}
    assert drawn == {frozenset(e) for e in graph.subgraph(shown).edges}  # induced: cliques show
    cand = svn.candidates
    validated = set(np.concatenate([n.links for n in prep.context.networks.by_correction.values()]).tolist())
    for k in np.flatnonzero(in_net):  # strongest type against a per-candidate brute force
        a, b = sorted((svn.index_of(data.node_ids[data.edge_a[k]]), svn.index_of(data.node_ids[data.edge_b[k]])))
        best = min((cand.log10_p[i], LINK_TYPES[cand.link_type[i]]) for i in range(cand.a.size)
                   if cand.a[i] == a and cand.b[i] == b and i in validated and cand.link_type[i] in DIAGONAL_CODES)
        assert data.edge_type[k] == best[1]
        text = edge_text(prep.context, data.node_ids[data.edge_a[k]], data.node_ids[data.edge_b[k]])
        assert f"{best[1]}: " in text and svn.correction in text


def test_preview_is_the_focus_and_its_undrawn_neighbours_by_networkx(demo_result, graph):
    svn = demo_result.svn
    focus = max(graph.nodes, key=lambda n: (graph.degree(n), n))
    context = viewdata.for_network(demo_result).context
    bit = NETWORK_BITS[svn.correction]
    pv = preview(context, frozenset(), focus)
    assert pv is not None and pv.focus == focus and pv.node_ids[0] == focus
    assert set(pv.node_ids[(pv.node_networks & bit) > 0]) == {focus, *graph.neighbors(focus)}
    assert set(pv.edge_other[(pv.edge_networks & bit) > 0]) == set(graph.neighbors(focus))
    drawn = frozenset(list(graph.neighbors(focus))[:1])
    part = preview(context, drawn, focus)
    assert part is not None and not drawn & set(part.node_ids)      # drawn nodes are not repeated
    assert set(part.edge_other[(part.edge_networks & bit) > 0]) == set(graph.neighbors(focus))
    assert preview(context, frozenset({focus}), focus) is None       # already drawn: no preview
    assert preview(context, frozenset(), None) is None


def test_rings_options_triage(demo_result):
    rings = viewdata.for_rings(demo_result)
    assert rings.rank.tolist() == sorted(rings.rank.tolist())
    assert rings.size.tolist() == [m.size for m in rings.members]
    assert rings.suspicious.tolist() == [r.suspicious for r in sorted(demo_result.svn.rings, key=lambda r: r.rank)]
    opt = viewdata.for_options(demo_result)
    assert [str(opt.dates[k]) for k in opt.alert_day] == [a.date.isoformat() for a in demo_result.options.alerts]
    assert opt.alert_accounts == tuple(tuple(x.investor_id for x in a.top_accounts)
                                       for a in demo_result.options.alerts)
    tri = viewdata.for_triage(demo_result)
    assert int(tri.n_episodes.sum()) == demo_result.episodes.ep_score.size
    for obj in (rings, opt, tri, viewdata.for_cube(demo_result)):
        back = serialize.loads(type(obj), serialize.dumps(obj))
        assert type(back) is type(obj)
