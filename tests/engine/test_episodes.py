"""Triage episodes: adaptive splitting, components worked out by hand, score properties."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from engine import serialize
from engine.triage.episodes import (COMPONENTS, EpisodesResult, episode_score, episodes_section, run_episodes,
                             split_points, timing_per_day)
from engine.errors import UsageError
from engine.params import EpisodeParams
from engine.tables import CaseTables

DAYS = pd.bdate_range("2021-01-04", periods=30)


def episodes_of(days: list[int], gap_multiple: float = 3.0, min_gap_days: int = 5) -> list[list[int]]:
    day = np.array(days)
    starts = np.flatnonzero(split_points(np.zeros(day.size, int), day, gap_multiple, min_gap_days))
    return [d.tolist() for d in np.split(day, starts[1:])]


def test_frequent_trader_splits_on_long_pauses() -> None:
    assert episodes_of([0, 1, 2, 10, 11, 25]) == [[0, 1, 2], [10, 11], [25]]
    # the break is max(3 x median gap 1, 5): a gap of 5 stays, 6 splits
    assert episodes_of([0, 1, 2, 3, 8, 14]) == [[0, 1, 2, 3, 8], [14]]


def test_rare_trader_is_not_shattered() -> None:
    # median gap 6 -> break at 18: one episode, where a fixed 5-day rule would give five
    assert episodes_of([0, 6, 12, 18, 29]) == [[0, 6, 12, 18, 29]]
    assert episodes_of([0, 6, 12, 18, 40]) == [[0, 6, 12, 18], [40]]


def test_min_gap_and_multiple_are_settings() -> None:
    days = [0, 1, 2, 10, 11, 25]
    assert episodes_of(days, min_gap_days=10) == [[0, 1, 2, 10, 11], [25]]
    assert episodes_of(days, gap_multiple=20.0, min_gap_days=1) == [days]
    assert episodes_of([4]) == [[4]]


def test_split_points_respect_investor_boundaries() -> None:
    inv = np.array([0, 0, 0, 0, 1, 1, 2])
    day = np.array([0, 1, 2, 30, 0, 1, 5])
    assert split_points(inv, day, 3.0, 5).tolist() == [True, False, False, True, True, False, True]
    # with gaps 1 and 29 the median is 15: the break moves to 45 and nothing splits
    assert split_points(np.zeros(3, int), np.array([0, 1, 30]), 3.0, 5).tolist() == [True, False, False]


def _trades() -> CaseTables:
    rows = [("Z", "T", d, 1, 0) for d in range(30)]                      # fills the calendar
    rows += [("A", "T", 0, 10, 0), ("A", "T", 1, 10, 0), ("A", "T", 2, 10, 0),
             ("A", "T", 10, 0, 5), ("A", "T", 11, 4, 1), ("A", "T", 25, 20, 0),
             ("A", "O", 1, 30, 0), ("A", "O", 15, 100, 0),
             ("C", "T", 27, 5, 0), ("C", "T", 28, 0, 5)]
    frame = pd.DataFrame(rows, columns=["investor_id", "stock", "d", "buy_shares", "sell_shares"])
    frame["date"] = DAYS[frame["d"].to_numpy()]
    frame["buy_shares"] = frame["buy_shares"].astype(float)
    frame["sell_shares"] = frame["sell_shares"].astype(float)
    frame["buy_value"], frame["sell_value"] = frame["buy_shares"], frame["sell_shares"]  # price 1
    frame = frame.drop(columns="d").sort_values(["stock", "date", "investor_id"], ignore_index=True)
    events = pd.DataFrame({"event_id": ["E"], "stock": ["T"], "event_date": [DAYS[26]],
                           "reference_start": [DAYS[20]], "direction": ["buy"]})
    return CaseTables(trades=frame, events=events)


@pytest.fixture(scope="module")
def hand() -> EpisodesResult:
    tables = _trades()
    return run_episodes(tables, tables.event(None), EpisodeParams())


def _rows(result: EpisodesResult, investor: str) -> np.ndarray:
    k = list(result.investor_ids).index(investor)
    return np.flatnonzero(result.ep_investor == k)


def test_components_by_hand(hand: EpisodesResult) -> None:
    a = _rows(hand, "A")
    assert hand.ep_start[a].tolist() == [0, 10, 25] and hand.ep_end[a].tolist() == [2, 11, 25]
    assert hand.ep_days[a].tolist() == [3, 2, 1]
    comps = hand.ep_components[a]
    expected = np.array([
        [1.0, 30 / 60, 1.0, math.exp(-18 / 20)],       # 30 in T of 60 all-stock on days 0-2
        [4 / 10, 10 / 10, 28 / 30, math.exp(-9 / 20)],  # peak position 28 vs earlier 30
        [1.0, 1.0, 1.0, 1.0],                           # inside the reference period
    ])
    assert comps == pytest.approx(expected)
    assert hand.ep_score[a] == pytest.approx(200 + 600 * expected.mean(axis=1))
    c = _rows(hand, "C")
    assert hand.ep_components[c][0, 3] == 0.0            # after the PSE
    assert hand.ep_net[a].tolist() == [30.0, -2.0, 20.0]


def test_investor_aggregates(hand: EpisodesResult) -> None:
    k = list(hand.investor_ids).index("A")
    scores = hand.ep_score[_rows(hand, "A")]
    assert hand.n_episodes[k] == 3
    assert hand.mean_score[k] == pytest.approx(scores.mean())
    assert hand.max_score[k] == pytest.approx(scores.max())
    assert hand.high_share[k] == pytest.approx(np.mean(scores >= 650))
    assert list(hand.investor_ids) == sorted(hand.investor_ids)


def test_sell_event_flips_direction() -> None:
    tables = _trades()
    sell = CaseTables(trades=tables.trades, events=tables.events.assign(direction="sell"))
    res = run_episodes(sell, sell.event(None), EpisodeParams())
    assert res.ep_components[_rows(res, "A")][:, 0].tolist() == pytest.approx([0.0, 0.6, 0.0])


def test_score_is_monotone_in_each_component_and_bounded() -> None:
    rng = np.random.default_rng(3)
    for _ in range(200):
        w = rng.uniform(0, 1, 4)
        c = rng.uniform(0, 1, (1, 4))
        base = episode_score(c, w)[0]
        assert 200.0 <= base <= 800.0
        for j in range(4):
            up = c.copy()
            up[0, j] = rng.uniform(c[0, j], 1.0)
            assert episode_score(up, w)[0] >= base - 1e-9
    assert episode_score(np.ones((1, 4)), np.ones(4))[0] == pytest.approx(800.0)
    assert episode_score(np.zeros((1, 4)), np.ones(4))[0] == pytest.approx(200.0)
    with pytest.raises(UsageError):
        episode_score(np.ones((1, 4)), np.zeros(4))


def test_timing_profile() -> None:
    t = timing_per_day(10, 4, 7, 20.0)
    assert t[4:7].tolist() == [1.0, 1.0, 1.0] and t[7:].tolist() == [0.0, 0.0, 0.0]
    assert t[:4] == pytest.approx(np.exp(-np.array([4, 3, 2, 1]) / 20.0))


def test_round_trip_and_section(hand: EpisodesResult) -> None:
    back = serialize.loads(EpisodesResult, serialize.dumps(hand))
    assert np.array_equal(back.ep_score, hand.ep_score) and list(back.investor_ids) == list(hand.investor_ids)
    doc = episodes_section(hand)
    assert doc["n_episodes"] == hand.n_total and doc["weights"] == dict(zip(COMPONENTS, [0.25] * 4))
    means = [r["mean_score"] for r in doc["top_investors"]]
    assert means == sorted(means, reverse=True)


def test_demo_hard_insiders_score_high(demo_tables, demo_truth) -> None:
    res = run_episodes(demo_tables, demo_tables.event(None), EpisodeParams())
    rows = res.investor_ids.astype(str).searchsorted(demo_truth["hard_insiders"])
    assert (res.investor_ids[rows] == np.array(demo_truth["hard_insiders"], dtype=object)).all()
    active = res.max_score[res.n_episodes > 0]
    assert (res.max_score[rows] >= res.high_risk_score).all()
    assert np.median(res.max_score[rows]) >= np.percentile(active, 90)
    # their best episode lies in the reference period
    best = [np.flatnonzero(res.ep_investor == r)[np.argmax(res.ep_score[res.ep_investor == r])] for r in rows]
    assert (res.ep_components[best, 3] == 1.0).all()


def _brute_force(tables: CaseTables, params: EpisodeParams) -> dict[str, list[tuple]]:
    """Episodes and components per investor with plain Python loops (the oracle)."""
    import statistics
    ev = tables.event(None)
    t = tables.trades
    target = t[(t["stock"] == ev.stock) & (t["buy_shares"] + t["sell_shares"] > 0)]
    cal = sorted(set(target["date"]))
    pos = {d: i for i, d in enumerate(cal)}
    lo = sum(d < pd.Timestamp(ev.reference_start) for d in cal)
    hi = sum(d < pd.Timestamp(ev.event_date) for d in cal)
    out = {}
    for inv, g in target.groupby("investor_id"):
        g = g.sort_values("date")
        days = [pos[d] for d in g["date"]]
        gaps = [b - a for a, b in zip(days, days[1:])]
        limit = max(params.gap_multiple * statistics.median(gaps), params.min_gap_days) if gaps else 0
        alpha = list(np.cumsum(g["buy_value"] - g["sell_value"]))
        groups, cur = [], [0]
        for k in range(1, len(days)):
            if days[k] - days[k - 1] > limit:
                groups.append(cur)
                cur = []
            cur.append(k)
        groups.append(cur)
        eps = []
        for grp in groups:
            rows = g.iloc[grp]
            vb, vs = rows["buy_shares"].sum(), rows["sell_shares"].sum()
            direction = vb / (vb + vs)
            d0, d1 = rows["date"].iloc[0], rows["date"].iloc[-1]
            mine = t[(t["investor_id"] == inv) & (t["date"] >= d0) & (t["date"] <= d1)]
            total = (mine["buy_value"] + mine["sell_value"]).sum()
            conc = (rows["buy_value"] + rows["sell_value"]).sum() / total if total > 0 else 0.0
            peak = max(abs(alpha[k]) for k in grp)
            earlier = max([abs(alpha[k]) for k in range(grp[0])], default=0.0)
            expo = 1.0 if earlier == 0 else min(peak / earlier, 1.0)
            timing = max(1.0 if lo <= days[k] < hi else 0.0 if days[k] >= hi
                         else math.exp(-(lo - days[k]) / params.timing_decay_days) for k in grp)
            eps.append((days[grp[0]], days[grp[-1]], direction, conc, expo, timing))
        out[str(inv)] = eps
    return out


@pytest.mark.parametrize("seed", range(4))
def test_matches_brute_force_on_random_markets(seed: int) -> None:
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2021-01-04", periods=60)
    recs = []
    for inv in [f"I{k}" for k in range(8)]:
        rate = rng.uniform(0.05, 0.6)
        for stock in ("T", "O"):
            for d in days[rng.random(60) < rate]:
                b, s = rng.integers(0, 3, 2) * rng.integers(1, 50, 2)
                if b + s:
                    recs.append((inv, stock, d, float(b), float(s), float(b) * 2.0, float(s) * 2.0))
    trades = pd.DataFrame(recs, columns=["investor_id", "stock", "date", "buy_shares", "sell_shares",
                                         "buy_value", "sell_value"]).sort_values(
        ["stock", "date", "investor_id"], ignore_index=True)
    events = pd.DataFrame({"event_id": ["E"], "stock": ["T"], "event_date": [days[45]],
                           "reference_start": [days[35]], "direction": ["buy"]})
    tables = CaseTables(trades=trades, events=events)
    params = EpisodeParams(gap_multiple=2.0, min_gap_days=3)
    res = run_episodes(tables, tables.event(None), params)
    oracle = _brute_force(tables, params)
    for k, inv in enumerate(res.investor_ids):
        rows = np.flatnonzero(res.ep_investor == k)
        got = [(int(res.ep_start[r]), int(res.ep_end[r]), *res.ep_components[r]) for r in rows]
        assert len(got) == len(oracle[inv])
        for g, o in zip(got, oracle[inv]):
            assert g[:2] == o[:2] and g[2:] == pytest.approx(o[2:])
