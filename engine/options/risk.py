"""Daily options risk score in [0, 1] from rule scores and an IsolationForest (METHOD.md §3).

Component scores, each in [0, 1] (0 on a day where the feature is unavailable):
- ``volume``    min(|z| / z_cap, 1)
- ``spike``     1 when V ≥ spike_ratio × baseline mean, else 0
- ``voi``       volume / open interest: 0 at voi_normal (2), rising linearly to 1 at
                voi_suspicious (5); 1 when there was no open interest but volume
- ``direction`` call share c: |c − 0.5|·2 when c > call_share_high or c < call_share_low
- ``expiry``    share s of volume with ≤ short_expiry_days to expiry: 0 at
                expiry_share_suspicious (0.6), rising linearly to 1 at s = 1
- ``strike``    strike concentration (already in [0, 1])
- ``otm``       short-dated OTM share of the rewarding right, o, against its baseline b:
                (o − b) / (1 − b), clipped to [0, 1]
- ``iv``        IV change over the baseline / iv_change_full, clipped
- ``skew``      d × (call-minus-put IV spread change) / skew_change_full, clipped
- ``iforest``   IsolationForest anomaly score a (sklearn ``-score_samples``, 0.5 typical):
                (a − 0.5) / 0.25, clipped — 0 for an ordinary day, 1 from a = 0.75

Weights (``WEIGHTS``): volume 0.20, vol/OI 0.15, OTM 0.15, IsolationForest 0.15, direction
0.10, spike 0.05, expiry 0.05, strike 0.05, IV 0.05, skew 0.05 (sum 1). A feature the case
cannot have (no ``underlying_close``: otm; no ``implied_vol``: iv, skew) is left out and the
remaining weights are rescaled to sum 1; the weights used are kept in the result.

Daily risk = min(1, Σ w·score + pse_boost × [a PSE on the stock within pse_lookahead_days
trading days ahead] + filing_boost × [filings on the stock by investors of the case within
pse_lookahead_days trading days before or after the day]). Alerts: risk > alert_threshold;
HIGH when risk > high_threshold, MEDIUM otherwise.
"""
from __future__ import annotations

import numpy as np

from engine.options.flow import DailyOptions
from engine.params import OptionsParams

WEIGHTS: dict[str, float] = {
    "volume": 0.20, "voi": 0.15, "otm": 0.15, "iforest": 0.15, "direction": 0.10,
    "spike": 0.05, "expiry": 0.05, "strike": 0.05, "iv": 0.05, "skew": 0.05,
}
IFOREST_NEUTRAL = 0.5   # anomaly score of an ordinary point
IFOREST_FULL = 0.75     # anomaly score giving component 1
IFOREST_TREES = 100


def _ramp(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """0 at ``lo``, 1 at ``hi``, linear between, NaN → 0, +inf → 1."""
    with np.errstate(invalid="ignore"):
        out = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
    out[np.isposinf(x)] = 1.0
    return np.nan_to_num(out, nan=0.0)


def rule_scores(f: DailyOptions, params: OptionsParams, sign: int) -> dict[str, np.ndarray]:
    """The nine rule component scores per day (see the module docstring)."""
    c = f.call_share
    one_sided = (c > params.call_share_high) | (c < params.call_share_low)
    return {
        "volume": np.nan_to_num(np.minimum(np.abs(f.z) / params.z_cap, 1.0), nan=0.0),
        "spike": f.spike.astype(np.float64),
        "voi": _ramp(f.voi, params.voi_normal, params.voi_suspicious),
        "direction": np.where(one_sided, np.abs(np.nan_to_num(c, nan=0.5) - 0.5) * 2.0, 0.0),
        "expiry": _ramp(f.expiry_share, params.expiry_share_suspicious, 1.0),
        "strike": np.nan_to_num(f.strike_concentration, nan=0.0),
        "otm": _otm_score(f.otm_share, f.otm_base),
        "iv": _ramp(f.iv_change, 0.0, params.iv_change_full),
        "skew": _ramp(sign * f.skew_change, 0.0, params.skew_change_full),
    }


def _otm_score(share: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Excess of the OTM share over its baseline, as a fraction of the room above it."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.clip((share - base) / (1.0 - base), 0.0, 1.0)
    return np.nan_to_num(out, nan=0.0)


def feature_matrix(f: DailyOptions) -> np.ndarray:
    """Standardised daily feature vectors for the IsolationForest (unavailable → neutral)."""
    voi = np.where(np.isposinf(f.voi), 1e6, f.voi)
    cols = [np.log1p(f.volume), np.clip(np.nan_to_num(f.z), -20.0, 20.0),
            np.log1p(np.nan_to_num(voi)), np.nan_to_num(f.call_share, nan=0.5),
            np.nan_to_num(f.expiry_share), np.nan_to_num(f.strike_concentration),
            np.nan_to_num(f.otm_share), np.nan_to_num(f.iv_change), np.nan_to_num(f.skew_change)]
    x = np.column_stack(cols)
    std = x.std(axis=0)
    return np.where(std > 0, (x - x.mean(axis=0)) / np.where(std > 0, std, 1.0), 0.0)


def iforest_scores(f: DailyOptions, params: OptionsParams) -> tuple[np.ndarray, np.ndarray]:
    """Anomaly score a in (0, 1] per day and the contamination-based outlier flag."""
    n = f.n_days
    if n < 2:
        return np.full(n, IFOREST_NEUTRAL), np.zeros(n, bool)
    from sklearn.ensemble import IsolationForest  # imported on use: keeps the GUI's start-up light
    forest = IsolationForest(n_estimators=IFOREST_TREES, contamination=params.iforest_contamination,
                             random_state=params.iforest_seed, n_jobs=1)
    x = feature_matrix(f)
    forest.fit(x)
    score = forest.score_samples(x)
    return -score, score < forest.offset_   # predict() would score every day a second time


def iforest_component(anomaly: np.ndarray) -> np.ndarray:
    """0 for an ordinary day (a ≤ 0.5), rising linearly to 1 at a = 0.75."""
    return np.clip((anomaly - IFOREST_NEUTRAL) / (IFOREST_FULL - IFOREST_NEUTRAL), 0.0, 1.0)


def effective_weights(f: DailyOptions) -> dict[str, float]:
    """WEIGHTS without the features this case cannot have, rescaled to sum 1."""
    missing = set() if f.has_underlying else {"otm"}
    if not f.has_iv:
        missing |= {"iv", "skew"}
    kept = {k: w for k, w in WEIGHTS.items() if k not in missing}
    total = sum(kept.values())
    return {k: w / total for k, w in kept.items()}


def pse_days_ahead(dates: np.ndarray, event_dates: list[np.datetime64], lookahead: int) -> np.ndarray:
    """Trading days from each day to the nearest PSE 1 … ``lookahead`` days ahead; 0 if none."""
    out = np.zeros(dates.size, np.int64)
    idx = np.arange(dates.size)
    for e in sorted(event_dates):
        gap = int(np.searchsorted(dates, e, side="left")) - idx
        hit = (gap >= 1) & (gap <= lookahead) & ((out == 0) | (gap < out))
        out[hit] = gap[hit]
    return out


def filings_near(dates: np.ndarray, filing_dates: np.ndarray, window: int) -> np.ndarray:
    """Number of filings within ``window`` trading days before or after each day."""
    n = dates.size
    if n == 0:
        return np.zeros(0, np.int64)
    inside = filing_dates[(filing_dates >= dates[0]) & (filing_dates <= dates[-1])]
    pos = np.searchsorted(dates, inside, side="left")  # a non-trading day maps to the next one
    c = np.concatenate(([0], np.cumsum(np.bincount(pos, minlength=n))))
    idx = np.arange(n)
    return c[np.minimum(idx + window + 1, n)] - c[np.maximum(idx - window, 0)]


def combine(components: dict[str, np.ndarray], weights: dict[str, float], pse_ahead: np.ndarray,
            filings: np.ndarray, params: OptionsParams) -> tuple[np.ndarray, np.ndarray]:
    """(base risk, risk): weighted mean of the components, then the cross-reference boosts."""
    base = sum(weights[k] * components[k] for k in weights)
    boosted = base + params.pse_boost * (pse_ahead > 0) + params.filing_boost * (filings > 0)
    return np.clip(base, 0.0, 1.0), np.clip(boosted, 0.0, 1.0)


def priority(risk: float, params: OptionsParams) -> str | None:
    """HIGH above high_threshold, MEDIUM above alert_threshold, None otherwise."""
    if risk > params.high_threshold:
        return "HIGH"
    if risk > params.alert_threshold:
        return "MEDIUM"
    return None
