"""Investor profile and timeline on a real analysis of the demo market.

Oracles: the profile of a planted insider against the raw case tables and the planted
truth (not through the profile's own grouping); the timeline's brushed network against a
brute-force count, from the SVN state records, of the drawn links with a co-occurrence day
inside the period.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from engine.params import AnalysisParams
from engine.svn.counts import DIAGONAL_CODES, LINK_STATES
from engine.svn.neighbourhood import NETWORK_CORRECTIONS, expand
from tests.ui.view_probe import placed_for_range, shown
from tests.ui.view_samples import with_correction
from engine.viewdata.inputs import ViewInputs
from engine.viewdata.registry import view_data
from views.network_view import NetworkView
from views.profile_view import ProfileView
from views.selection_types import Selection
from views.timeline_print import FIXED_LANES
from views.timeline_view import TimelineView

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def insider(demo_truth) -> str:
    """A planted ring insider who also trades the informed options."""
    ringed = {i for ring in demo_truth["rings"] for i in ring}
    return min(ringed & set(demo_truth["options_informed_accounts"]))


def _select(view, investor: str) -> None:
    view.apply_selection(Selection(ids=frozenset({investor}), focus=investor, source="test"))


def test_profile_of_a_planted_insider_matches_the_case_data(qtbot, demo_result, demo_tables, demo_truth, insider):
    view = shown(qtbot, ProfileView(), (1200, 700), view_data("profile", ViewInputs(demo_result, demo_tables)))
    _select(view, insider)
    p = view.profile
    assert p is not None and p.investor_id == insider and view.highlighted_ids() == {insider}
    inv = demo_tables.investors
    assert p.investor_type == inv.loc[inv["investor_id"] == insider, "investor_type"].item()
    # trades: the raw rows of the target stock, summed per day
    stock = demo_truth["target_stock"]
    t = demo_tables.trades
    raw = t[(t["investor_id"] == insider) & (t["stock"] == stock)].groupby("date")[["buy_shares", "sell_shares"]].sum()
    raw = raw[(raw["buy_shares"] + raw["sell_shares"]) > 0]
    assert list(p.trade_dates) == list(raw.index.to_numpy().astype("datetime64[D]"))
    np.testing.assert_array_equal(p.buy_shares, raw["buy_shares"].to_numpy())
    np.testing.assert_array_equal(p.position, np.cumsum(raw["buy_shares"] - raw["sell_shares"]))
    # planted: bought into the reference period, a soft insider, in one of the planted rings
    ref = np.datetime64(demo_truth["reference_start"])
    event = np.datetime64(demo_truth["event_date"])
    inside = (p.trade_dates >= ref) & (p.trade_dates < event)
    assert p.buy_shares[inside].sum() > p.sell_shares[inside].sum()
    assert insider in demo_truth["soft_insiders"] and p.discontinuity == "soft"
    km = demo_result.kmeans
    np.testing.assert_array_equal(p.clusters, km.labels[:, list(km.investor_ids).index(insider)])
    assert p.clusters[-1] == km.rewarding_cluster
    planted = next(set(r) for r in demo_truth["rings"] if insider in r)
    assert p.ring is not None and p.ring.suspicious and len(planted & set(p.ring.members)) >= len(planted) - 1
    # links: every validated link of the investor, strongest first, others in the planted ring
    svn = demo_result.svn
    node = svn.index_of(insider)
    links = svn.links()
    assert p.n_links == int(((links.a == node) | (links.b == node)).sum()) > 0
    assert [lk.log10_p for lk in p.links] == sorted(lk.log10_p for lk in p.links)
    assert {p.links[0].other} <= planted
    assert all(len(lk.dates) == lk.cooccurrences for lk in p.links)
    # options trades and alerts: the raw options rows; the informed days are alert days
    o = demo_tables.options
    mine = o[(o["investor_id"] == insider) & (o["stock"] == stock)]
    assert p.options["volume"].sum() == mine["volume"].sum() > 0
    assert {d.isoformat() for d, *_ in p.alerts} & set(demo_truth["informed_option_days"])
    f = demo_tables.filings
    assert len(p.filings) == int(((f["investor_id"] == insider) & (f["stock"] == stock)).sum())
    # what the investigator reads
    text = view.text.toPlainText()
    assert p.links[0].other in text and "Ring" in text and insider in view.header.text()
    assert view.blotter.model().rowCount() == int((p.trade_dates >= ref - np.timedelta64(60, "D")).sum())


def test_profile_link_click_asks_for_that_investor(qtbot, demo_result, demo_tables, insider):
    from PySide6.QtCore import QUrl
    view = shown(qtbot, ProfileView(), (900, 600), view_data("profile", ViewInputs(demo_result, demo_tables)))
    _select(view, insider)
    other = view.profile.links[0].other
    with qtbot.waitSignal(view.selection_requested) as got:
        view.text.anchorClicked.emit(QUrl(f"investor:{other}"))
    assert got.args[0].ids == {other} and got.args[0].focus == other


def test_hidden_profile_draws_when_shown(qtbot, demo_result, demo_tables, insider):
    view = ProfileView()
    qtbot.addWidget(view)
    view.set_data(view_data("profile", ViewInputs(demo_result, demo_tables)))
    _select(view, insider)
    assert view.highlighted_ids() == {insider} and view.profile is None   # hidden: nothing drawn yet
    view.show()
    qtbot.waitExposed(view)
    assert view.profile is not None and view.profile.investor_id == insider



def test_profile_text_keeps_its_width_whatever_its_length(qtbot, demo_result, demo_tables, insider):
    """A scroll bar that came with a long text and went with a short one resized the text's
    page and laid the text out again, twice per selection."""
    view = shown(qtbot, ProfileView(), (1200, 700), view_data("profile", ViewInputs(demo_result, demo_tables)))
    _select(view, insider)                                   # links, ring, options, alerts: a long text
    width = view.text.viewport().width()
    loner = next(i for i in demo_result.kmeans.investor_ids if demo_result.svn.index_of(str(i)) < 0)
    _select(view, str(loner))                                # not in the network: a short text
    assert view.profile.investor_id == str(loner) and view.text.viewport().width() == width

def test_profile_ranges_hold_every_investors_trades_without_autoranging(qtbot, demo_result, demo_tables, insider):
    """The price plot's range is set once per result (the close's, which holds every trade
    drawn on it) and the position's per investor, so a selection re-ranges nothing else."""
    view = shown(qtbot, ProfileView(), (1200, 700), view_data("profile", ViewInputs(demo_result, demo_tables)))
    close = view._data.price_close
    others = [s.investor_id for s in demo_result.kmeans.suspects[:3] if s.investor_id != insider]
    for investor in [insider, *others]:
        _select(view, investor)
        (_, _), (ylo, yhi) = view.price.viewRange()
        assert ylo <= close.min() and yhi >= close.max()
        for item in (view.buys, view.sells):
            _, y = item.getData()
            assert ((y >= ylo) & (y <= yhi)).all()
        (plo, phi) = view.position.viewRange()[1]
        lo, hi = view._span
        x = view.position_curve.xData
        held = view.profile.position[(x >= lo) & (x <= hi)]
        assert plo <= min(0.0, held.min(initial=0.0)) and phi >= max(0.0, held.max(initial=0.0))
    assert not any(view.price.getViewBox().autoRangeEnabled())
    from PySide6.QtWidgets import QGraphicsItem      # what a selection leaves alone keeps its pixels
    static = [view.close_curve.curve, *(item for items in view._guides.values() for item in items)]
    assert all(item.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache for item in static)

def _cooccur_in(svn, a: int, b: int, code: int, lo: np.datetime64, hi: np.datetime64) -> bool:
    """Brute force from the state records: a day in [lo, hi] with both in the type's state."""
    st = svn.states
    state = LINK_STATES[code][0]
    days_a = {int(d) for i, d, s in zip(st.inv, st.day, st.state) if i == a and s == state}
    days_b = {int(d) for i, d, s in zip(st.inv, st.day, st.state) if i == b and s == state}
    return any(lo <= svn.period_dates[d] <= hi for d in days_a & days_b)


def _validated_diagonal(svn, networks, a: int, b: int) -> list[int]:
    cand = svn.candidates
    kept = set()
    for corr in NETWORK_CORRECTIONS:
        kept |= set(networks.by_correction[corr].links.tolist())
    return [int(cand.link_type[k]) for k in kept
            if cand.a[k] == a and cand.b[k] == b and int(cand.link_type[k]) in DIAGONAL_CODES]


def test_brushing_a_period_shows_links_with_a_cooccurrence_in_it(qtbot, demo_result, demo_tables, demo_truth):
    from engine.viewdata.prepare import for_network
    prepared = for_network(demo_result)
    exploration = prepared.exploration
    for ring in demo_truth["rings"][:2]:
        exploration = expand(exploration, ring[0], prepared.context.networks)
    network = shown(qtbot, NetworkView(), (700, 600), with_correction(prepared, "threshold"))  # both networks
    network.apply_exploration(exploration)
    timeline = shown(qtbot, TimelineView(), (900, 400), view_data("timeline", ViewInputs(demo_result, demo_tables)))
    timeline.period_requested.connect(network.apply_period)
    everything = network.drawn_pairs()
    assert len(everything) > 10
    first, last = dt.date(2019, 5, 1), dt.date(2019, 5, 31)
    timeline.set_period(first, last)
    assert timeline.brushed_period() == (first, last)
    svn = demo_result.svn
    lo, hi = np.datetime64(first), np.datetime64(last)
    expected = set()
    for x, y in everything:
        a, b = sorted((svn.index_of(x), svn.index_of(y)))
        if any(_cooccur_in(svn, a, b, code, lo, hi) for code in _validated_diagonal(svn, prepared.context.networks, a, b)):
            expected.add((x, y))
    shown_now = network.drawn_pairs()
    assert shown_now == expected and 0 < len(expected) < len(everything)
    # validation stays over the whole period: the same links, only fewer drawn; unbrushing restores
    assert network._data.edge_a.size >= len(everything)
    timeline.brush_box.setChecked(False)
    assert network.drawn_pairs() == everything


def test_timeline_lanes_follow_the_selection(qtbot, demo_result, demo_tables, insider):
    view = shown(qtbot, TimelineView(), (900, 400), view_data("timeline", ViewInputs(demo_result, demo_tables)))
    ring = next(r for r in demo_result.svn.rings if insider in set(r.member_ids))
    members = frozenset(str(m) for m in ring.member_ids)
    view.apply_selection(Selection(ids=members, focus=insider, source="test"))
    assert view._lane_ids[0] == insider and set(view._lane_ids) == members
    assert view.plot.viewRange()[1] == [-0.7, len(FIXED_LANES) + len(members) - 0.3]
    assert placed_for_range(view.plot.getPlotItem())    # the new lanes' range applied before any paint
    assert view.highlighted_ids() == members
    x, y = view.trades.getData()
    t = demo_tables.trades
    rows = t[t["investor_id"].isin(members) & (t["stock"] == demo_result.event.stock)]
    active = rows.groupby(["investor_id", "date"])[["buy_shares", "sell_shares"]].sum().sum(axis=1) > 0
    assert x.size == int(active.sum())
    got = []
    view.selection_requested.connect(got.append)
    view.trades.sigClicked.emit(view.trades, [view.trades.points()[0]], None)
    assert got and got[0].ids <= members


def test_profile_selection_places_items_for_the_new_ranges_before_painting(qtbot, demo_result, demo_tables, insider):
    """A selection changes the position plot's range; applied only when the next paint starts,
    every item learnt of its new place inside that paint and asked for a second one (twice the
    canvas per selection in the workbench). The end state the user sees is the same: ranges
    that hold the investor's position, the result's fixed price and path ranges."""
    view = shown(qtbot, ProfileView(), (700, 500), view_data("profile", ViewInputs(demo_result, demo_tables)))
    price_range, path_range = view.price.viewRange(), view.path.viewRange()
    others = [s.investor_id for s in demo_result.kmeans.suspects[:3] if s.investor_id != insider]
    for investor in [insider, *others]:
        _select(view, investor)
        assert all(placed_for_range(plot) for plot in (view.price, view.position, view.path))
        (plo, phi) = view.position.viewRange()[1]
        x, (lo, hi) = view.position_curve.xData, view._span
        held = view.profile.position[(x >= lo) & (x <= hi)]
        assert plo <= min(0.0, held.min(initial=0.0)) and phi >= max(0.0, held.max(initial=0.0))
        assert view.price.viewRange() == price_range and view.path.viewRange() == path_range
        qtbot.wait(1)
