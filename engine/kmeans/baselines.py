"""Baseline rankings to set the k-means suspects against (METHOD §1, paper App. A.4).

Population: investors active in the reference period Δ̄. Rankings (highest first, ties by
investor_id):
- ``expected_profit``: π_i (unavailable without a valuation price);
- ``volume_fluctuation``: mean daily volume (Vb + Vs) over Δ̄'s trading days minus the mean
  over the trading days before Δ̄ (days without a record count as 0; 0 with no day before);
- ``pca_reconstruction`` / ``autoencoder_reconstruction``: squared reconstruction error of
  the investor's position series α_t (turnover position carried day by day).

To stay fast at the reference scale the position series is sampled at no more than
``SERIES_POINTS`` evenly spaced trading days spanning the k-means windows, each series is
divided by its largest |α| (shape, not size, as for the features), PCA keeps
``PCA_COMPONENTS`` components, and the autoencoder (scikit-learn ``MLPRegressor``, one hidden
layer, seeded) is trained on at most ``AE_TRAIN_ROWS`` seeded-random investors for at most
``AE_MAX_ITER`` epochs, then scores everyone.

Overlap with the k-means suspects: Jaccard of the baseline's top n and the suspects' top n
(n = ``baseline_top_n``, fewer when a list is shorter), plus how many of the baseline's top n
are suspects at all.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from engine.market.panel import TargetPanel

SERIES_POINTS = 64
PCA_COMPONENTS = 3
AE_TRAIN_ROWS = 2000
AE_MAX_ITER = 150


@dataclass(frozen=True)
class BaselineRanking:
    """One baseline's top n and its overlap with the k-means suspects."""

    name: str
    available: bool
    reason: str                  # why unavailable ("" when available)
    top_ids: list[str]           # best first
    top_values: list[float]
    jaccard_top_n: float | None  # Jaccard(top n of this ranking, top n suspects); None if both empty
    suspects_in_top_n: int


@dataclass(frozen=True)
class Baselines:
    """All baseline rankings over the investors active in Δ̄."""

    top_n: int
    population: int
    rankings: list[BaselineRanking]
    series_days: np.ndarray      # int64 calendar days of the sampled position series
    autoencoder_train_rows: int


def _ranking(name: str, ids: np.ndarray, rows: np.ndarray, values: np.ndarray, n: int,
             suspects: list[str]) -> BaselineRanking:
    """Top n of ``values`` (per population row) with its overlaps."""

    order = np.lexsort((rows, -values))[:n]  # rows are in investor_id text order
    top = [str(ids[rows[j]]) for j in order]
    top_set, sus_top = set(top), set(suspects[:n])
    union = top_set | sus_top
    return BaselineRanking(name=name, available=True, reason="", top_ids=top,
                           top_values=[float(values[j]) for j in order],
                           jaccard_top_n=len(top_set & sus_top) / len(union) if union else None,
                           suspects_in_top_n=len(top_set & set(suspects)))


def _unavailable(name: str, reason: str) -> BaselineRanking:
    return BaselineRanking(name=name, available=False, reason=reason, top_ids=[], top_values=[],
                           jaccard_top_n=None, suspects_in_top_n=0)


def volume_fluctuation(panel: TargetPanel, lo: int, hi: int) -> np.ndarray:
    """Per investor: mean daily volume over days [lo, hi) minus the mean over days [0, lo)."""
    vol = panel.vb + panel.vs
    during = panel.sum_over(vol, lo, hi) / max(hi - lo, 1)
    before = panel.sum_over(vol, 0, lo) / lo if lo > 0 else np.zeros(panel.n_investors)
    return during - before


def position_series(panel: TargetPanel, rows: np.ndarray, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of ``rows`` at ≤ SERIES_POINTS days from ``first`` to ``last``, scaled per row."""
    days = np.unique(np.linspace(first, last, min(SERIES_POINTS, last - first + 1)).round().astype(np.int64))
    x = panel.positions_at(days, rows)
    scale = np.abs(x).max(axis=1, keepdims=True)
    return np.divide(x, scale, out=np.zeros_like(x), where=scale > 0), days


def reconstruction_errors(x: np.ndarray, hidden: int, seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Squared reconstruction error per row under PCA and under a one-hidden-layer autoencoder."""
    # scikit-learn is imported where it is used: the GUI imports the result types at start-up
    # and need not pay about a second of its cold start for it.
    from sklearn.decomposition import PCA
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPRegressor
    n_comp = max(1, min(PCA_COMPONENTS, x.shape[0] - 1, x.shape[1]))
    with threadpool_limits(1):
        pca = PCA(n_components=n_comp, random_state=seed).fit(x)
        pca_err = ((x - pca.inverse_transform(pca.transform(x))) ** 2).sum(axis=1)
        rng = np.random.default_rng(seed)
        train = np.sort(rng.choice(x.shape[0], min(AE_TRAIN_ROWS, x.shape[0]), replace=False))
        ae = MLPRegressor(hidden_layer_sizes=(hidden,), activation="tanh", max_iter=AE_MAX_ITER,
                          random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ae.fit(x[train], x[train])
        ae_err = ((x - ae.predict(x)) ** 2).sum(axis=1)
    return pca_err, ae_err, int(train.size)


@dataclass(frozen=True)
class SeriesErrors:
    """Reconstruction errors of the position series of the investors active in Δ̄: the costly
    part of the baselines, independent of the clustering, so it can run beside the K scan."""

    rows: np.ndarray             # int64: population rows (active in Δ̄)
    days: np.ndarray             # int64 calendar days of the sampled series
    pca: np.ndarray | None       # None with fewer than 3 investors
    autoencoder: np.ndarray | None
    trained: int


def series_errors(panel: TargetPanel, lo: int, hi: int, span: tuple[int, int], hidden: int,
                  seed: int) -> SeriesErrors:
    """PCA and autoencoder errors of the investors active in calendar days [lo, hi) (Δ̄)."""
    rows = np.flatnonzero(panel.active_days(lo, hi) > 0)
    if rows.size < 3:
        return SeriesErrors(rows=rows, days=np.zeros(0, dtype=np.int64), pca=None, autoencoder=None, trained=0)
    x, days = position_series(panel, rows, span[0], span[1])
    pca_err, ae_err, trained = reconstruction_errors(x, hidden, seed)
    return SeriesErrors(rows=rows, days=days, pca=pca_err, autoencoder=ae_err, trained=trained)


def run_baselines(panel: TargetPanel, lo: int, hi: int, span: tuple[int, int], profit: np.ndarray,
                  suspects: list[str], top_n: int, hidden: int, seed: int,
                  errors: SeriesErrors | None = None) -> Baselines:
    """Every baseline ranking over investors active in calendar days [lo, hi) (Δ̄); ``errors``:
    ``series_errors`` of the same arguments when already computed."""
    err = errors if errors is not None else series_errors(panel, lo, hi, span, hidden, seed)
    rows = err.rows
    ids = panel.investor_ids
    rankings = []
    if np.isnan(profit).all():
        rankings.append(_unavailable("expected_profit", "no valuation price (offer price or close)"))
    else:
        rankings.append(_ranking("expected_profit", ids, rows, profit[rows], top_n, suspects))
    rankings.append(_ranking("volume_fluctuation", ids, rows, volume_fluctuation(panel, lo, hi)[rows],
                             top_n, suspects))
    if err.pca is not None and err.autoencoder is not None:
        rankings.append(_ranking("pca_reconstruction", ids, rows, err.pca, top_n, suspects))
        rankings.append(_ranking("autoencoder_reconstruction", ids, rows, err.autoencoder, top_n, suspects))
    else:
        reason = "fewer than 3 investors active in the reference period"
        rankings += [_unavailable("pca_reconstruction", reason), _unavailable("autoencoder_reconstruction", reason)]
    return Baselines(top_n=top_n, population=int(rows.size), rankings=rankings, series_days=err.days,
                     autoencoder_train_rows=err.trained)
