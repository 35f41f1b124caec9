"""``analyze --sweep`` / ``--bicm``: the additive svn.sweep and svn.bicm keys are the engine's
numbers, deterministic across runs; the threshold marks are Bonferroni α/m and the BH cut."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

import main
from engine.svn.bicm_compare import compare_bicm
from engine.case.store import CaseStore
from engine.params import AnalysisParams
from engine.pipeline import analyze
from engine.svn.studies import threshold_marks
from engine.svn.sweep import sweep, threshold_grid


def _bh_cut(p: np.ndarray, alpha: float, m: int) -> float | None:
    """Benjamini–Hochberg by the book on plain p-values: the largest p_(k) <= k·alpha/m."""
    ordered = np.sort(p)
    ok = np.flatnonzero(ordered <= np.arange(1, ordered.size + 1) * alpha / m)
    return float(ordered[ok[-1]]) if ok.size else None


def test_threshold_marks_are_bonferroni_and_the_bh_cut(demo_tables):
    result = analyze(demo_tables, demo_tables.event(None), AnalysisParams())
    svn = result.svn
    marks = threshold_marks(svn, result.params.svn)
    assert marks.bonferroni == pytest.approx(0.01 / (9 * svn.n_investors * (svn.n_investors - 1) / 2), rel=1e-12)
    assert marks.fdr == pytest.approx(_bh_cut(10.0 ** svn.candidates.log10_p, svn.alpha, svn.n_tests), rel=1e-9)
    assert (marks.correction, marks.threshold) == ("bonferroni", svn.threshold)
    assert (marks.low, marks.high) == (1e-12, 1e-2)


@pytest.mark.slow
def test_analyze_sweep_and_bicm_keys_are_the_engines_and_repeatable(demo_case_path, tmp_path):
    case = tmp_path / "case.itcase"
    shutil.copy(demo_case_path, case)
    outs = []
    for run in range(2):
        out = tmp_path / f"run{run}.json"
        assert main.main(["analyze", str(case), "--sweep", "--bicm", "--no-cache", "--json", str(out), "--quiet"]) == 0
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    svn_doc = json.loads(outs[0])["svn"]
    with CaseStore.open(case) as store:
        tables = store.tables()
        result = analyze(tables, tables.event(None), AnalysisParams(), store=store)
    expected = sweep(result.svn, threshold_grid(1e-12, 1e-2, 1))
    assert svn_doc["sweep"]["points"] == [p.__dict__ for p in expected.points]
    assert svn_doc["sweep"]["best_threshold"] == expected.best_threshold
    cmp = compare_bicm(result.svn)
    bicm = svn_doc["bicm"]
    assert [(g["state"], g["n_validated"], g["threshold"]) for g in bicm["layers"]] == [
        (g.state, g.n_validated, g.threshold) for g in cmp.layers]
    assert bicm["n_links"] == cmp.a.size and bicm["pair_jaccard"] == cmp.pair_jaccard
    assert bicm["n_clustered"] == int((cmp.membership > 0).sum())
    assert [(m["svn_cluster"], m["bicm_cluster"], m["jaccard"]) for m in bicm["best_match"]] == [
        tuple(t) for t in cmp.best_match]
    # without the flags the keys are absent (opt-in)
    plain = tmp_path / "plain.json"
    assert main.main(["analyze", str(case), "--json", str(plain), "--quiet"]) == 0
    assert not {"sweep", "bicm"} & set(json.loads(plain.read_bytes())["svn"])
