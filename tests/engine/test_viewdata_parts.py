"""Options and triage presentation arrays against hand-worked examples and brute force."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from engine.viewdata.network import format_p
from engine.viewdata.options import VOI_SHOWN_CAP, AlertMark, DayContracts, build_options_series, day_number
from engine.viewdata.triage import build_triage, heatmap_grid, high_risk_share


def _mark(day: str, priority: str, reasons: tuple[str, ...], accounts: tuple[str, ...]) -> AlertMark:
    return AlertMark(date=dt.date.fromisoformat(day), priority=priority, risk=0.9, p_value=0.004,
                     reasons=reasons, context=("Context (not part of the risk): PSE ahead",) if accounts else (),
                     note="", contracts=("call 25 exp 2023-03-10",) if accounts else (), accounts=accounts,
                     account_marks=tuple("ring member" if a == "P2" else "" for a in accounts))


def test_options_series_keeps_alerts_on_calendar_days_only():
    dates = np.array(["2023-03-01", "2023-03-02", "2023-03-06"], dtype="datetime64[D]")
    none = np.zeros(0)
    s = build_options_series(
        dates=dates, volume=[10, 20, 30], voi=[1.0, np.inf, 0.0], reward_share=[0.5, 0.9, np.nan],
        implied_vol=None, risk=[0.1, 0.9, 0.75], p_value=[0.5, 0.004, 0.2], sign=-1, n_calibration=250,
        high_unavailable="", alerts=[_mark("2023-03-06", "MEDIUM", ("vol/OI 6.1",), ()),
                                     _mark("2023-03-03", "HIGH", ("weekend",), ("x",)),
                                     _mark("2023-03-02", "HIGH", ("calls 90%", "spike"), ("P7", "P2"))],
        context_days=np.array([0]), context_text=["PSE ahead"],
        contracts=DayContracts(day=none.astype(int), is_call=none.astype(bool), strike=none,
                               expiry=none.astype("datetime64[D]"), volume=none, open_interest=none, voi=none,
                               implied_vol=none, iv_change=none, flagged=none.astype(bool)),
        alert_threshold=0.7, high_threshold=0.85, reference_start=dt.date(2023, 3, 2),
        event_date=dt.date(2023, 3, 6))
    assert s.alert_day.tolist() == [2, 1]
    assert s.alert_priority.tolist() == ["MEDIUM", "HIGH"]
    assert np.isnan(s.implied_vol).all() and s.voi.tolist() == [1.0, VOI_SHOWN_CAP, 0.0]
    assert s.x[1] - s.x[0] == 1 and s.x[2] - s.x[1] == 4
    assert s.reference_x == s.x[1] and s.event_x == s.x[2]
    assert s.label("reward_share") == "Put share"
    assert s.alert_text(1).splitlines() == [
        "2023-03-02  HIGH  risk 0.90  p 0.004 (n = 250)", "Contracts: call 25 exp 2023-03-10", "- calls 90%",
        "- spike", "◇ Context (not part of the risk): PSE ahead",
        "Accounts trading these contracts (no buy/sell side in the table): P7, P2 [ring member]"]
    assert s.alert_accounts == ((), ("P7", "P2"))
    assert s.contract_rows(1) == ()
    assert np.isnan(day_number(None))


def _episodes():
    rng = np.random.default_rng(4)
    m = 60
    inv = rng.choice(np.array(["b", "a", "d", "c"], dtype=object), size=m)
    start = np.datetime64("2022-01-01") + rng.integers(0, 300, m)
    score = rng.uniform(200, 800, m)
    return inv, start, score


def test_triage_groups_by_investor_with_dates_in_order():
    inv, start, score = _episodes()
    comp = np.tile(np.arange(4.0), (inv.size, 1))
    t = build_triage(inv, start, start + 3, np.full(inv.size, 2), score, comp,
                     np.ones(inv.size), np.zeros(inv.size), 650.0)
    assert t.ids.tolist() == ["a", "b", "c", "d"]
    for k, who in enumerate(t.ids):
        sl = t.episodes_of(who)
        mine = inv == who
        assert t.n_episodes[k] == mine.sum()
        assert t.mean_score[k] == pytest.approx(score[mine].mean())
        assert np.all(np.diff(t.ep_start[sl].astype(np.int64)) >= 0)
        assert sorted(t.ep_score[sl].tolist()) == sorted(score[mine].tolist())
    assert t.episodes_of("zz") == slice(0, 0)


def test_high_risk_share_matches_brute_force_for_any_threshold():
    inv, start, score = _episodes()
    t = build_triage(inv, start, start, np.ones(inv.size), score, np.zeros((inv.size, 4)),
                     np.ones(inv.size), np.zeros(inv.size), 650.0)
    for thr in (200.0, 500.0, 650.0, 801.0):
        want = [np.mean(score[inv == who] >= thr) for who in t.ids]
        assert high_risk_share(t, thr) == pytest.approx(want)


def test_heatmap_grid_best_first_ties_by_id():
    gx, gy = heatmap_grid(np.array([300.0, 700.0, 700.0, 500.0, 200.0]),
                          np.array(["e", "d", "a", "c", "b"], dtype=object))
    # order: a(700), d(700), c(500), e(300), b(200) on a 3-column grid
    assert list(zip(gx, gy)) == [(0, 1), (1, 0), (0, 0), (2, 0), (1, 1)]


def test_format_p_survives_underflow():
    assert format_p(-3.0) == "1.00e-03"
    assert format_p(-400.5) == "3.16e-401"
