"""Out-of-sample IsolationForest over the daily options features (METHOD.md §3).

The forest is fitted on the calibration days (days with a baseline before the reference
period) only and applied to the later days, so the days under suspicion never shape the model
of normal. The calibration days themselves are scored out of fold: they are cut into
``iforest_folds`` contiguous blocks and each block is scored by a forest fitted on the other
blocks. Features (one column per kept component, standardised with the training days' mean
and std; undefined values sit at the training mean): volume z, log(1 + largest V/OI),
rewarding share − its baseline, short-dated share − its baseline, strike Herfindahl z, OTM
volume z, OTM IV change, d × skew change. With fewer than 2 × folds calibration days the forest
is not fitted and its component is unavailable.

The forest is ``engine.options.iforest`` (scikit-learn's scoring, vectorised: six forests per
stock stay well inside the stage's time budget). Anomaly score a (about 0.5 for an ordinary
day), read against the stock's own history: the component is 0 at the median of the
calibration days' out-of-fold scores and 1 at their maximum (linear, clipped). Out of sample
a day beyond every training day can score no higher than the most extreme training day does,
so a fixed scale (such as 0.5 → 0, 0.75 → 1) would cap it below 1 on a short history.
``outlier``: a above the (1 − contamination) quantile of the forest's own training days.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.options import iforest
from engine.options.flow import DailyOptions
from engine.params import OptionsParams

TREES = 100
Z_CLIP = 20.0
VOI_CAP = 1e6


@dataclass(frozen=True)
class ForestScores:
    """Per-day anomaly score (NaN where not scored), outlier flag and component."""

    anomaly: np.ndarray
    outlier: np.ndarray
    component: np.ndarray
    available: bool
    reason: str            # why the forest was not fitted ("" when it was)


def feature_columns(f: DailyOptions, sign: int, kept: tuple[str, ...]) -> np.ndarray:
    """(n_days, n_kept) raw forest features, NaN where undefined."""
    col = {
        "volume": np.clip(f.z, -Z_CLIP, Z_CLIP),
        "voi": np.log1p(np.minimum(f.max_voi, VOI_CAP)),
        "direction": f.reward_share - f.reward_base,
        "expiry": f.expiry_share - f.expiry_base,
        "strike": np.clip(f.strike_hhi_z, -Z_CLIP, Z_CLIP),
        "otm": np.clip(f.otm_z, -Z_CLIP, Z_CLIP),
        "iv": f.iv_change,
        "skew": sign * f.skew_change,
    }
    return np.column_stack([col[k] for k in kept]) if kept else np.zeros((f.n_days, 0))


def _standardise(train: np.ndarray, x: np.ndarray) -> np.ndarray:
    """(x − train mean) / train std per column; undefined → 0; a flat column → 0."""
    mean = np.nanmean(np.where(np.isnan(train).all(axis=0), 0.0, train), axis=0)
    std = np.nanstd(np.where(np.isnan(train).all(axis=0), 0.0, train), axis=0)
    out = (x - mean) / np.where(std > 0, std, 1.0)
    out[:, ~(std > 0)] = 0.0
    return np.nan_to_num(out, nan=0.0)


def _fit_score(train: np.ndarray, test: np.ndarray, p: OptionsParams) -> tuple[np.ndarray, np.ndarray]:
    """Anomaly scores of ``test`` by a forest grown on ``train``, and whether each lies beyond
    the training days' (1 − contamination) quantile."""
    x_train = _standardise(train, train)
    forest = iforest.fit(x_train, TREES, p.iforest_seed)
    offset = np.quantile(iforest.anomaly(forest, x_train), 1.0 - p.iforest_contamination)
    score = iforest.anomaly(forest, _standardise(train, test))
    return score, score > offset


def forest_scores(x: np.ndarray, calibration: np.ndarray, later: np.ndarray,
                  p: OptionsParams) -> ForestScores:
    """Out-of-fold scores on the calibration days, out-of-sample scores on the later days."""
    n = x.shape[0]
    anomaly = np.full(n, np.nan)
    outlier = np.zeros(n, bool)
    cal = np.flatnonzero(calibration)
    folds = max(2, p.iforest_folds)
    if cal.size < 2 * folds or x.shape[1] == 0:
        why = (f"only {cal.size} days before the reference period (at least {2 * folds} needed)"
               if x.shape[1] else "no feature left")
        return ForestScores(anomaly, outlier, anomaly.copy(), False, why)
    for block in np.array_split(cal, folds):
        train = np.setdiff1d(cal, block, assume_unique=True)
        anomaly[block], outlier[block] = _fit_score(x[train], x[block], p)
    rest = np.flatnonzero(later)
    if rest.size:
        anomaly[rest], outlier[rest] = _fit_score(x[cal], x[rest], p)
    ref = anomaly[cal]
    mid, top = float(np.median(ref)), float(ref.max())
    component = np.clip((anomaly - mid) / (top - mid), 0.0, 1.0) if top > mid else (anomaly > mid).astype(float)
    return ForestScores(anomaly, outlier, component, True, "")
