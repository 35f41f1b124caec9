"""Case documents (saved filters, annotations) and the review snapshot read from a real case."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from engine.case.audit import canonical_json
from engine.case.review import case_work
from engine.case.store import CaseStore
from engine.errors import CaseFileError, UsageError
from tests.fixtures.small_case import FILE_HASHES, FILE_NAMES, small_tables


@pytest.fixture()
def path(tmp_path: Path) -> Path:
    out = tmp_path / "case.itcase"
    CaseStore.create(out, small_tables(), FILE_HASHES, FILE_NAMES)
    return out


def test_a_document_survives_reopening_and_each_change_is_logged_once(path: Path) -> None:
    value = {"refer only": {"decisions": ["refer"], "tags": [], "options": True}}
    with CaseStore.open(path) as store:
        before = len(store.audit_entries())
        assert store.put_document("worklist_filters", value, "worklist_filters", {"saved": "refer only"})
        assert not store.put_document("worklist_filters", json.loads(json.dumps(value)), "worklist_filters", {})
        entries = store.audit_entries()[before:]
    assert [e.action for e in entries] == ["worklist_filters"]
    assert entries[0].details["sha256"] == hashlib.sha256(canonical_json(value).encode()).hexdigest()
    assert entries[0].details["saved"] == "refer only"
    with CaseStore.open(path) as store:
        assert store.document("worklist_filters") == value
        assert store.document("absent", default=[]) == []
        assert store.verify().ok


def test_a_read_only_case_refuses_a_document(path: Path) -> None:
    with CaseStore.open(path, read_only=True) as store:
        with pytest.raises((UsageError, CaseFileError)):
            store.put_document("k", [1], "x", {})


def test_review_snapshot_keeps_every_decision_with_who_and_when(path: Path) -> None:
    with CaseStore.open(path) as store:
        store.set_decision("007", "watch", "odd timing")
        store.add_tag("007", "ring")
        store.set_decision("007", "refer", "options too")
        store.set_note("007", "<p>called the broker</p>")
        work = case_work(store)
    assert work.decisions["007"].decision == "refer"          # the latest
    history = work.history_of("007")
    assert [(e.action, e.what, e.reason) for e in history] == [
        ("decision", "watch", "odd timing"), ("tag_added", "ring", ""), ("decision", "refer", "options too")]
    assert all(e.user and e.time.endswith("Z") for e in history)
    assert [e.seq for e in history] == sorted(e.seq for e in history)
    assert work.tags == {"007": ("ring",)} and work.all_tags() == ("ring",)
    assert "broker" in work.notes["007"]
