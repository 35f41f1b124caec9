"""Rewarding cluster, discontinuity, ranking and valuation: hand-made oracles. The Fisher tests
and the stability rule have their own modules (test_significance, test_stability)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from engine.kmeans.stage import run_kmeans
from engine.params import KMeansParams
from engine.kmeans.suspects import cluster_stats, discontinuous, rank_suspects, rewarding_cluster
from engine.tables import CaseTables
from tests.engine.test_panel import random_market


def test_discontinuity_on_a_hand_made_label_history() -> None:
    # 5 windows; windows 3 and 4 overlap the last one (index 4), so only 0..2 count
    earlier = np.array([True, True, True, False, False])
    labels = np.array([
        # inv: 0   1   2   3   4   5   6
        [2, -1, 1, -1, 2, 0, -1],
        [1, -1, 1, -1, 0, 0, -1],
        [1, -1, 1, -1, 0, 0, -1],
        [1, 2, 2, -1, 2, 2, -1],   # overlapping window: being in 2 here does not count
        [2, 2, 2, 1, -1, 2, -1],   # last window
    ], dtype=np.int16)
    got = discontinuous(labels, earlier)
    # 0: was 2 in window 0 -> continuous; 1: never active before -> discontinuous;
    # 2: only in 2 in an overlapping window -> discontinuous; 3: new -> discontinuous;
    # 4, 6: inactive in the last window; 5: was 0 before, 2 only in overlapping -> discontinuous
    assert got.tolist() == [False, True, True, True, False, True, False]
    assert discontinuous(labels, np.zeros(5, bool)).tolist() == [True, True, True, True, False, True, False]


def test_rewarding_cluster_is_nearest_the_corner() -> None:
    c = np.array([[0.9, 0.9, 0.9], [-0.95, 0.95, -0.95], [0, 0.5, 0]])
    assert rewarding_cluster(c, +1)[0] == 0 and rewarding_cluster(c, -1)[0] == 1
    tie = np.array([[1, 1, 0.5], [1, 1, 1.5], [0, 0, 0]])
    assert rewarding_cluster(tie, +1)[0] == 0  # equal distance: smaller id


def test_cluster_stats_counts_per_cluster() -> None:
    labels = np.array([[0, 0, 1, 1, -1, 1], [0, 1, 1, 0, 1, 1]], dtype=np.int16)
    centroids = np.array([[[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]] * 2)  # nothing wanders
    feats = np.where(labels[:, :, None] == 1, 1.0, 0.0)
    stats, disc = cluster_stats(feats, labels, centroids, np.array([True, False]), +1, 0.05, 0.5)
    assert stats.rewarding_cluster == 1
    assert disc.tolist() == [False, True, False, True, True, False]
    assert stats.sizes.tolist() == [2, 4] and stats.discontinuous.tolist() == [1, 2]
    assert stats.shares.tolist() == [0.5, 0.5]
    assert stats.stability.rewarding_windows == () and not stats.stability.wandered.any()


def test_score_and_ranking_ties() -> None:
    ids = np.array(["a", "b", "c", "d", "e"], dtype=object)
    points = np.array([[1, 1, 1], [0.5, 1, 1], [0.5, 1, 1], [0.5, 1, 1], [1, 0, 1]], float)
    bought = np.array([10.0, 5, 9, 9, 0])
    sold = np.array([0.0, 0, 1, 1, 0])
    nan = np.full(5, np.nan)
    out = rank_suspects(ids, np.array([4, 3, 2, 1, 0]), points, np.array([True, False, True, False, True]),
                        +1, bought, sold, np.array([1.0, 1, 0.8, 0.8, np.nan]), nan)
    # a: score 1; c, d tie in score and in net shares (8) -> id order; b has 5 shares; e score e^-1
    assert [s.investor_id for s in out] == ["a", "c", "d", "b", "e"]
    assert [s.rank for s in out] == [1, 2, 3, 4, 5]
    assert out[0].score == 1.0 and out[1].score == pytest.approx(math.exp(-0.5))
    assert out[4].score == pytest.approx(math.exp(-1)) and out[4].directionality is None
    assert [s.discontinuity for s in out] == ["hard", "hard", "soft", "soft", "hard"]
    assert out[1].shares == 8.0 and out[1].expected_profit is None
    # sell direction: the corner mirrors and shares count on the selling side
    sell = rank_suspects(ids, np.array([0, 1]), points * [-1, 1, -1], np.zeros(5, bool), -1, sold, bought, nan, nan)
    assert [s.investor_id for s in sell] == ["a", "b"] and sell[0].score == 1.0 and sell[0].shares == 10.0


def test_a_placebo_p_ranks_first_then_score_shares_and_id() -> None:
    """With the pseudo-event test's per-investor p (METHOD §1 "Score and ranking"), the smaller
    p ranks first whatever the score; equal p falls back to score, shares, then id."""
    ids = np.array(["a", "b", "c", "d"], dtype=object)
    points = np.array([[1, 1, 1], [1, 1, 1], [0.5, 1, 1], [1, 1, 1]], float)
    bought, sold, nan = np.array([5.0, 9, 1, 5]), np.zeros(4), np.full(4, np.nan)
    rows = np.arange(4)
    plain = rank_suspects(ids, rows, points, np.ones(4, bool), +1, bought, sold, nan, nan)
    assert [s.investor_id for s in plain] == ["b", "a", "d", "c"]
    p = np.array([0.2, 0.2, 0.05, 0.2])
    ranked = rank_suspects(ids, rows, points, np.ones(4, bool), +1, bought, sold, nan, nan, placebo_p=p)
    assert [s.investor_id for s in ranked] == ["c", "b", "a", "d"]


def _small_case(offer: float | None, with_prices: bool) -> tuple[CaseTables, object]:
    """Random background plus one planted newcomer buying before a PSE on a Saturday."""
    base = random_market(11, n_inv=60, n_days=40, n_stocks=2, density=0.2).trades
    planted = pd.DataFrame({"investor_id": "ZZ-insider", "stock": "S0",
                            "date": pd.to_datetime(["2021-04-13", "2021-04-14", "2021-04-15"]),
                            "buy_shares": 500.0, "sell_shares": 0.0, "buy_value": 5000.0, "sell_value": 0.0})
    trades = pd.concat([base, planted]).sort_values(["stock", "date", "investor_id"]).reset_index(drop=True)
    events = pd.DataFrame({"event_id": ["E1"], "stock": ["S0"], "event_date": pd.to_datetime(["2021-04-17"]),
                           "reference_start": pd.to_datetime(["2021-04-05"]), "direction": ["buy"],
                           "offer_price": [offer if offer is not None else np.nan], "description": [""]})
    prices = None
    if with_prices:
        prices = pd.DataFrame({"stock": ["S0", "S0", "S0", "S1"],
                               "date": pd.to_datetime(["2021-04-16", "2021-04-19", "2021-04-20", "2021-04-19"]),
                               "close": [10.0, 12.5, 13.0, 99.0]})
    tables = CaseTables(trades=trades, events=events, prices=prices)
    return tables, tables.event("E1")


SMALL = KMeansParams(window_length=5, window_step=5, n_windows=6, k=3, first_window_restarts=5,
                     baseline_top_n=5)


@pytest.mark.parametrize("offer,with_prices,price,source", [
    (15.0, True, 15.0, "offer_price"),      # the offer price wins over prices
    (None, True, 12.5, "close"),            # Saturday PSE -> Monday's close
    (None, False, None, "unavailable"),
])
def test_expected_profit_and_valuation_price(offer, with_prices, price, source) -> None:
    tables, event = _small_case(offer, with_prices)
    result = run_kmeans(tables, event, SMALL)
    assert result.k == 3 and result.k_fixed and result.selection.elbow_inertia.shape == (6, 0)
    assert [r.k for r in result.sensitivity] == [2, 3, 4, 5]  # K − 2 … K + 2 from K = 2
    assert result.valuation_price == price and result.valuation_source == source
    by_id = {s.investor_id: s for s in result.suspects}
    assert by_id["ZZ-insider"].discontinuity == "hard"
    tr = tables.trades
    ref = tr[(tr.stock == "S0") & (tr.date >= "2021-04-05") & (tr.date < "2021-04-17")]
    for s in result.suspects:
        mine = ref[ref.investor_id == s.investor_id]
        if price is None:
            assert s.expected_profit is None
        else:
            want = price * (mine.buy_shares - mine.sell_shares).sum() - (mine.buy_value - mine.sell_value).sum()
            assert s.expected_profit == pytest.approx(want)
        assert s.shares == pytest.approx((mine.buy_shares - mine.sell_shares).sum())
        if len(mine):
            vb, vs = mine.buy_shares.sum(), mine.sell_shares.sum()
            assert s.directionality == pytest.approx((vb - vs) / (vb + vs))
        else:
            assert s.directionality is None
