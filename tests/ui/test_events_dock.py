"""Analysis ▸ Screen all events in the real window: the Events dock lists the events as `screen`
ranks them; picking one opens its analysis and placebo test, both from the case's cache.

Oracle: `screen --json` run by the command line on the case afterwards (it ranks the events the
window screened and cached, with its own code): same events in the same order with the same
ranks, p-values, pseudo-event counts and evidence. That the numbers do not depend on where the
tasks ran is tests/engine/test_screen.py's (local against a real cluster, byte for byte).
"""
from __future__ import annotations

import json

import pytest

from main import main
from tests.ui.placebo_cases import DECOY_STOCK, N_PLACEBO, long_case, private_copy

pytestmark = pytest.mark.slow
TIMEOUT_MS = 180000


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    """The long demo case with a decoy event on another stock."""
    return long_case(tmp_path_factory.mktemp("events_gui"), decoy=True)


def _screen_json(case, out) -> list[dict]:
    assert main(["screen", str(case), "--placebo", str(N_PLACEBO), "--quiet", "--json", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))["events"]


def test_screening_lists_the_ranked_events_and_picking_one_opens_it(window, qtbot, master, tmp_path, monkeypatch):
    case = private_copy(master, tmp_path)
    monkeypatch.setattr(window.commands, "choose_event", lambda: False)    # no event picker on opening
    with qtbot.waitSignal(window.session.case_opened, timeout=TIMEOUT_MS):
        assert window.open_case_path(case)
    events = window.screening.events
    assert window.actions["screen_events"].isEnabled() and not events.panel.entries
    with qtbot.waitSignal(window.screening.work.succeeded, timeout=TIMEOUT_MS):
        window.actions["screen_events"].trigger()
    assert "Screening: event 2 of 2" in window.screening.work.last_report   # per-event progress
    expected = _screen_json(case, tmp_path / "screen.json")
    assert [e["event_id"] for e in expected][1] == f"DECOY-{DECOY_STOCK}"   # the real event ranks first
    table = events.panel.table
    cells = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
    assert [row[:4] for row in cells] == [[str(e["rank"]), e["event_id"], f"{e['p_value']:.3g}", str(e["n_used"])]
                                           for e in expected]
    assert [row[7] for row in cells] == ["; ".join(e["evidence"]) for e in expected]
    assert window.docks["events"].isVisible() and "Screened 2 events" in window.status.state_label.text()

    # picking the second event opens its cached analysis and placebo test (no task runs)
    decoy = expected[1]["event_id"]
    with qtbot.waitSignal(window.screening.placebo.done, timeout=TIMEOUT_MS) as done:
        events.panel.open_row(1)
    assert window.session.event.event_id == decoy and window.session.result.event.event_id == decoy
    assert done.args[0].placebo.event_id == decoy
    assert done.args[0].placebo.event["excess_discontinuous_share"].p_value == expected[1]["p_value"]
    assert window.screening.work.last_report == ""


def test_a_failed_event_is_listed_last_with_its_error_and_opens_nothing(qtbot):
    from engine.screen.rank import ScreenEntry, failed_entry, rank_entries
    from ui.events_dock import EventsPanel
    panel = EventsPanel()
    qtbot.addWidget(panel)
    ok = ScreenEntry(event_id="E1", rank=None, p_value=0.05, n_used=19, n_suspects=3, suspicious_rings=1,
                     high_options_days=0, evidence=("excess discontinuous share 0.300: p = 0.05", "3 suspects"))
    panel.show_entries(rank_entries([failed_entry("BAD", "UsageError: the window needs 20 days"), ok]))
    assert [panel.table.item(r, 1).text() for r in range(2)] == ["E1", "BAD"]
    assert panel.table.item(0, 0).text() == "1" and panel.table.item(0, 2).text() == "0.05"
    assert panel.table.item(1, 0).text() == "" and panel.table.item(1, 7).text() == "failed: UsageError: the window needs 20 days"
    assert "1 failed" in panel.summary.text()
    opened = []
    panel.open_requested.connect(opened.append)
    panel.open_row(1)
    panel.open_row(0)
    assert opened == ["E1"]
