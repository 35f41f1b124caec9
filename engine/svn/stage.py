"""The validated-network stage: states → candidate tests → validation → Infomap → rings.

``run_svn`` computes every hypergeometric tail once and keeps the tests with p <= cap
(the candidates), so ``revalidate`` switches correction or threshold (and re-runs Infomap
and the ranking) without touching the tails. ``svn_section`` is the CASE_FORMAT §4 JSON.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from engine.market.calendar import as_day, reference_period
from engine.svn.communities import Ring, diagonal_edges, rank_rings
from engine.errors import UsageError
from engine.market.investor_metrics import directionality, expected_profit, valuation_price
from engine.market.panel import TargetPanel
from engine.params import SvnParams
from engine.progress import Reporter
from engine.svn.counts import LINK_TYPES, Candidates, StateSample, candidate_links, sample_states
from engine.svn.infomap_wrap import infomap_clusters
from engine.svn.validate import n_tests, validate
from engine.tables import CaseTables, Event

@dataclass(frozen=True)
class SvnResult:
    """The validated network of one event under one correction, with what re-validation needs."""

    event_id: str
    sign: int                         # d: +1 buy event, -1 sell event
    investor_ids: np.ndarray          # object: eligible investors, text order (index of a, b)
    n_days: int                       # T
    period_start: dt.date
    period_end: dt.date
    n_tests: int                      # m = 9·N(N−1)/2
    alpha: float
    cap: float                        # largest p kept among the candidates
    infomap_seed: int
    infomap_trials: int
    suspicious_at: float
    candidates: Candidates            # every test with p <= cap, sorted by (a, b, type)
    states: StateSample               # states of the eligible investors (co-occurrence dates)
    period_dates: np.ndarray          # datetime64[D] (T,): the trading days of the period
    directionality: np.ndarray        # float64 (N,): R_i over Δ̄, NaN when inactive there
    expected_profit: np.ndarray       # float64 (N,): π_i, NaN without a valuation price
    ref_r_sum: np.ndarray             # float64 (N,): Σ r(i,t) over Δ̄
    ref_active_days: np.ndarray       # int64 (N,): active days in Δ̄
    investor_types: np.ndarray        # object (N,): H / IF / L, "" when unknown
    correction: str                   # "bonferroni", "fdr" or "threshold"
    threshold: float                  # p-value cut (0.0 when FDR validates nothing)
    log10_threshold: float | None
    validated: np.ndarray             # bool over the candidates (compact in the case file)
    link_counts: dict[str, int]
    membership: np.ndarray            # int32 (N,): cluster id, 0 = in no cluster
    rings: list[Ring]                 # every cluster, best first

    @property
    def n_investors(self) -> int:
        return int(self.investor_ids.size)

    def links(self) -> Candidates:
        """The validated links (a subset of the candidates)."""
        return self.candidates.take(np.flatnonzero(self.validated))

    def suspicious_members(self) -> frozenset[str]:
        """Investor ids of every cluster with d·R_C at or above the setting."""
        return frozenset(i for ring in self.rings if ring.suspicious for i in ring.member_ids)

    def index_of(self, investor_id: str) -> int:
        """Eligible index of an investor id, -1 when not eligible."""
        pos = int(np.searchsorted(self.investor_ids, investor_id))
        ok = pos < self.investor_ids.size and self.investor_ids[pos] == investor_id
        return pos if ok else -1


def _period(dates: np.ndarray, params: SvnParams) -> tuple[int, int]:
    """Calendar index range [lo, hi) of the SVN period (whole calendar by default)."""
    lo = 0 if params.period_start is None else int(np.searchsorted(dates, as_day(params.period_start)))
    hi = dates.size if params.period_end is None else int(
        np.searchsorted(dates, as_day(params.period_end), side="right"))
    if hi <= lo:
        raise UsageError(f"the validated-network period {params.period_start} .. {params.period_end} "
                         "holds no trading day of the stock")
    return lo, hi


def _investor_types(tables: CaseTables, ids: np.ndarray) -> np.ndarray:
    """investor_type per id ("" when the investors table lacks it)."""
    inv = tables.investors
    if inv is None or inv.empty or "investor_type" not in inv.columns:
        return np.full(ids.size, "", dtype=object)
    table = inv.drop_duplicates("investor_id")
    where = pd.Index(table["investor_id"].astype(str).to_numpy(object)).get_indexer(ids)
    kinds = table["investor_type"].fillna("").astype(str).to_numpy(object)
    return np.where(where >= 0, kinds[np.maximum(where, 0)], "").astype(object)


def run_svn(tables: CaseTables, event: Event, params: SvnParams, reporter: Reporter | None = None,
            panel: TargetPanel | None = None, correction: str | None = None) -> SvnResult:
    """Build the validated network of ``event`` (METHOD §2) under the chosen correction."""
    panel = panel if panel is not None else TargetPanel.build(tables, event.stock)
    lo, hi = _period(panel.dates, params)
    ref_lo, ref_hi = reference_period(panel.dates, event.reference_start, event.event_date)
    sample = sample_states(panel, lo, hi, params.theta, params.min_active_days)
    # candidates are kept up to the top of the threshold sweep (and alpha, a typed threshold)
    cap = min(1.0, max(params.sweep_high, params.alpha, params.threshold or 0.0))
    candidates = candidate_links(sample, cap, reporter)
    rows = sample.rows
    price = valuation_price(tables, event, panel.dates)
    base = SvnResult(
        event_id=event.event_id, sign=event.sign, investor_ids=panel.investor_ids[rows],
        n_days=sample.n_days, period_start=panel.dates[lo].item(), period_end=panel.dates[hi - 1].item(),
        n_tests=n_tests(sample.n_investors), alpha=params.alpha, cap=cap,
        infomap_seed=params.infomap_seed, infomap_trials=params.infomap_trials,
        suspicious_at=params.suspicious_directionality, candidates=candidates,
        states=sample, period_dates=panel.dates[lo:hi],
        directionality=directionality(panel, ref_lo, ref_hi)[rows],
        expected_profit=expected_profit(panel, ref_lo, ref_hi, price)[rows],
        ref_r_sum=panel.sum_over(panel.r(), ref_lo, ref_hi)[rows],
        ref_active_days=panel.active_days(ref_lo, ref_hi)[rows].astype(np.int64),
        investor_types=_investor_types(tables, panel.investor_ids[rows]),
        correction="", threshold=0.0, log10_threshold=None,
        validated=np.zeros(candidates.a.size, bool), link_counts={}, membership=np.zeros(rows.size, np.int32),
        rings=[])
    result = revalidate(base, correction or params.correction, params.threshold, reporter)
    if reporter is not None:
        reporter.advance(1.0)
    return result


def revalidate(result: SvnResult, correction: str, threshold: float | None = None,
               reporter: Reporter | None = None) -> SvnResult:
    """The same network under another correction or threshold: no tail is recomputed."""
    if reporter is not None:
        reporter.check()
    cand = result.candidates
    check = validate(cand.log10_p, correction, result.alpha, result.n_tests, threshold, result.cap)
    a, b, t = cand.a[check.mask], cand.b[check.mask], cand.link_type[check.mask]
    counts = np.bincount(t, minlength=len(LINK_TYPES))
    edges = diagonal_edges(a, b, t, result.n_investors)   # Infomap's network, reused by the ranking
    membership = infomap_clusters(result.n_investors, *edges, seed=result.infomap_seed,
                                  trials=result.infomap_trials)
    if reporter is not None:
        reporter.check()
    rings = rank_rings(membership, result.investor_ids, result.ref_r_sum, result.ref_active_days,
                       result.expected_profit, result.investor_types, (a, b, t), result.sign,
                       result.suspicious_at, result.alpha, edges)
    return dataclasses.replace(
        result, correction=check.correction, threshold=check.threshold,
        log10_threshold=check.log10_threshold, validated=check.mask,
        link_counts={name: int(counts[j]) for j, name in enumerate(LINK_TYPES)},
        membership=membership, rings=rings)


def _ring_json(ring: Ring) -> dict[str, Any]:
    """One cluster of the ``svn.clusters`` list."""
    return {"cluster_id": ring.cluster_id, "rank": ring.rank, "members": [str(i) for i in ring.member_ids],
            "size": ring.size, "mean_directionality": ring.mean_directionality,
            "mean_expected_profit": ring.mean_expected_profit, "suspicious": ring.suspicious,
            "active_pairs": ring.active_pairs, "active_members": ring.active_members,
            "internal_links": ring.internal_links,
            "composition": dict(ring.composition),
            "expression": [dataclasses.asdict(e) for e in ring.expression]}


def svn_section(result: SvnResult) -> dict[str, Any]:
    """The ``svn`` JSON section (CASE_FORMAT §4), with a few extra keys."""
    return {"correction": result.correction, "threshold": result.threshold,
            "log10_threshold": result.log10_threshold, "alpha": result.alpha,
            "n_investors": result.n_investors, "n_days": result.n_days,
            "period_start": result.period_start.isoformat(), "period_end": result.period_end.isoformat(),
            "n_tests": result.n_tests, "n_tested": result.candidates.n_tested,
            "links": dict(result.link_counts),
            "n_clustered": int((result.membership > 0).sum()),
            "n_suspicious_investors": len(result.suspicious_members()),
            "clusters": [_ring_json(r) for r in result.rings]}
