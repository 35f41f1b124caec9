"""The investigation tools wired into the real window: the timeline's period reaches the
network, and decisions recorded in the notes panel reach the profile's history."""
from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.slow


def _open(window, qtbot, path):
    with qtbot.waitSignal(window.result_shown, timeout=120000) as blocker:
        assert window.open_case_path(path)
    return blocker.args[0]


def test_period_and_case_work_reach_the_views(window, qtbot, analysed_case):
    prepared = _open(window, qtbot, analysed_case)
    investor = prepared.result.kmeans.suspects[0].investor_id
    window.docks["profile"].show()
    window.docks["profile"].raise_()
    window.selection.replace({investor}, investor, source="test")
    window.notes.decision.setCurrentText("watch")
    window.notes.reason.setText("bought before the bid")
    window.notes.record_decision()
    window.hub.expand(investor)
    profile = window.views["profile"]
    assert profile.profile.investor_id == investor
    assert "watch" in profile.header.text()
    assert "bought before the bid" in profile.text.toPlainText()
    network, timeline = window.views["network"], window.views["timeline"]
    everything = network.drawn_pairs()
    timeline.set_period(dt.date(2000, 1, 1), dt.date(2000, 1, 31))    # before the data: no link
    assert everything and network.drawn_pairs() == set()
    timeline.brush_box.setChecked(False)
    assert network.drawn_pairs() == everything


def test_annotations_survive_closing_and_reopening_the_case(window, qtbot, analysed_case):
    from engine.case.annotations import annotations_key
    from engine.case.store import CaseStore
    prepared = _open(window, qtbot, analysed_case)
    network = window.views["network"]
    investor = next(s.investor_id for s in prepared.result.kmeans.suspects
                    if prepared.result.svn.index_of(s.investor_id) >= 0)
    window.selection.replace({investor}, investor, source="test")
    window.hub.expand(investor)
    other = next(str(i) for i in network._data.node_ids if str(i) != investor)
    network.annotate((investor,), "called the broker on 3 Oct")
    network.annotate((other, investor), "same branch office")
    network.annotate((investor,), "called the broker on 4 Oct")         # replaces the first text
    assert len(network._annotation_items) == 2
    window.close_case()
    with CaseStore.open(analysed_case) as store:
        logged = [e for e in store.audit_entries() if e.action == "annotation"]
        assert [e.details["text"] for e in logged] == ["called the broker on 3 Oct", "same branch office",
                                                        "called the broker on 4 Oct"]
        assert store.document(annotations_key(prepared.result.event.event_id))
    _open(window, qtbot, analysed_case)
    window.selection.replace({investor}, investor, source="test")
    notes = {(a.kind, a.ids, a.text) for a in network.annotations()}
    assert notes == {("node", (investor,), "called the broker on 4 Oct"),
                     ("edge", tuple(sorted((other, investor))), "same branch office")}
    assert {item.textItem.toPlainText() for item in network._annotation_items} == {
        "called the broker on 4 Oct", "same branch office"}
