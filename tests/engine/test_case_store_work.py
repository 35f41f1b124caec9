"""The investigator's work in the case: each change persists, is refused when invalid, and
appends exactly one audit entry in the same transaction."""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

from engine.case.store import CaseStore
from engine.case.work import ALERT_TRANSITIONS
from engine.errors import UsageError
from engine.serialize import dumps, loads
from engine.params import AnalysisParams
from tests.fixtures.small_case import FILE_HASHES, FILE_NAMES, small_tables


@pytest.fixture()
def store(tmp_path: Path):
    path = tmp_path / "case.itcase"
    CaseStore.create(path, small_tables(), FILE_HASHES, FILE_NAMES)
    with CaseStore.open(path) as opened:
        yield opened


def _actions(store: CaseStore) -> list[str]:
    return [e.action for e in store.audit_entries()]


def test_notes_upsert_keep_created_time_and_log_the_text_hash(store: CaseStore) -> None:
    store.set_note("007", "<p>first</p>")
    first = store.note("007")
    store.set_note("007", "<p>second <b>bold</b></p>")
    store.set_note(None, "case-level")
    note = store.note("007")
    assert note.text == "<p>second <b>bold</b></p>" and note.created_at == first.created_at
    assert note.updated_at >= first.updated_at
    assert store.note(None).investor_id is None and store.note(None).text == "case-level"
    assert store.note("0042") is None
    assert [n.investor_id for n in store.notes()] == [None, "007"]
    entries = store.audit_entries()
    assert _actions(store) == ["import", "note", "note", "note"]
    assert entries[2].details == {"investor_id": "007", "length": 25,
                                  "sha256": hashlib.sha256("<p>second <b>bold</b></p>".encode()).hexdigest(),
                                  "row_table": "notes", "row_key": ["007"],
                                  "row_sha256": entries[2].details["row_sha256"]}
    assert "<b>" not in json.dumps([e.details for e in entries])  # the text itself is not in the log
    assert store.verify().ok


def test_note_saves_are_fast(store: CaseStore) -> None:
    """Saved while typing: the median of 40 saves stays well under 5 ms."""
    times = []
    for i in range(40):
        start = time.perf_counter()
        store.set_note("007", f"<p>typing {'x' * i}</p>")
        times.append(time.perf_counter() - start)
    assert sorted(times)[len(times) // 2] < 0.005


def test_tags_add_remove_and_no_op_repeats(store: CaseStore) -> None:
    store.add_tag("007", "ring-1")
    store.add_tag("007", "ring-1")  # repeat: nothing changes, nothing logged
    store.add_tag("007", "calls")
    store.add_tag("0042", "ring-1")
    assert store.tags() == {"0042": ["ring-1"], "007": ["calls", "ring-1"]}
    assert store.tags("007") == {"007": ["calls", "ring-1"]}
    store.remove_tag("007", "ring-1")
    store.remove_tag("007", "absent")
    assert store.tags("007") == {"007": ["calls"]}
    assert _actions(store) == ["import", "tag_added", "tag_added", "tag_added", "tag_removed"]
    with pytest.raises(UsageError):
        store.add_tag("007", "  ")


def test_decisions_need_a_known_decision_and_a_reason(store: CaseStore) -> None:
    with pytest.raises(UsageError, match="reason"):
        store.set_decision("007", "refer", "   ")
    with pytest.raises(UsageError, match="unknown decision"):
        store.set_decision("007", "arrest", "obvious")
    assert store.decision("007") is None and _actions(store) == ["import"]
    store.set_decision("007", "watch", "bought before the bid")
    store.set_decision("007", "refer", "calls bought too")
    store.set_decision("0042", "cleared", "index fund rebalancing")
    assert store.decision("007").decision == "refer" and store.decision("007").reason == "calls bought too"
    assert sorted(store.decisions()) == ["0042", "007"]
    assert store.audit_entries()[-1].details.items() >= {"investor_id": "0042", "decision": "cleared",
                                                         "reason": "index fund rebalancing",
                                                         "row_table": "decisions", "row_key": ["0042"]}.items()


def test_suspect_list_keeps_insertion_order(store: CaseStore) -> None:
    for inv in ("100", "007", "100", "0042"):
        store.add_suspect(inv)
    store.remove_suspect("007")
    store.remove_suspect("never")
    assert store.suspect_list() == ["100", "0042"]
    assert _actions(store) == ["import", "suspect_added", "suspect_added", "suspect_added", "suspect_removed"]


def test_exploration_results_and_settings(store: CaseStore) -> None:
    state = json.dumps({"seeds": ["007"], "expanded": ["007", "0042"]})
    store.save_exploration("E1", "bonferroni", state)
    assert store.load_exploration("E1", "bonferroni") == state
    assert store.load_exploration("E1", "fdr") is None
    with pytest.raises(ValueError):
        store.save_exploration("E1", "fdr", "{not json")
    payload = dumps(AnalysisParams())
    store.put_result("key-1", payload, {"suspects": 3})
    assert loads(AnalysisParams, store.get_result("key-1")) == AnalysisParams()
    assert store.get_result("other") is None
    store.set_setting("last_params:E1", AnalysisParams().to_json())
    assert store.get_setting("last_params:E1") == AnalysisParams().to_json()
    assert _actions(store) == ["import", "exploration", "analysis", "setting"]
    store.set_setting("last_params:E1", AnalysisParams().to_json())  # unchanged: nothing logged
    assert _actions(store) == ["import", "exploration", "analysis", "setting"]
    assert store.audit_entries()[-2].details["summary"] == {"suspects": 3}


def test_alert_workflow(store: CaseStore) -> None:
    assert store.alert_status("E1", "2021-03-05") is None  # NEW
    with pytest.raises(UsageError, match="reason"):
        store.set_alert_status("E1", "2021-03-05", "CLOSED", "ana")
    with pytest.raises(UsageError, match="owner"):
        store.set_alert_status("E1", "2021-03-05", "REVIEWING", "")
    with pytest.raises(UsageError, match="ISO date"):
        store.set_alert_status("E1", "5 March", "REVIEWING", "ana")
    store.set_alert_status("E1", "2021-03-05", "REVIEWING", "ana")
    with pytest.raises(UsageError, match="cannot move from REVIEWING to NEW"):
        store.set_alert_status("E1", "2021-03-05", "NEW", "ana")
    store.set_alert_status("E1", "2021-03-05", "ESCALATED", "bob")
    with pytest.raises(UsageError, match="cannot move from ESCALATED to REVIEWING"):
        store.set_alert_status("E1", "2021-03-05", "REVIEWING", "bob")
    store.set_alert_status("E1", "2021-03-05", "CLOSED", "bob", "referred to enforcement")
    store.set_alert_status("E1", "2021-03-09", "CLOSED", "ana", "earnings rumour, public")
    state = store.alert_status("E1", "2021-03-05")
    assert (state.status, state.owner, state.reason) == ("CLOSED", "bob", "referred to enforcement")
    assert [(s.date, s.status) for s in store.alert_states("E1")] == [("2021-03-05", "CLOSED"),
                                                                      ("2021-03-09", "CLOSED")]
    assert store.alert_states("E2") == []
    moves = [(e.details["from"], e.details["to"]) for e in store.audit_entries() if e.action == "alert_status"]
    assert moves == [("NEW", "REVIEWING"), ("REVIEWING", "ESCALATED"), ("ESCALATED", "CLOSED"), ("NEW", "CLOSED")]
    assert all(to in ALERT_TRANSITIONS[frm] for frm, to in moves)


def test_failed_change_writes_nothing(store: CaseStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The change and its audit entry commit together or not at all."""
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("engine.case.audit.append", broken)
    with pytest.raises(RuntimeError):
        store.set_decision("007", "refer", "reason")
    monkeypatch.undo()
    assert store.decision("007") is None and _actions(store) == ["import"]
    assert store.verify().ok


def test_work_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "case.itcase"
    CaseStore.create(path, small_tables(), FILE_HASHES, FILE_NAMES)
    with CaseStore.open(path) as store:
        store.set_note("007", "n")
        store.add_tag("007", "t")
        store.set_decision("007", "watch", "r")
        head = store.audit_entries()[-1]
    with CaseStore.open(path, read_only=True) as store:
        assert (store.note("007").text, store.tags(), store.decision("007").decision) == ("n", {"007": ["t"]}, "watch")
        assert store.audit_entries()[-1] == head
        assert store.verify().last_chain_hash == head.hash
