"""What a newcomer meets: a hint in the empty network, room for the cube and raster on a wide
screen, named ring rows and enough date ticks on the raster, a heatmap colour legend, day
ticks on a one-day scorecard and none on an empty one.

Oracles: widget geometry against the window's shares, the axis items' own tick strings, the
viridis colours of ``score_colour``.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from engine.svn.neighbourhood import Exploration
from engine.viewdata.network import network_context, network_data
from engine.viewdata.prepare import NetworkPrepared
from engine.viewdata.raster import NO_CLUSTER, build_raster, cluster_row_order
from engine.viewdata.triage import build_triage
from tests.ui.view_probe import shown
from tests.ui.view_samples import sample_panel, sample_svn, sample_triage
from views.network_view import NetworkView
from views.raster_view import RasterView
from views.selection_types import Selection
from views.triage_scorecard import Scorecard, score_colour
from views.triage_view import TriageView


def _shown_ticks(axis) -> list[str]:
    """The tick strings the axis draws now at its current size and range."""
    lo, hi = axis.linkedView().viewRange()[0 if axis.orientation in ("bottom", "top") else 1]
    size = axis.width() if axis.orientation in ("bottom", "top") else axis.height()
    out = []
    for spacing, values in axis.tickValues(lo, hi, size):
        out += axis.tickStrings(values, 1.0, spacing)
    return out


def test_empty_network_after_analysis_says_what_to_do_then_steps_aside(qtbot):
    context = network_context(sample_svn(), ["R03"], cap=500)
    empty = NetworkPrepared(context=context, data=network_data(context, Exploration()), exploration=Exploration())
    view = shown(qtbot, NetworkView(), (600, 500), empty)
    assert view._visible.size == 0
    assert view.hint.isVisible() and "select an investor" in view.hint.text()
    view.apply_selection(Selection(ids=frozenset({"R00"}), focus="R00"))   # a preview of R00's neighbours
    qtbot.waitUntil(lambda: "R00" in view.shown_ids())
    assert not view.hint.isVisible()
    assert "Bonferroni" in view.shown_label.text()
    view.clear()
    assert view.hint.isVisible() and view.hint.text() == "No analysis yet."
    assert view.shown_label.text().strip() == ""                        # no network named after a close


def test_wide_screen_gives_cube_and_raster_a_real_share(window, qtbot):
    window.resize(1920, 1040)
    qtbot.waitUntil(lambda: window.width() == 1920)
    window.actions["reset_layout"].trigger()
    qtbot.wait(20)
    cube, network, suspects = window.docks["cube"], window.docks["network"], window.docks["suspects"]
    assert cube.width() >= 0.3 * 1920 and network.width() >= 0.3 * 1920
    assert abs(cube.width() - network.width()) < 0.1 * 1920
    assert suspects.width() <= 0.32 * 1920
    # no tab bar left over from an earlier layout pass floats over the suspects table
    from PySide6.QtWidgets import QTabBar
    bars = [tuple(b.tabText(i) for i in range(b.count())) for b in window.findChildren(QTabBar)
            if b.parent() is window and b.isVisible()]
    assert len(bars) == len(set(bars)) and ("Feature cube", "Trading states") in bars


def test_maximising_keeps_the_default_shares_until_a_dock_edge_is_moved(window, qtbot):
    """A newcomer's window opens at 1600 px and is maximised to 1920: the extra width went
    to the suspects column (40 % of the screen) instead of the shares; once the investigator
    drags a dock edge, a resize keeps their layout."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from ui.dock_layout import DockSizer
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: window.width() == 1600)
    window.actions["reset_layout"].trigger()
    qtbot.wait(20)
    window.resize(1920, 1040)
    cube, network, suspects = window.docks["cube"], window.docks["network"], window.docks["suspects"]
    qtbot.waitUntil(lambda: window.width() == 1920 and suspects.width() <= 0.32 * 1920)
    assert abs(cube.width() - network.width()) < 0.1 * 1920
    window.resizeDocks([suspects, cube, network], [800, 540, 540], Qt.Orientation.Horizontal)   # moved edges:
    qtbot.waitUntil(lambda: suspects.width() >= 0.32 * 1920 + 50)
    edge = QPoint(suspects.geometry().right() + 2, suspects.geometry().center().y())   # a press on it, a release
    QTest.mousePress(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, edge)
    QTest.mouseRelease(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, edge)
    mine = suspects.width()
    window.resize(1800, 1040)
    qtbot.waitUntil(lambda: window.width() == 1800)
    assert not window.findChild(DockSizer)._refit.isActive()            # no refit asked: the layout is theirs
    assert suspects.width() >= mine - 130


def test_raster_names_small_suspicious_rings_and_prints_several_dates(qtbot):
    panel = sample_panel(n_inv=600)          # ring 1 = R00..R09: 10 of 600 rows
    ids = panel.investor_ids
    cluster = np.where(np.char.startswith(ids.astype(str), "R"), 1, NO_CLUSTER)
    order = cluster_row_order(ids, cluster, {1: 1})
    data = build_raster(panel, ids[order], cluster[order], 0.01,
                        panel.dates[-20].astype(dt.date), panel.dates[-1].astype(dt.date))
    view = shown(qtbot, RasterView(), (640, 420), data)
    qtbot.wait(10)
    rows = _shown_ticks(view._left)
    assert rows[0] == "ring 1" and "isolated" in rows
    assert len(_shown_ticks(view._bottom)) >= 4


def test_heatmap_has_a_colour_legend(qtbot):
    view = shown(qtbot, TriageView(), (900, 500), sample_triage())
    text = view.legend.text()
    low, high = score_colour(np.array([225.0, 775.0]))
    for r, g, b, _a in (low, high):
        assert f"#{r:02X}{g:02X}{b:02X}" in text
    assert "200" in text and "800" in text


@pytest.mark.parametrize("days", [1, 3])
def test_short_scorecard_ticks_are_days_and_empty_has_none(qtbot, days):
    card = shown(qtbot, Scorecard(), (700, 260))
    start = np.array(["2023-03-01"], dtype="datetime64[D]")
    data = build_triage(np.array(["A"], dtype=object), start, start + (days - 1), np.array([days]), np.array([700.0]),
                        np.full((1, 4), 0.5), np.array([1000.0]), np.array([1000.0]), 650.0)
    card.show_investor(data, "A")
    qtbot.wait(10)
    ticks = _shown_ticks(card.chart.getAxis("bottom"))
    assert len(ticks) >= 2 and not any(":" in t for t in ticks)   # days, not hours
    card.show_investor(data, None)
    qtbot.wait(10)
    assert _shown_ticks(card.chart.getAxis("bottom")) == []        # no "00.100" on an empty chart
