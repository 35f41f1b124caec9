"""Spawn-context child processes for jobs that would hold the interpreter lock: the child's
body, warm spares that have imported a job's module ahead of time, and running one job with
progress and cancel. Qt-free, so a child imports no GUI toolkit (only the job's modules).
"""
from __future__ import annotations

import importlib
import logging
import multiprocessing
import queue as queue_mod
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

from engine.errors import CaseFileError, Cancelled, InputError, Problem, UsageError
from engine.progress import Reporter
from ui.pieces import YIELD_S, join, split

log = logging.getLogger(__name__)

POLL_SECONDS = 0.05
PIECE_DEPTH = 3     # prepared result -> view data -> one view's data -> its fields, each a piece


@dataclass(frozen=True)
class Job:
    """What a task runs: ``fn(*args, reporter=..., **kwargs)``.

    With ``in_process``, ``fn`` and its arguments must be picklable (module-level
    functions and plain data); ``then`` (not sent to the child) runs on the worker thread
    with the child's value, e.g. to write and log what the child built; it is not
    cancelled once started. ``keep_warm`` starts a spare child for the next job of
    ``fn``'s module when this one ends.
    """

    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    in_process: bool = False
    name: str = "task"
    then: Callable[[Any], Any] | None = None
    keep_warm: bool = True


class TaskFailed(Exception):
    """An unexpected error in a child process, re-raised in the parent with its message."""


def _send(queue: Any, kind: str, value: Any, depth: int, pause: float = YIELD_S) -> None:
    """Put ``value`` on ``queue`` as its pickled pieces, then (kind, tree) (``ui.pieces``): no
    single pickle of a large job or result holds the sender's interpreter lock for long (the
    child, with no GUI thread to give way to, sends without pausing)."""
    tree = split(value, lambda piece: queue.put(("piece", piece)), depth, pause)
    queue.put((kind, tree))


def _receive_job(inbox: Any) -> tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]:
    """The job ``run_in_child`` sent: its pieces, then the tree that joins them."""
    pieces: list[bytes] = []
    while True:
        msg = inbox.get()
        if msg[0] == "piece":
            pieces.append(msg[1])
            continue
        job = join(msg[1], pieces)
        args = job["args"]
        return job["fn"], tuple(args[i] for i in range(len(args))), job["kwargs"]


def _child_main(inbox: Any, out: Any, preload: tuple[str, ...]) -> None:
    """Child-process body: import ``preload``, wait for one job, then report progress and
    exactly one of result / input_error / user_error / error."""
    for module in preload:
        importlib.import_module(module)
    fn, args, kwargs = _receive_job(inbox)
    reporter = Reporter(on_progress=lambda stage, frac: out.put(("progress", stage, frac)))
    try:
        value = fn(*args, reporter=reporter, **kwargs)
    except InputError as exc:
        out.put(("input_error", [(p.file, p.row, p.column, p.message) for p in exc.problems]))
    except (UsageError, CaseFileError) as exc:
        out.put(("user_error", exc.__class__.__name__, str(exc)))
    except Exception as exc:
        out.put(("error", f"{exc.__class__.__name__}: {exc}", traceback.format_exc()))
    else:
        _send(out, "result", value, PIECE_DEPTH, pause=0.0)


class _Child:
    """A spawned process that has imported a job's module and waits for one job."""

    def __init__(self, preload: tuple[str, ...]) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.preload = preload
        self.inbox = ctx.Queue()
        self.out = ctx.Queue()
        self.proc = ctx.Process(target=_child_main, args=(self.inbox, self.out, preload), daemon=True)
        self.proc.start()

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join(timeout=5)
        self.inbox.close()
        self.out.close()


_spares: dict[str, _Child] = {}
_spares_lock = threading.Lock()


def prewarm(fn: Callable[..., Any], modules: tuple[str, ...] = ()) -> None:
    """Start a spare child that imports ``fn``'s module (and ``modules``) now, so the next
    child-process job with a function of that module skips the seconds-long imports."""
    preload = (fn.__module__, *modules)
    with _spares_lock:
        spare = _spares.get(fn.__module__)
        if spare is None or not spare.proc.is_alive() or spare.preload != preload:
            if spare is not None:
                spare.stop()
            _spares[fn.__module__] = _Child(preload)


def stop_spares() -> None:
    """End every warm spare child (the workbench is closing)."""
    with _spares_lock:
        spares = list(_spares.values())
        _spares.clear()
    for spare in spares:
        spare.stop()


def _take_child(fn: Callable[..., Any]) -> _Child:
    with _spares_lock:
        spare = _spares.pop(fn.__module__, None)
    if spare is not None and spare.proc.is_alive():
        return spare
    return _Child((fn.__module__,))


def run_in_child(job: Job, on_progress: Callable[[str, float], None],
                  cancel: threading.Event) -> Any:
    """Run ``job.fn`` in a spawned process, relaying progress; terminate it on cancel.

    A warm spare is used when one is ready, and (with ``job.keep_warm``) a new one is started
    after the job ends (not during it: the job should have the machine's cores to itself)."""
    child = _take_child(job.fn)
    pieces: list[bytes] = []
    try:   # the job as a dict of its arguments (one level more than the result's pieces)
        _send(child.inbox, "job", {"fn": job.fn, "args": dict(enumerate(job.args)), "kwargs": dict(job.kwargs)},
              PIECE_DEPTH + 1)
        while True:
            if cancel.is_set():
                raise Cancelled()
            try:
                msg = child.out.get(timeout=POLL_SECONDS)
            except queue_mod.Empty:
                if not child.proc.is_alive() and child.out.empty():
                    raise TaskFailed(f"the {job.name} process ended unexpectedly "
                                     f"(exit code {child.proc.exitcode})") from None
                continue
            kind = msg[0]
            if kind == "progress":
                on_progress(msg[1], msg[2])
            elif kind == "piece":
                pieces.append(msg[1])
            elif kind == "result":
                return join(msg[1], pieces)
            elif kind == "input_error":
                raise InputError([Problem(*p) for p in msg[1]])
            elif kind == "user_error":
                raise (UsageError if msg[1] == "UsageError" else CaseFileError)(msg[2])
            else:
                log.error("task %s failed in its process:\n%s", job.name, msg[2])
                raise TaskFailed(msg[1])
    finally:
        child.stop()
        if job.keep_warm:
            prewarm(job.fn, child.preload[1:])
