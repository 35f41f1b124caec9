"""Daily options features of the event's stock at the contract level (METHOD.md §3).

Calendar: the stock's trading calendar (engine.market.calendar) united with the dates of its
options rows; a calendar day without options rows has volume 0 and no contracts. The rewarding
type is calls for a buy event, puts for a sell event. Per day t (contracts from
``engine.options.contracts``; baselines from ``engine.options.baseline``: the
``baseline_days`` days before t, at least ``min_baseline_days``, else unavailable):
- ``volume`` V and its baseline z; ``spike`` when V > 0 and V ≥ ``spike_ratio`` × mean;
- ``max_voi``: the largest V/OI among the day's contracts with at least ``voi_min_volume``
  contracts traded (+inf for such a contract with no open interest; 0 when none qualifies),
  ``voi_contract`` its entry (−1 when none);
- ``reward_share``: share of V in the rewarding type; ``reward_base`` the same share pooled
  over the baseline (Σ rewarding volume / Σ volume);
- ``expiry_share``: share of V in contracts expiring within ``short_expiry_days`` calendar days
  or at the first expiry after the day; ``expiry_base`` pooled over the baseline;
- ``strike_hhi``: Herfindahl index of the rewarding type's volume across strikes (expiries
  summed; NaN without rewarding volume), with its baseline z;
- ``otm_volume``: volume of short-dated (0 … ``otm_max_expiry_days`` days) out-of-the-money
  contracts of the rewarding type — calls with strike / underlying_close in [otm_min, otm_max],
  puts in [1/otm_max, 1/otm_min] — with its baseline z (needs ``underlying_close``);
- ``otm_iv``: their volume-weighted implied volatility (NaN on a day without such volume) and
  ``iv_change`` = otm_iv − its baseline mean;
- ``skew``: open-interest-weighted mean over matched pairs (a call and a put of the same strike
  and expiry, both with an IV) of call IV − put IV, and ``skew_change`` = skew − its baseline
  mean (needs ``implied_vol``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.market.calendar import trading_calendar
from engine.options.baseline import Baseline, baseline, pooled_share, ratio
from engine.options.contracts import ContractDays, contract_days
from engine.params import OptionsParams
from engine.tables import CaseTables, Event


@dataclass(frozen=True)
class DailyOptions:
    """Daily contract-level features of one stock; NaN marks an unavailable value."""

    dates: np.ndarray               # datetime64[D] calendar
    contracts: ContractDays
    volume: np.ndarray
    call_volume: np.ndarray
    put_volume: np.ndarray
    baseline_n: np.ndarray          # int64 days in the trailing baseline
    baseline_mean: np.ndarray
    baseline_std: np.ndarray
    z: np.ndarray
    spike: np.ndarray               # bool
    max_voi: np.ndarray
    voi_contract: np.ndarray        # int64 entry of ``contracts``, -1 when none qualifies
    reward_share: np.ndarray
    reward_base: np.ndarray
    expiry_share: np.ndarray
    expiry_base: np.ndarray
    strike_hhi: np.ndarray
    strike_hhi_base: np.ndarray
    strike_hhi_z: np.ndarray
    otm_volume: np.ndarray
    otm_base: np.ndarray
    otm_z: np.ndarray
    otm_iv: np.ndarray
    iv_base: np.ndarray
    iv_change: np.ndarray
    skew: np.ndarray
    skew_base: np.ndarray
    skew_change: np.ndarray
    has_underlying: bool
    has_iv: bool

    @property
    def n_days(self) -> int:
        return int(self.dates.size)

    @property
    def available(self) -> np.ndarray:
        """Days with a baseline (the days that get a risk)."""
        return ~np.isnan(self.baseline_mean)


def stock_options(tables: CaseTables, stock: str) -> pd.DataFrame | None:
    """The options rows of ``stock``, or None when there are none."""
    options = tables.options
    if options is None or options.empty:
        return None
    rows = options[options["stock"] == stock]
    return None if rows.empty else rows


def options_calendar(tables: CaseTables, stock: str, rows: pd.DataFrame) -> np.ndarray:
    """The stock's trading calendar united with its options dates (datetime64[D])."""
    days = rows["date"].to_numpy().astype("datetime64[D]")
    return np.union1d(trading_calendar(tables.trades, stock), days)


def _max_voi(c: ContractDays, n: int, min_volume: float) -> tuple[np.ndarray, np.ndarray]:
    """Per day: the largest V/OI among contracts with enough volume, and its entry."""
    best = np.zeros(n)
    entry = np.full(n, -1, np.int64)
    ok = np.flatnonzero(c.volume >= min_volume)
    if ok.size:
        order = ok[np.lexsort((-c.volume[ok], c.voi[ok], c.day[ok]))]  # last per day = largest
        last = np.r_[c.day[order][1:] != c.day[order][:-1], True]
        days = c.day[order][last]
        best[days] = c.voi[order][last]
        entry[days] = order[last]
    return best, entry


def _strike_hhi(c: ContractDays, reward: np.ndarray, n: int) -> np.ndarray:
    """Herfindahl index of the rewarding type's volume across strikes, per day."""
    per = pd.DataFrame({"day": c.day[reward], "strike": c.strike[reward], "v": c.volume[reward]})
    by_strike = per.groupby(["day", "strike"], sort=False)["v"].sum()
    day = by_strike.index.get_level_values(0).to_numpy(np.int64)
    v = by_strike.to_numpy(np.float64)
    total = np.bincount(day, weights=v, minlength=n)
    share = v / np.where(total[day] > 0, total[day], 1.0)
    hhi = np.bincount(day, weights=share ** 2, minlength=n)
    return np.where(total > 0, hhi, np.nan)


def _skew(c: ContractDays, n: int) -> np.ndarray:
    """Open-interest-weighted call IV − put IV over matched (strike, expiry) pairs, per day."""
    has = ~np.isnan(c.implied_vol)
    _, strike_code = np.unique(c.strike, return_inverse=True)
    _, expiry_code = np.unique(c.expiry, return_inverse=True)
    key = (c.day * (strike_code.max() + 1) + strike_code) * (expiry_code.max() + 1) + expiry_code
    put = np.flatnonzero(has & ~c.is_call)
    call = np.flatnonzero(has & c.is_call)
    put = put[np.argsort(key[put], kind="stable")]
    at = np.minimum(np.searchsorted(key[put], key[call]), max(put.size - 1, 0))
    matched = put.size > 0
    pair = call[key[put[at]] == key[call]] if matched else call[:0]
    mate = put[at][key[put[at]] == key[call]] if matched else put[:0]
    weight = c.open_interest[pair] + c.open_interest[mate]
    spread = c.implied_vol[pair] - c.implied_vol[mate]
    return ratio(np.bincount(c.day[pair], weights=weight * spread, minlength=n),
                 np.bincount(c.day[pair], weights=weight, minlength=n))


def _otm(c: ContractDays, reward: np.ndarray, sign: int, p: OptionsParams) -> np.ndarray:
    """Short-dated out-of-the-money contracts of the rewarding type (mask over entries)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        money = c.strike / c.underlying
    lo, hi = p.otm_min_moneyness, p.otm_max_moneyness
    band = (money >= lo) & (money <= hi) if sign > 0 else (money >= 1 / hi) & (money <= 1 / lo)
    return reward & band & (c.dte >= 0) & (c.dte <= p.otm_max_expiry_days)


def _first_expiry_after(c: ContractDays, n: int) -> np.ndarray:
    """Per entry: is its expiry the first one after its day among the day's contracts."""
    later = c.dte >= 1
    first = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first, c.day[later], c.expiry[later].astype(np.int64))
    return later & (c.expiry.astype(np.int64) == first[c.day])


def daily_features(rows: pd.DataFrame, calendar: np.ndarray, event: Event,
                   params: OptionsParams) -> DailyOptions:
    """Every daily feature of the stock's options rows on ``calendar`` (vectorised)."""
    n, p, sign = calendar.size, params, event.sign
    c = contract_days(rows, calendar)

    def per_day(weights: np.ndarray) -> np.ndarray:
        return np.bincount(c.day, weights=weights, minlength=n)

    volume = per_day(c.volume)
    call_volume = per_day(c.volume * c.is_call)
    reward = c.is_call if sign > 0 else ~c.is_call
    vol_b = baseline(volume, p.baseline_days, p.min_baseline_days, p.z_cap)
    available = ~np.isnan(vol_b.mean)
    spike = available & (volume > 0) & (volume >= p.spike_ratio * np.nan_to_num(vol_b.mean))
    max_voi, voi_contract = _max_voi(c, n, p.voi_min_volume)

    reward_volume = per_day(c.volume * reward)
    short = ((c.dte >= 0) & (c.dte <= p.short_expiry_days)) | _first_expiry_after(c, n)
    expiry_volume = per_day(c.volume * short)
    hhi = _strike_hhi(c, reward, n)
    hhi_b = _masked(baseline(hhi, p.baseline_days, p.min_baseline_days, p.z_cap), available)

    has_under = bool(np.isfinite(c.underlying).any())
    has_iv = bool(np.isfinite(c.implied_vol).any())
    nan = np.full(n, np.nan)
    otm_volume, otm_b, otm_iv, iv_base, skew, skew_base = nan, _masked(None, available, n), nan, nan, nan, nan
    if has_under:
        otm = _otm(c, reward, sign, p)
        otm_volume = per_day(c.volume * otm)
        otm_b = _masked(baseline(otm_volume, p.baseline_days, p.min_baseline_days, p.z_cap), available)
        if has_iv:
            w = np.where(otm & ~np.isnan(c.implied_vol), c.volume, 0.0)
            otm_iv = ratio(per_day(w * np.nan_to_num(c.implied_vol)), per_day(w))
            iv_base = _masked(baseline(otm_iv, p.baseline_days, p.min_baseline_days, p.z_cap), available).mean
    if has_iv:
        skew = _skew(c, n)
        skew_base = _masked(baseline(skew, p.baseline_days, p.min_baseline_days, p.z_cap), available).mean
    return DailyOptions(
        dates=calendar, contracts=c, volume=volume, call_volume=call_volume,
        put_volume=volume - call_volume, baseline_n=vol_b.n, baseline_mean=vol_b.mean,
        baseline_std=vol_b.std, z=vol_b.z, spike=spike, max_voi=max_voi, voi_contract=voi_contract,
        reward_share=ratio(reward_volume, volume),
        reward_base=pooled_share(reward_volume, volume, p.baseline_days, available),
        expiry_share=ratio(expiry_volume, volume),
        expiry_base=pooled_share(expiry_volume, volume, p.baseline_days, available),
        strike_hhi=hhi, strike_hhi_base=hhi_b.mean, strike_hhi_z=hhi_b.z,
        otm_volume=otm_volume, otm_base=otm_b.mean, otm_z=otm_b.z, otm_iv=otm_iv, iv_base=iv_base,
        iv_change=otm_iv - iv_base, skew=skew, skew_base=skew_base, skew_change=skew - skew_base,
        has_underlying=has_under, has_iv=has_iv)


def _masked(b: Baseline | None, available: np.ndarray, n: int = 0) -> Baseline:
    """``b`` with every day without a volume baseline unavailable (all NaN when ``b`` is None)."""
    if b is None:
        nan = np.full(n, np.nan)
        return Baseline(n=np.zeros(n, np.int64), mean=nan, std=nan, z=nan)
    off = ~available
    return Baseline(n=b.n, mean=np.where(off, np.nan, b.mean), std=np.where(off, np.nan, b.std),
                    z=np.where(off, np.nan, b.z))
