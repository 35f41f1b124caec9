"""The COO target panel against dense brute-force computations on small markets."""
from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd
import pytest

from engine.errors import UsageError
from engine.market.panel import STATE_B, STATE_BS, STATE_S, TargetPanel
from engine.tables import CaseTables


def make_tables(rows: list[tuple], events: pd.DataFrame | None = None) -> CaseTables:
    """CaseTables from (investor_id, stock, date, Vb, Vs, Ab, As) tuples, in the ingest conventions."""
    trades = pd.DataFrame(rows, columns=["investor_id", "stock", "date", "buy_shares", "sell_shares",
                                         "buy_value", "sell_value"])
    trades["date"] = pd.to_datetime(trades["date"])
    for c in ("buy_shares", "sell_shares", "buy_value", "sell_value"):
        trades[c] = trades[c].astype(np.float64)
    trades = trades.sort_values(["stock", "date", "investor_id"]).reset_index(drop=True)
    if events is None:
        events = pd.DataFrame(columns=["event_id", "stock", "event_date", "reference_start", "direction"])
    return CaseTables(trades=trades, events=events)


def random_market(seed: int, n_inv: int = 30, n_days: int = 40, n_stocks: int = 3, density: float = 0.2) -> CaseTables:
    """Random trades; some all-zero rows, some investors who never touch the target stock."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2021-03-01", periods=n_days)
    rows = []
    for i in range(n_inv):
        for s in range(n_stocks):
            for d in days[rng.random(n_days) < density]:
                vb, vs = rng.integers(0, 4, 2) * rng.integers(1, 100)
                rows.append((f"I{i:03d}", f"S{s}", d, vb, vs, vb * 10.5, vs * 9.5))
    return make_tables(rows)


def test_hand_example() -> None:
    t = make_tables([
        ("9", "X", "2020-01-02", 10, 0, 100, 0),
        ("9", "X", "2020-01-06", 0, 4, 0, 44),
        ("10", "X", "2020-01-03", 1, 3, 10, 30),
        ("10", "Y", "2020-01-03", 5, 0, 50, 0),
        ("10", "X", "2020-01-07", 0, 0, 0, 0),   # all-zero row: ignored
        ("11", "Y", "2020-01-02", 5, 0, 50, 0),  # never trades X: not in the index
    ])
    p = TargetPanel.build(t, "X")
    assert list(p.investor_ids) == ["10", "9"]  # text order
    assert [str(d) for d in p.dates] == ["2020-01-02", "2020-01-03", "2020-01-06"]
    assert p.inv.tolist() == [0, 1, 1] and p.day.tolist() == [1, 0, 2]
    assert p.alpha().tolist() == [-20.0, 100.0, 56.0]
    assert p.share_position().tolist() == [-2.0, 10.0, 6.0]
    assert p.r().tolist() == [-0.5, 1.0, -1.0]
    assert p.position_at(1).tolist() == [-20.0, 100.0]
    assert p.position_at(0).tolist() == [0.0, 100.0]
    assert p.rows_of(["9", "11", "10"]).tolist() == [1, -1, 0]
    assert dataclasses.replace(p).rows_of(["9"]).tolist() == [1]  # index rebuilt
    assert p.first_day().tolist() == [1, 0]
    # all-stock turnover of "10" on 2020-01-03 = 40 (X) + 50 (Y)
    assert p.all_stock_turnover(np.array([0, 1]), np.array([1, 2])).tolist() == [[90.0, 100.0], [90.0, 44.0]]
    with pytest.raises(UsageError, match="no active trade"):
        TargetPanel.build(t, "Z")


def test_states_with_theta() -> None:
    t = make_tables([("a", "X", "2020-01-02", 101, 99, 1, 1), ("a", "X", "2020-01-03", 99, 101, 1, 1),
                     ("a", "X", "2020-01-06", 1, 0, 1, 0), ("a", "X", "2020-01-07", 100, 100, 1, 1)])
    p = TargetPanel.build(t, "X")
    assert p.states(0.001).tolist() == [STATE_B, STATE_S, STATE_B, STATE_BS]
    assert p.states(0.01).tolist() == [STATE_BS, STATE_BS, STATE_B, STATE_BS]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_dense_brute_force(seed: int) -> None:
    t = random_market(seed)
    p = TargetPanel.build(t, "S0")
    tr = t.trades
    x = tr[(tr.stock == "S0") & (tr.buy_shares + tr.sell_shares > 0)]
    ids = sorted(set(x.investor_id))
    dates = sorted(set(x.date))
    assert list(p.investor_ids) == ids
    assert list(pd.to_datetime(p.dates)) == dates
    dense = {c: x.pivot_table(index="investor_id", columns="date", values=c, aggfunc="sum", fill_value=0.0)
             .reindex(index=ids, columns=dates, fill_value=0.0).to_numpy()
             for c in ("buy_shares", "sell_shares", "buy_value", "sell_value")}
    got = np.zeros((len(ids), len(dates)))
    got[p.inv, p.day] = p.vb
    assert np.array_equal(got, dense["buy_shares"])
    got[:] = 0
    got[p.inv, p.day] = p.as_
    assert np.array_equal(got, dense["sell_value"])
    assert np.all(np.diff(p.inv.astype(np.int64) * p.n_days + p.day) > 0)  # sorted, unique
    alpha_dense = np.cumsum(dense["buy_value"] - dense["sell_value"], axis=1)
    assert np.allclose(p.alpha(), alpha_dense[p.inv, p.day])
    for d in (0, 7, len(dates) - 1):
        assert np.allclose(p.position_at(d), alpha_dense[:, d])
    vb_sum = dense["buy_shares"][:, 5:20].sum(axis=1)
    assert np.allclose(p.sum_over(p.vb, 5, 20), vb_sum)
    assert np.array_equal(p.active_days(5, 20), ((dense["buy_shares"] + dense["sell_shares"])[:, 5:20] > 0).sum(1))
    # all-stock turnover between two calendar dates inclusive
    starts, ends = np.array([0, 10]), np.array([9, 25])
    tot = p.all_stock_turnover(starts, ends)
    for w in range(2):
        lo, hi = pd.Timestamp(p.dates[starts[w]]), pd.Timestamp(p.dates[ends[w]])
        y = tr[(tr.date >= lo) & (tr.date <= hi)]
        expect = (y.buy_value + y.sell_value).groupby(y.investor_id).sum().reindex(ids, fill_value=0.0)
        assert np.allclose(tot[w], expect.to_numpy())


@pytest.mark.slow
def test_builds_fast_at_reference_scale() -> None:
    """~214k target records over 27k investors x 541 days, plus 2 other stocks: ~0.4 s on an idle
    2-core machine; the bound leaves room for a busy one but catches a quadratic slip."""
    rng = np.random.default_rng(5)
    n = 214_000
    ids = np.array([f"INV{i:06d}" for i in range(27_000)], dtype=object)
    days = pd.bdate_range("2019-01-01", periods=541)
    frames = []
    for s, m in (("T", n), ("A", n), ("B", n)):
        key = np.unique(rng.integers(0, 27_000 * 541, m))
        vb = rng.integers(0, 50, key.size).astype(float)
        frames.append(pd.DataFrame({"investor_id": ids[key // 541], "stock": s, "date": days[key % 541],
                                    "buy_shares": vb, "sell_shares": 50 - vb,
                                    "buy_value": vb * 3, "sell_value": (50 - vb) * 3}))
    trades = pd.concat(frames).sort_values(["stock", "date", "investor_id"]).reset_index(drop=True)
    t0 = time.perf_counter()
    p = TargetPanel.build(CaseTables(trades=trades, events=pd.DataFrame()), "T")
    elapsed = time.perf_counter() - t0
    assert p.n_records > 200_000 and p.n_days == 541
    assert elapsed < 5.0, elapsed


def test_a_trade_without_an_investor_id_is_refused_not_given_to_another_investor() -> None:
    """Ids are matched through pandas' codes, where a missing id is -1: that code must not reach
    the last distinct investor (import refuses blank ids; the panel does not rely on it silently)."""
    rows = [("a", "T", "2021-03-01", 1, 0, 10, 0), (None, "T", "2021-03-02", 2, 0, 20, 0),
            ("b", "T", "2021-03-03", 1, 0, 10, 0), ("c", "U", "2021-03-03", 1, 0, 10, 0)]
    with pytest.raises(UsageError, match="no investor_id"):
        TargetPanel.build(make_tables(rows), "T")
    rows[1] = (None, "U", "2021-03-02", 2, 0, 20, 0)   # elsewhere it is not the target's business
    assert list(TargetPanel.build(make_tables(rows), "T").investor_ids) == ["a", "b"]
