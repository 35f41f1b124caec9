"""Presentation data for every view, built from an ``AnalysisResult`` (Qt-free, testable).

Views only display: each ``for_<view>`` function turns the analysis result (and, for the
raster and the triage scorecard, the case tables) into the small frozen dataclass that
view draws. Nothing here is analytics; it selects, orders and repackages. The building
blocks live in this package's modules; the rings list is small enough to live here.
``engine.viewdata.registry`` maps each view name to its function.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.results import AnalysisResult
from engine.svn.neighbourhood import Exploration, Networks
from engine.tables import CaseTables
from engine.market.panel import TargetPanel
from engine.placebo.stage import PlaceboResult
from engine.viewdata.kmeans_evidence import k_evidence
from engine.viewdata.cube import CubeData, build_cube
from engine.viewdata.network import NetworkContext, NetworkData, network_context, network_data
from engine.viewdata.options import OptionsSeries, options_series
from engine.viewdata.raster import RasterData, build_raster, cluster_row_order
from engine.viewdata.triage import TriageData, build_triage


@dataclass(frozen=True)
class RingsData:
    """The validated-network clusters, best first (ring rank order)."""

    cluster_id: np.ndarray       # int32 (n,)
    rank: np.ndarray             # int32 (n,)
    size: np.ndarray             # int32 (n,)
    directionality: np.ndarray   # float64 (n,) R_C, NaN when the ring had no activity in Δ̄
    expected_profit: np.ndarray  # float64 (n,) π_C, NaN when unavailable
    suspicious: np.ndarray       # bool (n,)
    members: tuple[np.ndarray, ...]  # object arrays of member ids, text order
    correction: str
    sign: int                    # d: +1 buy event, -1 sell event
    placebo_p: np.ndarray | None = None  # float64 (n,) d·R_C's placebo p (NaN: none); None: not run


def _nan(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def for_rings(result: AnalysisResult, placebo: PlaceboResult | None = None) -> RingsData:
    """Rings of ``result.svn`` in rank order, with their placebo p once the test ran."""
    rings = sorted(result.svn.rings, key=lambda r: r.rank)
    ring_p = placebo.ring_p() if placebo is not None and placebo.available else None
    return RingsData(
        cluster_id=np.array([r.cluster_id for r in rings], dtype=np.int32),
        rank=np.array([r.rank for r in rings], dtype=np.int32),
        size=np.array([r.size for r in rings], dtype=np.int32),
        directionality=np.array([_nan(r.mean_directionality) for r in rings], dtype=np.float64),
        expected_profit=np.array([_nan(r.mean_expected_profit) for r in rings], dtype=np.float64),
        suspicious=np.array([r.suspicious for r in rings], dtype=bool),
        members=tuple(np.asarray(r.member_ids, dtype=object) for r in rings),
        correction=result.svn.correction, sign=int(result.svn.sign),
        placebo_p=None if ring_p is None else np.array([_nan(ring_p.get(r.cluster_id)) for r in rings],
                                                        dtype=np.float64))


def for_raster(result: AnalysisResult, tables: CaseTables | None,
               panel: TargetPanel | None = None) -> RasterData:
    """Raster of the SVN-eligible investors, grouped by ring in rank order, isolated last
    (``panel``: the target-stock panel when the caller has it, else built from ``tables``)."""
    svn = result.svn
    if panel is None:
        if tables is None:
            raise ValueError("the raster needs the case tables or the target-stock panel")
        panel = TargetPanel.build(tables, result.event.stock)
    ranks = {int(r.cluster_id): int(r.rank) for r in svn.rings}
    order = cluster_row_order(svn.investor_ids, svn.membership, ranks)
    return build_raster(panel, svn.investor_ids[order], svn.membership[order],
                        result.params.svn.theta, result.event.reference_start, result.event.event_date)


def for_cube(result: AnalysisResult) -> CubeData:
    """Cube coordinates of every window, suspects flagged, rewarding corner by direction."""
    km = result.kmeans
    return build_cube(km.investor_ids, km.window_start, km.window_end, km.features, km.labels,
                      km.rewarding_cluster, np.array([s.investor_id for s in km.suspects], dtype=object),
                      result.event.sign, n_clusters=km.k, k_note=k_evidence(km).headline)


def for_options(result: AnalysisResult) -> OptionsSeries | None:
    """Daily options series, alerts, context and day contracts; None without options data."""
    return options_series(result)


def for_triage(result: AnalysisResult) -> TriageData:
    """Episodes grouped by investor for the heatmap, outlier chart and scorecard."""
    ep = result.episodes
    return build_triage(ep.investor_ids[ep.ep_investor], ep.dates[ep.ep_start], ep.dates[ep.ep_end],
                        ep.ep_days, ep.ep_score, ep.ep_components, ep.ep_volume, ep.ep_net,
                        ep.high_risk_score)


@dataclass(frozen=True)
class NetworkPrepared:
    """What the network view starts from: the context (both networks), the exploration
    it was drawn from and that drawing."""

    context: NetworkContext
    data: NetworkData
    exploration: Exploration


def for_network(result: AnalysisResult, exploration: Exploration | None = None,
                networks: Networks | None = None) -> NetworkPrepared:
    """Both networks of the result (``networks`` when already built) and the drawing of
    ``exploration``."""
    context = network_context(result.svn, [s.investor_id for s in result.kmeans.suspects],
                              result.params.svn.neighbourhood_cap, networks)
    base = exploration or Exploration()
    return NetworkPrepared(context=context, data=network_data(context, base), exploration=base)
