"""Daily options features against values worked out by hand on a tiny chain."""
from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pytest

from engine.options.flow import daily_features, options_calendar, stock_options
from engine.params import OptionsParams
from tests.engine.options_chain import business_days, case, row

P = OptionsParams(baseline_days=4, min_baseline_days=3)
CALLS = [10, 12, 8, 10, 14, 6, 10, 20]
PUTS = [10] * 8


def tiny_rows(days: pd.DatetimeIndex, direction_extra: str = "C") -> list[dict]:
    """Calls and puts at the money every day; on the last day 60 short-dated contracts at 110."""
    rows = []
    for t, d in enumerate(days):
        rows.append(row(d, "C", 100, CALLS[t], 100, 30, iv=0.30))
        rows.append(row(d, "P", 100, PUTS[t], 100, 30, iv=0.28))
    rows.append(row(days[7], direction_extra, 110, 60, 10, 5, iv=0.50))
    return rows


def features(rows: list[dict], days: pd.DatetimeIndex, direction: str = "buy",
             drop: tuple[str, ...] = (), params: OptionsParams = P):
    tables = case(days, rows, days[-1], days[min(5, len(days) - 1)], direction=direction, drop=drop)
    event = tables.event(None)
    chain = stock_options(tables, event.stock)
    return daily_features(chain, options_calendar(tables, event.stock, chain), event, params)


@pytest.fixture(scope="module")
def tiny():
    days = business_days(8)
    return features(tiny_rows(days), days)


def test_volumes_open_interest_and_shares(tiny) -> None:
    volume = [c + p for c, p in zip(CALLS, PUTS)]
    volume[7] += 60
    assert tiny.volume.tolist() == volume
    assert tiny.call_volume[7] == 80 and tiny.put_volume[7] == 10
    assert tiny.voi[7] == pytest.approx(90 / 210)
    assert tiny.voi[0] == pytest.approx(20 / 200)
    assert tiny.call_share[7] == pytest.approx(80 / 90)
    assert tiny.expiry_share[7] == pytest.approx(60 / 90)
    assert tiny.expiry_share[0] == 0.0


def test_volume_baseline_z_and_spike(tiny) -> None:
    volume = [c + p for c, p in zip(CALLS, PUTS)]
    base = volume[3:7]                      # the 4 trading days before day 7
    mean, std = statistics.mean(base), statistics.stdev(base)
    assert tiny.baseline_mean[7] == pytest.approx(mean)
    assert tiny.baseline_std[7] == pytest.approx(std)
    assert tiny.z[7] == pytest.approx((90 - mean) / std)
    assert bool(tiny.spike[7])              # 90 >= 4 x 20
    z6 = (volume[6] - statistics.mean(volume[2:6])) / statistics.stdev(volume[2:6])
    assert tiny.z[6] == pytest.approx(z6)
    assert not tiny.spike[6]
    # fewer than 3 baseline days: unavailable
    assert tiny.baseline_n.tolist()[:4] == [0, 1, 2, 3]
    assert np.isnan(tiny.z[:3]).all() and not tiny.spike[:3].any()
    assert not np.isnan(tiny.z[3])


def test_strike_concentration_by_hand(tiny) -> None:
    vols = {100.0: 30.0, 110.0: 60.0}
    mean = sum(k * v for k, v in vols.items()) / 90
    std = math.sqrt(sum(v * (k - mean) ** 2 for k, v in vols.items()) / 90)
    assert tiny.strike_concentration[7] == pytest.approx(1 - std / mean)
    assert tiny.strike_concentration[0] == pytest.approx(1.0)  # one strike only


def test_otm_short_dated_calls_against_baseline(tiny) -> None:
    assert tiny.otm_volume[7] == 60 and tiny.otm_share[7] == pytest.approx(60 / 90)
    assert tiny.otm_base[7] == 0.0           # at-the-money only in the baseline
    assert np.isnan(tiny.otm_base[:3]).all()


def test_implied_vol_and_skew_change(tiny) -> None:
    def day_iv(t: int) -> float:
        return (CALLS[t] * 0.30 + PUTS[t] * 0.28) / (CALLS[t] + PUTS[t])
    iv7 = (20 * 0.30 + 10 * 0.28 + 60 * 0.50) / 90
    base = statistics.mean(day_iv(t) for t in range(3, 7))
    assert tiny.iv[7] == pytest.approx(iv7)
    assert tiny.iv_change[7] == pytest.approx(iv7 - base)
    skew7 = (20 * 0.30 + 60 * 0.50) / 80 - 0.28
    assert tiny.skew[7] == pytest.approx(skew7)
    assert tiny.skew_change[7] == pytest.approx(skew7 - 0.02)


def test_sell_event_counts_out_of_the_money_puts() -> None:
    days = business_days(8)
    rows = tiny_rows(days, direction_extra="P")
    rows[-1]["strike"] = 90.0                 # 0.90 of the underlying: an OTM put
    sell = features(rows, days, direction="sell")
    assert sell.otm_volume[7] == 60
    buy = features(rows, days, direction="buy")
    assert buy.otm_volume[7] == 0


def test_missing_columns_make_features_unavailable() -> None:
    days = business_days(8)
    f = features(tiny_rows(days), days, drop=("implied_vol", "underlying_close"))
    assert not f.has_iv and not f.has_underlying
    assert np.isnan(f.iv).all() and np.isnan(f.skew_change).all() and np.isnan(f.otm_share).all()
    assert not np.isnan(f.z[3:]).any()       # the rest is unaffected


def test_calendar_unites_trading_days_and_option_days() -> None:
    days = business_days(8)
    rows = [r for r in tiny_rows(days) if r["date"] != days[4]]   # no options on day 4
    extra_day = days[-1] + pd.offsets.BDay(1)
    rows.append(row(extra_day, "C", 100, 5, 100, 30, iv=0.3))      # options, no trades
    f = features(rows, days)
    assert f.n_days == 9
    assert f.volume[4] == 0 and np.isnan(f.call_share[4]) and np.isnan(f.voi[4])
    assert f.volume[8] == 5


def test_constant_baseline_gives_capped_z() -> None:
    days = business_days(6)
    rows = [row(d, "C", 100, 10, 100, 30) for d in days[:5]] + [row(days[5], "C", 100, 30, 100, 30)]
    f = features(rows, days, params=OptionsParams(baseline_days=4, min_baseline_days=3))
    assert f.z[4] == 0.0                      # same as a constant baseline
    assert f.z[5] == P.z_cap                  # above a constant baseline
    assert f.voi[5] == pytest.approx(0.3)


def test_no_open_interest() -> None:
    days = business_days(2)
    f = features([row(days[0], "C", 100, 0, 0, 30), row(days[1], "C", 100, 7, 0, 30)], days)
    assert np.isnan(f.voi[0]) and np.isposinf(f.voi[1])


def test_baselines_match_a_day_by_day_loop() -> None:
    """60-day trailing baselines (fewer at the start, none below 10 days) against plain loops."""
    rng = np.random.default_rng(5)
    days = business_days(90)
    rows = []
    for d in days:
        for right in "CP":
            for k in (95.0, 100.0, 106.0):
                rows.append(row(d, right, k, float(rng.integers(0, 80)), 200.0, int(rng.integers(1, 40)),
                                iv=float(rng.uniform(0.2, 0.4))))
    f = features(rows, days, params=OptionsParams())
    frame = pd.DataFrame(rows)
    vol = frame.groupby("date")["volume"].sum().to_numpy()
    money = frame["strike"] / frame["underlying_close"]
    dte = (frame["expiry"] - frame["date"]).dt.days
    otm = frame[(frame["right"] == "C") & money.between(1.02, 1.30) & dte.between(0, 30)]
    otm_vol = otm.groupby("date")["volume"].sum().reindex(days, fill_value=0.0).to_numpy()
    for t in range(90):
        base = vol[max(0, t - 60):t]
        if len(base) < 10:
            assert np.isnan(f.z[t]) and np.isnan(f.otm_base[t]) and np.isnan(f.iv_base[t])
            continue
        mean, std = statistics.mean(base), statistics.stdev(base)
        assert f.z[t] == pytest.approx((vol[t] - mean) / std)
        assert bool(f.spike[t]) == bool(vol[t] > 0 and vol[t] >= 4 * mean)
        assert f.otm_base[t] == pytest.approx(otm_vol[max(0, t - 60):t].sum() / base.sum())
        assert f.iv_base[t] == pytest.approx(statistics.mean(f.iv[max(0, t - 60):t]))
