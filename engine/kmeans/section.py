"""The CASE_FORMAT ``kmeans`` JSON section of a ``KMeansResult`` (required keys first,
then the round-2 evidence: K choice, elbow, significance, stability, sensitivity)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from engine.kmeans.kscan import KSelection
from engine.kmeans.sensitivity import SensitivityRow
from engine.kmeans.significance import Comparison, Significance
from engine.kmeans.stage import KMeansResult
from engine.kmeans.suspects import StabilityCheck, Suspect

SIGNIFICANCE_NOTE = ("Contingency p-values treat investors as independent, and first-time buyers are "
                     "discontinuous by construction: when the placebo test has run, its event-level p is the "
                     "verdict and these p-values are descriptive.")


def _num(value: float | None) -> float | None:
    """JSON-safe float: NaN and infinities become null."""
    return None if value is None or not math.isfinite(value) else float(value)


def _suspect_json(s: Suspect) -> dict[str, Any]:
    return {"investor_id": s.investor_id, "rank": s.rank, "score": s.score,
            "discontinuity": s.discontinuity, "shares": s.shares, "directionality": s.directionality,
            "expected_profit": s.expected_profit, "shares_bought": s.shares_bought,
            "shares_sold": s.shares_sold, "point": list(s.point)}


def selection_json(sel: KSelection) -> dict[str, Any]:
    """``k_selection``: the rule, whether K is stable, why, and every K of the scan."""
    return {"rule": sel.rule, "stable": sel.stable, "reason": sel.reason,
            "candidates": [{"k": c.k, "jaccard_next": _num(c.jaccard_next), "jaccard_next2": _num(c.jaccard_next2),
                            "rewarding_size": c.rewarding_size,
                            "rewarding_share_of_active": _num(c.rewarding_share_of_active),
                            "qualifies": c.qualifies} for c in sel.candidates]}


def elbow_json(sel: KSelection) -> dict[str, Any]:
    """``elbow``: the 5% elbow on W_K per window (null: none up to k_max), a diagnostic only."""
    per = [int(k) if k > 0 else None for k in sel.elbow_per_window.tolist()]
    return {"per_window": per if sel.elbow_k_values.size else [],
            "windows_without_elbow": sum(k is None for k in per) if sel.elbow_k_values.size else 0,
            "k_values": sel.elbow_k_values.tolist(),
            "inertia": [[_num(v) for v in row] for row in sel.elbow_inertia.tolist()]}


def _pair_json(c: Comparison) -> dict[str, Any]:
    return {"cluster_id": c.cluster, "size": c.size_other, "test": c.test, "statistic": _num(c.statistic),
            "p_value": c.p_value, "share_rewarding": _num(c.share_rewarding), "share_other": _num(c.share_other)}


def significance_json(sig: Significance) -> dict[str, Any]:
    """``significance``: pooled and pairwise one-sided Fisher tests."""
    p = sig.pooled
    return {"level": sig.level, "note": SIGNIFICANCE_NOTE,
            "pooled": {"test": p.test, "statistic": _num(p.statistic), "p_value": p.p_value,
                       "share_rewarding": _num(p.share_rewarding), "share_rest": _num(p.share_other),
                       "size_rewarding": p.size_rewarding, "size_rest": p.size_other},
            "pairwise": [_pair_json(c) for c in sig.pairwise]}


def stability_json(check: StabilityCheck) -> dict[str, Any]:
    """``stability``: where the rewarding id wandered, and the verdict without the rule."""
    return {"delta": check.delta, "windows_judged_by_distance": list(check.rewarding_windows),
            "anomalous_without_rule": check.anomalous_without_rule,
            "anomalous_all_pairs_without_rule": check.anomalous_all_pairs_without_rule,
            "n_suspects_without_rule": check.suspects_without_rule,
            "clusters_judged_by_distance": [{"cluster_id": k, "windows": np.flatnonzero(col).tolist()}
                                            for k, col in enumerate(check.wandered.T) if col.any()]}


def sensitivity_json(rows: tuple[SensitivityRow, ...]) -> list[dict[str, Any]]:
    """``sensitivity``: the rewarding cluster and its verdict at K − 2 … K + 2."""
    return [{"k": r.k, "rewarding_cluster": r.rewarding_cluster, "rewarding_size": r.rewarding_size,
             "centroid": list(r.centroid), "discontinuous_share": r.discontinuous_share,
             "n_suspects": r.n_suspects, "p_pooled": r.p_pooled, "p_pairwise_max": r.p_pairwise_max,
             "anomalous": r.anomalous, "anomalous_all_pairs": r.anomalous_all_pairs,
             "suspects_jaccard": r.suspects_jaccard} for r in rows]


def kmeans_section(result: KMeansResult) -> dict[str, Any]:
    """The CASE_FORMAT ``kmeans`` section (required keys first, evidence and diagnostics after)."""
    c = result.clusters
    last = result.n_windows - 1
    return {
        "k": result.k, "n_windows": result.n_windows, "rewarding_cluster": c.rewarding_cluster,
        "suspects": [_suspect_json(s) for s in result.suspects],
        "restarts": result.restarts,
        "k_selection": selection_json(result.selection),
        "elbow": elbow_json(result.selection),
        "anomalous": c.significance.anomalous, "anomalous_all_pairs": c.significance.anomalous_all_pairs,
        "significance": significance_json(c.significance),
        "stability": stability_json(c.stability),
        "sensitivity": sensitivity_json(result.sensitivity),
        "windows": [{"start": str(s), "end": str(e)} for s, e in zip(result.window_start, result.window_end)],
        "rewarding_corner": list(c.corner),
        "clusters": [{"cluster_id": k, "size": int(c.sizes[k]), "discontinuous": int(c.discontinuous[k]),
                      "discontinuous_share": _num(c.shares[k]),
                      "centroid": result.centroids[last, k].tolist(),
                      "distance_to_corner": float(c.corner_distance[k])} for k in range(result.k)],
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
