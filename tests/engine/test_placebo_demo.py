"""The placebo test and `screen` on the demo market with room for 40 pseudo-events (scale "long").

Planted truth (truth.json) is the oracle: insiders should look unusual against their own
ordinary days, habitual buyers (decoys) should not; the real event should rank above decoy
events added on other stocks. `screen` through a real distributed cluster on 127.0.0.1 must
give the same bytes as the local run, on the cluster's workers.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine.case.store import CaseStore
from engine.market.calendar import reference_period, trading_calendar
from engine.params import AnalysisParams
from engine.pipeline import analyze, cache_key, plain_params
from engine.placebo.cache import placebo_key
from engine.placebo.run import placebo_for
from engine.placebo.stage import placebo_section
from engine.tasks.runner import RunnerSpec

SEED = 7
N = 40


@pytest.fixture(scope="module")
def long_market(tmp_path_factory) -> Path:
    from engine.demo.generate import write_demo_market
    out = tmp_path_factory.mktemp("long_market")
    write_demo_market(out, seed=SEED, scale="long")
    return out


@pytest.fixture(scope="module")
def truth(long_market) -> dict:
    return json.loads((long_market / "truth.json").read_text(encoding="utf-8"))


def _import(paths: dict[str, Path], out: Path) -> Path:
    from engine.ingest.importer import import_case
    import_case(paths, out)
    return out


@pytest.fixture(scope="module")
def placebo_run(long_market, tmp_path_factory):
    """The event's analysis and its placebo test with 40 pseudo-events, cached in a case."""
    from engine.demo.generate import demo_paths
    case = _import(demo_paths(long_market), tmp_path_factory.mktemp("long_case") / "long.itcase")
    params = AnalysisParams().replace("placebo", n=N)
    with CaseStore.open(case) as store:
        tables = store.tables()
        base = analyze(tables, tables.event(None), params, store=store)
        result = placebo_for(tables, base, params, store, RunnerSpec(inline=True))
    return case, base, result


def test_the_placebo_uses_40_pseudo_events_of_12_windows(placebo_run):
    _, base, result = placebo_run
    assert result.available and result.n_used == N and result.windows == 12
    section = placebo_section(result)
    assert len(section["event"]["excess_discontinuous_share"]["null"]) == N


def test_the_comparison_run_measures_the_cluster_of_the_verdict(placebo_run):
    """The 12-window comparison run must be about the main analysis' rewarding cluster: with the
    main analysis' K (5, chosen on 27 windows) it merged the concentrated buyers with the diversified
    ones (255 members, Jaccard 0.41 with the main 105); METHOD §1's rule on the 12 windows picks 6."""
    _, base, result = placebo_run
    km = base.kmeans
    main = set(km.investor_ids[km.labels[-1] == km.rewarding_cluster].astype(str))
    compared = {t.investor_id for t in result.investors}
    assert len(main & compared) / len(main | compared) >= 0.9
    assert (km.k, result.k) == (5, 6)


def test_most_planted_insiders_are_unusual_against_their_own_ordinary_days(placebo_run, truth):
    _, _, result = placebo_run
    p = result.investor_p()
    planted = truth["hard_insiders"] + truth["soft_insiders"]
    assert sum(p.get(i, 1.0) <= 0.1 for i in planted) >= 0.8 * len(planted)
    hard = [t for t in result.investors if t.by_construction]
    assert hard and all(t.test.p_value == pytest.approx(1 / (N + 1)) for t in hard)


def test_the_event_has_more_expected_profit_than_any_ordinary_day(placebo_run):
    _, _, result = placebo_run
    assert result.event["rewarding_expected_profit"].p_value == pytest.approx(1 / (N + 1))


@pytest.mark.xfail(strict=True, reason="at a fixed K the 12-window clustering of an ordinary day either keeps "
                   "the concentrated buyers apart (29-49 suspects) or merges them with the diversified buyers "
                   "(96-122 suspects, 13 of 40 days here): without insiders the few one-off concentrated buyers "
                   "rarely hold a cluster of their own; at the event the planted insiders do, so its rewarding "
                   "cluster is the smaller one (86 suspects): p 0.34 (0.17-0.93 on 8 of 9 seeds; README placebo)")
def test_the_event_has_more_suspects_than_any_ordinary_day(placebo_run):
    _, _, result = placebo_run
    assert result.event["n_suspects"].p_value == pytest.approx(1 / (N + 1))


def test_the_event_excess_discontinuous_share_is_unusual(placebo_run):
    _, _, result = placebo_run
    assert result.event["excess_discontinuous_share"].p_value <= 0.05


@pytest.mark.xfail(strict=True, reason="METHOD §5 own-score rule: decoys sit in the rewarding cluster on 5-19 "
                   "of the 40 ordinary days, but at the PSE they hold a whole burst (score 0.90-1.0) and reach that "
                   "score on only 0-8 ordinary days (median 3; p > 0.1 needs 4): 4 of 12 here, 1-7 of 12 on seeds "
                   "1-9, both directions (README placebo)")
def test_most_decoys_are_not_unusual(placebo_run, truth):
    _, _, result = placebo_run
    p = result.investor_p()
    assert sum(p.get(i, 1.0) > 0.1 for i in truth["decoys"]) > len(truth["decoys"]) / 2


def _planted_rings(base, truth) -> list:
    """Validated-network clusters at least half made of planted ring members."""
    planted = set().union(*truth["rings"])
    return [r for r in base.svn.rings if len(set(map(str, r.member_ids)) & planted) >= len(r.member_ids) / 2]


def test_planted_rings_have_smaller_p_than_every_cluster_without_insiders(placebo_run, truth):
    """Small clusters of hard / soft insiders co-buying in the last window are not ordinary
    clusters (their p is 1/41 on seeds 3, 5, 6 and 8): only clusters without a planted insider compare."""
    _, base, result = placebo_run
    insiders = set().union(*truth["rings"], truth["hard_insiders"], truth["soft_insiders"])
    ring_p = result.ring_p()
    found = [ring_p[r.cluster_id] for r in _planted_rings(base, truth)]
    others = [ring_p[r.cluster_id] for r in base.svn.rings if not set(map(str, r.member_ids)) & insiders]
    assert len(found) >= len(truth["rings"]) and others
    assert max(found) < min(others)


@pytest.mark.xfail(strict=True, reason="d·R_C is a mean directionality: a planted ring reaches its event value "
                   "1.0 on every ordinary period where the ring bought together on one day (each member about once; at "
                   "the event 5-6 days each): 2-9 of 40 periods here, p 0.07-0.24; seeds 1-9 both directions: "
                   "10 of 54 planted-ring p <= 0.1, 71% of the tying periods have >= 2 members active, so METHOD "
                   "§2's two-active-members rule applied per period would make it 20 of 54 (README placebo)")
def test_planted_rings_have_small_p(placebo_run, truth):
    _, base, result = placebo_run
    ring_p = result.ring_p()
    assert all(ring_p[r.cluster_id] <= 0.1 for r in _planted_rings(base, truth))


def _active_days(trades, stock: str, members: set[str], first, last) -> dict[str, int]:
    """Each member's number of days with shares traded in the stock from ``first`` to ``last``."""
    rows = trades[(trades["stock"] == stock) & trades["investor_id"].astype(str).isin(members)
                  & ((trades["buy_shares"] + trades["sell_shares"]) > 0)]
    dates = rows["date"].to_numpy().astype("datetime64[D]")
    rows = rows[(dates >= first) & (dates <= last)]
    return rows.groupby(rows["investor_id"].astype(str))["date"].nunique().to_dict()


def test_planted_rings_tie_on_ordinary_periods_where_the_ring_traded_together_once(placebo_run, truth):
    """Why the planted rings' p stays above 0.1 (the xfail above), counted from the trades table: every
    ordinary period where a planted ring's d·R_C reaches its event value has several members active on
    about one day each (seed 7: 6-11 members, at most 8 member-days for 7), while at the event each
    member traded on 5-6 days. Counting only periods with two or more active members cannot help here."""
    case, base, result = placebo_run
    with CaseStore.open(case) as store:
        tables = store.tables()
    event = base.event
    calendar = trading_calendar(tables.trades, event.stock)
    lo, event_day = reference_period(calendar, event.reference_start, event.event_date)
    length = event_day - lo
    pseudo = np.searchsorted(calendar, np.array(result.dates, dtype="datetime64[D]"))
    ties = 0
    for ring in _planted_rings(base, truth):
        members = set(map(str, ring.member_ids))
        test = next(t.test for t in result.rings if t.cluster_id == ring.cluster_id)
        at_event = _active_days(tables.trades, event.stock, members, calendar[lo], calendar[event_day - 1])
        assert test.observed == 1.0 and len(at_event) == len(members) and min(at_event.values()) >= 4
        for day, value in zip(pseudo, test.null):
            if value >= test.observed:
                ties += 1
                active = _active_days(tables.trades, event.stock, members, calendar[day - length], calendar[day - 1])
                assert len(active) >= 2 and sum(active.values()) <= 1.2 * len(active)
    assert ties >= 10


def test_the_placebo_is_cached_apart_from_the_plain_analysis(placebo_run):
    case, base, result = placebo_run
    params = AnalysisParams().replace("placebo", n=N)
    with CaseStore.open(case) as store:
        tables = store.tables()
        again = placebo_for(tables, base, params, store, RunnerSpec(scheduler="tcp://127.0.0.1:9"))  # cached: no task
        assert store.get_result(placebo_key(base.data_hash, base.event, params.replace("placebo", n=20))) is None
        assert store.get_result(cache_key(base.data_hash, base.event, plain_params(params))) is not None
    assert placebo_section(again) == placebo_section(result)
