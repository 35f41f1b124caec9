"""Worklist rows and filters on the demo analysis; filters round-trip through their JSON form.

Oracles: the planted truth and the result's own lists for the rows; a hand-written predicate
per filter for the filtering.
"""
from __future__ import annotations

import json

import pytest

from engine.case.review import CaseWorkSnapshot
from engine.case.work import Decision
from engine.errors import UsageError
from engine.params import AnalysisParams
from engine.viewdata.worklist import (ANY_SUSPICIOUS_RING, NO_RING, WorklistFilter, filter_rows, filters_document,
                                      saved_filters, worklist_rows)


@pytest.fixture(scope="module")
def result(demo_tables):
    from engine.pipeline import run_stages
    return run_stages(demo_tables, demo_tables.event_list()[0], AnalysisParams(), "worklist")


@pytest.fixture(scope="module")
def rows(result, demo_tables):
    return worklist_rows(result, demo_tables)


def test_rows_are_the_suspects_then_the_other_ring_members(rows, result, demo_truth):
    ids = [str(i) for i in rows.investor_id]
    suspects = [s.investor_id for s in sorted(result.kmeans.suspects, key=lambda s: s.rank)]
    assert ids[:len(suspects)] == suspects
    assert set(ids[len(suspects):]) == set(result.svn.suspicious_members()) - set(suspects)
    assert len(ids) == len(set(ids))
    by_id = dict(zip(ids, range(len(ids))))
    for inv in demo_truth["options_informed_accounts"]:
        if inv in by_id:
            assert rows.options[by_id[inv]]
    for inv in demo_truth["hard_insiders"]:
        if inv in by_id:
            assert rows.discontinuity[by_id[inv]] == "hard"


def _decision(inv: str, what: str) -> Decision:
    return Decision(inv, what, "why", "me", "2026-01-01T00:00:00Z")


def test_each_filter_keeps_what_its_predicate_says(rows):
    ids = [str(i) for i in rows.investor_id]
    work = CaseWorkSnapshot(decisions={ids[0]: _decision(ids[0], "refer"), ids[1]: _decision(ids[1], "cleared")},
                            tags={ids[1]: ("ring",), ids[2]: ("ring", "call")})
    cases = [
        (WorklistFilter(decisions=("refer",)), lambda k: k == 0),
        (WorklistFilter(decisions=("undecided",)), lambda k: k > 1),
        (WorklistFilter(tags=("ring",)), lambda k: k in (1, 2)),
        (WorklistFilter(discontinuity="hard"), lambda k: rows.discontinuity[k] == "hard"),
        (WorklistFilter(ring=ANY_SUSPICIOUS_RING), lambda k: rows.ring_suspicious[k]),
        (WorklistFilter(ring=NO_RING), lambda k: rows.ring[k] == 0),
        (WorklistFilter(options=True, discontinuity="soft"),
         lambda k: rows.options[k] and rows.discontinuity[k] == "soft"),
    ]
    for flt, keep in cases:
        expected = [k for k in range(len(ids)) if keep(k)]
        assert filter_rows(rows, work, flt).tolist() == expected, flt
    assert 0 < len(filter_rows(rows, work, WorklistFilter(options=True))) < len(ids)


def test_saved_filters_round_trip_through_json_and_refuse_nonsense():
    filters = {"b": WorklistFilter(decisions=("watch", "refer"), options=True),
               "a": WorklistFilter(tags=("ring",), discontinuity="soft", ring=3)}
    doc = filters_document(filters)
    assert list(doc) == ["a", "b"]
    assert saved_filters(json.loads(json.dumps(doc))) == filters
    for bad in ({"x": {"decisions": ["maybe"]}}, {"x": {"colour": "red"}}, {"x": {"ring": True}}, ["x"],
                {"x": {"discontinuity": "medium"}}, {"x": {"options": "yes"}}):
        with pytest.raises(UsageError):
            saved_filters(bad)
