"""The hub shows a result one view per event-loop turn, then says so, then runs the work that
follows a result one per turn; a newer result ends the older chain at its next turn; timers
run between two turns.

Recording views and followers on a session without a case; oracles: the data each view got
last, and the order of the recorded calls (not timing).
"""
from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QTimer

import ui.hub
from ui.hub import Hub
from ui.selection import SelectionModel
from ui.session import PreparedResult, Session
from views.base import BaseView, Selection

NAMES = ("a", "b", "c")
TURN_DELAY_MS = ui.hub.TURN_DELAY_MS


@pytest.fixture(autouse=True)
def _posted_turns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Turns as posted events, so that ``_one_turn`` delivers exactly one (the order of turns
    is what these tests check; the delay between them is checked on its own)."""
    monkeypatch.setattr(ui.hub, "TURN_DELAY_MS", 0)


class _Recorder(BaseView):
    """Records every result data it takes, into the shared ``log``."""

    def __init__(self, name: str, log: list[tuple[str, Any]]) -> None:
        self.view_name = name
        super().__init__()
        self.log = log
        self.decisions: dict[str, str] = {}

    def set_data(self, viewdata: Any) -> None:
        self._data = viewdata
        self.log.append((self.view_name, viewdata))

    def apply_selection(self, selection: Selection) -> None:
        self._take_selection(selection)

    def apply_decisions(self, decisions: Any) -> None:
        self.decisions = dict(decisions)

    def clear(self) -> None:
        self._data = None


def _result(tag: str) -> PreparedResult:
    return PreparedResult(result=tag, view_data={name: f"{tag}-{name}" for name in NAMES})  # type: ignore[arg-type]


def _one_turn() -> None:
    """Deliver what is posted now (events posted meanwhile wait for the next turn)."""
    QCoreApplication.sendPostedEvents()


def _hub(qtbot, log: list[tuple[str, Any]]) -> tuple[Hub, Session, dict[str, _Recorder]]:
    session = Session()
    hub = Hub(session, SelectionModel())
    views = {name: _Recorder(name, log) for name in NAMES}
    for view in views.values():
        qtbot.addWidget(view)
        hub.subscribe(view)
    hub.result_shown.connect(lambda p: log.append(("shown", p.result)))
    hub.after_result(lambda p: log.append(("follower 1", p.result)))
    hub.after_result(lambda p: log.append(("follower 2", p.result)))
    return hub, session, views


def _deliver(session: Session, prepared: PreparedResult) -> None:
    session.prepared = prepared
    session.result_ready.emit(prepared)


def test_each_view_then_the_followers_take_the_result_in_turns_of_their_own(qtbot):
    log: list[tuple[str, Any]] = []
    hub, session, views = _hub(qtbot, log)
    _deliver(session, _result("r1"))
    assert len(log) == 1, log           # the first view only, in the turn the result arrived
    qtbot.waitUntil(lambda: ("follower 2", "r1") in log, timeout=5000)
    assert [entry[0] for entry in log] == [*NAMES, "shown", "follower 1", "follower 2"]
    assert all(view._data == f"r1-{name}" for name, view in views.items())


def test_a_newer_result_ends_the_older_chain(qtbot):
    log: list[tuple[str, Any]] = []
    hub, session, views = _hub(qtbot, log)
    _deliver(session, _result("old"))
    _deliver(session, _result("new"))   # before the old chain's next turn
    _one_turn()
    assert log == [("a", "old-a"), ("a", "new-a"), ("b", "new-b")]   # one view per turn, not two
    qtbot.waitUntil(lambda: ("follower 2", "new") in log, timeout=5000)
    for _ in range(5):                  # the old chain's pending turn finds itself superseded
        _one_turn()
    assert all(view._data == f"new-{name}" for name, view in views.items())
    old = [entry for entry in log if entry[1] in ("old", *(f"old-{n}" for n in NAMES))]
    assert old == [("a", "old-a")], log   # the old chain stopped after its first view
    assert ("shown", "old") not in log and ("follower 1", "old") not in log
    assert [entry for entry in log if entry[0] == "shown"] == [("shown", "new")]


def test_a_cleared_result_ends_the_chain(qtbot):
    log: list[tuple[str, Any]] = []
    hub, session, views = _hub(qtbot, log)
    _deliver(session, _result("r1"))
    session.prepared = None             # the case closed meanwhile
    for _ in range(6):
        _one_turn()
    assert log == [("a", "r1-a")]


def test_each_view_gets_the_case_decisions_with_its_data(qtbot, tmp_path):
    log: list[tuple[str, Any]] = []
    hub, session, views = _hub(qtbot, log)

    class _Decision:
        decision = "refer"

    class _Store:
        def decisions(self) -> dict[str, _Decision]:
            return {"inv1": _Decision()}

    session.store = _Store()            # type: ignore[assignment]
    _deliver(session, _result("r1"))
    session.store = None
    qtbot.waitUntil(lambda: ("shown", "r1") in log, timeout=5000)
    assert all(view.decisions == {"inv1": "refer"} for view in views.values())


def test_a_decision_recorded_while_a_result_is_shown_reaches_the_views_not_reached_yet(qtbot):
    """The chain's later views must not get the decisions as they were when it began."""
    log: list = []
    hub, session, views = _hub(qtbot, log)

    class Decision:
        def __init__(self, decision: str) -> None:
            self.decision = decision

    class Store:
        decision = "refer"

        def decisions(self) -> dict:
            return {"inv1": Decision(Store.decision)}

    session.store = Store()
    _deliver(session, _result("r1"))           # the first view is shown, the chain goes on
    Store.decision = "dismiss"
    hub.show_decisions()                       # the investigator records a decision meanwhile
    qtbot.waitUntil(lambda: ("shown", "r1") in log, timeout=5000)
    assert all(v.decisions == {"inv1": "dismiss"} for v in views.values())


def test_timers_run_between_two_views(qtbot, monkeypatch):
    """Qt serves posted events before timers: a chain of zero-delay turns held the window's
    timers (and the stall heartbeat) for several views; the hub's turns wait on a timer."""
    monkeypatch.setattr(ui.hub, "TURN_DELAY_MS", TURN_DELAY_MS)
    log: list[tuple[str, Any]] = []
    hub, session, views = _hub(qtbot, log)
    beats: list[int] = []
    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(lambda: beats.append(len(log)))
    timer.start()
    _deliver(session, _result("r1"))
    qtbot.waitUntil(lambda: ("follower 2", "r1") in log, timeout=5000)
    timer.stop()
    assert set(range(1, len(NAMES) + 3)) <= set(beats), beats   # a beat after each turn


class _InParts(_Recorder):
    """Takes its data in two parts (``data_parts``), each logged."""

    def data_parts(self, viewdata: Any) -> tuple[Any, ...]:
        return (lambda: self.log.append((self.view_name, f"part 1 of {viewdata}")), lambda: self.set_data(viewdata))

    def apply_selection(self, selection: Selection) -> None:
        self.log.append((self.view_name, "selection"))
        super().apply_selection(selection)


def test_a_view_in_parts_takes_one_part_per_turn_and_the_selection_with_its_last(qtbot):
    """A view whose set-up and first paint are long splits them: the options flow's five
    panels drawn and painted in one turn held the GUI thread 85-100 ms at the reference scale."""
    log: list[tuple[str, Any]] = []
    hub, session, views = _hub(qtbot, log)
    split = _InParts("split", log)
    qtbot.addWidget(split)
    hub.subscribe(split)
    prepared = PreparedResult(result="r1", view_data={name: f"r1-{name}" for name in (*NAMES, "split")})  # type: ignore[arg-type]
    _deliver(session, prepared)
    for _ in range(len(NAMES) - 1):
        _one_turn()
    log.clear()
    _one_turn()
    assert log == [("split", "part 1 of r1-split")]
    _one_turn()
    assert log[1:] == [("split", "r1-split"), ("split", "selection")]
    qtbot.waitUntil(lambda: ("follower 2", "r1") in log, timeout=5000)


def test_a_cleared_result_drops_the_parts_not_taken(qtbot):
    log: list[tuple[str, Any]] = []
    hub, session, views = _hub(qtbot, log)
    split = _InParts("split", log)
    qtbot.addWidget(split)
    hub.views = {"split": split}          # the split view first
    _deliver(session, PreparedResult(result="r1", view_data={"split": "r1-split"}))  # type: ignore[arg-type]
    session.prepared = None
    for _ in range(4):
        _one_turn()
    assert log == [("split", "part 1 of r1-split")]
    assert hub._pending_steps == []       # nothing keeps the view's parts
