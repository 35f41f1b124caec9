"""Side studies of the validated network (METHOD §2, App. B.3–B.4) in plain data and JSON.

``threshold_marks`` gives the Bonferroni and FDR cuts of a network (where the GUI's threshold
slider puts its marks), ``sweep_grid`` the sweep thresholds of the settings, and
``sweep_section`` / ``bicm_section`` the additive ``svn.sweep`` / ``svn.bicm`` JSON keys
written by ``analyze --sweep`` / ``--bicm``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from engine.svn.bicm_compare import BicmComparison, compare_bicm
from engine.params import SvnParams
from engine.progress import Reporter
from engine.svn.stage import SvnResult
from engine.svn.validate import bonferroni, fdr
from engine.svn.sweep import EXPLORATORY_NOTE, SweepResult, sweep, threshold_grid


@dataclass(frozen=True)
class ThresholdMarks:
    """The p-value cuts of one network: the correction in use and both named corrections."""

    correction: str            # "bonferroni", "fdr" or "threshold"
    threshold: float           # the cut in use (0.0 when FDR validates nothing)
    bonferroni: float          # α / m
    fdr: float | None          # p_(k̄); None when Benjamini–Hochberg validates nothing
    low: float                 # the sweep range: the smallest threshold offered
    high: float                # the largest (never above the kept cap)


def threshold_marks(svn: SvnResult, params: SvnParams, reporter: Reporter | None = None) -> ThresholdMarks:
    """Where Bonferroni and FDR cut this network, and the range a typed threshold may take."""
    if reporter is not None:
        reporter.check()
    log_p = svn.candidates.log10_p
    bonf = bonferroni(log_p, svn.alpha, svn.n_tests)
    fdr_cut = (svn.log10_threshold if svn.correction == "fdr"
               else fdr(log_p, svn.alpha, svn.n_tests).log10_threshold)
    high = min(params.sweep_high, svn.cap)
    return ThresholdMarks(correction=svn.correction, threshold=float(svn.threshold),
                          bonferroni=float(bonf.threshold),
                          fdr=None if fdr_cut is None else float(10.0 ** fdr_cut),
                          low=min(params.sweep_low, high), high=high)


def marks_after(base: ThresholdMarks, svn: SvnResult) -> ThresholdMarks:
    """The marks of ``svn`` re-validated from the network ``base`` marks: the Bonferroni and
    FDR cuts and the range depend on the kept p-values only, so only the cut in use changes."""
    return replace(base, correction=svn.correction, threshold=float(svn.threshold))


def sweep_grid(params: SvnParams) -> np.ndarray:
    """The sweep thresholds of the settings (``sweep_low`` … ``sweep_high``, log-spaced)."""
    return threshold_grid(params.sweep_low, params.sweep_high, params.sweep_per_decade)


@dataclass(frozen=True)
class SweepStudy:
    """A threshold sweep with the Bonferroni and FDR cuts it is read against."""

    sweep: SweepResult
    marks: ThresholdMarks


def sweep_study(svn: SvnResult, params: SvnParams, reporter: Reporter | None = None) -> SweepStudy:
    """The sweep over the settings' grid (App. B.3), with the network's named cuts."""
    return SweepStudy(sweep=sweep(svn, sweep_grid(params), reporter), marks=threshold_marks(svn, params))


def sweep_section(study: SweepStudy) -> dict[str, Any]:
    """``svn.sweep``: one row per threshold, the best one, and the two named cuts."""
    result, marks = study.sweep, study.marks
    return {"points": [asdict(p) for p in result.points], "best_threshold": result.best_threshold,
            "bonferroni_threshold": marks.bonferroni, "fdr_threshold": marks.fdr,
            "suspicious_investors_counted": "members of clusters with d*R_C at or above the setting "
                                            "and at least two members active in the reference period",
            "exploratory": True, "note": EXPLORATORY_NOTE}


def bicm_section(cmp: BicmComparison, alpha: float) -> dict[str, Any]:
    """``svn.bicm``: validated links per state layer and the agreement of the two clusterings."""
    sizes = np.bincount(cmp.membership)[1:] if cmp.membership.size else np.zeros(0, np.int64)
    return {"alpha": alpha, "correction": "fdr",
            "layers": [asdict(layer) for layer in cmp.layers],
            "n_links": int(cmp.a.size), "n_clustered": int((cmp.membership > 0).sum()),
            "n_clusters": int((sizes > 0).sum()), "pair_jaccard": float(cmp.pair_jaccard),
            "best_match": [{"svn_cluster": s, "bicm_cluster": b, "jaccard": j} for s, b, j in cmp.best_match]}


def studies_sections(svn: SvnResult, params: SvnParams, with_sweep: bool, with_bicm: bool,
                     reporter: Reporter | None = None) -> dict[str, Any]:
    """The requested opt-in keys of the ``svn`` section (``sweep``, ``bicm``)."""
    out: dict[str, Any] = {}
    if with_sweep:
        out["sweep"] = sweep_section(sweep_study(svn, params, reporter))
    if with_bicm:
        out["bicm"] = bicm_section(compare_bicm(svn, reporter=reporter), svn.alpha)
    return out
