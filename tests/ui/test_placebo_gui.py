"""Analysis ▸ Run placebo test in the real window on the 'long' demo case (19 pseudo-events).

Oracles: the engine's placebo test of the same event run inline here (its per-investor and
per-ring p-values fill the columns; the suspects are re-ranked by p, ties in the engine's
order, a brute-force sort); the case's cache under the CLI's key (`analyze --placebo 19`
finds the GUI's test); the worker processes themselves (alive while the pool works, none
left after cancel or after the window closes).
"""
from __future__ import annotations

import math
import multiprocessing

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from engine.case.store import CaseStore
from engine.packet.build import PacketRequest
from engine.placebo.cache import cached_placebo
from engine.placebo.stage import placebo_section, run_placebo
from engine.tasks.runner import RunnerSpec
from tests.ui.placebo_cases import N_PLACEBO, PARAMS, long_case, private_copy
from views.selection_types import SelectionRequest

pytestmark = pytest.mark.slow
TIMEOUT_MS = 120000


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    """The long demo case with its plain analysis cached; and the placebo test run inline."""
    from engine.pipeline import analyze
    case = long_case(tmp_path_factory.mktemp("placebo_gui"), decoy=False)
    with CaseStore.open(case) as store:
        tables = store.tables()
        base = analyze(tables, tables.event(None), PARAMS, store=store)
    oracle = run_placebo(tables, base.event, PARAMS, base, RunnerSpec(inline=True))
    assert oracle.available and oracle.n_used == N_PLACEBO
    return case, base, oracle


def _wait_ended(qtbot, procs) -> None:
    """Wait (bounded) until every process has ended. Polled, not asserted once: the executor's
    own thread may reap a process while this one asks, and multiprocessing then answers
    "alive" (its waitpid gets ECHILD) until that thread has stored the exit code."""
    qtbot.waitUntil(lambda: not any(p.is_alive() for p in procs), timeout=30000)


def _open(window, qtbot, path) -> None:
    with qtbot.waitSignal(window.result_shown, timeout=TIMEOUT_MS):
        assert window.open_case_path(path)


def _run_placebo(window, qtbot):
    with qtbot.waitSignal(window.screening.placebo.done, timeout=TIMEOUT_MS) as done:
        window.actions["run_placebo"].trigger()
    return done.args[0]


def _column(table, header: str) -> list[str]:
    model = table.model
    col = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())].index(header)
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_the_placebo_reranks_the_suspects_fills_the_columns_and_figure_and_its_workers_end_with_the_window(window, qtbot, master, tmp_path):
    case, base, oracle = master
    _open(window, qtbot, private_copy(case, tmp_path))
    table, rings = window.views["suspects"], window.views["rings"]
    engine_order = [s.investor_id for s in base.kmeans.suspects]
    # off by default: the plain analysis shows no placebo p and the engine's order
    assert set(_column(table, "Placebo p")) == {""} and set(_column(rings, "Placebo p")) == {""}
    assert [table.model.investor_at(r) for r in range(len(engine_order))] == engine_order

    shown = _run_placebo(window, qtbot)
    assert "pid" in window.screening.work.last_report      # per-task progress: which task, where it ran
    assert placebo_section(shown.placebo) == placebo_section(oracle)   # the pool's test is the inline one
    p = oracle.investor_p()
    rank = {i: n for n, i in enumerate(engine_order)}
    want = sorted(engine_order, key=lambda i: (math.inf if p.get(i) is None else p[i], rank[i]))
    assert [table.model.investor_at(r) for r in range(len(want))] == want
    assert _column(table, "Rank") == [str(n) for n in range(1, len(want) + 1)]
    assert _column(table, "Placebo p") == ["" if p.get(i) is None else f"{p[i]:.3g}" for i in want]
    assert any(p.get(i) is not None for i in want)
    ring_p = oracle.ring_p()
    ring_ids = [int(x) for x in _column(rings, "Ring")]
    assert _column(rings, "Placebo p") == ["" if ring_p.get(c) is None else f"{ring_p[c]:.3g}" for c in ring_ids]
    assert "re-ranked by placebo p" in window.status.state_label.text()

    # the figure: the event, then the focused suspect, then a ring selected as a whole
    view = window.screening.placebo.view
    excess = oracle.event["excess_discontinuous_share"]
    assert view.figure.title.startswith("Event") and view.figure.observed == excess.observed
    assert f"on {N_PLACEBO} ordinary days of this stock" in view.summary.text()
    tested = next(i for i in want if p.get(i) is not None)
    window.hub.request(SelectionRequest(ids=frozenset({tested}), focus=tested, source="test"))
    assert tested in view.figure.title and view.figure.p_value == p[tested]
    assert view.highlighted_ids() == {tested}
    ring = base.svn.rings[0]
    members = frozenset(map(str, ring.member_ids))
    window.hub.request(SelectionRequest(ids=members, source="test"))
    assert view.figure.title.startswith(f"Ring {ring.cluster_id}") and view.figure.p_value == ring_p[ring.cluster_id]

    # the packet exported from the window prints the placebo pages the investigator saw
    pdf = tmp_path / "packet.pdf"
    with qtbot.waitSignal(window.exports.controller.packet_written, timeout=TIMEOUT_MS):
        assert window.exports.controller.start_packet(PacketRequest(suspects=(tested,), rings=(ring.cluster_id,)), pdf)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(str(pdf)).pages)
    assert "Ordinary days: the placebo test" in text and f"Investor {tested}'s score: on {N_PLACEBO}" in text

    # cached under the CLI's key: `analyze --placebo 19` reuses the GUI's test
    with CaseStore.open(window.session.info.path, read_only=True) as store:
        hit = cached_placebo(store, base.data_hash, base.event, PARAMS)
    assert hit is not None and hit.investor_p() == oracle.investor_p()

    # a new result shows no placebo ranks until the test is asked for again (it comes from the cache)
    with qtbot.waitSignal(window.result_shown, timeout=TIMEOUT_MS):
        window.run_analysis(use_cache=True)
    assert set(_column(table, "Placebo p")) == {""} and view.figure is None
    assert [table.model.investor_at(r) for r in range(len(engine_order))] == engine_order
    again = _run_placebo(window, qtbot)
    assert again.placebo.investor_p() == oracle.investor_p()

    # the pool's workers: separate non-daemon processes, all ended when the window closes
    procs = window.screening.work.pool.processes()
    assert procs and all(not p.daemon for p in procs)
    window.close()
    _wait_ended(qtbot, procs)
    assert not set(multiprocessing.active_children()) & set(procs)


def test_cancel_ends_the_running_tasks_and_shows_nothing(window, qtbot, master, tmp_path):
    case, base, _ = master
    _open(window, qtbot, private_copy(case, tmp_path))
    many = PARAMS.replace("placebo", n=40)
    with qtbot.waitSignal(window.result_shown, timeout=TIMEOUT_MS):
        window.run_analysis(use_cache=True, params=many)
    work = window.screening.work
    done = []
    window.screening.placebo.done.connect(done.append)
    window.actions["run_placebo"].trigger()
    qtbot.waitUntil(lambda: bool(work.last_report), timeout=TIMEOUT_MS)   # tasks are running
    procs = work.pool.processes()
    window.status.cancel_button.click()
    assert work.running_job == "" and work.pool.processes() == []
    _wait_ended(qtbot, procs)   # ended (terminate, then kill) by the pool's stop
    assert work.runner.wait(30)
    assert "cancelled" in window.status.state_label.text()
    assert not done and set(_column(window.views["suspects"], "Placebo p")) == {""}
    with CaseStore.open(window.session.info.path, read_only=True) as store:
        assert cached_placebo(store, base.data_hash, base.event, many) is None


def test_sigterm_closes_the_window_and_ends_its_worker_processes(window, qtbot, qapp):
    import os
    import signal

    from ui.app import close_on_sigterm
    pool = window.screening.work.pool
    assert pool.spec().pool.submit(os.getpid).result(timeout=120) != os.getpid()
    procs = pool.processes()
    assert procs
    previous = signal.getsignal(signal.SIGTERM)
    timer = close_on_sigterm(qapp)
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=30000)
    finally:
        timer.stop()
        signal.signal(signal.SIGTERM, previous)
    _wait_ended(qtbot, procs)


def test_on_a_market_too_short_for_it_the_window_says_the_test_is_unavailable(window, qtbot, analysed_case):
    _open(window, qtbot, analysed_case)                  # the default demo: too little history before the event
    shown = _run_placebo(window, qtbot)
    assert not shown.placebo.available and shown.placebo.reason
    assert window.status.state_label.text() == f"Placebo test not available: {shown.placebo.reason}"
    assert window.screening.placebo.view.summary.text() == f"The placebo test is not available: {shown.placebo.reason}."
    assert set(_column(window.views["suspects"], "Placebo p")) == {""}   # nothing to re-rank by
