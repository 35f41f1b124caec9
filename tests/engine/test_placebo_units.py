"""Placebo test building blocks against hand-computed values (METHOD §5)."""
from __future__ import annotations

import numpy as np
import pytest

from engine.params import KMeansParams, PlaceboParams
from engine.placebo.dates import MIN_USABLE, eligible, even_picks, pseudo_dates
from engine.placebo.empirical import empirical_p, population_p
from engine.placebo.pseudo import day_seed, excess_share


def test_empirical_p_hand_example_with_ties():
    # x = 0.5 against 0.1, 0.5 (a tie counts), 0.7, 0.2: (1 + 2) / (1 + 4)
    assert empirical_p(0.5, np.array([0.1, 0.5, 0.7, 0.2])) == pytest.approx(3 / 5)


def test_empirical_p_without_exceedance_is_one_over_n_plus_one():
    assert empirical_p(0.9, np.array([0.1, 0.5, 0.7, 0.2])) == pytest.approx(1 / 5)
    assert empirical_p(-1.0, np.array([0.1, 0.5])) == pytest.approx(1.0)


def test_empirical_p_nan_pseudo_values_never_exceed_and_nan_observed_has_no_p():
    assert empirical_p(0.3, np.array([np.nan, 0.4, 0.1])) == pytest.approx(2 / 4)
    assert empirical_p(float("nan"), np.array([0.4])) is None
    assert population_p(0.3, np.zeros(0)) is None
    assert population_p(0.3, np.array([0.2, 0.3, 0.9])) == pytest.approx(3 / 4)


def test_even_picks_round_half_up_without_repeats():
    assert even_picks(10, 4) == [0, 3, 6, 9]
    assert even_picks(4, 3) == [0, 2, 3]          # 1.5 rounds up to 2
    assert even_picks(3, 5) == [0, 1, 2]          # more asked than there are: each once
    assert even_picks(7, 1) == [0]
    assert even_picks(0, 5) == []


def test_eligible_dates_brute_force():
    calendar = np.arange(np.datetime64("2020-01-01"), np.datetime64("2020-12-31")).astype("datetime64[D]")
    km, pp = KMeansParams(window_length=20, window_step=5), PlaceboParams(windows=8, min_distance=60)
    pse = [calendar[300].item(), calendar[150].item()]
    got = eligible(calendar, ref_lo=280, ref_len=22, pse_dates=pse, kmeans=km, placebo=pp)
    history = 20 + 5 * 7
    want = [j for j in range(calendar.size) if history <= j < 280 and j >= 22
            and all(abs(j - p) >= 60 for p in (300, 150))]
    assert got.tolist() == want


def test_fewer_than_19_usable_dates_make_the_test_unavailable():
    calendar = np.arange(np.datetime64("2020-01-01"), np.datetime64("2021-06-30")).astype("datetime64[D]")
    km = KMeansParams()
    # eligible 75 .. 75 + 5*18: exactly 19 dates 5 apart fit; one day less and only 18 do
    pp = PlaceboParams(n=40, windows=12, spacing=5)
    ok = pseudo_dates(calendar, 75 + 5 * (MIN_USABLE - 1) + 1, 22, [], km, pp)
    short = pseudo_dates(calendar, 75 + 5 * (MIN_USABLE - 1), 22, [], km, pp)
    assert ok.available and len(ok.indices) == MIN_USABLE
    assert not short.available and "0.05" in short.reason
    assert all(b - a >= 5 for a, b in zip(ok.indices, ok.indices[1:]))


def test_excess_share_is_rewarding_share_minus_pooled_rest():
    sizes, disc = np.array([10, 20, 30]), np.array([8, 5, 10])
    assert excess_share(sizes, disc, 0) == pytest.approx(0.8 - 15 / 50)
    assert np.isnan(excess_share(np.array([5, 0]), np.array([1, 0]), 0))


def test_day_seed_depends_on_seed_and_date_only():
    assert day_seed(0, "2020-01-02") == day_seed(0, "2020-01-02")
    assert day_seed(0, "2020-01-02") != day_seed(1, "2020-01-02") != day_seed(0, "2020-01-03")
    assert 0 <= day_seed(7, "2020-01-02") < 2 ** 31
