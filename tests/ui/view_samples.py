"""Small hand-made presentation data for the view tests, built with the engine's builders.

Each builder uses a fixed seed and plants something a test can check (a ring trading
in lockstep, a suspect in the rewarding corner, an alert with known reasons).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from engine.market.panel import TargetPanel
from engine.tables import CaseTables
from engine.viewdata.raster import NO_CLUSTER, RasterData, build_raster, cluster_row_order
from engine.viewdata.triage import TriageData


def sample_panel(seed: int = 1, n_inv: int = 60, n_days: int = 80) -> TargetPanel:
    """Random trading on stock T; investors R00..R09 buy together on the last 15 days."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2023-01-02", periods=n_days)
    rows = []
    for i in range(n_inv):
        inv = f"R{i:02d}" if i < 10 else f"X{i:02d}"
        active = rng.random(n_days) < 0.25
        if i < 10:
            active[-15:] = True
        for k in np.flatnonzero(active):
            if i < 10 and k >= n_days - 15:
                vb, vs = 100.0, 0.0
            else:
                vb, vs = float(rng.integers(0, 3) * 10), float(rng.integers(0, 3) * 10)
                if vb + vs == 0:
                    vb = 5.0
            rows.append((inv, "T", days[k], vb, vs, vb * 3.0, vs * 3.0))
    trades = pd.DataFrame(rows, columns=["investor_id", "stock", "date", "buy_shares", "sell_shares",
                                         "buy_value", "sell_value"])
    trades = trades.sort_values(["stock", "date", "investor_id"]).reset_index(drop=True)
    events = pd.DataFrame(columns=["event_id", "stock", "event_date", "reference_start", "direction"])
    return TargetPanel.build(CaseTables(trades=trades, events=events), "T")


def sample_raster() -> RasterData:
    """Ring 1 = R00..R09 (the lockstep buyers), ring 2 = X10..X19, the rest isolated."""
    panel = sample_panel()
    ids = panel.investor_ids
    cluster = np.where(np.char.startswith(ids.astype(str), "R"), 1, NO_CLUSTER)
    cluster[(ids >= "X10") & (ids <= "X19")] = 2
    order = cluster_row_order(ids, cluster, {1: 1, 2: 2})
    dates = panel.dates
    return build_raster(panel, ids[order], cluster[order], 0.01,
                        dates[-20].astype(dt.date), dates[-1].astype(dt.date))


def sample_cube(n: int = 400, n_windows: int = 6, seed: int = 2):
    """Three clusters per window; S000..S004 jump into the rewarding corner in the last window."""
    from engine.viewdata.cube import build_cube
    rng = np.random.default_rng(seed)
    ids = np.array([f"S{k:03d}" if k < 5 else f"I{k:03d}" for k in range(n)], dtype=object)
    order = np.argsort(ids.astype(str))
    ids = ids[order]
    centres = np.array([[-0.6, 0.2, -0.5], [0.1, 0.1, 0.0], [0.8, 0.8, 0.8]])
    labels = rng.integers(0, 2, size=(n_windows, n)).astype(np.int16)
    labels[rng.random((n_windows, n)) < 0.2] = -1
    is_s = np.char.startswith(ids.astype(str), "S")
    labels[:, is_s] = -1
    labels[-1, is_s] = 2
    feats = centres[np.maximum(labels, 0)] + rng.normal(0, 0.05, size=(n_windows, n, 3))
    feats[..., 1] = np.clip(feats[..., 1], 0, 1)
    feats[labels < 0] = np.nan
    starts = np.arange(n_windows) * 5
    base = np.datetime64("2023-01-02")
    return build_cube(ids, base + starts, base + starts + 19, feats, labels, 2,
                      ids[is_s], +1)


def sample_svn(seed: int = 3):
    """A validated network on a small market: ring R00..R07 buys on 25 common days,
    sells on 10 others; 72 background investors trade at random."""
    from engine.params import SvnParams
    from engine.svn.stage import run_svn
    from engine.tables import Event
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2022-01-03", periods=150)
    buy_days = rng.choice(120, 25, replace=False)
    sell_days = rng.choice(np.setdiff1d(np.arange(120), buy_days), 10, replace=False)
    rows = []
    for i in range(80):
        inv = f"R{i:02d}" if i < 8 else f"B{i:02d}"
        for k in np.flatnonzero(rng.random(days.size) < 0.1):
            vb, vs = float(rng.integers(0, 3) * 10), float(rng.integers(0, 3) * 10)
            rows.append((inv, "T", days[k], vb or 5.0, vs, (vb or 5.0) * 3.0, vs * 3.0))
        if i < 8:
            rows += [(inv, "T", days[k], 100.0, 0.0, 300.0, 0.0) for k in buy_days]
            rows += [(inv, "T", days[k], 0.0, 100.0, 0.0, 300.0) for k in sell_days]
    trades = pd.DataFrame(rows, columns=["investor_id", "stock", "date", "buy_shares", "sell_shares",
                                         "buy_value", "sell_value"])
    trades = trades.groupby(["investor_id", "stock", "date"], as_index=False).last()
    trades = trades.sort_values(["stock", "date", "investor_id"]).reset_index(drop=True)
    event = Event(event_id="E1", stock="T", event_date=days[130].date(),
                  reference_start=days[110].date(), direction="buy")
    events = pd.DataFrame([{"event_id": "E1", "stock": "T", "event_date": pd.Timestamp(days[130]),
                            "reference_start": pd.Timestamp(days[110]), "direction": "buy"}])
    return run_svn(CaseTables(trades=trades, events=events), event, SvnParams())


def sample_network(focus: str = "R00"):
    """NetworkPrepared of sample_svn with the focus's neighbourhood expanded."""
    from engine.svn.neighbourhood import Exploration, expand
    from engine.viewdata.prepare import NetworkPrepared
    from engine.viewdata.network import network_context, network_data
    context = network_context(sample_svn(), ["R03"], cap=500)
    exploration = expand(Exploration(), focus, context.networks)
    return NetworkPrepared(context=context, data=network_data(context, exploration), exploration=exploration)


def with_correction(prepared, correction: str):
    """The same NetworkPrepared as a result validated with ``correction`` brings it (the
    network view draws the network of the correction in use; "threshold" draws both)."""
    import dataclasses
    svn = dataclasses.replace(prepared.context.svn, correction=correction)
    return dataclasses.replace(prepared, context=dataclasses.replace(prepared.context, svn=svn))


def sample_rings():
    """RingsData of sample_svn (built the way the app builds it)."""
    from types import SimpleNamespace

    from engine.viewdata.prepare import for_rings
    return for_rings(SimpleNamespace(svn=sample_svn()))


def sample_options():
    """120 trading days of options flow; alerts on days 100 (HIGH), 104 (MEDIUM), 110 (HIGH);
    context (a PSE ahead) on days 106-112; day 110 has three contracts, one flagged."""
    from engine.viewdata.options import AlertMark, DayContracts, build_options_series
    rng = np.random.default_rng(5)
    dates = pd.bdate_range("2023-01-02", periods=120).to_numpy().astype("datetime64[D]")
    volume = rng.uniform(500, 1500, dates.size)
    risk = rng.uniform(0.05, 0.5, dates.size)
    risk[:10] = np.nan
    alert_days = np.array([100, 104, 110])
    risk[alert_days] = [0.92, 0.75, 0.88]
    volume[alert_days] *= 8
    p_value = np.where(np.isnan(risk), np.nan, 0.3)
    p_value[alert_days] = [0.011, 0.2, 0.011]

    def mark(k: int, priority: str, reasons: tuple[str, ...], context: tuple[str, ...],
             accounts: tuple[str, ...], marks: tuple[str, ...]) -> AlertMark:
        return AlertMark(date=dates[k].item(), priority=priority, risk=float(risk[k]), p_value=float(p_value[k]),
                         reasons=reasons, context=context, note="", contracts=("call 25 exp 2023-06-02",),
                         accounts=accounts, account_marks=marks)
    alerts = [mark(100, "HIGH", ("volume spike 8x",), (), ("P1", "P2"), ("k-means suspect", "")),
              mark(104, "MEDIUM", ("vol/OI 5.5",), (), (), ()),
              mark(110, "HIGH", ("calls 95%",), ("Context (not part of the risk): PSE 3 days ahead",),
                   ("P2", "P3"), ("", "ring member"))]
    n = 3
    contracts = DayContracts(day=np.full(n, 110), is_call=np.array([True, True, False]),
                             strike=np.array([25.0, 22.5, 20.0]),
                             expiry=np.array(["2023-06-02", "2023-06-16", "2023-06-02"], dtype="datetime64[D]"),
                             volume=np.array([5200.0, 300.0, 0.0]), open_interest=np.array([0.0, 400.0, 50.0]),
                             voi=np.array([np.inf, 0.75, 0.0]), implied_vol=np.array([0.45, 0.31, 0.33]),
                             iv_change=np.array([0.12, np.nan, 0.0]), flagged=np.array([True, False, False]))
    return build_options_series(
        dates=dates, volume=volume, voi=volume / rng.uniform(1000, 2000, dates.size),
        reward_share=rng.uniform(0.3, 0.7, dates.size), implied_vol=rng.uniform(0.2, 0.4, dates.size),
        risk=risk, p_value=p_value, sign=1, n_calibration=90, high_unavailable="", alerts=alerts,
        context_days=np.arange(106, 113), context_text=["PSE ahead"] * 7, contracts=contracts,
        alert_threshold=0.7, high_threshold=0.85, reference_start=dates[95].item(),
        event_date=dates[113].item())


def sample_triage(n_inv: int = 300, seed: int = 6):
    """Episodes of n_inv investors; T000 has 6 episodes all scoring 780 (the planted outlier)."""
    from engine.viewdata.triage import build_triage
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 8, n_inv)
    ids = np.array([f"T{k:03d}" for k in range(n_inv)], dtype=object)
    counts[0] = 6
    inv = np.repeat(ids, counts)
    m = inv.size
    start = np.datetime64("2023-01-02") + rng.integers(0, 200, m)
    score = rng.uniform(250, 600, m)
    score[inv == "T000"] = 780.0
    return build_triage(inv, start, start + rng.integers(0, 5, m), rng.integers(1, 5, m), score,
                        rng.uniform(0, 1, (m, 4)), rng.uniform(100, 1000, m), rng.normal(0, 300, m), 650.0)


def reference_triage(n_inv: int = 27_000) -> TriageData:
    """Triage arrays at the reference scale: 27,000 investors with 1-7 episodes each."""
    return sample_triage(n_inv=n_inv, seed=10)


def reference_cube(n: int = 27_000, n_windows: int = 27, k: int = 7, seed: int = 8, active: float = 1.0):
    """Cube arrays at the reference scale: 27,000 investors x 27 windows, ``active`` share drawn."""
    from engine.viewdata.cube import build_cube
    rng = np.random.default_rng(seed)
    ids = np.array([f"{i:07d}" for i in range(n)], dtype=object)
    labels = rng.integers(0, k, size=(n_windows, n)).astype(np.int16)
    labels[rng.random((n_windows, n)) >= active] = -1
    feats = rng.uniform(-1, 1, size=(n_windows, n, 3)).astype(np.float32)
    feats[..., 1] = np.abs(feats[..., 1])
    feats[labels < 0] = np.nan
    starts = np.datetime64("2019-01-02") + np.arange(n_windows) * 7
    return build_cube(ids, starts, starts + 27, feats, labels, 3, ids[:300], +1, n_clusters=k)


def reference_raster(n_rows: int = 4_844, n_days: int = 541, seed: int = 9) -> RasterData:
    """Raster arrays at the reference scale (4,844 eligible investors x 541 days, ~8% active)."""
    rng = np.random.default_rng(seed)
    codes = np.where(rng.random((n_rows, n_days)) < 0.08, rng.integers(1, 4, (n_rows, n_days)), 0).astype(np.uint8)
    sizes = rng.integers(3, 60, 200)
    cluster = np.zeros(n_rows, dtype=np.int32)
    edges = np.minimum(np.cumsum(sizes), n_rows)
    for cid, (lo, hi) in enumerate(zip(np.r_[0, edges[:-1]], edges), start=1):
        cluster[lo:hi] = cid
    change = np.flatnonzero(np.r_[True, cluster[1:] != cluster[:-1]])
    rows, days = np.nonzero(codes)
    key = rows.astype(np.int64) * n_days + days
    return RasterData(row_ids=np.array([f"{i:07d}" for i in range(n_rows)], dtype=object), row_cluster=cluster,
                      group_starts=change.astype(np.int32), group_cluster=cluster[change],
                      dates=np.datetime64("2019-01-02") + np.arange(n_days), codes=codes,
                      reference_day=n_days - 40, event_day=n_days - 20, rec_key=key,
                      rec_vb=rng.uniform(0, 1000, key.size), rec_vs=rng.uniform(0, 1000, key.size))
