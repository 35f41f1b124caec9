"""The validation-threshold control: a move re-validates in the session's worker, the result
equals a fresh analysis with those settings and reaches the views, is cached, remembered and
logged once; a superseded request is discarded; the marks sit at Bonferroni and FDR."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from engine.case.store import CaseStore
from engine.pipeline import cached_result, revalidate_result, run_stages
from engine.results import result_json
from tests.ui.session_helper import analysed_session
from ui.session import PARAMS_SETTING
from views import VIEW_REGISTRY


def _open(window, qtbot, path):
    with qtbot.waitSignal(window.result_shown, timeout=120000):
        assert window.open_case_path(path)
    panel = window.threshold_tools.panel
    qtbot.waitUntil(lambda: panel.marks is not None and panel.marks.correction == window.session.params.svn.correction,
                    timeout=30000)
    return panel


def _fresh(window, correction, threshold=None):
    """An independent full analysis with the new setting (k-means, tails and all)."""
    s = window.session if hasattr(window, "session") else window
    params = s.params.replace("svn", correction=correction, threshold=threshold)
    return run_stages(s.tables, s.event, params, s.info.data_hash)


def _ring_members(rings) -> list[list[str]]:
    return [sorted(str(m) for m in ring.member_ids) for ring in sorted(rings, key=lambda g: g.cluster_id)]


@pytest.mark.slow
def test_choosing_fdr_equals_a_fresh_fdr_analysis_and_reaches_the_views(window, qtbot, analysed_case):
    panel = _open(window, qtbot, analysed_case)
    session = window.session
    before = session.result
    # the marks: Bonferroni at alpha/m, FDR where a fresh FDR analysis cuts
    fresh = _fresh(window, "fdr")
    assert panel.marks.bonferroni == pytest.approx(before.svn.alpha / before.svn.n_tests, rel=1e-12)
    assert panel.marks.fdr == pytest.approx(fresh.svn.threshold, rel=1e-12)
    assert panel.mark_values() == {"bonferroni": panel.value_of(panel.marks.bonferroni),
                                   "fdr": panel.value_of(fresh.svn.threshold)}
    assert panel.mark_values()["bonferroni"] < panel.mark_values()["fdr"]
    n_logged = sum(e.action == "analysis" for e in session.store.audit_entries())

    with qtbot.waitSignal(window.result_shown, timeout=60000) as shown:
        panel.mode_box.setCurrentIndex(1)
        panel.mode_box.activated.emit(1)
    result = shown.args[0].result
    assert result is session.result
    assert result_json(result) == result_json(fresh)
    assert _ring_members(result.svn.rings) != _ring_members(before.svn.rings)   # the demo's FDR network differs

    rings = window.views["rings"].model.rings
    assert [sorted(map(str, m)) for m in rings.members] == [sorted(map(str, g.member_ids)) for g in fresh.svn.rings]
    assert "(fdr)" in window.views["rings"].summary.text()
    assert window.views["network"].network_bits() == 2          # the FDR network is shown
    rows = shown.args[0].view_data["suspects"]            # the suspects' in-ring flags follow
    members = fresh.svn.suspicious_members()
    assert [bool(f) for f in rows.in_ring] == [str(i) in members for i in rows.investor_id]
    assert any(rows.in_ring)

    # cached, remembered for the case, and logged exactly once as an analysis with its parameters
    store = session.store
    assert cached_result(store, session.event, result.params) is not None
    assert json.loads(store.get_setting(PARAMS_SETTING))["svn"]["correction"] == "fdr"
    logged = [e for e in store.audit_entries() if e.action == "analysis"]
    assert len(logged) == n_logged + 1
    assert logged[-1].details["summary"]["parameters"]["svn"]["correction"] == "fdr"
    qtbot.waitUntil(lambda: panel.marks is not None and panel.marks.correction == "fdr", timeout=30000)
    assert panel.mark_values()["fdr"] == panel.slider.value()


@pytest.mark.slow
def test_slider_release_and_keyboard_apply_a_typed_threshold(window, qtbot, analysed_case):
    panel = _open(window, qtbot, analysed_case)
    session = window.session
    target = panel.mark_values()["fdr"] - 10          # one decade below the FDR cut
    with qtbot.waitSignal(window.result_shown, timeout=60000):
        panel.slider.setSliderDown(True)
        panel.slider.setValue(target)
        panel.slider.setSliderDown(False)               # release: applied at once
    typed = panel.threshold_at(target)
    assert session.result.svn.correction == "threshold" and session.result.svn.threshold == typed
    assert result_json(session.result) == result_json(_fresh(window, "threshold", typed))
    qtbot.waitUntil(lambda: panel.marks is not None and panel.marks.correction == "threshold", timeout=30000)
    # a key press moves one step and applies after the pause
    with qtbot.waitSignal(window.result_shown, timeout=60000):
        panel.slider.setFocus()
        QTest.keyClick(panel.slider, Qt.Key.Key_Right)
    assert session.result.svn.threshold == panel.threshold_at(target + 1)
    reopened = session._saved_params()
    assert reopened.svn.correction == "threshold" and reopened.svn.threshold == panel.threshold_at(target + 1)


def test_a_superseded_revalidation_is_discarded(qtbot, analysed_case):
    with analysed_session(qtbot, analysed_case, in_process=False) as (session, _prepared):
        base = session.result
        arrived: list[object] = []
        session.result_ready.connect(arrived.append)
        first = session.revalidate("fdr")
        second = session.revalidate("threshold", 1e-6)
        assert second == first + 1
        qtbot.waitUntil(lambda: not session.runner.is_running(), timeout=60000)
        assert session.runner.wait(10.0)                # both worker threads ended
        QApplication.processEvents()                     # anything the first still queued
        assert len(arrived) == 1
        result = arrived[0].result
        assert result.params.svn.correction == "threshold" and result.svn.threshold == 1e-6
        assert result_json(result) == result_json(revalidate_result(base, session.tables, "threshold", 1e-6))


@pytest.mark.slow
def test_revalidation_runs_in_the_child_process(qtbot, analysed_case):
    with analysed_session(qtbot, analysed_case, in_process=True) as (session, _prepared):
        with qtbot.waitSignal(session.result_ready, timeout=120000) as ready:
            session.revalidate("fdr")
        prepared = ready.args[0]
        assert prepared.view_errors == {} and set(prepared.view_data) == set(VIEW_REGISTRY)
        assert result_json(prepared.result) == result_json(_fresh(session, "fdr"))
        with CaseStore.open(analysed_case) as store:          # cached by the child
            assert cached_result(store, session.event, prepared.result.params) is not None
