"""A case's life in the window: a re-validation says it is one while it runs, closing a case
leaves none of its controls behind, reopening gives its selection back.

Sequences on the analysed demo case; oracles: the progress messages received, the controls'
default values (the triage view's and the threshold panel's own defaults), the saved ids.
"""
from __future__ import annotations

from tests.ui.session_helper import analysed_session


def _open(window, qtbot, path):
    with qtbot.waitSignal(window.result_shown, timeout=120000):
        assert window.open_case_path(path)


def test_revalidation_progress_names_the_revalidation(qtbot, analysed_case):
    with analysed_session(qtbot, analysed_case, in_process=False) as (session, _prepared):
        stages: list[str] = []
        session.analysis_progress.connect(lambda stage, _f: stages.append(stage))
        with qtbot.waitSignal(session.result_ready, timeout=120000):
            session.revalidate("threshold", 1e-5)
        assert stages and all(s.startswith("Re-validating at p < 1e-05: ") for s in stages), stages
        assert stages[-1].endswith("preparing the views")
        stages.clear()
        with qtbot.waitSignal(session.result_ready, timeout=120000):
            session.revalidate("fdr")
        assert stages and all(s.startswith("Re-validating with FDR: ") for s in stages), stages


def test_close_resets_controls_and_reopen_restores_the_selection(window, qtbot, analysed_case):
    _open(window, qtbot, analysed_case)
    triage, panel = window.views["triage"], window.threshold_tools.panel
    qtbot.waitUntil(lambda: panel.marks is not None, timeout=30000)
    suspects = window.views["suspects"]
    first, second = suspects.model.investor_at(0), suspects.model.investor_at(2)
    window.selection.replace({first, second}, second, source="test")
    triage.threshold.setValue(500.0)
    panel.slider.setValue(panel.slider.maximum())
    window.docks["triage"].raise_()     # a tab behind another draws its selection when brought forward
    qtbot.waitUntil(lambda: triage.scorecard.table.rowCount() > 0, timeout=5000)
    window.close_case()
    assert triage.threshold.value() == 650.0
    assert triage.scorecard.table.rowCount() == 0
    assert triage.scorecard.chart.getAxis("bottom").tickValues(*triage.scorecard.chart.viewRange()[0], 400) == []
    assert panel.slider.maximum() == 0 and panel.slider.value() == 0 and panel.mode_box.currentIndex() == 0
    assert not panel.isEnabled()
    assert window.selection.value.is_empty
    _open(window, qtbot, analysed_case)
    qtbot.waitUntil(lambda: not window.selection.value.is_empty, timeout=10000)   # a turn after the result
    assert window.selection.value.ids == frozenset({first, second})
    assert window.selection.value.focus == second
    assert window.views["raster"].highlighted_ids() >= {first, second} & set(window.views["raster"]._index)


def test_explored_path_survives_a_typed_threshold_and_a_correction_change(qtbot, analysed_case):
    with analysed_session(qtbot, analysed_case, in_process=False) as (session, prepared):
        top = prepared.result.kmeans.suspects[0].investor_id
        assert session.expand(top)
        for correction, threshold in (("threshold", 1e-5), ("fdr", None), ("bonferroni", None)):
            with qtbot.waitSignal(session.result_ready, timeout=120000) as ready:
                session.revalidate(correction, threshold)
            assert top in session.exploration.expanded, correction
            drawn = ready.args[0].view_data["network"].data.node_ids
            assert top in set(str(i) for i in drawn), correction


def test_a_selection_made_while_the_result_shows_is_not_replaced_by_the_saved_one(window, qtbot, analysed_case):
    """The saved selection came back after every view showed the reopened result and replaced
    what the investigator had clicked meanwhile (seen under Xvfb: the top suspect selected
    while the views filled, then the last session's ring instead)."""
    from views.selection_types import SelectionRequest
    _open(window, qtbot, analysed_case)
    suspects = window.views["suspects"]
    first, second, third = (suspects.model.investor_at(k) for k in range(3))
    window.selection.replace({first, second}, second, source="test")
    window.close_case()
    with qtbot.waitSignal(window.session.result_ready, timeout=120000):
        assert window.open_case_path(analysed_case)
    window.hub.request(SelectionRequest(ids=frozenset({third}), focus=third, source="suspects"))
    qtbot.waitUntil(lambda: window.hub._pending_result is None, timeout=30000)   # views filled, followers run
    assert window.selection.value.ids == frozenset({third})
