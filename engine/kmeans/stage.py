"""Stage entry point of METHOD §1 (dynamic k-means discontinuity) for pipeline, CLI and GUI.

``run_kmeans`` chains calendar -> panel -> features -> K scan (a dynamic clustering per K) ->
choice of K by the stability of the rewarding cluster -> centroid stability check ->
suspects and significance -> sensitivity (K − 2 … K + 2) -> baselines, and returns a
``KMeansResult`` (serialisable, no DataFrames). ``suspects_at_k`` is the same analysis at a
given K without the scan, the sensitivity table or the baselines: what the pseudo-event test
(METHOD §5, engine/placebo/pseudo.py) computes per date, and its oracle in
tests/engine/test_placebo_identical.py; ``choose_k`` is the K choice alone (the placebo
comparison run's K). Cluster ids are the relabelled labels 0 .. K−1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.errors import UsageError
from engine.forked import Forked, worth_forking
from engine.kmeans.baselines import Baselines, SeriesErrors, run_baselines, series_errors
from engine.kmeans.dynamic import DynamicClustering, WindowPoints, cluster_windows, prepare_windows
from engine.kmeans.features import WindowFeatures, window_features
from engine.kmeans.kscan import KSelection, fixed_k, scan_chains, select_k
from engine.kmeans.sensitivity import SensitivityRow, sensitivity_ks, sensitivity_row
from engine.kmeans.suspects import ClusterStats, Suspect, cluster_stats, rank_suspects
from engine.market.calendar import Windows, build_windows
from engine.market.investor_metrics import directionality, expected_profit, valuation_price
from engine.market.panel import TargetPanel
from engine.params import KMeansParams
from engine.progress import Reporter
from engine.tables import CaseTables, Event


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
    selection: KSelection           # how K was chosen, and the 5% elbow diagnostic
    sensitivity: tuple[SensitivityRow, ...]  # K − 2 … K + 2
    restarts: int                   # k-means++ restarts of the first window, every K
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

    @property
    def k_fixed(self) -> bool:
        """True when the investigator set K (kmeans.k), not the stability rule."""
        return self.selection.rule == "fixed"


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
class EventInputs:
    """Windows, features and the oriented distinct points of one event: everything K-independent."""

    windows: Windows
    features: WindowFeatures
    orient: np.ndarray
    oriented: np.ndarray            # (d·A, a, d·E) per window and investor
    prepared: list[WindowPoints]

    @property
    def earlier(self) -> np.ndarray:
        """Windows that do not overlap the last one."""
        return self.windows.ends < self.windows.starts[-1]


def event_inputs(tables: CaseTables, event: Event, params: KMeansParams, panel: TargetPanel) -> EventInputs:
    """The K-independent part of the analysis."""
    windows = event_windows(tables, event, params, panel)
    feats = window_features(panel, windows)
    orient = orientation(event)
    oriented = feats.values * orient
    return EventInputs(windows=windows, features=feats, orient=orient, oriented=oriented,
                       prepared=prepare_windows(oriented, feats.active))


@dataclass(frozen=True)
class KFit:
    """One K's dynamic clustering analysed on the last window (before the ranking)."""

    k: int
    chain: DynamicClustering
    centroids: np.ndarray           # float64 (n_windows, K, 3), raw frame
    clusters: ClusterStats
    discontinuous: np.ndarray       # bool (n_investors,)
    suspects: np.ndarray            # bool (n_investors,): discontinuous members of the rewarding cluster


def analyse_chain(inputs: EventInputs, chain: DynamicClustering, sign: int, params: KMeansParams) -> KFit:
    """Rewarding cluster, stability rule, discontinuity and significance of one K's chain."""
    centroids = chain.centroids * inputs.orient
    stats, disc = cluster_stats(inputs.features.values, chain.labels, centroids, inputs.earlier, sign,
                                params.significance, params.stability_delta)
    return KFit(k=int(centroids.shape[1]), chain=chain, centroids=centroids, clusters=stats, discontinuous=disc,
                suspects=disc & (chain.labels[-1] == stats.rewarding_cluster))


@dataclass(frozen=True)
class SuspectFindings:
    """Last-window findings at one K: the analysed fit, hard mask, ranked suspects, valuation."""

    fit: KFit
    hard: np.ndarray
    suspects: list[Suspect]
    profit: np.ndarray
    price: float | None


def rank_fit(tables: CaseTables, event: Event, panel: TargetPanel, windows: Windows, features: WindowFeatures,
             fit: KFit, placebo_p: np.ndarray | None = None) -> SuspectFindings:
    """The ranked suspects of an analysed fit (``placebo_p``: per-investor-row p, METHOD §5)."""
    hard = panel.first_day() >= windows.starts[-1]
    lo, hi = windows.ref_lo, windows.ref_hi
    price = valuation_price(tables, event, panel.dates)
    profit = expected_profit(panel, lo, hi, price)
    suspects = rank_suspects(panel.investor_ids, np.flatnonzero(fit.suspects), features.values[-1], hard,
                             event.sign, panel.sum_over(panel.vb, lo, hi), panel.sum_over(panel.vs, lo, hi),
                             directionality(panel, lo, hi), profit, placebo_p)
    return SuspectFindings(fit=fit, hard=hard, suspects=suspects, profit=profit, price=price)


def suspects_at_k(tables: CaseTables, event: Event, params: KMeansParams, panel: TargetPanel, k: int,
                  placebo_p: np.ndarray | None = None) -> SuspectFindings:
    """METHOD §1 at a given K (no K scan, no sensitivity table, no baselines).

    For the pseudo-event test (METHOD §5): pass an ``Event`` whose ``event_date`` is the
    pseudo-date, ``reference_start`` the same number of trading days before it as the real
    event's, the real direction and ``offer_price=None`` (valued at the close), with
    ``params.n_windows`` = W and the real event's K. Single-threaded, deterministic for a
    given ``params.seed``; raises UsageError when a window cannot hold K clusters."""
    inputs = event_inputs(tables, event, params, panel)
    chain = cluster_windows(inputs.oriented, inputs.features.active, k, params.first_window_restarts,
                            params.seed, prepared=inputs.prepared)
    return rank_fit(tables, event, panel, inputs.windows, inputs.features, analyse_chain(inputs, chain, event.sign, params))


def _scan(inputs: EventInputs, params: KMeansParams, rep: Reporter) -> tuple[KSelection, dict[int, DynamicClustering]]:
    """The K choice and the chains it fitted (at least K − 2 … K + 2 where each window allows)."""
    active = inputs.features.active
    n_w = active.shape[0]
    if params.k is not None:
        ks = sensitivity_ks(params.k)
        chains = scan_chains(inputs.oriented, active, inputs.prepared, ks, params.first_window_restarts,
                             params.seed, rep)
        if params.k not in chains:   # the clustering itself says which window is too small
            chains[params.k] = cluster_windows(inputs.oriented, active, params.k, params.first_window_restarts,
                                               params.seed, prepared=inputs.prepared)
        return fixed_k(params.k, n_w), chains
    if not 2 <= params.k_min <= params.k_max:
        raise UsageError(f"the K scan needs 2 <= kmeans.k_min <= kmeans.k_max (got {params.k_min}, {params.k_max})")
    chains = scan_chains(inputs.oriented, active, inputs.prepared, range(params.k_min, params.k_max + 3),
                         params.first_window_restarts, params.seed, rep)
    if not any(params.k_min <= k <= params.k_max for k in chains):
        raise UsageError("no window has enough distinct investor feature points for K = "
                         f"{params.k_min}: K cannot be chosen")
    return select_k(chains, int(np.count_nonzero(active[-1])), params.k_min, params.k_max,
                    params.k_stability_jaccard, params.k_max_rewarding_share, params.elbow_tolerance), chains


def choose_k(tables: CaseTables, event: Event, params: KMeansParams, panel: TargetPanel,
             reporter: Reporter | None = None) -> KSelection:
    """The K of METHOD §1's rule for ``event`` on the windows ``params`` asks for, without the
    fits around it (the placebo test's comparison run, METHOD §5, asks it for W windows)."""
    return _scan(event_inputs(tables, event, params, panel), params, reporter or Reporter())[0]


@dataclass(frozen=True)
class KScan:
    """The K-independent inputs, the K choice and the analysed fits at K − 2 … K + 2."""

    inputs: EventInputs
    selection: KSelection
    fits: dict[int, KFit]

    @property
    def chosen(self) -> KFit:
        return self.fits[self.selection.k]


def scan_and_fit(tables: CaseTables, event: Event, params: KMeansParams, panel: TargetPanel,
                 reporter: Reporter | None = None) -> KScan:
    """Windows and features, the K scan (or the fixed K) and the analysed fits around K."""
    rep = reporter or Reporter()
    inputs = event_inputs(tables, event, params, panel)
    selection, chains = _scan(inputs, params, rep)
    fits = {kk: analyse_chain(inputs, chains[kk], event.sign, params)
            for kk in sensitivity_ks(selection.k) if kk in chains}
    return KScan(inputs=inputs, selection=selection, fits=fits)


def run_kmeans(tables: CaseTables, event: Event, params: KMeansParams, reporter: Reporter | None = None,
               panel: TargetPanel | None = None) -> KMeansResult:
    """METHOD §1 end to end for ``event``; raises UsageError / Cancelled."""
    rep = reporter or Reporter()
    rep.check()
    target = panel if panel is not None else TargetPanel.build(tables, event.stock)
    rep.advance(0.02)
    span = event_windows(tables, event, params, target)
    args = (target, span.ref_lo, span.ref_hi, (int(span.starts[0]), int(span.ends[-1])))
    side: Forked[SeriesErrors] | None = None   # the baselines' costly part in a child beside the K scan
    if worth_forking(target.n_records):
        side = Forked(lambda _: series_errors(*args, params.autoencoder_hidden, params.seed))
    try:
        scan = scan_and_fit(tables, event, params, target, _Span(rep, 0.05, 0.8))
        windows, chosen, k = scan.inputs.windows, scan.chosen, scan.selection.k
        found = rank_fit(tables, event, target, windows, scan.inputs.features, chosen)
        sensitivity = tuple(sensitivity_row(kk, f.clusters, f.centroids[-1, f.clusters.rewarding_cluster],
                                            f.suspects, chosen.suspects) for kk, f in scan.fits.items())
        rep.advance(0.85)
        rep.check()
        errors = side.result(rep, forward=False) if side is not None else None
    finally:
        if side is not None:
            side.close()
    base = run_baselines(*args, found.profit, [s.investor_id for s in found.suspects], params.baseline_top_n,
                         params.autoencoder_hidden, params.seed, errors)
    rep.advance(1.0)
    price = found.price
    source = "unavailable" if price is None else ("offer_price" if event.offer_price is not None else "close")
    dyn = chosen.chain
    return KMeansResult(
        event_id=event.event_id, direction=event.direction, investor_ids=target.investor_ids,
        window_start=windows.dates[windows.starts], window_end=windows.dates[windows.ends],
        reference_days=(windows.ref_lo, windows.ref_hi), features=scan.inputs.features.values.astype(np.float32),
        labels=dyn.labels, centroids=chosen.centroids, k=k, selection=scan.selection, sensitivity=sensitivity,
        restarts=params.first_window_restarts, inertia=dyn.inertia, jaccard=dyn.jaccard, drift=dyn.drift,
        clusters=chosen.clusters, discontinuous=chosen.discontinuous, hard=found.hard,
        suspects=found.suspects, baselines=base, valuation_price=price, valuation_source=source)
