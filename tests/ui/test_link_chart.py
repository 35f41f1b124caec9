"""Link-chart controls of the network view on the demo analysis: layouts, labels, find, legend,
edge width by −log p, collapse and expand of a ring, annotations.

Oracles: geometry (equal radii on a circle, rings apart), the position map before and after,
the validated links of the pairs (brute force over the candidates) for the widths and the
collapsed edges.
"""
from __future__ import annotations

import numpy as np
import pytest

from engine.svn.neighbourhood import expand
from engine.viewdata.collapse import ring_node
from engine.viewdata.network import ROLE_NEIGHBOUR
from tests.ui.view_probe import shown
from tests.ui.view_samples import with_correction
from views.network_view import NetworkView
from views.selection_types import Selection

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def explored(demo_result):
    from engine.viewdata.prepare import for_network
    prepared = for_network(demo_result)
    exploration = prepared.exploration
    for s in sorted(demo_result.kmeans.suspects, key=lambda s: s.rank)[:12]:
        if demo_result.svn.index_of(s.investor_id) >= 0:
            exploration = expand(exploration, s.investor_id, prepared.context.networks)
    return prepared, exploration


@pytest.fixture
def view(qtbot, explored):
    prepared, exploration = explored
    v = shown(qtbot, NetworkView(), (900, 700), with_correction(prepared, "threshold"))   # both networks
    v.apply_exploration(exploration)
    return v


def _drawn(view) -> list[str]:
    return [str(i) for i in view._data.node_ids[view._visible]]


def _ring_with_outside_links(view) -> int:
    data = view._data
    cluster = data.node_cluster
    best, count = 0, 0
    for c in sorted({int(c) for c in cluster if c}):
        inside = cluster == c
        outside = int(np.sum(inside[data.edge_a] != inside[data.edge_b]))
        if inside.sum() >= 3 and outside > count:
            best, count = c, outside
    assert best, "the explored demo network has a ring linked to outside investors"
    return best


def test_circular_and_grouped_layouts_keep_pinned_nodes(view):
    ids = _drawn(view)
    pinned = ids[0]
    view.apply_selection(Selection(frozenset({pinned}), pinned, "test"))
    view.toggle_pin_selected()
    before = view.positions()[pinned]
    view.apply_layout("Circular")
    pos = view.positions()
    radii = np.array([np.hypot(*pos[i]) for i in ids if i != pinned])
    assert np.allclose(radii, radii[0]) and pos[pinned] == before
    view.apply_layout("Grouped by ring")
    pos = view.positions()
    data = view._data
    rings = {}
    for i, c in zip(data.node_ids, data.node_cluster):
        if c and str(i) != pinned and str(i) in ids:
            rings.setdefault(int(c), []).append(np.array(pos[str(i)]))
    centres = {c: np.mean(v, axis=0) for c, v in rings.items()}
    for c, points in rings.items():     # every member nearer its own ring's centre than any other
        for p in points:
            own = np.linalg.norm(p - centres[c])
            assert all(own < np.linalg.norm(p - centres[o]) for o in centres if o != c)
    assert pos[pinned] == before


def _neighbours(view) -> set[str]:
    data = view._data
    return {str(i) for i, r in zip(data.node_ids, data.node_role) if r == ROLE_NEIGHBOUR}


def test_labels_all_and_selected(view, qtbot):
    view.vb.scaleBy((0.3, 0.3))                       # zoomed in: room for more labels, re-placed
    qtbot.wait(20)
    assert not set(view.labelled_ids()) & _neighbours(view)     # "seeds": the telling nodes only
    view.label_box.setCurrentIndex(1)
    everyone = set(view.labelled_ids())
    assert everyone & _neighbours(view) and everyone <= set(_drawn(view))
    pick = set(_drawn(view)[:3])
    view.apply_selection(Selection(frozenset(pick), min(pick), "test"))
    view.label_box.setCurrentIndex(2)
    qtbot.waitUntil(lambda: min(pick) in view.labelled_ids())
    assert set(view.labelled_ids()) <= pick


def test_find_selects_and_centres_an_investor(view, qtbot):
    target = _drawn(view)[-1]
    with qtbot.waitSignal(view.selection_requested) as got:
        view.find_box.setText(target)
        view.find_box.returnPressed.emit()
    assert got.args[0].ids == {target} and got.args[0].focus == target
    centre = view.vb.viewRect().center()
    assert np.allclose((centre.x(), centre.y()), view.positions()[target], atol=1e-6)
    assert not view.find_node("no-such-investor") and "not in this chart" in view.status.text()


def test_legend_and_widths_by_evidence(view, demo_result):
    view.legend_action.setChecked(True)
    assert view.legend.isVisible() and "bb" in view.legend.text()
    view.width_action.setChecked(True)
    widths = sorted({round(item.opts["pen"].widthF(), 3) for item in view._edge_items})
    assert widths[0] == 1.0 and widths[-1] == 6.0
    # the widest edges are the pairs with the smallest validated diagonal p-value
    data, svn = view._data, demo_result.svn
    cand = svn.candidates
    best = {}
    for k in view._edges:
        a, b = sorted((svn.index_of(str(data.node_ids[data.edge_a[k]])), svn.index_of(str(data.node_ids[data.edge_b[k]]))))
        ps = [cand.log10_p[j] for j in np.flatnonzero((cand.a == a) & (cand.b == b))
              if cand.link_type[j] <= 2 and cand.log10_p[j] <= np.log10(max(view._context.networks.by_correction["fdr"].threshold, 1e-300))]
        best[k] = -min(ps)
    strongest = max(best, key=best.get)
    np.testing.assert_allclose(view._strength[strongest], best[strongest])


def test_collapse_then_expand_restores_positions(view, qtbot):
    ring = _ring_with_outside_links(view)
    data = view._data
    members = sorted(str(i) for i, c in zip(data.node_ids, data.node_cluster) if c == ring)
    outside_pairs = {tuple(sorted((str(data.node_ids[a]), str(data.node_ids[b]))))
                     for a, b in zip(data.edge_a, data.edge_b)
                     if (data.node_cluster[a] == ring) != (data.node_cluster[b] == ring)}
    neighbours = {x for pair in outside_pairs for x in pair} - set(members)
    before = view.positions()
    view.apply_selection(Selection(frozenset({members[0]}), members[0], "test"))
    view.collapse_action.trigger()
    node = ring_node(ring)
    drawn = set(_drawn(view))
    assert view.collapsed_rings() == {ring} and node in drawn and not drawn & set(members)
    ids = view._data.node_ids
    linked = {str(ids[b]) if str(ids[a]) == node else str(ids[a])
              for a, b in zip(view._data.edge_a, view._data.edge_b) if node in (str(ids[a]), str(ids[b]))}
    assert linked == {n for n in neighbours if n in drawn}
    np.testing.assert_allclose(view.positions()[node], np.mean([before[m] for m in members], axis=0))
    with qtbot.waitSignal(view.selection_requested) as got:   # clicking the ring node asks for its members
        view._on_node_clicked(int(np.flatnonzero(ids == node)[0]), None)
    assert got.args[0].ids == set(members)
    view.apply_layout("Circular")          # members must still come back where they were
    view.expand_action.trigger()
    after = view.positions()
    assert view.collapsed_rings() == frozenset() and set(members) <= set(_drawn(view))
    assert all(after[m] == before[m] for m in members)
