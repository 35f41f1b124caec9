"""Risk components, weights, thresholds and cross-reference arithmetic of the options stage."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from engine.options.flow import daily_features, options_calendar, stock_options
from engine.options.risk import (WEIGHTS, combine, effective_weights, filings_near, iforest_component,
                                 pse_days_ahead, priority, rule_scores)
from engine.params import OptionsParams
from tests.engine.options_chain import business_days, case, informed_rows, quiet_chain

P = OptionsParams()


@pytest.fixture(scope="module")
def base_features():
    days = business_days(12)
    tables = case(days, quiet_chain(days), days[-1], days[5])
    event = tables.event(None)
    chain = stock_options(tables, event.stock)
    return daily_features(chain, options_calendar(tables, event.stock, chain), event, P)


def with_values(f, n=8, **arrays):
    """The first n days of ``f`` with some feature arrays replaced."""
    cut = {fl.name: getattr(f, fl.name)[:n] for fl in dataclasses.fields(f)
           if isinstance(getattr(f, fl.name), np.ndarray)}
    cut.update({k: np.asarray(v, dtype=float) for k, v in arrays.items()})
    return dataclasses.replace(f, **cut)


def test_rule_scores_follow_the_documented_ramps(base_features) -> None:
    nan, inf = np.nan, np.inf
    f = with_values(
        base_features,
        z=[-2.5, 7, 0, nan, 5, 1, 2, -9],
        voi=[1, 2, 3.5, 5, 7, inf, nan, 0],
        call_share=[0.85, 0.5, 0.1, 0.8, nan, 0.2, 1.0, 0.0],
        expiry_share=[0.6, 0.8, 1.0, nan, 0.3, 0.7, 0.9, 0.0],
        otm_share=[0.6, 0.1, 1.0, nan, 0.5, 0.2, 0.3, 0.0],
        otm_base=[0.2, 0.2, 0.0, 0.1, nan, 0.2, 0.0, 0.0],
        iv_change=[0.05, -0.1, 0.2, nan, 0.0, 0.1, 0.02, 0.0],
        skew_change=[-0.025, 0.05, 0.1, nan, 0.0, -0.2, 0.0, 0.0],
    )
    s = rule_scores(f, P, sign=1)
    assert s["volume"].tolist() == pytest.approx([0.5, 1, 0, 0, 1, 0.2, 0.4, 1])
    assert s["voi"].tolist() == pytest.approx([0, 0, 0.5, 1, 1, 1, 0, 0])
    assert s["direction"].tolist() == pytest.approx([0.7, 0, 0.8, 0, 0, 0, 1, 1])
    assert s["expiry"].tolist() == pytest.approx([0, 0.5, 1, 0, 0, 0.25, 0.75, 0])
    assert s["otm"].tolist() == pytest.approx([0.5, 0, 1, 0, 0, 0, 0.3, 0])
    assert s["iv"].tolist() == pytest.approx([0.5, 0, 1, 0, 0, 1, 0.2, 0])
    assert s["skew"].tolist() == pytest.approx([0, 1, 1, 0, 0, 0, 0, 0])
    sell = rule_scores(f, P, sign=-1)
    assert sell["skew"].tolist() == pytest.approx([0.5, 0, 0, 0, 0, 1, 0, 0])
    assert sell["direction"].tolist() == s["direction"].tolist()   # symmetric (METHOD §3)


def test_iforest_component_mapping() -> None:
    assert iforest_component(np.array([0.3, 0.5, 0.625, 0.75, 0.9])).tolist() == pytest.approx(
        [0, 0, 0.5, 1, 1])


def test_weights_sum_to_one_and_drop_unavailable_features(base_features) -> None:
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)
    assert effective_weights(base_features) == pytest.approx(WEIGHTS)
    no_iv = dataclasses.replace(base_features, has_iv=False, has_underlying=False)
    w = effective_weights(no_iv)
    assert set(w) == set(WEIGHTS) - {"iv", "skew", "otm"}
    assert sum(w.values()) == pytest.approx(1.0)
    assert w["volume"] / w["voi"] == pytest.approx(WEIGHTS["volume"] / WEIGHTS["voi"])


def test_priorities_at_the_thresholds() -> None:
    above = lambda x: float(np.nextafter(x, 2.0))  # noqa: E731
    assert priority(0.7, P) is None
    assert priority(above(0.7), P) == "MEDIUM"
    assert priority(0.85, P) == "MEDIUM"
    assert priority(above(0.85), P) == "HIGH"
    assert priority(1.0, P) == "HIGH"


def test_pse_lookahead_by_hand() -> None:
    dates = np.arange(np.datetime64("2021-01-04"), np.datetime64("2021-01-24"))  # 20 days
    ahead = pse_days_ahead(dates, [dates[10]], 7)
    expected = np.zeros(20, int)
    expected[3:10] = [7, 6, 5, 4, 3, 2, 1]
    assert ahead.tolist() == expected.tolist()
    # two events: the nearer one counts; a date off the calendar maps to the next trading day
    gapped = np.delete(dates, 12)
    both = pse_days_ahead(gapped, [gapped[15], dates[12]], 7)
    assert both[11] == 1 and both[12] == 3 and both[14] == 1 and both[5] == 7 and both[4] == 0


def test_filings_window_by_hand() -> None:
    dates = np.arange(np.datetime64("2021-01-04"), np.datetime64("2021-01-19"))  # 15 days
    filed = np.array([dates[5], dates[5], np.datetime64("2020-01-01"), np.datetime64("2022-01-01")])
    near = filings_near(dates, filed, 2)
    expected = np.zeros(15, int)
    expected[3:8] = 2
    assert near.tolist() == expected.tolist()


def test_combine_adds_boosts_and_clips() -> None:
    comps = {k: np.array([0.0, 0.5, 1.0, 0.9]) for k in WEIGHTS}
    base, risk = combine(comps, dict(WEIGHTS), np.array([0, 3, 0, 1]), np.array([0, 1, 0, 2]), P)
    assert base.tolist() == pytest.approx([0.0, 0.5, 1.0, 0.9])
    assert risk.tolist() == pytest.approx([0.0, 0.7, 1.0, 1.0])


@pytest.mark.parametrize("seed", range(5))
def test_risk_stays_in_unit_interval_on_random_chains(seed: int) -> None:
    from engine.options.stage import run_options
    rng = np.random.default_rng(seed)
    days = business_days(70)
    rows = quiet_chain(days, seed=seed)
    for k in rng.choice(70, size=4, replace=False):
        rows += informed_rows(days[k], volume=float(rng.integers(100, 5000)),
                              right=str(rng.choice(["C", "P"])))
    tables = case(days, rows, days[60], days[40], direction=str(rng.choice(["buy", "sell"])))
    result = run_options(tables, tables.event(None), P)
    assert result.available
    for arr in [result.risk, result.base_risk, *result.components.values()]:
        assert np.all((arr >= 0) & (arr <= 1)) and np.isfinite(arr).all()
    assert sum(result.weights.values()) == pytest.approx(1.0)
