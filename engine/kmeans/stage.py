"""Stage entry point of METHOD §1 (dynamic k-means discontinuity) for pipeline, CLI and GUI.

``run_kmeans`` chains calendar -> panel -> features -> elbow -> dynamic clustering ->
suspects -> baselines and returns a ``KMeansResult`` (serialisable, no DataFrames);
``kmeans_section`` turns it into the CASE_FORMAT §4 ``kmeans`` JSON section. Cluster ids
are the relabelled k-means labels 0 .. K−1.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.kmeans.baselines import Baselines, run_baselines
from engine.market.calendar import Windows, build_windows
from engine.kmeans.features import window_features
from engine.market.investor_metrics import directionality, expected_profit, valuation_price
from engine.kmeans.dynamic import Elbow, choose_k, cluster_windows
from engine.market.panel import TargetPanel
from engine.params import KMeansParams
from engine.progress import Reporter
from engine.kmeans.suspects import ClusterStats, Suspect, cluster_stats, rank_suspects
from engine.tables import CaseTables, Event

K_RULE = "W_K (inertia), not E_K = W_K/K; see METHOD"


class _Span(Reporter):
    """Maps a sub-task's progress 0..1 onto [lo, hi] of the parent's current stage."""

    def __init__(self, parent: Reporter, lo: float, hi: float) -> None:
        super().__init__()
        self._parent, self._lo, self._hi = parent, lo, hi

    def check(self) -> None:
        self._parent.check()

    def advance(self, fraction: float) -> None:
        self._parent.advance(self._lo + (self._hi - self._lo) * min(max(fraction, 0.0), 1.0))


@dataclass(frozen=True)
class KMeansResult:
    """Everything the k-means stage found, for the JSON, the cube view and the packet."""

    event_id: str
    direction: str
    investor_ids: np.ndarray        # object (n_investors,), text order (the panel's index)
    window_start: np.ndarray        # datetime64[D] (n_windows,)
    window_end: np.ndarray          # datetime64[D] (n_windows,)
    reference_days: tuple[int, int]  # Δ̄ as calendar indices [lo, hi) of the stock's calendar
    features: np.ndarray            # float32 (n_windows, n_investors, 3) (A, a, E); NaN inactive
    labels: np.ndarray              # int16 (n_windows, n_investors); −1 inactive
    centroids: np.ndarray           # float64 (n_windows, K, 3)
    k: int
    k_fixed: bool                   # True when K was set, not chosen by the elbow
    elbow_k_values: np.ndarray      # int64 (n_K,); empty when K is fixed
    elbow_inertia: np.ndarray       # float64 (n_windows, n_K) W_K
    elbow_k_per_window: np.ndarray  # int64 (n_windows,)
    inertia: np.ndarray             # float64 (n_windows,) of the chosen K
    jaccard: np.ndarray             # float64 (n_windows, K); NaN in the first window
    drift: np.ndarray               # float64 (n_windows, K); NaN in the first window
    clusters: ClusterStats
    discontinuous: np.ndarray       # bool (n_investors,) w.r.t. their last-window cluster
    hard: np.ndarray                # bool (n_investors,) no activity before the last window
    suspects: list[Suspect]
    baselines: Baselines
    valuation_price: float | None
    valuation_source: str           # "offer_price", "close" or "unavailable"

    @property
    def n_windows(self) -> int:
        return int(self.labels.shape[0])

    @property
    def rewarding_cluster(self) -> int:
        return self.clusters.rewarding_cluster


def _elbow(features: np.ndarray, active: np.ndarray, params: KMeansParams, rep: Reporter) -> Elbow:
    """The elbow scan, or an empty one when the investigator fixed K."""
    if params.k is not None:
        n_w = features.shape[0]
        return Elbow(k_values=np.zeros(0, np.int64), inertia=np.zeros((n_w, 0)),
                     k_per_window=np.zeros(n_w, np.int64), k=int(params.k))
    return choose_k(features, active, params.k_min, params.k_max, params.elbow_tolerance,
                    params.elbow_restarts, params.seed, rep)


def event_windows(tables: CaseTables, event: Event, params: KMeansParams, panel: TargetPanel) -> Windows:
    """The event's k-means windows and reference period on the stock's calendar."""
    last = tables.trades["date"].max()
    return build_windows(panel.dates, event.event_date, event.reference_start, params.window_length,
                         params.window_step, params.n_windows, last_data_date=last.date())


def orientation(event: Event) -> np.ndarray:
    """(d, 1, d): features are clustered as (d·A, a, d·E), so a sell event on a mirrored market
    sees bit-identical inputs; centroids are multiplied back to raw coordinates."""
    return np.array([event.sign, 1.0, event.sign])


@dataclass(frozen=True)
class SuspectFindings:
    """Last-window findings: cluster statistics, masks, suspects and the valuation price."""

    clusters: ClusterStats
    discontinuous: np.ndarray
    hard: np.ndarray
    suspects: list[Suspect]
    profit: np.ndarray
    price: float | None


def find_suspects(tables: CaseTables, event: Event, params: KMeansParams, panel: TargetPanel,
                  windows: Windows, last_points: np.ndarray, labels: np.ndarray,
                  centroids_last: np.ndarray) -> SuspectFindings:
    """Rewarding cluster, discontinuity, chi-squared tests and the ranked suspects."""
    earlier = windows.ends < windows.starts[-1]
    stats, disc = cluster_stats(labels, centroids_last, earlier, event.sign, params.significance)
    hard = panel.first_day() >= windows.starts[-1]
    lo, hi = windows.ref_lo, windows.ref_hi
    price = valuation_price(tables, event, panel.dates)
    profit = expected_profit(panel, lo, hi, price)
    members = np.flatnonzero(disc & (labels[-1] == stats.rewarding_cluster))
    suspects = rank_suspects(panel.investor_ids, members, last_points, hard, event.sign,
                             panel.sum_over(panel.vb, lo, hi), panel.sum_over(panel.vs, lo, hi),
                             directionality(panel, lo, hi), profit)
    return SuspectFindings(clusters=stats, discontinuous=disc, hard=hard, suspects=suspects,
                           profit=profit, price=price)


def run_kmeans(tables: CaseTables, event: Event, params: KMeansParams, reporter: Reporter | None = None,
               panel: TargetPanel | None = None) -> KMeansResult:
    """METHOD §1 end to end for ``event``; raises UsageError / Cancelled."""
    rep = reporter or Reporter()
    rep.check()
    panel = panel if panel is not None else TargetPanel.build(tables, event.stock)
    windows = event_windows(tables, event, params, panel)
    feats = window_features(panel, windows)
    rep.advance(0.05)
    orient = orientation(event)
    oriented = feats.values * orient
    elbow = _elbow(oriented, feats.active, params, _Span(rep, 0.05, 0.6))
    dyn = cluster_windows(oriented, feats.active, elbow.k, params.first_window_restarts,
                          params.seed, _Span(rep, 0.6, 0.8))
    centroids = dyn.centroids * orient
    found = find_suspects(tables, event, params, panel, windows, feats.values[-1], dyn.labels, centroids[-1])
    rep.advance(0.85)
    rep.check()
    base = run_baselines(panel, windows.ref_lo, windows.ref_hi, (int(windows.starts[0]), int(windows.ends[-1])),
                         found.profit, [s.investor_id for s in found.suspects], params.baseline_top_n,
                         params.autoencoder_hidden, params.seed)
    rep.advance(1.0)
    price = found.price
    source = "unavailable" if price is None else ("offer_price" if event.offer_price is not None else "close")
    return KMeansResult(
        event_id=event.event_id, direction=event.direction, investor_ids=panel.investor_ids,
        window_start=windows.dates[windows.starts], window_end=windows.dates[windows.ends],
        reference_days=(windows.ref_lo, windows.ref_hi), features=feats.values.astype(np.float32),
        labels=dyn.labels, centroids=centroids, k=elbow.k, k_fixed=params.k is not None,
        elbow_k_values=elbow.k_values, elbow_inertia=elbow.inertia,
        elbow_k_per_window=elbow.k_per_window, inertia=dyn.inertia, jaccard=dyn.jaccard,
        drift=dyn.drift, clusters=found.clusters, discontinuous=found.discontinuous, hard=found.hard,
        suspects=found.suspects, baselines=base, valuation_price=price, valuation_source=source)


def _num(value: float | None) -> float | None:
    """JSON-safe float: NaN becomes null."""
    return None if value is None or math.isnan(value) else float(value)


def _suspect_json(s: Suspect) -> dict[str, Any]:
    return {"investor_id": s.investor_id, "rank": s.rank, "score": s.score,
            "discontinuity": s.discontinuity, "shares": s.shares, "directionality": s.directionality,
            "expected_profit": s.expected_profit, "shares_bought": s.shares_bought,
            "shares_sold": s.shares_sold, "point": list(s.point)}


def kmeans_section(result: KMeansResult) -> dict[str, Any]:
    """The CASE_FORMAT §4 ``kmeans`` section (required keys first, diagnostics after)."""
    c = result.clusters
    last = result.n_windows - 1
    return {
        "k": result.k, "n_windows": result.n_windows, "rewarding_cluster": c.rewarding_cluster,
        "suspects": [_suspect_json(s) for s in result.suspects],
        "k_rule": K_RULE, "k_chosen_by": "fixed" if result.k_fixed else "elbow",
        "elbow": {"k_values": result.elbow_k_values.tolist(),
                  "k_per_window": result.elbow_k_per_window.tolist(),
                  # windows where no K up to k_max met the 5% rule (they count as k_max)
                  "windows_without_elbow": int(np.sum(result.elbow_k_per_window == result.elbow_k_values[-1]))
                  if result.elbow_k_values.size else 0,
                  "inertia": [[_num(v) for v in row] for row in result.elbow_inertia.tolist()]},
        "windows": [{"start": str(s), "end": str(e)} for s, e in zip(result.window_start, result.window_end)],
        "rewarding_corner": list(c.corner),
        "anomalous": c.anomalous,
        "clusters": [{"cluster_id": k, "size": int(c.sizes[k]), "discontinuous": int(c.discontinuous[k]),
                      "discontinuous_share": _num(c.shares[k]),
                      "centroid": result.centroids[last, k].tolist(),
                      "distance_to_corner": float(c.corner_distance[k])} for k in range(result.k)],
        "chi2": [{"cluster_id": t.cluster, "statistic": t.statistic, "p_value": t.p_value,
                  "share_rewarding": _num(t.share_rewarding), "share_other": _num(t.share_other),
                  "reject_5pct": t.reject_5pct, "reject_1pct": t.reject_1pct} for t in c.tests],
        "n_hard": sum(s.discontinuity == "hard" for s in result.suspects),
        "n_soft": sum(s.discontinuity == "soft" for s in result.suspects),
        "jaccard_per_window": [_num(float(np.nanmean(r))) if not np.isnan(r).all() else None
                               for r in result.jaccard],
        "rewarding_drift_per_window": [_num(v) for v in result.drift[:, c.rewarding_cluster].tolist()],
        "valuation_price": result.valuation_price, "valuation_source": result.valuation_source,
        "baselines": {"top_n": result.baselines.top_n, "population": result.baselines.population,
                      "rankings": [{"name": r.name, "available": r.available, "reason": r.reason,
                                    "jaccard_top_n": r.jaccard_top_n,
                                    "suspects_in_top_n": r.suspects_in_top_n, "top_ids": r.top_ids}
                                   for r in result.baselines.rankings]},
    }
