"""The worker processes the window owns for the Dask tasks of the placebo test and of
screening (METHOD §5, §6), and the one job at a time that uses them.

The analysis child is a daemon process and may not start children, so the GUI process owns
this pool: spawned, non-daemon processes made on first use and driven by Dask's local
``processes`` scheduler (no sockets: it works offline, PITFALLS.md "Dask offline"). A job runs
on a worker thread and reports each finished task; cancelling it ends the pool's processes,
so no task keeps running and none starts after (the next job makes a fresh pool). The window
ends the pool when it closes, SIGTERM included (``ui.app.close_on_sigterm`` closes it).
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal, Slot

from engine.tasks.runner import RunnerSpec
from ui.status_bar import WorkbenchStatusBar
from ui.workers import Job, TaskRunner

MAX_WORKERS = 8
#: the workers' CPU priority below the window's (``os.nice``): they keep every core busy for
#: the length of a job, and at the same priority the GUI thread waited for a core between
#: two event-loop turns (heartbeat gaps of 100-230 ms with no work of its own, load ~8)
WORKER_NICENESS = 5


class WorkerPool:
    """Spawned worker processes, made on first use and ended by ``stop``."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or max(1, min(os.cpu_count() or 1, MAX_WORKERS))
        self._executor: ProcessPoolExecutor | None = None

    def spec(self) -> RunnerSpec:
        """Where a job's tasks run: these processes (made now when there are none)."""
        if self._executor is None:
            self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=os.nice, initargs=(WORKER_NICENESS,))
        return RunnerSpec(workers=self.workers, pool=self._executor)

    def processes(self) -> list[multiprocessing.process.BaseProcess]:
        """The pool's live processes (none before first use or after ``stop``)."""
        executor = self._executor
        procs = getattr(executor, "_processes", None) or {}
        return [p for p in list(procs.values()) if p.is_alive()]

    def stop(self, timeout_s: float = 5.0) -> None:
        """End every process now (running tasks are abandoned) and forget the pool."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        procs = list((getattr(executor, "_processes", None) or {}).values())
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        executor.shutdown(wait=False, cancel_futures=True)
        for proc in procs:
            proc.join(timeout_s)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout_s)


class PoolWork(QObject):
    """One job at a time on the window's worker pool, with its progress in the status bar."""

    #: a line about the task that just finished (from the worker thread, delivered queued)
    task_reported = Signal(int, str)    # generation, text
    succeeded = Signal(str, object)     # job name, value
    failed = Signal(str, object)        # job name, exception

    def __init__(self, status: WorkbenchStatusBar, parent: QObject | None = None,
                 pool: WorkerPool | None = None) -> None:
        super().__init__(parent)
        self.status = status
        self.pool = pool or WorkerPool()
        self.runner = TaskRunner(self)
        self.last_report = ""
        self._name = ""
        self.runner.progress.connect(self._on_progress)
        self.runner.succeeded.connect(lambda _g, value: self.succeeded.emit(self._name, value))
        self.runner.failed.connect(lambda _g, exc: self.failed.emit(self._name, exc))
        self.runner.finished.connect(lambda _g: status.hide_progress())
        self.task_reported.connect(self._on_task)

    @property
    def running_job(self) -> str:
        """The name of the running job ("" when none runs)."""
        return self._name if self.runner.is_running() else ""

    def start(self, name: str, fn: Callable[..., Any], *args: Any) -> int:
        """Run ``fn(*args, spec, notify, reporter=…)`` on a worker thread (a running job is
        cancelled first); returns its generation."""
        self.cancel()
        self._name = name
        self.last_report = ""
        generation = self.runner.generation + 1
        notify = lambda text: self._report(generation, text)   # noqa: E731 (called on the worker thread)
        return self.runner.start(Job(fn, (*args, self.pool.spec(), notify), name=name))

    def _report(self, generation: int, text: str) -> None:
        try:
            self.task_reported.emit(generation, text)
        except RuntimeError:   # the window is gone: nobody is left to tell
            pass

    @Slot(int, str)
    def _on_task(self, generation: int, text: str) -> None:
        if self.runner.is_running() and generation == self.runner.generation:
            self.last_report = text
            self.status.showMessage(text, 10000)

    @Slot(int, str, float)
    def _on_progress(self, _generation: int, stage: str, fraction: float) -> None:
        self.status.show_progress(stage, fraction)

    def cancel(self) -> bool:
        """Stop the running job: no further task starts and the running ones are ended with
        the pool's processes. Returns whether a job was running."""
        if not self.runner.is_running():
            return False
        self.runner.cancel()
        self.pool.stop()
        return True

    def shutdown(self, timeout_s: float = 5.0) -> None:
        """Cancel, end the worker processes and wait (bounded) for the job's thread."""
        self.runner.cancel()
        self.pool.stop()
        self.runner.wait(timeout_s)
