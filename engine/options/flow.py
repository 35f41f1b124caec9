"""Daily options-flow features of the event's stock (METHOD.md §3), before any scoring.

Calendar: the stock's trading calendar (engine.market.calendar) united with the dates of its options
rows; a calendar day without options rows has volume 0 and no per-contract features.

Per day t, summed over every contract (rows) of the stock:
- ``volume`` V, ``call_volume``, ``put_volume``, ``open_interest`` (start-of-day OI, summed);
- baseline: the ``baseline_days`` calendar days before t (fewer at the start); with fewer than
  ``min_baseline_days`` days every baseline feature of t is unavailable (NaN). ``z`` =
  (V − mean)/std of V over the baseline (sample std, ddof = 1; a zero std gives z = 0 when V
  equals the mean and ±``z_cap`` otherwise); ``spike`` when V > 0 and V ≥ ``spike_ratio`` × mean;
- ``voi`` = V / OI (NaN when both are 0, +inf when only OI is 0);
- ``call_share`` = call volume / V; ``expiry_share`` = share of V with 0 … ``short_expiry_days``
  calendar days to expiry; ``strike_concentration`` = 1 − (volume-weighted std / volume-weighted
  mean of strikes), floored at 0 (population std);
- ``otm_share``: share of V in short-dated (0 … ``otm_max_expiry_days`` days) out-of-the-money
  contracts of the rewarding right — calls with strike/underlying_close in [otm_min, otm_max]
  for a buy event, puts with strike/underlying_close in [1/otm_max, 1/otm_min] for a sell
  event — and ``otm_base`` the same share pooled over the baseline (Σ OTM volume / Σ V);
  unavailable without ``underlying_close``;
- ``iv``: volume-weighted mean implied_vol; ``skew``: volume-weighted call IV minus put IV
  (the call–put spread, which informed call buying raises); ``iv_change`` / ``skew_change``:
  the day's value minus the mean of the baseline days' values; unavailable without
  ``implied_vol``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.market.calendar import trading_calendar
from engine.params import OptionsParams
from engine.tables import CaseTables, Event


@dataclass(frozen=True)
class DailyOptions:
    """Daily options features of one stock; NaN marks an unavailable value."""

    dates: np.ndarray               # datetime64[D] calendar
    volume: np.ndarray
    call_volume: np.ndarray
    put_volume: np.ndarray
    open_interest: np.ndarray
    baseline_n: np.ndarray          # int64 days in the trailing baseline
    baseline_mean: np.ndarray
    baseline_std: np.ndarray
    z: np.ndarray
    spike: np.ndarray               # bool
    voi: np.ndarray
    call_share: np.ndarray
    expiry_share: np.ndarray
    strike_concentration: np.ndarray
    otm_volume: np.ndarray
    otm_share: np.ndarray
    otm_base: np.ndarray
    iv: np.ndarray
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


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den with NaN where den is 0."""
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _trailing(values: np.ndarray, length: int) -> np.ndarray:
    """(n, length) matrix: row t holds the ``length`` values before t (NaN before the start)."""
    padded = np.concatenate((np.full(length, np.nan), values.astype(np.float64)))
    return np.lib.stride_tricks.sliding_window_view(padded, length)[: values.size]


def _weighted_by_day(day: np.ndarray, n: int, weight: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Per-day weighted mean of ``value`` (rows with NaN value or zero weight left out)."""
    ok = ~np.isnan(value) & (weight > 0)
    num = np.bincount(day[ok], weights=weight[ok] * value[ok], minlength=n)
    den = np.bincount(day[ok], weights=weight[ok], minlength=n)
    return _ratio(num, den)


def _baseline_mean(values: np.ndarray, available: np.ndarray, length: int) -> np.ndarray:
    """Mean of the non-NaN values over each day's baseline; NaN when unavailable or empty."""
    window = _trailing(values, length)
    count = (~np.isnan(window)).sum(axis=1).astype(float)
    out = _ratio(np.nansum(window, axis=1), count)
    out[~available] = np.nan
    return out


def daily_features(rows: pd.DataFrame, calendar: np.ndarray, event: Event,
                   params: OptionsParams) -> DailyOptions:
    """Every daily feature of the stock's options rows on ``calendar`` (vectorised)."""
    n = calendar.size
    date = rows["date"].to_numpy().astype("datetime64[D]")
    day = np.searchsorted(calendar, date)
    vol = rows["volume"].to_numpy(np.float64)
    oi = rows["open_interest"].to_numpy(np.float64)
    strike = rows["strike"].to_numpy(np.float64)
    is_call = (rows["right"].astype(str).str.upper() == "C").to_numpy(bool)
    dte = (rows["expiry"].to_numpy().astype("datetime64[D]") - date).astype(np.int64)

    def per_day(weights: np.ndarray) -> np.ndarray:
        return np.bincount(day, weights=weights, minlength=n)

    volume = per_day(vol)
    call_volume = per_day(vol * is_call)
    open_interest = per_day(oi)
    short = (dte >= 0) & (dte <= params.short_expiry_days)

    mean_k = _ratio(per_day(vol * strike), volume)
    dev2 = (strike - np.nan_to_num(mean_k)[day]) ** 2
    std_k = np.sqrt(_ratio(per_day(vol * dev2), volume))
    concentration = np.maximum(0.0, 1.0 - std_k / mean_k)

    # Trailing baseline of total volume.
    b_len = params.baseline_days
    b_n = np.minimum(np.arange(n), b_len).astype(np.int64)
    available = b_n >= params.min_baseline_days
    window = _trailing(volume, b_len)
    b_sum = np.nansum(window, axis=1)
    b_mean = np.where(available, b_sum / np.maximum(b_n, 1), np.nan)
    dev = window - b_mean[:, None]
    b_std = np.where(available, np.sqrt(np.nansum(dev ** 2, axis=1) / np.maximum(b_n - 1, 1)), np.nan)
    # A constant baseline has std 0 up to rounding.
    b_std = np.where(b_std <= 1e-9 * np.maximum(np.abs(np.nan_to_num(b_mean)), 1.0), 0.0, b_std)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (volume - b_mean) / b_std
    flat = available & (b_std == 0)
    z[flat] = np.where(np.isclose(volume[flat], b_mean[flat], rtol=1e-9, atol=0.0), 0.0,
                       np.sign(volume[flat] - b_mean[flat]) * params.z_cap)
    spike = available & (volume > 0) & (volume >= params.spike_ratio * np.nan_to_num(b_mean))

    with np.errstate(divide="ignore", invalid="ignore"):
        voi = np.where(open_interest > 0, volume / np.where(open_interest > 0, open_interest, 1.0),
                       np.where(volume > 0, np.inf, np.nan))

    # Short-dated OTM contracts of the rewarding right.
    has_under = "underlying_close" in rows.columns and rows["underlying_close"].notna().any()
    if has_under:
        money = strike / rows["underlying_close"].to_numpy(np.float64)
        lo, hi = params.otm_min_moneyness, params.otm_max_moneyness
        in_band = ((money >= lo) & (money <= hi)) if event.sign > 0 else ((money >= 1 / hi) & (money <= 1 / lo))
        right_ok = is_call if event.sign > 0 else ~is_call
        otm = right_ok & in_band & (dte >= 0) & (dte <= params.otm_max_expiry_days)
        otm_volume = per_day(vol * otm)
        otm_share = _ratio(otm_volume, volume)
        otm_base = _ratio(np.nansum(_trailing(otm_volume, b_len), axis=1), b_sum)
        otm_base[~available] = np.nan
    else:
        otm_volume = otm_share = otm_base = np.full(n, np.nan)

    has_iv = "implied_vol" in rows.columns and rows["implied_vol"].notna().any()
    if has_iv:
        ivs = rows["implied_vol"].to_numpy(np.float64)
        iv = _weighted_by_day(day, n, vol, ivs)
        skew = (_weighted_by_day(day, n, vol * is_call, ivs)
                - _weighted_by_day(day, n, vol * ~is_call, ivs))
        iv_base = _baseline_mean(iv, available, b_len)
        skew_base = _baseline_mean(skew, available, b_len)
    else:
        iv = skew = iv_base = skew_base = np.full(n, np.nan)

    return DailyOptions(
        dates=calendar, volume=volume, call_volume=call_volume, put_volume=volume - call_volume,
        open_interest=open_interest, baseline_n=b_n, baseline_mean=b_mean, baseline_std=b_std,
        z=np.where(available, z, np.nan), spike=spike, voi=voi,
        call_share=_ratio(call_volume, volume), expiry_share=_ratio(per_day(vol * short), volume),
        strike_concentration=concentration, otm_volume=otm_volume, otm_share=otm_share,
        otm_base=otm_base, iv=iv, iv_base=iv_base, iv_change=iv - iv_base, skew=skew,
        skew_base=skew_base, skew_change=skew - skew_base,
        has_underlying=bool(has_under), has_iv=bool(has_iv))
