"""The analysis job does the work several consumers share once per result: the target panel,
both validated networks and the threshold marks (a re-validation keeps its base's networks
and cuts, which must equal fresh ones)."""
from __future__ import annotations

import numpy as np
import pytest

from engine.case.store import CaseStore
from engine.params import AnalysisParams
from engine.progress import Reporter
from engine.svn.studies import threshold_marks
from engine.svn.neighbourhood import Exploration
from ui import analysis_job
from views import VIEW_REGISTRY


def _counted(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[object]:
    calls: list[object] = []
    real = getattr(owner, name)

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)
    monkeypatch.setattr(owner, name, counting)
    return calls


@pytest.mark.slow
def test_panel_networks_and_marks_once_per_result(analysed_case, monkeypatch):
    import engine.market.panel as panel_mod
    import engine.svn.neighbourhood as nbh
    panels = _counted(monkeypatch, panel_mod.TargetPanel, "build")
    networks = _counted(monkeypatch, nbh.Networks, "build")
    marks = _counted(monkeypatch, analysis_job, "threshold_marks")
    with CaseStore.open(analysed_case) as store:
        tables = store.tables()
    event = tables.event(None)
    prepared = analysis_job.analysis_job(str(analysed_case), tables, event, AnalysisParams(), False,
                                         list(VIEW_REGISTRY), Exploration(), reporter=Reporter())
    assert (len(panels), len(networks), len(marks)) == (1, 1, 1)   # a fresh run: stages and views share them
    assert prepared.view_errors == {} and set(prepared.view_data) == set(VIEW_REGISTRY)
    assert prepared.view_data["network"].context.networks is prepared.networks
    again = analysis_job.revalidation_job(str(analysed_case), prepared.result, tables, "fdr", None,
                                          list(VIEW_REGISTRY), Exploration(), prepared.marks, prepared.networks,
                                          reporter=Reporter())
    assert len(marks) == 1 and len(networks) == 1                   # carried over, not recomputed
    fresh = threshold_marks(again.result.svn, again.result.params.svn)
    assert again.marks == fresh and again.marks.correction == "fdr"   # the carried marks are exact
    rebuilt = nbh.Networks.build(again.result.svn)
    assert again.networks is not None and again.networks.result is again.result.svn
    for corr, net in rebuilt.by_correction.items():                  # so are the carried networks
        kept = again.networks.by_correction[corr]
        assert kept.threshold == net.threshold
        for name in ("links", "indptr", "neighbours"):
            np.testing.assert_array_equal(getattr(kept, name), getattr(net, name))
    assert again.view_data["network"].context.networks is again.networks
