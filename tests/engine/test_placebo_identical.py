"""Each placebo date is analysed exactly as METHOD §1 analyses an event (METHOD §5 "identical").

Oracles: the §1 stage itself (``suspects_at_k``) run on an ``Event`` placed at the date (the
same W windows, reference length, direction, K and seed, valued at the close), the validated
network's R_C over the event's reference period, the buy market mirrored into a sell event,
and a hand-made set of pseudo-event days for the per-investor own-score rule.
"""
from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from engine.kmeans.stage import suspects_at_k
from engine.market.panel import TargetPanel
from engine.params import AnalysisParams
from engine.placebo.pseudo import DayStats, analyse_day, day_seed, excess_share
from engine.placebo.stage import placebo_context, summarise
from engine.tables import Event
from tests.engine.kmeans_markets import mirrored

K = 6


def _context(tables, params: AnalysisParams, rings=()):
    """The shared placebo inputs at K (set as ``kmeans.k``, which the comparison run then uses)."""
    params = params.replace("kmeans", k=K)
    event = tables.event(None)
    panel = TargetPanel.build(tables, event.stock)
    base = SimpleNamespace(svn=SimpleNamespace(rings=list(rings)))
    ctx, event_day = placebo_context(tables, event, params, base, panel)
    return event, panel, ctx, event_day


def _as_event(event: Event, panel: TargetPanel, day: int, ref_length: int) -> Event:
    """The date as §1 sees an event: same direction and reference length, no offer price."""
    return dataclasses.replace(event, event_date=panel.dates[day].item(),
                               reference_start=panel.dates[day - ref_length].item(), offer_price=None)


@pytest.mark.parametrize("direction", ["buy", "sell"])
@pytest.mark.parametrize("lead", [0, 80])   # the event's comparison run, and an ordinary day 80 days earlier
def test_a_placebo_date_is_the_section1_analysis_at_that_date(demo_tables, direction, lead):
    tables = demo_tables if direction == "buy" else mirrored(demo_tables)
    params = AnalysisParams()
    event, panel, ctx, event_day = _context(tables, params)
    day = event_day - lead
    got = analyse_day(ctx, day)
    km = dataclasses.replace(params.kmeans, n_windows=params.placebo.windows,
                             seed=day_seed(params.kmeans.seed, str(panel.dates[day])))
    want = suspects_at_k(tables, _as_event(event, panel, day, ctx.ref_length), km, panel, K)
    clusters = want.fit.clusters
    rew = clusters.rewarding_cluster
    members = np.flatnonzero(want.fit.chain.labels[-1] == rew)
    assert got.member_rows.tolist() == members.tolist()
    assert set(got.member_rows[got.member_suspect].tolist()) == set(np.flatnonzero(want.fit.suspects).tolist())
    assert got.n_suspects == len(want.suspects)
    assert got.member_hard.tolist() == want.hard[members].tolist()
    assert got.excess_share == pytest.approx(excess_share(clusters.sizes, clusters.discontinuous, rew))
    assert got.rewarding_profit == pytest.approx(float(np.nansum(want.profit[members])))
    scores = {s.investor_id: s.score for s in want.suspects}
    ids = panel.investor_ids[got.member_rows[got.member_suspect]]
    assert got.member_scores[got.member_suspect] == pytest.approx([scores[str(i)] for i in ids])


def test_the_mirrored_sell_market_gives_the_buy_market_statistics(demo_tables):
    params = AnalysisParams()
    buy = _context(demo_tables, params)
    sell = _context(mirrored(demo_tables), params)
    for lead in (0, 80, 95):
        b, s = analyse_day(buy[2], buy[3] - lead), analyse_day(sell[2], sell[3] - lead)
        assert (b.excess_share, b.n_suspects) == (s.excess_share, s.n_suspects)
        assert b.member_rows.tolist() == s.member_rows.tolist()
        assert b.member_scores.tolist() == s.member_scores.tolist()


def test_the_ring_value_at_the_event_is_the_networks_directed_r_c(demo_tables):
    from engine.pipeline import analyze
    params = AnalysisParams()
    base = analyze(demo_tables, demo_tables.event(None), params)
    rings = [r for r in base.svn.rings if r.mean_directionality is not None]
    event, panel, ctx, event_day = _context(demo_tables, params, rings)
    got = analyse_day(ctx, event_day).ring_values
    assert got == pytest.approx([event.sign * r.mean_directionality for r in rings])


def _day(rows, scores, suspect) -> DayStats:
    return DayStats(date="2020-01-01", excess_share=0.0, n_suspects=int(sum(suspect)), rewarding_profit=0.0,
                    member_rows=np.array(rows, np.int64), member_scores=np.array(scores, float),
                    member_suspect=np.array(suspect, bool), member_hard=np.zeros(len(rows), bool),
                    ring_values=np.zeros(0))


def test_own_score_counts_rewarding_membership_discontinuous_or_not_and_zero_elsewhere():
    ctx = SimpleNamespace(panel=SimpleNamespace(investor_ids=np.array(["a", "b", "c"], dtype=object)))
    base = SimpleNamespace(svn=SimpleNamespace(rings=[]))
    observed = _day([0, 2], [0.9, 0.5], [False, True])
    days = [_day([0, 1], [0.95, 0.4], [False, True]),   # a continuous member: still counts (0.95 >= 0.9)
            _day([1, 2], [0.3, 0.6], [True, True]),     # a absent: 0
            _day([0], [0.7], [True]),                   # a a suspect there: 0.7 < 0.9
            _day([2], [0.2], [False])]
    out = {t.investor_id: t for t in summarise(ctx, base, observed, days)["investors"]}
    assert out["a"].test.null.tolist() == [0.95, 0.0, 0.7, 0.0]
    assert out["a"].test.p_value == pytest.approx((1 + 1) / (1 + 4))
    assert out["c"].test.null.tolist() == [0.0, 0.6, 0.0, 0.2]
    assert out["c"].test.p_value == pytest.approx((1 + 1) / (1 + 4))
    # population p: against every pseudo-event suspect's score (0.4, 0.3, 0.6, 0.7)
    assert out["a"].population_p == pytest.approx(1 / 5) and out["c"].population_p == pytest.approx(3 / 5)
    assert "b" not in out
