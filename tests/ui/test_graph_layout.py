"""Incremental graph layout: old nodes stay put, new nodes near their parent, pinned never move."""
from __future__ import annotations

import numpy as np

from views.graph_layout import RING_STEP, empty_layout, extend_layout, relax_layout


def _star(seed: str, leaves: list[str]) -> dict[str, str]:
    return {leaf: seed for leaf in leaves}


def test_first_seed_at_origin_and_children_on_a_ring():
    lay = extend_layout(empty_layout(), ["z", "a", "b", "c"], _star("z", ["a", "b", "c"]))
    pos = lay.position_map()
    assert pos["z"] == (0.0, 0.0)
    for leaf in "abc":
        r = np.hypot(*pos[leaf])
        assert abs(r - RING_STEP) < 0.2 * RING_STEP
    assert list(lay.ids) == sorted(lay.ids)


def test_expansion_keeps_old_positions_and_places_new_near_parent():
    first = extend_layout(empty_layout(), ["z", "a", "b"], _star("z", ["a", "b"]))
    second = extend_layout(first, ["z", "a", "b", "c", "d"], {"c": "a", "d": "a"})
    before, after = first.position_map(), second.position_map()
    for node, p in before.items():
        assert after[node] == p
    for node in "cd":
        dist_a = np.hypot(after[node][0] - after["a"][0], after[node][1] - after["a"][1])
        assert dist_a < 1.5 * RING_STEP
        assert np.hypot(*after[node]) > np.hypot(*after["a"])  # spread outward


def test_deterministic_and_order_independent():
    parents = _star("s", [f"n{k:03d}" for k in range(40)])
    nodes = ["s", *parents]
    one = extend_layout(empty_layout(), nodes, parents, seed=5)
    two = extend_layout(empty_layout(), list(reversed(nodes)), dict(reversed(list(parents.items()))), seed=5)
    assert np.array_equal(one.xy, two.xy)
    other = extend_layout(empty_layout(), nodes, parents, seed=6)
    assert not np.array_equal(one.xy, other.xy)


def test_many_children_do_not_collide():
    parents = _star("s", [f"n{k:03d}" for k in range(300)])
    lay = extend_layout(empty_layout(), ["s", *parents], parents)
    d = np.sqrt(((lay.xy[:, None] - lay.xy[None]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    assert d.min() > 0.2 * RING_STEP


def test_chain_of_new_parents_and_parentless_nodes():
    lay = extend_layout(empty_layout(), ["a", "b", "c", "x", "y"],
                        {"b": "a", "c": "b", "x": "y", "y": "x"})
    pos = lay.position_map()
    assert set(pos) == {"a", "b", "c", "x", "y"}
    assert np.hypot(pos["c"][0] - pos["b"][0], pos["c"][1] - pos["b"][1]) < 1.5 * RING_STEP
    assert len({pos[n] for n in pos}) == 5


def test_relax_never_moves_pinned_and_is_deterministic():
    parents = _star("s", ["a", "b", "c", "d"])
    lay = extend_layout(empty_layout(), ["s", *parents], parents)
    edges = np.array([["s", k] for k in "abcd"] + [["a", "b"]], dtype=object)
    r1 = relax_layout(lay, edges, pinned={"s", "c"}, iterations=30)
    r2 = relax_layout(lay, edges, pinned={"s", "c"}, iterations=30)
    assert np.array_equal(r1.xy, r2.xy)
    p0, p1 = lay.position_map(), r1.position_map()
    assert p1["s"] == p0["s"] and p1["c"] == p0["c"]
    assert p1["a"] != p0["a"]


def test_layout_index_is_built_once_and_finds_every_id():
    """The network looks positions up several times per selection through the layout's index
    (it rebuilt an index of every id laid out so far on each lookup)."""
    layout = extend_layout(empty_layout(), np.array(["B", "A", "C"], dtype=object), {}, seed=3)
    assert layout.index is layout.index
    rows = layout.index.get_indexer(["C", "A", "B"])
    assert [str(layout.ids[r]) for r in rows] == ["C", "A", "B"]
