"""TaskRunner: ordered progress, cancel, superseding runs, errors, child-process mode."""
from __future__ import annotations

import threading
import time

import pytest

from engine.errors import InputError
from engine.progress import Reporter
from tests.ui import _child_jobs
from ui.workers import Job, TaskFailed, TaskRunner


def _progress_is(stage: str, fraction: float):
    return lambda gen, s, f: s == stage and abs(f - fraction) < 1e-9


@pytest.fixture
def runner(qtbot):
    r = TaskRunner()
    yield r
    assert r.shutdown(5.0)


def test_progress_arrives_in_order_then_result(qtbot, runner):
    checks = [_progress_is("first", 0.0), _progress_is("first", 0.5),
              _progress_is("second", 0.5), _progress_is("second", 1.0),
              lambda gen, value: value == 42]
    with qtbot.waitSignals([runner.progress] * 4 + [runner.succeeded], order="strict",
                           check_params_cbs=checks, timeout=5000):
        runner.start(Job(_child_jobs.two_stages, (21,)))


def test_cancel_stops_within_a_second_and_applies_nothing(qtbot, runner):
    entered, gate = threading.Event(), threading.Event()

    def engine_fn(reporter: Reporter) -> str:
        entered.set()
        gate.wait()
        reporter.check()          # the cancel point
        return "should never be applied"

    results: list[object] = []
    runner.succeeded.connect(lambda g, v: results.append(v))
    with qtbot.waitSignal(runner.cancelled, timeout=2000):
        gen = runner.start(Job(engine_fn))
        assert entered.wait(2.0)
        runner.cancel()
    t0 = time.perf_counter()
    gate.set()
    assert runner.wait(1.0)
    assert time.perf_counter() - t0 < 1.0
    qtbot.wait_until(lambda: not runner.is_running(), timeout=1000)
    from PySide6.QtCore import QCoreApplication
    QCoreApplication.processEvents()
    assert results == [] and gen == 1


def test_second_run_supersedes_first(qtbot, runner):
    gate = threading.Event()
    first_cancelled: list[bool] = []

    def slow(reporter: Reporter) -> str:
        gate.wait()
        first_cancelled.append(reporter.cancelled)
        return "first"           # returns without a check: must be dropped anyway

    def fast(reporter: Reporter) -> str:
        return "second"

    got: list[tuple[int, object]] = []
    runner.succeeded.connect(lambda g, v: got.append((g, v)))
    g1 = runner.start(Job(slow))
    with qtbot.waitSignal(runner.succeeded, timeout=2000):
        g2 = runner.start(Job(fast))
    gate.set()
    assert runner.wait(2.0)
    from PySide6.QtCore import QCoreApplication
    QCoreApplication.processEvents()
    assert got == [(g2, "second")] and g1 < g2
    assert first_cancelled == [True]


def test_input_error_reaches_failed_with_its_problem(qtbot, runner):
    with qtbot.waitSignal(runner.failed, timeout=2000) as blocker:
        runner.start(Job(_child_jobs.bad_input))
    exc = blocker.args[1]
    assert isinstance(exc, InputError)
    assert (exc.problems[0].file, exc.problems[0].row, exc.problems[0].column) == ("trades.csv", 7, "buy_shares")


@pytest.mark.slow
def test_child_process_progress_result_errors_and_terminate(qtbot, runner):
    checks = [_progress_is("first", 0.0), _progress_is("first", 0.5),
              _progress_is("second", 0.5), _progress_is("second", 1.0),
              lambda gen, value: value == 10]
    with qtbot.waitSignals([runner.progress] * 4 + [runner.succeeded], order="strict",
                           check_params_cbs=checks, timeout=30000):
        runner.start(Job(_child_jobs.two_stages, (5,), in_process=True))

    with qtbot.waitSignal(runner.failed, timeout=30000) as blocker:
        runner.start(Job(_child_jobs.bad_input, in_process=True))
    assert isinstance(blocker.args[1], InputError)
    assert blocker.args[1].problems[0].column == "buy_shares"

    with qtbot.waitSignal(runner.failed, timeout=30000) as blocker:
        runner.start(Job(_child_jobs.crash, in_process=True))
    assert isinstance(blocker.args[1], TaskFailed) and "boom" in str(blocker.args[1])

    with qtbot.waitSignal(runner.failed, timeout=30000) as blocker:
        runner.start(Job(_child_jobs.die, in_process=True))
    assert "exit code 3" in str(blocker.args[1])

    # a child that never checks for cancel is terminated
    with qtbot.waitSignal(runner.progress, timeout=30000):
        runner.start(Job(_child_jobs.block_forever, in_process=True, name="stuck"))
    t0 = time.perf_counter()
    runner.cancel()
    assert runner.wait(1.0)
    assert time.perf_counter() - t0 < 1.0


@pytest.mark.parametrize("outcome", ["done", "error", "stopped"])
def test_a_task_finishing_after_its_owner_is_gone_reports_nothing_and_raises_nothing(qapp, outcome) -> None:
    """Closing the app while a task runs deletes its signal bridge; the worker must not crash."""
    import shiboken6

    from engine.errors import Cancelled
    from ui.workers import _Bridge, _run, _Task

    def job(*, reporter: Reporter) -> int:
        reporter.advance(0.5)
        if outcome == "error":
            raise ValueError("boom")
        if outcome == "stopped":
            raise Cancelled()
        return 1

    bridge = _Bridge()
    shiboken6.delete(bridge)             # what application teardown does to it
    _run(_Task(1, Job(job), bridge))     # progress and the outcome are dropped, nothing raised
