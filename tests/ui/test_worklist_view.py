"""Worklist view: filters drive the rows, rows drive the selection, saved filters survive
closing and reopening the case (with an audit entry each), the review queue shows who
decided what."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel

from engine.case.review import case_work
from engine.case.store import CaseStore
from engine.viewdata.worklist import SAVED_FILTERS_KEY, WorklistFilter
from tests.ui.view_probe import shown
from engine.viewdata.inputs import ViewInputs
from engine.viewdata.registry import view_data
from views.selection_types import Selection
from views.worklist_view import WorklistView

pytestmark = pytest.mark.slow


@pytest.fixture
def view(qtbot, demo_result, demo_tables):
    return shown(qtbot, WorklistView(), (900, 600), view_data("worklist", ViewInputs(demo_result, demo_tables)))


def test_filter_bar_rows_and_selection(view, qtbot, demo_result):
    everyone = view.shown_ids()
    assert everyone[0] == min(demo_result.kmeans.suspects, key=lambda s: s.rank).investor_id
    view.discontinuity.setCurrentText("hard")
    hard = view.shown_ids()
    assert 0 < len(hard) < len(everyone)
    assert view.current_filter() == WorklistFilter(discontinuity="hard")
    view.discontinuity.setCurrentText("any")
    view.ring.setCurrentText("suspicious rings")
    ringed = set(view.shown_ids())
    assert ringed == {i for i in everyone if i in demo_result.svn.suspicious_members()}
    target = sorted(ringed)[0]
    view.apply_selection(Selection(frozenset({target}), target, "test"))
    assert view.highlighted_ids() == {target}
    with qtbot.waitSignal(view.selection_requested) as got:
        # an explicit clear-and-select: selectRow follows the application's modifier state,
        # which a Ctrl-click of an earlier test in this process leaves pressed
        row = view.rows.model().index(view.shown_ids().index(sorted(ringed)[1]), 0)
        view.rows.selectionModel().select(row, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                          | QItemSelectionModel.SelectionFlag.Rows)
    assert got.args[0].ids == {sorted(ringed)[1]}


def _open(window, qtbot, path):
    with qtbot.waitSignal(window.result_shown, timeout=120000):
        assert window.open_case_path(path)


def test_saved_filters_and_review_queue_survive_reopening(window, qtbot, analysed_case):
    _open(window, qtbot, analysed_case)
    worklist = window.views["worklist"]
    investor = worklist.shown_ids()[0]
    window.selection.replace({investor}, investor, source="test")
    window.notes.decision.setCurrentText("refer")
    window.notes.reason.setText("ring and calls")
    window.notes.record_decision()
    assert worklist.queue.item(0, 2).text() == investor and worklist.queue.item(0, 4).text() == "refer"
    worklist.decision.setCurrentText("refer")
    worklist.options.setCurrentText("with options")
    has_options = bool(worklist._data.options[0])
    assert worklist.shown_ids() == ([investor] if has_options else [])
    worklist.save_filter("referred with calls")
    wanted = worklist.current_filter()
    window.close_case()
    with CaseStore.open(analysed_case) as store:
        saved = [e for e in store.audit_entries() if e.action == "worklist_filter_saved"]
        assert [e.details["name"] for e in saved] == ["referred with calls"]
        assert SAVED_FILTERS_KEY in {e.details["key"] for e in saved}
        assert case_work(store).decisions[investor].decision == "refer"
    _open(window, qtbot, analysed_case)
    assert worklist.saved_names() == ("referred with calls",)
    worklist.decision.setCurrentText("any")
    worklist.use_saved("referred with calls")
    assert worklist.current_filter() == wanted
    worklist.delete_filter("referred with calls")
    assert worklist.saved_names() == ()
    window.close_case()
    with CaseStore.open(analysed_case) as store:
        assert store.document(SAVED_FILTERS_KEY) == {}
