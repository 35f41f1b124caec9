"""Infomap clusters, ring ranking and over/under-expression on hand-made and seeded data."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from scipy.stats import hypergeom

from engine import serialize
from engine.svn.communities import diagonal_edges, rank_rings
from engine.svn.infomap_wrap import canonical_ids, infomap_clusters
from engine.params import SvnParams
from engine.svn.stage import SvnResult, run_svn, svn_section
from tests.engine.svn_market import small_market


def _cliques(sizes, offset=0):
    a, b, start = [], [], offset
    for size in sizes:
        for i in range(start, start + size):
            for j in range(i + 1, start + size):
                a.append(i)
                b.append(j)
        start += size
    return np.array(a), np.array(b)


def test_canonical_ids_by_size_then_smallest_member() -> None:
    nodes = np.array([9, 2, 5, 7, 1, 3, 8])
    raw = np.array([40, 40, 11, 11, 30, 30, 30])
    # sizes: 30 -> 3 members; 40 and 11 -> 2 each, smallest members 2 and 5
    assert canonical_ids(nodes, raw).tolist() == [2, 2, 3, 3, 1, 1, 1]


def test_infomap_isolated_nodes_and_repeatability() -> None:
    a, b = _cliques((5, 7, 4), offset=3)          # nodes 0-2 and 19-21 have no edge
    bridge_a, bridge_b = np.r_[a, 7], np.r_[b, 8]  # one link between the first two cliques
    first = infomap_clusters(22, bridge_a, bridge_b, seed=123)
    again = infomap_clusters(22, bridge_a, bridge_b, seed=123)
    assert np.array_equal(first, again)
    assert first[[0, 1, 2, 19, 20, 21]].tolist() == [0] * 6
    assert first[3:8].tolist() == [2] * 5 and first[8:15].tolist() == [1] * 7 and first[15:19].tolist() == [3] * 4
    assert infomap_clusters(4, np.empty(0, int), np.empty(0, int), seed=1).tolist() == [0, 0, 0, 0]


def test_diagonal_edges_in_or_out_of_candidate_order() -> None:
    """Each pair with a diagonal link once, sorted, whether the links come sorted or not."""
    rng = np.random.default_rng(4)
    a = rng.integers(0, 12, 400)
    b = a + 1 + rng.integers(0, 12, 400)
    t = rng.integers(0, 9, 400).astype(np.int8)
    order = np.lexsort((t, b, a))
    diag = t <= 2
    expect = sorted(set(zip(a[diag].tolist(), b[diag].tolist())))
    for sel in (order, np.arange(400)):
        ea, eb = diagonal_edges(a[sel], b[sel], t[sel], 24)
        assert list(zip(ea.tolist(), eb.tolist())) == expect and ea.dtype == eb.dtype == np.int64
    assert diagonal_edges(a[:0], b[:0], t[:0], 24)[0].size == 0


def test_rank_rings_by_hand() -> None:
    ids = np.array(["a", "b", "c", "d", "e", "f", "g"], dtype=object)
    membership = np.array([1, 1, 2, 2, 3, 3, 0], dtype=np.int32)
    r_sum = np.array([3.0, 1.0, 2.0, 2.0, 0.0, 0.0, 5.0])
    days = np.array([3, 1, 2, 2, 0, 0, 5])
    profit = np.array([10.0, 30.0, 5.0, 5.0, np.nan, 7.0, 0.0])
    types = np.array(["H", "IF", "H", "", "L", "L", "H"], dtype=object)
    links = (np.array([0, 2, 4, 0]), np.array([1, 3, 5, 2]), np.array([0, 0, 2, 3]))
    rings = rank_rings(membership, ids, r_sum, days, profit, types, links, sign=1, suspicious_at=0.9, alpha=0.01)
    # clusters 1 and 2 both have R_C = 1; tie broken by π_C (20 > 5); cluster 3 inactive -> last
    assert [r.cluster_id for r in rings] == [1, 2, 3] and [r.rank for r in rings] == [1, 2, 3]
    assert rings[0].mean_directionality == 1.0 and rings[0].mean_expected_profit == 20.0
    assert rings[2].mean_directionality is None and rings[2].mean_expected_profit == 7.0
    assert [r.suspicious for r in rings] == [True, True, False]
    assert rings[1].composition == {"H": 1, "": 1} and list(rings[0].member_ids) == ["a", "b"]
    assert [r.internal_links for r in rings] == [1, 1, 1]
    given = rank_rings(membership, ids, r_sum, days, profit, types, links, sign=1, suspicious_at=0.9,
                       alpha=0.01, edges=diagonal_edges(*links, 7))
    assert [(r.internal_links, r.expression) for r in given] == [(r.internal_links, r.expression) for r in rings]
    sell = rank_rings(membership, ids, -r_sum, days, profit, types, links, sign=-1, suspicious_at=0.9,
                      alpha=0.01)
    assert [r.cluster_id for r in sell] == [1, 2, 3] and sell[0].mean_directionality == -1.0
    assert sell[0].suspicious


def test_expression_p_values_match_scipy() -> None:
    n = 30
    ids = np.array([f"i{j:02d}" for j in range(n)], dtype=object)
    membership = np.repeat([1, 2, 3], 10).astype(np.int32)
    types = np.array(["H"] * 9 + ["L"] + ["IF"] * 5 + ["H"] * 5 + ["L"] * 10, dtype=object)
    a, b = _cliques((10, 10, 10))
    t = np.where(a < 10, 0, np.where(a < 20, 1, 2)).astype(np.int8)
    rings = rank_rings(membership, ids, np.zeros(n), np.ones(n), np.zeros(n), types, (a, b, t), 1, 0.9, 0.01)
    first = next(r for r in rings if r.cluster_id == 1)
    h = next(e for e in first.expression if e.attribute == "investor_type" and e.value == "H")
    assert (h.observed, h.cluster_total, h.network_with_value, h.network_total) == (9, 10, 14, 30)
    assert 10 ** h.log10_p_over == pytest.approx(hypergeom.sf(8, 30, 14, 10), rel=1e-9)
    assert 10 ** h.log10_p_under == pytest.approx(hypergeom.cdf(9, 30, 14, 10), rel=1e-9)
    bb = next(e for e in first.expression if e.attribute == "link_type" and e.value == "bb")
    assert (bb.observed, bb.cluster_total, bb.network_with_value, bb.network_total) == (45, 45, 45, 135)
    assert 10 ** bb.log10_p_over == pytest.approx(hypergeom.sf(44, 135, 45, 45), rel=1e-9)
    # Bonferroni over the (cluster, value) tests of each attribute: 3 clusters x 3 types, 3 x 3 links
    # (only values present in the network are tested)
    for ring in rings:
        for e in ring.expression:
            m = 9 if e.attribute == "investor_type" else 3 * 3
            assert e.log10_threshold == pytest.approx(np.log10(0.01 / m))
            assert e.over_expressed == (e.log10_p_over < e.log10_threshold)
            assert e.under_expressed == (e.log10_p_under < e.log10_threshold)
    assert bb.over_expressed                      # 45 of 45 links vs 1/3 in the network: p ~ 1e-36
    assert h.over_expressed                       # 9 of 10 vs 14 of 30: p = 7e-4 < 0.01 / 9
    il = next(e for e in first.expression if e.attribute == "investor_type" and e.value == "L")
    assert not il.over_expressed and not il.under_expressed   # 1 of 10 vs 11 of 30: neither


def test_a_ring_needs_two_members_active_in_the_reference_period() -> None:
    """d·R_C = 1 from a single active member is a 'ring' of one: not suspicious (METHOD §2)."""
    ids = np.array(["a", "b", "c", "d"], dtype=object)
    membership = np.array([1, 1, 2, 2], dtype=np.int32)
    r_sum = np.array([4.0, 0.0, 2.0, 3.0])
    days = np.array([4, 0, 2, 3])                 # b never active in the reference period
    links = (np.array([0, 2]), np.array([1, 3]), np.array([0, 0]))
    rings = rank_rings(membership, ids, r_sum, days, np.zeros(4), np.array([""] * 4, dtype=object), links,
                       sign=1, suspicious_at=0.9, alpha=0.01)
    by_id = {r.cluster_id: r for r in rings}
    assert by_id[1].mean_directionality == 1.0 and by_id[1].active_members == 1 and not by_id[1].suspicious
    assert by_id[2].active_members == 2 and by_id[2].suspicious


def test_sell_ring_ranks_first_and_result_round_trips() -> None:
    tables, rings = small_market(seed=9, ring_sizes=(6,), sell_ring=True)
    result = run_svn(tables, tables.event(None), SvnParams())
    top = result.rings[0]
    assert set(top.member_ids) == set(rings[0]) and top.suspicious
    kinds = dict(zip(tables.investors["investor_id"], tables.investors["investor_type"]))
    assert list(result.investor_types) == [kinds[i] for i in result.investor_ids]
    assert sum(top.composition.values()) == top.size
    assert top.mean_directionality == pytest.approx(-1.0)
    back = serialize.loads(SvnResult, serialize.dumps(result))
    assert svn_section(back) == svn_section(result)
    def same(x, y, name: str) -> None:
        if isinstance(x, np.ndarray):
            assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f") and x.dtype == y.dtype, name
        elif dataclasses.is_dataclass(x):
            for f in dataclasses.fields(x):
                same(getattr(x, f.name), getattr(y, f.name), f"{name}.{f.name}")
        elif isinstance(x, list):
            assert len(x) == len(y)
            for n, (u, v) in enumerate(zip(x, y)):
                same(u, v, f"{name}[{n}]")
        else:
            assert x == y, name

    same(result, back, "result")
    json.dumps(svn_section(result), allow_nan=False)
    again = run_svn(tables, tables.event(None), SvnParams())
    assert svn_section(again) == svn_section(result)


def test_no_valuation_price_gives_null_profit() -> None:
    tables, _ = small_market(seed=1, ring_sizes=(5,), offer_price=None)
    result = run_svn(tables, tables.event(None), SvnParams())
    assert np.isnan(result.expected_profit).all()
    assert all(r.mean_expected_profit is None for r in result.rings)
    assert svn_section(result)["clusters"][0]["mean_expected_profit"] is None
