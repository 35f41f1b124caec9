"""Raster presentation arrays against a per-cell brute force on a small random market."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from engine.market.panel import TargetPanel
from engine.tables import CaseTables
from engine.viewdata.raster import (CODE_B, CODE_BS, CODE_NONE, CODE_S, NO_CLUSTER, build_raster,
                                    cluster_row_order, day_index)


def _market(seed: int) -> CaseTables:
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2022-01-03", periods=30)
    rows = []
    for i in range(25):
        for d in days[rng.random(days.size) < 0.3]:
            vb, vs = (int(v) for v in rng.integers(0, 3, 2) * rng.integers(1, 50))
            rows.append((f"P{i:02d}", "T", d, float(vb), float(vs), vb * 2.0, vs * 2.0))
    trades = pd.DataFrame(rows, columns=["investor_id", "stock", "date", "buy_shares", "sell_shares",
                                         "buy_value", "sell_value"])
    trades = trades.sort_values(["stock", "date", "investor_id"]).reset_index(drop=True)
    events = pd.DataFrame(columns=["event_id", "stock", "event_date", "reference_start", "direction"])
    return CaseTables(trades=trades, events=events)


def test_codes_and_volumes_match_brute_force():
    tables = _market(11)
    panel = TargetPanel.build(tables, "T")
    theta = 0.2
    ids = np.array(["P03", "P20", "NOPE", "P07", "P11"], dtype=object)  # display order as given
    clusters = np.array([2, 2, NO_CLUSTER, 5, NO_CLUSTER], dtype=np.int32)
    rd = build_raster(panel, ids, clusters, theta, dt.date(2022, 1, 15), dt.date(2022, 2, 1))
    assert rd.shape == (5, panel.n_days)
    t = tables.trades
    for r, inv in enumerate(ids):
        for d, day in enumerate(panel.dates):
            rows = t[(t.investor_id == inv) & (t.date.to_numpy().astype("datetime64[D]") == day)]
            vb, vs = float(rows.buy_shares.sum()), float(rows.sell_shares.sum())
            if vb + vs == 0:
                want = CODE_NONE
            else:
                x = (vb - vs) / (vb + vs)
                want = CODE_B if x > theta else CODE_S if x < -theta else CODE_BS
            assert rd.codes[r, d] == want, (inv, day)
            assert rd.volumes_at(r, d) == ((vb, vs) if want else (0.0, 0.0))
    assert rd.group_starts.tolist() == [0, 2, 3, 4]
    assert rd.group_cluster.tolist() == [2, NO_CLUSTER, 5, NO_CLUSTER]
    assert rd.dates[rd.reference_day] == np.datetime64("2022-01-17")  # 15th is a Saturday
    assert rd.dates[rd.event_day] == np.datetime64("2022-02-01")


def test_day_index_edges():
    dates = np.array(["2022-01-03", "2022-01-04"], dtype="datetime64[D]")
    assert day_index(dates, None) == -1
    assert day_index(dates, dt.date(2021, 1, 1)) == 0
    assert day_index(dates, dt.date(2022, 1, 4)) == 1
    assert day_index(dates, dt.date(2022, 1, 5)) == -1


def test_row_order_groups_by_rank_then_id_isolated_last():
    ids = np.array(["e", "a", "d", "c", "b", "f"], dtype=object)
    cl = np.array([1, 3, NO_CLUSTER, 1, 3, 7])
    order = cluster_row_order(ids, cl, {3: 1, 1: 2})
    # cluster 3 (rank 1): a, b; cluster 1 (rank 2): c, e; unranked 7: f; isolated: d
    assert ids[order].tolist() == ["a", "b", "c", "e", "f", "d"]

