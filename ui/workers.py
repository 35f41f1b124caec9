"""Background work: one task at a time per owner, with progress, cancel and generations.

The engine function is plain Python taking a ``reporter`` keyword (``engine.progress.
Reporter``). It runs on a Python thread, or — when it would hold the interpreter lock
long enough to freeze the GUI — in a spawn-context child process that streams progress
back and is terminated on cancel. Every signal reaches the GUI thread queued; a result
whose generation is no longer current is dropped on arrival.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from engine.errors import CaseFileError, Cancelled, InputError, UsageError
from engine.progress import Reporter
from ui.child_process import Job, TaskFailed, prewarm, run_in_child

__all__ = ["Job", "TaskFailed", "TaskRunner", "prewarm"]

log = logging.getLogger(__name__)


class _Bridge(QObject):
    """Per-task signal carrier; emitted from the worker, delivered queued on the GUI thread."""

    progress = Signal(int, str, float)
    done = Signal(int, object)
    error = Signal(int, object)
    stopped = Signal(int)


class _Task:
    def __init__(self, generation: int, job: Job, bridge: _Bridge) -> None:
        self.generation = generation
        self.job = job
        self.bridge = bridge
        self.cancel_event = threading.Event()
        self.thread: threading.Thread | None = None


class TaskRunner(QObject):
    """Runs one ``Job`` at a time; starting another cancels and disconnects the previous."""

    started = Signal(int)                # generation
    progress = Signal(int, str, float)   # generation, stage, overall fraction
    succeeded = Signal(int, object)      # generation, value
    failed = Signal(int, object)         # generation, exception
    cancelled = Signal(int)              # generation
    finished = Signal(int)               # generation, after any of the three above

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._task: _Task | None = None
        self._old: list[_Task] = []

    @property
    def generation(self) -> int:
        return self._generation

    def is_running(self) -> bool:
        return self._task is not None

    def start(self, job: Job) -> int:
        """Cancel any running task, then start ``job``; returns its generation."""
        self.cancel()
        self._generation += 1
        bridge = _Bridge()
        task = _Task(self._generation, job, bridge)
        bridge.progress.connect(self._on_progress)
        bridge.done.connect(self._on_done)
        bridge.error.connect(self._on_error)
        bridge.stopped.connect(self._on_stopped)
        task.thread = threading.Thread(target=_run, args=(task,), name=f"itwb-{job.name}", daemon=True)
        self._task = task
        self.started.emit(task.generation)
        task.thread.start()
        return task.generation

    def cancel(self) -> None:
        """Ask the running task to stop; it is disconnected at once, so nothing it sends
        afterwards (progress or result) is applied."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel_event.set()
        _disconnect(task.bridge)
        self._retire(task)
        self.cancelled.emit(task.generation)
        self.finished.emit(task.generation)

    def wait(self, timeout_s: float = 5.0) -> bool:
        """Wait (bounded) for every started thread to end; True when all ended."""
        tasks = self._old + ([self._task] if self._task else [])
        for task in tasks:
            if task.thread is not None:
                task.thread.join(timeout_s)
        return all(t.thread is None or not t.thread.is_alive() for t in tasks)

    def shutdown(self, timeout_s: float = 5.0) -> bool:
        """Cancel and wait (used when the window closes)."""
        self.cancel()
        return self.wait(timeout_s)

    def _current(self, generation: int) -> _Task | None:
        task = self._task
        return task if task is not None and task.generation == generation else None

    @Slot(int, str, float)
    def _on_progress(self, generation: int, stage: str, fraction: float) -> None:
        if self._current(generation) is not None:
            self.progress.emit(generation, stage, fraction)

    @Slot(int, object)
    def _on_done(self, generation: int, value: object) -> None:
        if self._finish(generation):
            self.succeeded.emit(generation, value)
            self.finished.emit(generation)

    @Slot(int, object)
    def _on_error(self, generation: int, exc: object) -> None:
        if self._finish(generation):
            self.failed.emit(generation, exc)
            self.finished.emit(generation)

    @Slot(int)
    def _on_stopped(self, generation: int) -> None:
        if self._finish(generation):
            self.cancelled.emit(generation)
            self.finished.emit(generation)

    def _finish(self, generation: int) -> bool:
        task = self._current(generation)
        if task is None:
            return False
        self._task = None
        _disconnect(task.bridge)
        self._retire(task)
        return True

    def _retire(self, task: _Task) -> None:
        """Keep ended tasks only while their thread still runs (``wait`` joins them); the
        others are dropped with their inputs and results."""
        self._old = [t for t in self._old if t.thread is not None and t.thread.is_alive()] + [task]


def _disconnect(bridge: _Bridge) -> None:
    for signal in (bridge.progress, bridge.done, bridge.error, bridge.stopped):
        try:
            signal.disconnect()
        except (RuntimeError, TypeError):
            pass


def _emit(signal: Any, *args: Any) -> None:
    """Emit from the worker; when the application is already tearing down (its bridge object
    deleted), nobody is left to tell, so the report is dropped instead of raising."""
    try:
        signal.emit(*args)
    except RuntimeError:
        log.info("dropped a report of a task whose owner is gone")


def _run(task: _Task) -> None:
    """Worker-thread body: run the job, report its outcome through the bridge."""
    gen, job, bridge = task.generation, task.job, task.bridge
    def on_progress(stage: str, fraction: float) -> None:
        _emit(bridge.progress, gen, stage, fraction)

    reporter = Reporter(on_progress=on_progress, cancel_event=task.cancel_event)
    try:
        if job.in_process:
            value = run_in_child(job, on_progress, task.cancel_event)
            if job.then is not None:
                reporter.check()
                value = job.then(value)
        else:
            value = job.fn(*job.args, reporter=reporter, **job.kwargs)
        reporter.check()
    except Cancelled:
        _emit(bridge.stopped, gen)
    except Exception as exc:  # reported to the GUI; the traceback goes to the log only
        if not isinstance(exc, (InputError, UsageError, CaseFileError, TaskFailed)):
            log.error("task %s failed", job.name, exc_info=True)
        _emit(bridge.error, gen, exc)
    else:
        _emit(bridge.done, gen, value)
