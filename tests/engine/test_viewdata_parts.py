"""Options and triage presentation arrays against hand-worked examples and brute force."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from engine.viewdata.network import format_p
from engine.viewdata.options import build_options_series, day_number
from engine.viewdata.triage import build_triage, heatmap_grid, high_risk_share


def test_options_series_keeps_alerts_on_calendar_days_only():
    dates = np.array(["2023-03-01", "2023-03-02", "2023-03-06"], dtype="datetime64[D]")
    s = build_options_series(dates, [10, 20, 30], [1.0, 2.0, np.nan], [0.5, 0.9, np.nan], None,
                             [0.1, 0.9, 0.75], np.array(["2023-03-06", "2023-03-03", "2023-03-02"],
                                                        dtype="datetime64[D]"),
                             np.array(["MEDIUM", "HIGH", "HIGH"], dtype=object),
                             [["vol/OI 6.1"], ["weekend"], ["calls 90%", "spike"]],
                             [[], ["x"], ["P7", "P2"]],
                             0.7, 0.85, dt.date(2023, 3, 2), dt.date(2023, 3, 6))
    assert s.alert_day.tolist() == [2, 1]
    assert s.alert_priority.tolist() == ["MEDIUM", "HIGH"]
    assert s.alert_reasons == (("vol/OI 6.1",), ("calls 90%", "spike"))
    assert np.isnan(s.implied_vol).all()
    assert s.x[1] - s.x[0] == 1 and s.x[2] - s.x[1] == 4
    assert s.reference_x == s.x[1] and s.event_x == s.x[2]
    text = s.alert_text(1)
    assert text.splitlines() == ["2023-03-02  HIGH  risk 0.90", "- calls 90%", "- spike",
                                 "Top accounts: P7, P2"]
    assert s.alert_accounts == ((), ("P7", "P2"))
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
