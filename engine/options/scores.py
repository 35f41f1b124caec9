"""Component scores of the daily options risk, each in [0, 1] (METHOD.md §3).

NaN marks a component unavailable on a day (it is left out of that day's mean). On a day
without a baseline every component is NaN (the day has no risk).
- ``volume``    one-sided volume z: min(max(z, 0) / z_cap, 1) (a quiet day is no evidence)
- ``voi``       largest contract V/OI (≥ voi_min_volume traded): 0 at voi_normal, 1 at
                voi_suspicious, linear between; 1 for such a contract without open interest;
                0 when no contract traded enough
- ``direction`` rewarding-type share s against its baseline share b: 0 at b, 1 at
                direction_share_full (linear); 0 on a day without volume
- ``expiry``    short-dated share against its baseline share: 0 at the baseline share, 1 at
                expiry_share_suspicious
- ``strike``    one-sided z of the rewarding type's strike Herfindahl index; 0 without
                rewarding volume
- ``otm``       one-sided z of the short-dated OTM rewarding-type volume (needs underlying_close)
- ``iv``        OTM rewarding-type IV change: 0 at 0, 1 at iv_change_full; NaN on a day without
                OTM rewarding volume (needs implied_vol)
- ``skew``      d × matched-pair skew change: 0 at 0, 1 at skew_change_full; NaN without pairs
A feature whose standard deviation over the days before the reference period (its raw values,
see ``RAW``) is below ``FLAT_STD`` is dropped for the stock (no information): its score is
not used and the report names it (a feature defined on fewer than two of those days is
kept). V/OI is scored on fixed levels, not against a baseline, so
the rule does not apply to it.
"""
from __future__ import annotations

import numpy as np

from engine.options.flow import DailyOptions
from engine.params import OptionsParams

FLAT_STD = 1e-6
RULES = ("volume", "voi", "direction", "expiry", "strike", "otm", "iv", "skew")
RAW = {"volume": "volume", "direction": "reward_share", "expiry": "expiry_share",
       "strike": "strike_hhi", "otm": "otm_volume", "iv": "otm_iv", "skew": "skew"}


def ramp(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """0 at ``lo``, 1 at ``hi``, linear between, clipped; +inf → 1; NaN stays NaN."""
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
    return np.where(np.isposinf(x), 1.0, out)


def one_sided(z: np.ndarray, cap: float) -> np.ndarray:
    """min(max(z, 0) / cap, 1); NaN stays NaN."""
    return np.minimum(np.maximum(z, 0.0) / cap, 1.0)


def rise(share: np.ndarray, base: np.ndarray, full: float) -> np.ndarray:
    """0 at the baseline share, 1 at ``full``; a baseline at or above ``full`` scores 1 only
    above the baseline."""
    room = full - base
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(room > 0, np.clip((share - base) / np.where(room > 0, room, 1.0), 0.0, 1.0),
                       (share > base).astype(float))
    return np.where(np.isnan(base), np.nan, out)


def rule_scores(f: DailyOptions, p: OptionsParams, sign: int) -> dict[str, np.ndarray]:
    """Every rule component per day (see the module docstring); unavailable days are NaN."""
    off = ~f.available

    def zero_if_nan(x: np.ndarray) -> np.ndarray:
        return np.where(off, np.nan, np.nan_to_num(x, nan=0.0))

    scores = {
        "volume": one_sided(f.z, p.z_cap),
        "voi": zero_if_nan(ramp(f.max_voi, p.voi_normal, p.voi_suspicious)),
        "direction": zero_if_nan(rise(f.reward_share, f.reward_base, p.direction_share_full)),
        "expiry": zero_if_nan(rise(f.expiry_share, f.expiry_base, p.expiry_share_suspicious)),
        "strike": zero_if_nan(one_sided(f.strike_hhi_z, p.z_cap)),
    }
    if f.has_underlying:
        scores["otm"] = zero_if_nan(one_sided(f.otm_z, p.z_cap))
        if f.has_iv:
            scores["iv"] = np.where(off, np.nan, ramp(f.iv_change, 0.0, p.iv_change_full))
    if f.has_iv:
        scores["skew"] = np.where(off, np.nan, ramp(sign * f.skew_change, 0.0, p.skew_change_full))
    return {k: np.where(off, np.nan, v) for k, v in scores.items()}


def flat_features(f: DailyOptions, calibration: np.ndarray, names: tuple[str, ...]) -> dict[str, float]:
    """Features (among ``names``) whose raw std over the calibration days is below FLAT_STD,
    with that std (a feature defined on fewer than two calibration days is kept)."""
    out = {}
    for name in names:
        if name not in RAW:
            continue
        x = getattr(f, RAW[name])[calibration]
        x = x[np.isfinite(x)]
        if x.size >= 2 and float(np.std(x, ddof=1)) < FLAT_STD:
            out[name] = float(np.std(x, ddof=1))
    return out
