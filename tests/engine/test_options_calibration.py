"""Daily risk, its calibration against the days before the reference period, priorities and
context arithmetic of the options stage (METHOD.md §3), against brute force and hand values."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.options.calibration import (calibrated_p, daily_risk, high_unavailable_reason, min_calibration,
                                        priorities)
from engine.options.context import filings_count, pse_days_ahead
from engine.options.forest import forest_scores
from engine.params import OptionsParams

P = OptionsParams()


def test_risk_is_the_mean_of_the_available_components() -> None:
    nan = np.nan
    comps = {"a": np.array([0.2, nan, 1.0, nan]), "b": np.array([0.4, 0.6, 0.0, nan]),
             "c": np.array([0.9, 0.3, nan, nan])}
    assert daily_risk(comps, 4)[:3].tolist() == pytest.approx([0.5, 0.45, 0.5])
    assert np.isnan(daily_risk(comps, 4)[3])


@pytest.mark.parametrize("seed", range(4))
def test_calibrated_p_against_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    risk = np.round(rng.uniform(0, 1, 60), 1)          # ties on purpose
    risk[[3, 40]] = np.nan
    cal = np.zeros(60, bool)
    cal[:35] = True
    p = calibrated_p(risk, cal)
    ref = [r for r, c in zip(risk, cal) if c and not np.isnan(r)]
    for r, got in zip(risk, p):
        if np.isnan(r):
            assert np.isnan(got)
        else:
            assert got == pytest.approx((1 + sum(x >= r for x in ref)) / (1 + len(ref)))


def test_at_least_99_calibration_days_for_a_p_of_one_percent() -> None:
    assert min_calibration(0.01) == 99 and min_calibration(0.05) == 19
    assert 1 / (1 + 99) <= 0.01 < 1 / (1 + 98)
    assert high_unavailable_reason(99, P) == ""
    why = high_unavailable_reason(98, P)
    assert "HIGH unavailable" in why and "98 days" in why and "99" in why


def test_priorities_need_risk_and_calibration() -> None:
    up = lambda x: float(np.nextafter(x, 2.0))  # noqa: E731
    risk = np.array([0.7, up(0.7), 0.85, up(0.85), 0.95, 0.95, np.nan])
    p = np.array([0.001, 0.001, 0.001, 0.01, 0.0101, 0.005, np.nan])
    assert priorities(risk, p, 150, P).tolist() == ["", "MEDIUM", "MEDIUM", "HIGH", "MEDIUM", "HIGH", ""]
    assert priorities(risk, p, 98, P).tolist() == ["", "MEDIUM", "MEDIUM", "MEDIUM", "MEDIUM", "MEDIUM", ""]


def test_forest_scores_baseline_days_out_of_fold_and_later_days_out_of_sample() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(80, 3))
    x[70] = [8, 8, 8]                                   # a later outlier
    cal = np.zeros(80, bool)
    cal[:60] = True
    later = ~cal
    s = forest_scores(x, cal, later, P)
    assert s.available and not np.isnan(s.anomaly).any()
    assert s.anomaly[70] == s.anomaly.max() and s.component[70] > 0.5
    # removing or changing later days leaves every calibration-day score as it was
    x2 = x.copy()
    x2[60:] = rng.normal(size=(20, 3)) * 50
    s2 = forest_scores(x2[:75], cal[:75], later[:75], P)
    assert np.array_equal(s.anomaly[:60], s2.anomaly[:60])
    # a calibration day is scored by a forest that never saw its block
    x3 = x.copy()
    x3[5] = [9, 9, 9]                                   # in the first block of 12 days
    s3 = forest_scores(x3, cal, later, P)
    assert s3.anomaly[5] > 0.65 and s3.anomaly[5] == s3.anomaly[:60].max()
    few = forest_scores(x, np.arange(80) < 9, np.arange(80) >= 9, P)
    assert not few.available and "only 9 days" in few.reason and np.isnan(few.component).all()


def test_pse_lookahead_by_hand() -> None:
    dates = np.arange(np.datetime64("2021-01-04"), np.datetime64("2021-01-24"))  # 20 days
    expected = np.zeros(20, int)
    expected[3:10] = [7, 6, 5, 4, 3, 2, 1]
    assert pse_days_ahead(dates, [dates[10]], 7).tolist() == expected.tolist()
    gapped = np.delete(dates, 12)                       # an event on a holiday maps to the next day
    both = pse_days_ahead(gapped, [gapped[15], dates[12]], 7)
    assert both[11] == 1 and both[12] == 3 and both[14] == 1 and both[5] == 7 and both[4] == 0


def test_filings_window_by_hand() -> None:
    near = pd.DataFrame({"pos": [5, 5, 14]})
    expected = np.zeros(15, int)
    expected[3:8] = 2
    expected[12:] += 1
    assert filings_count(near, 15, 2).tolist() == expected.tolist()
