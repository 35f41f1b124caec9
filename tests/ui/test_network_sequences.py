"""The network view through sequences an investigator makes (defects 1-4 of the tour):
select, then a new result (threshold, F5, correction); select a ring, then an investor;
labels, legend and fit on a big group.

Oracles: the ids drawn (``_visible``), the labels written, label boxes measured in pixels,
the view box against the nodes' positions, the raster's visible rows against the ring's rows.
"""
from __future__ import annotations

import dataclasses

import numpy as np
from PySide6.QtCore import QRectF

from tests.ui.view_probe import shown
from tests.ui.view_samples import sample_network, sample_raster, with_correction
from views.network_view import NetworkView
from views.raster_view import RasterView
from views.selection_types import Selection


def _drawn(view) -> set[str]:
    """Investors on screen: the graph and the focus preview."""
    return set(view.shown_ids())


def _fresh(prepared, correction: str = "bonferroni"):
    """The same network as a new result would bring it (empty exploration, no focus preview)."""
    from engine.svn.neighbourhood import Exploration
    from engine.viewdata.network import network_data
    redone = with_correction(prepared, correction)
    return dataclasses.replace(redone, exploration=Exploration(), data=network_data(redone.context, Exploration()))


def test_focus_stays_drawn_after_threshold_f5_and_correction_change(qtbot):
    prepared = sample_network("R00")
    view = shown(qtbot, NetworkView(), (700, 600), _fresh(prepared))
    view.apply_selection(Selection(ids=frozenset({"R03"}), focus="R03"))
    qtbot.waitUntil(lambda: "R03" in _drawn(view))               # previewed on the next turn
    for correction in ("threshold", "bonferroni", "fdr"):        # threshold move, F5, correction change
        view.set_data(_fresh(prepared, correction))
        view.apply_selection(view.selection)                     # what the window does after set_data
        assert "R03" in _drawn(view), correction
        assert "R03" in view.labelled_ids()
        x, y = view.positions()["R03"]
        assert view.vb.viewRect().contains(x, y)                 # and on screen


def test_ring_selection_replaces_the_exploration_then_focus_brings_it_back(qtbot):
    prepared = sample_network("R00")
    view = shown(qtbot, NetworkView(), (700, 600), prepared)
    explored = _drawn(view)
    # the sample's only ring is the explored neighbourhood, so the group selected here is made of
    # investors outside it (a ring row of the Rings table asks for its members the same way)
    outsiders = [str(i) for i in prepared.context.svn.investor_ids if str(i) not in explored]
    outsider, ring = outsiders[0], frozenset(outsiders[1:4])
    view.apply_selection(Selection(ids=frozenset({outsider}), focus=outsider))   # an old exploration + preview
    qtbot.waitUntil(lambda: outsider in _drawn(view))
    view.apply_selection(Selection(ids=ring, focus=None))                        # select the group
    qtbot.waitUntil(lambda: _drawn(view) == set(ring))
    rect = view.vb.viewRect()
    assert all(rect.contains(*view.positions()[m]) for m in ring)              # re-fitted to the ring
    view.apply_selection(Selection(ids=frozenset({"R00"}), focus="R00"))         # then an investor
    qtbot.waitUntil(lambda: explored <= _drawn(view))
    assert outsider not in _drawn(view)


def test_labels_never_overlap_and_name_seed_and_expanded(qtbot):
    prepared = sample_network("R00")
    view = shown(qtbot, NetworkView(), (700, 600), prepared)
    assert "R00" in view.labelled_ids()                                          # the seed keeps its label
    from engine.svn.neighbourhood import expand
    grown = expand(prepared.exploration, "R03", prepared.context.networks)
    view.apply_exploration(grown)
    assert {"R00", "R03"} <= set(view.labelled_ids())                           # seed and expanded node
    labels = list(view.labels.items.values())
    boxes = [QRectF(label.mapRectToScene(label.boundingRect())) for label in labels]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            inter = boxes[i].intersected(boxes[j])
            assert inter.width() * inter.height() < 4.0, (labels[i].toPlainText(), labels[j].toPlainText())
    legend = view.legend.text()
    assert "buys" in legend and "sells" in legend and "k-means suspect" in legend and "bb" in legend


def test_raster_zooms_to_a_selected_ring(qtbot):
    data = sample_raster()
    view = shown(qtbot, RasterView(), (600, 400), data)
    ring = [str(i) for i in data.row_ids[data.row_cluster == 2]]
    rows = np.flatnonzero(data.row_cluster == 2)
    view.apply_selection(Selection(ids=frozenset(ring), focus=None))
    y0, y1 = view.vb.viewRange()[1]
    assert y0 <= rows.min() and rows.max() + 1 <= y1
    assert (y1 - y0) <= 3 * rows.size                                           # the ring fills the view


def test_a_group_without_drawn_links_is_spread_and_explained(qtbot):
    """A typed threshold's ring can have no Bonferroni or FDR link among its members (a 46-member
    ring at p < 1e-4 on the demo): they were all drawn on one spot, one amber blob with one label."""
    prepared = sample_network("R00")
    view = shown(qtbot, NetworkView(), (700, 600), with_correction(prepared, "threshold"))
    group = frozenset(sorted(str(i) for i in prepared.context.svn.investor_ids if str(i).startswith("B"))[:6])
    view.apply_selection(Selection(ids=group, focus=None))
    qtbot.waitUntil(lambda: _drawn(view) == set(group))
    assert view._edges.size == 0
    xy = np.array([view.positions()[m] for m in sorted(group)])
    gaps = np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=2) + np.eye(len(group))
    assert gaps.min() > 0.3                                                       # no two on one spot
    assert view.message.isVisible() and "typed threshold" in view.message.text()
    assert set(view.labelled_ids()) == set(group)                                 # room for every label
