"""Work in a forked child process beside this one, and where a process may start one.

The pipeline runs the validated network in a child while this process runs the k-means
(issue 12: the two stages are independent and each leaves a core idle part of the time).
A forked child inherits its inputs (nothing is pickled on the way out) and sends back one
pickled value, or the exception it raised; its progress reaches the caller's reporter
through one shared number. Forking is allowed only where it may start processes at all:
never inside a task (METHOD §5: one level of parallelism; the placebo and screen tasks run
their analyses in one process), in a daemon process (the GUI's analysis child may not have
children), off the main thread (a process running work on threads, as the GUI does in its
in-process mode, would fork with its other threads' locks and signal handlers) or where
processes cannot be forked.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import traceback
from multiprocessing.connection import Connection
from typing import Any, Callable, Generic, TypeVar

from engine.progress import Reporter
from engine.tasks.runner import in_task

T = TypeVar("T")
JOIN_S = 5.0   # how long a terminated child may take to end before it is killed
POLL_S = 0.1   # how often a waiting caller forwards the child's progress and checks for cancel
# Target-stock records from which independent work runs in a child beside this process: on the
# reference markets (214,000 and 321,000 records) it pays; on a small case a fork is not worth it.
MIN_RECORDS = 100_000


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:       # not on Linux
        return os.cpu_count() or 1


def may_fork() -> bool:
    """True where this process may fork children (see the module's docstring)."""
    return not (in_task() or multiprocessing.current_process().daemon
                or threading.current_thread() is not threading.main_thread()
                or "fork" not in multiprocessing.get_all_start_methods())


def worth_forking(n_records: int) -> bool:
    """True when a case of ``n_records`` target-stock records should fork work beside this process."""
    return n_records >= MIN_RECORDS and cores() > 1 and may_fork()


class _SharedProgress(Reporter):
    """The child's reporter: its fraction of the work, written where the parent reads it."""

    def __init__(self, value: Any) -> None:
        super().__init__()
        self._value = value

    def advance(self, fraction: float) -> None:
        self._value.value = min(max(fraction, 0.0), 1.0)


def _child(conn: Connection, fn: Callable[[Reporter], Any], progress: Any) -> None:
    try:
        out: tuple[bool, Any] = (True, fn(_SharedProgress(progress)))
    except BaseException as exc:  # noqa: BLE001  (every failure goes back to the parent)
        exc.add_note("in the forked child:\n" + traceback.format_exc())
        out = (False, exc)
    try:
        conn.send(out)
    except Exception as exc:  # an unpicklable value or exception: its text still goes back
        conn.send((False, RuntimeError(f"the forked child's result could not be sent: {exc!r}")))
    conn.close()


class Forked(Generic[T]):
    """``fn(reporter)`` running in a forked child from construction; ``result`` waits for it."""

    def __init__(self, fn: Callable[[Reporter], T]) -> None:
        ctx = multiprocessing.get_context("fork")
        for stream in (sys.stdout, sys.stderr):   # else the child would flush their buffers again
            if stream is not None:
                stream.flush()
        self._progress = ctx.Value("d", 0.0, lock=False)
        self._conn, child_end = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_child, args=(child_end, fn, self._progress), name="itwb-forked")
        self._proc.start()
        child_end.close()

    def result(self, reporter: Reporter, forward: bool = True) -> T:
        """The child's value (its exception is raised here), forwarding its progress to
        ``reporter`` while waiting (unless ``forward`` is False: the child is a side job of the
        caller's stage); a cancel stops the child and raises ``Cancelled``."""
        try:
            while not self._conn.poll(POLL_S):   # True too when the child died (end of file)
                reporter.check()
                if forward:
                    reporter.advance(self._progress.value)
            try:
                ok, value = self._conn.recv()
            except EOFError:
                self._proc.join(JOIN_S)
                raise RuntimeError(f"the forked child ended without a result "
                                   f"(exit code {self._proc.exitcode})") from None
        finally:
            self.close()
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Stop the child if it still runs, and release it."""
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(JOIN_S)
            if self._proc.is_alive():   # it inherited a handler that ignores SIGTERM
                self._proc.kill()
        self._proc.join()
        self._conn.close()
