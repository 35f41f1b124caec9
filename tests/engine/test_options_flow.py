"""Contract-level daily options features and their scores against values worked out by hand
on a small chain with several contracts (METHOD.md §3)."""
from __future__ import annotations

import statistics

import numpy as np
import pandas as pd
import pytest

from engine.options.flow import daily_features, options_calendar, stock_options
from engine.options.scores import rule_scores
from engine.params import OptionsParams
from tests.engine.options_chain import business_days, case, row

P = OptionsParams(baseline_days=4, min_baseline_days=3)
DAYS = business_days(8)
CALLS = [10, 12, 8, 10, 14, 6, 10, 20]          # C100, 30 days
IV110 = [0.31, 0.32, 0.30, 0.31, 0.33, 0.29, 0.31, 0.36]


def chain(last: str = "call") -> list[dict]:
    """Every day: C100 (30 d), P100 (3 d), C110 and P110 (20 d, a matched pair). Day 6: C105
    (12 d) 120 traded on 40 OI. Day 7: C100 (3 d) 5 traded on 300 OI (pairs with P100), and the
    heavy contract: C115 (5 d) 150 traded with no open interest in two rows (account X 100,
    the rest 50), or for ``last="put"`` the same on P85."""
    rows = []
    for t, d in enumerate(DAYS):
        rows += [row(d, "C", 100, CALLS[t], 100, 30, iv=0.30), row(d, "P", 100, 10, 100, 3, iv=0.28),
                 row(d, "C", 110, 2, 50, 20, iv=IV110[t]), row(d, "P", 110, 1, 30, 20, iv=0.33)]
    rows.append(row(DAYS[6], "C", 105, 120, 40, 12, iv=0.35))
    rows.append(row(DAYS[7], "C", 100, 5, 300, 3, iv=0.40))
    right, strike = ("C", 115) if last == "call" else ("P", 85)
    rows.append(row(DAYS[7], right, strike, 100, 0, 5, iv=0.50, investor="X"))
    rows.append(row(DAYS[7], right, strike, 50, 0, 5, iv=0.50, investor=""))
    return rows


def features(rows: list[dict], direction: str = "buy", drop: tuple[str, ...] = (),
             params: OptionsParams = P):
    tables = case(DAYS, rows, DAYS[-1] + pd.offsets.BDay(3), DAYS[5], direction=direction, drop=drop)
    event = tables.event(None)
    got = stock_options(tables, event.stock)
    return daily_features(got, options_calendar(tables, event.stock, got), event, params)


@pytest.fixture(scope="module")
def f():
    return features(chain())


def volumes(last_extra: float = 150.0) -> list[float]:
    v = [c + 13 for c in CALLS]
    v[6] += 120
    v[7] += 5 + last_extra
    return v


def test_rows_are_summed_per_contract(f) -> None:
    c = f.contracts
    day7 = c.rows_of_day(7)
    heavy = day7[c.strike[day7] == 115]
    assert heavy.size == 1 and c.volume[heavy[0]] == 150 and c.open_interest[heavy[0]] == 0
    assert np.isposinf(c.voi[heavy[0]])
    assert c.size == 8 * 4 + 1 + 2
    assert np.isnan(c.iv_change[heavy[0]])            # its first row: no earlier IV


def test_contract_iv_change_against_its_previous_row() -> None:
    expiry = DAYS[0] + pd.Timedelta(days=30)
    rows = [{**row(d, "C", 110, 5, 50, 0, iv=iv), "expiry": expiry}
            for d, iv in zip(DAYS[[0, 1, 3]], (0.30, 0.34, 0.31))]
    c = features(rows).contracts
    assert c.day.tolist() == [0, 1, 3]
    assert c.iv_change[0] != c.iv_change[0] and c.iv_change[1:].tolist() == pytest.approx([0.04, -0.03])


def test_volume_z_and_spike(f) -> None:
    v = volumes()
    assert f.volume.tolist() == v
    base = v[3:7]
    mean, std = statistics.mean(base), statistics.stdev(base)
    assert f.z[7] == pytest.approx((v[7] - mean) / std)
    assert bool(f.spike[7]) == (v[7] >= 4 * mean)
    assert np.isnan(f.z[:3]).all() and not np.isnan(f.z[3:]).any()


def test_largest_voi_counts_only_contracts_with_100_traded(f) -> None:
    assert f.max_voi[:6].tolist() == [0.0] * 6      # nothing traded 100 contracts
    assert f.max_voi[6] == pytest.approx(120 / 40)  # C105, not C100's 10 / 100
    assert np.isposinf(f.max_voi[7])                # zero OI with volume counts as above 5
    assert f.contracts.strike[f.voi_contract[7]] == 115 and f.voi_contract[0] == -1


def test_direction_share_against_its_baseline(f) -> None:
    v = volumes()
    calls = [c + 2 for c in CALLS]
    calls[6] += 120
    calls[7] += 5 + 150
    assert f.reward_share[7] == pytest.approx(calls[7] / v[7])
    assert f.reward_base[7] == pytest.approx(sum(calls[3:7]) / sum(v[3:7]))


def test_expiry_clustering(f) -> None:
    v = volumes()
    # within 7 days: P100 (3 d) every day, plus C100 (3 d) and C115 (5 d) on day 7
    short = [10.0] * 8
    short[7] += 5 + 150
    assert f.expiry_share.tolist() == pytest.approx([s / x for s, x in zip(short, v)])
    assert f.expiry_base[7] == pytest.approx(sum(short[3:7]) / sum(v[3:7]))


def test_strike_herfindahl_of_calls(f) -> None:
    def hhi(vols: list[float]) -> float:
        total = sum(vols)
        return sum((x / total) ** 2 for x in vols)
    expected = [hhi([c, 2]) for c in CALLS]
    expected[6] = hhi([CALLS[6], 2, 120])
    expected[7] = hhi([CALLS[7] + 5, 2, 150])        # C100 (30 d) and C100 (3 d) share a strike
    assert f.strike_hhi.tolist() == pytest.approx(expected)
    base = expected[3:7]
    assert f.strike_hhi_z[7] == pytest.approx((expected[7] - statistics.mean(base)) / statistics.stdev(base))


def test_otm_short_dated_calls_and_their_iv(f) -> None:
    otm = [2.0] * 8                                    # C110 (1.10, 20 d)
    otm[6] += 120                                      # C105 (1.05, 12 d)
    otm[7] += 150                                      # C115 (1.15, 5 d)
    assert f.otm_volume.tolist() == otm
    base = otm[3:7]
    assert f.otm_z[7] == pytest.approx((otm[7] - statistics.mean(base)) / statistics.stdev(base))
    iv = list(IV110)
    iv[6] = (2 * IV110[6] + 120 * 0.35) / 122
    iv[7] = (2 * IV110[7] + 150 * 0.50) / 152
    assert f.otm_iv.tolist() == pytest.approx(iv)
    assert f.iv_change[7] == pytest.approx(iv[7] - statistics.mean(iv[3:7]))


def test_matched_pair_skew_is_open_interest_weighted(f) -> None:
    skew = [x - 0.33 for x in IV110]                   # the C110 / P110 pair only
    skew[7] = (400 * (0.40 - 0.28) + 80 * (IV110[7] - 0.33)) / 480   # plus C100 / P100 (3 d)
    assert f.skew.tolist() == pytest.approx(skew)
    assert f.skew_change[7] == pytest.approx(skew[7] - statistics.mean(skew[3:7]))


def test_scores_by_hand(f) -> None:
    s = rule_scores(f, P, sign=1)
    assert np.isnan(s["volume"][:3]).all()             # no baseline: no risk components
    assert s["volume"][7] == pytest.approx(min(max(f.z[7], 0) / 5, 1))
    assert s["voi"][6] == pytest.approx((3.0 - 2) / 3) and s["voi"][7] == 1.0 and s["voi"][5] == 0.0
    b, x = f.reward_base[7], f.reward_share[7]
    assert s["direction"][7] == pytest.approx(min(max((x - b) / (0.9 - b), 0), 1))
    eb, ex = f.expiry_base[7], f.expiry_share[7]
    assert s["expiry"][7] == pytest.approx(min(max((ex - eb) / (0.6 - eb), 0), 1))
    assert s["strike"][7] == pytest.approx(min(max(f.strike_hhi_z[7], 0) / 5, 1))
    assert s["otm"][7] == pytest.approx(min(max(f.otm_z[7], 0) / 5, 1))
    assert s["iv"][7] == pytest.approx(min(max(f.iv_change[7] / 0.10, 0), 1))
    assert s["skew"][7] == pytest.approx(min(max(f.skew_change[7] / 0.05, 0), 1))
    quiet = s["volume"][3:7]
    assert (quiet >= 0).all() and s["volume"][5] == 0.0   # below the mean: no evidence (one-sided)


def test_a_put_heavy_day_is_no_direction_evidence_before_a_buy_event() -> None:
    f = features(chain(last="put"))
    s = rule_scores(f, P, sign=1)
    assert f.reward_share[7] < f.reward_base[7] and s["direction"][7] == 0.0
    assert f.otm_volume[7] == 2.0                      # P85 is not a call
    assert s["voi"][7] == 1.0                          # V/OI is about any contract


def test_a_sell_event_rewards_puts() -> None:
    f = features(chain(last="put"), direction="sell")
    v = volumes()
    puts = [11.0] * 8
    puts[7] += 150
    assert f.reward_share[7] == pytest.approx(puts[7] / v[7])
    assert f.reward_base[7] == pytest.approx(sum(puts[3:7]) / sum(v[3:7]))
    assert f.otm_volume[7] == 150                      # P85: 0.85 in [1/1.30, 1/1.02], 5 days
    assert f.otm_volume[6] == 0                        # P110 is in the money for puts
    s = rule_scores(f, P, sign=-1)
    assert s["direction"][7] > 0.5 and s["otm"][7] == 1.0
    assert s["skew"][7] == pytest.approx(min(max(-f.skew_change[7] / 0.05, 0), 1))


def test_missing_columns_drop_their_features() -> None:
    f = features(chain(), drop=("implied_vol", "underlying_close"))
    assert not f.has_iv and not f.has_underlying
    assert set(rule_scores(f, P, sign=1)) == {"volume", "voi", "direction", "expiry", "strike"}
    assert not np.isnan(f.z[3:]).any()


def test_calendar_unites_trading_days_and_option_days() -> None:
    rows = [r for r in chain() if r["date"] != DAYS[4]]
    extra = DAYS[-1] + pd.offsets.BDay(1)
    rows.append(row(extra, "C", 100, 5, 100, 30, iv=0.3))
    f = features(rows)
    assert f.n_days == 9 and f.volume[4] == 0 and np.isnan(f.reward_share[4]) and f.volume[8] == 5


def test_baselines_match_a_day_by_day_loop() -> None:
    """60-day trailing baselines (none below 10 days) against plain loops."""
    rng = np.random.default_rng(5)
    days = business_days(90)
    rows = [row(d, right, k, float(rng.integers(0, 80)), 200.0, int(rng.integers(1, 40)),
                iv=float(rng.uniform(0.2, 0.4)))
            for d in days for right in "CP" for k in (95.0, 100.0, 106.0)]
    tables = case(days, rows, days[-1], days[60])
    event = tables.event(None)
    got = stock_options(tables, event.stock)
    f = daily_features(got, options_calendar(tables, event.stock, got), event, OptionsParams())
    frame = pd.DataFrame(rows)
    vol = frame.groupby("date")["volume"].sum().to_numpy()
    money = frame["strike"] / frame["underlying_close"]
    dte = (frame["expiry"] - frame["date"]).dt.days
    otm = frame[(frame["right"] == "C") & money.between(1.02, 1.30) & dte.between(0, 30)]
    otm_vol = otm.groupby("date")["volume"].sum().reindex(days, fill_value=0.0).to_numpy()
    for t in range(90):
        base = vol[max(0, t - 60):t]
        if len(base) < 10:
            assert np.isnan(f.z[t]) and np.isnan(f.otm_z[t])
            continue
        assert f.z[t] == pytest.approx((vol[t] - statistics.mean(base)) / statistics.stdev(base))
        ob = otm_vol[max(0, t - 60):t]
        assert f.otm_base[t] == pytest.approx(statistics.mean(ob))
        assert f.otm_z[t] == pytest.approx((otm_vol[t] - statistics.mean(ob)) / statistics.stdev(ob))
