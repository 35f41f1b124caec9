"""The opt-in network studies in the GUI: the sweep dialog shows engine.svn.sweep.sweep's numbers
(table, curve, Bonferroni/FDR lines) and saves them; the BiCM dialog shows
engine.svn.bicm_compare.compare_bicm's layers and agreement."""
from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest

from engine.svn.bicm_compare import compare_bicm
from engine.params import AnalysisParams
from engine.pipeline import analyze
from engine.svn.validate import fdr
from engine.svn.sweep import sweep, threshold_grid
from ui.dialogs.bicm_dialog import BicmDialog
from ui.dialogs.study_dialog import table_rows
from ui.dialogs.sweep_dialog import SweepDialog


@pytest.fixture(scope="module")
def demo_result(demo_tables):
    return analyze(demo_tables, demo_tables.event(None), AnalysisParams())


def test_sweep_dialog_shows_the_engine_sweep(qtbot, demo_result, tmp_path):
    svn, params = demo_result.svn, demo_result.params.svn
    dialog = SweepDialog(svn, params, in_process=False)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.done, timeout=60000):
        dialog.show()
    expected = sweep(svn, threshold_grid(1e-12, 1e-2, 1))      # App. B.3 range, one per decade
    rows = table_rows(dialog.table)
    assert [float(r[0]) for r in rows] == pytest.approx([p.threshold for p in expected.points], rel=1e-3)
    assert [[int(v) for v in r[1:]] for r in rows] == [
        [p.n_links, p.n_clustered, p.n_clusters, p.n_suspicious_clusters, p.n_suspicious_investors]
        for p in expected.points]
    curve = dialog.plot.getPlotItem().listDataItems()[0]
    x, y = curve.getOriginalDataset()
    assert np.allclose(x, [p.threshold for p in expected.points])
    assert y.tolist() == [p.n_suspicious_investors for p in expected.points]
    # the two named cuts: Bonferroni alpha/m and the Benjamini–Hochberg p_(k̄), as log10 positions
    lines = sorted(item.value() for item in dialog.plot.getPlotItem().items if hasattr(item, "angle"))
    bh = fdr(svn.candidates.log10_p, svn.alpha, svn.n_tests).log10_threshold
    assert lines == pytest.approx(sorted([math.log10(svn.alpha / svn.n_tests), bh]), abs=1e-9)
    # saved CSV holds the table; the figure is a PNG
    data = dialog.save_csv(tmp_path / "sweep.csv")
    assert list(csv.reader(io.StringIO(data.decode("utf-8"))))[1:] == rows
    png = dialog.save_figure(tmp_path / "sweep.png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and (tmp_path / "sweep.png").read_bytes() == png
    dialog.close()


@pytest.mark.slow
def test_bicm_dialog_shows_the_engine_comparison(qtbot, demo_result):
    svn = demo_result.svn
    dialog = BicmDialog(svn, in_process=False)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.done, timeout=120000):
        dialog.show()
    expected = compare_bicm(svn)
    rows = table_rows(dialog.table)
    assert [r[0] for r in rows] == ["b", "s", "bs"]
    assert [[int(v) for v in r[1:5]] for r in rows] == [
        [g.n_investors, g.n_tests, g.n_tested, g.n_validated] for g in expected.layers]
    assert [int(r[6]) for r in rows] == [svn.link_counts[t] for t in ("bb", "ss", "bsbs")]
    assert f"{expected.pair_jaccard:.3f}" in dialog.summary.text()
    matches = table_rows(dialog.matches)
    assert [(int(m[0]), float(m[3])) for m in matches] == [(s, pytest.approx(j, abs=5e-4))
                                                           for s, _b, j in expected.best_match]
    dialog.close()
