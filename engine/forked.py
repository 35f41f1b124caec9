"""Work in a forked child process beside this one, and where a process may start one.

The pipeline runs the validated network in a child while this process runs the k-means
(issue 12: the two stages are independent and each leaves a core idle part of the time).
A forked child inherits its inputs (nothing is pickled on the way out) and sends back one
pickled value, or the exception it raised; its progress reaches the caller's reporter
through one shared number. The value's numpy arrays do not go through the pipe: pickled
out of band (protocol 5), they are written to an anonymous shared file the caller created
(memfd) and mapped back copy-on-write, so receiving them costs the caller no copy (dense
reference case: a 119 MB network result took 0.36 s to send and 0.21 s to unpickle on the
caller's critical path). The file has no name: it is freed with its last descriptor or
mapping, whatever way the child ends. Forking is allowed only where it may start processes at all:
never inside a task (METHOD §5: one level of parallelism; the placebo and screen tasks run
their analyses in one process), in a daemon process (the GUI's analysis child may not have
children), off the main thread (a process running work on threads, as the GUI does in its
in-process mode, would fork with its other threads' locks and signal handlers) or where
processes cannot be forked.
"""
from __future__ import annotations

import mmap
import multiprocessing
import os
import pickle
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
_ALIGN = 64    # offset alignment of each array in the shared file (numpy wants aligned data)


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


def _shared_file() -> int | None:
    """A new anonymous shared file for the child's arrays; None where there is no memfd (not
    Linux, or a sandbox refusing it): the value is then pickled whole."""
    try:
        return os.memfd_create("itwb-forked")
    except (AttributeError, OSError):
        return None


def _layout(sizes: list[int]) -> tuple[list[int], int]:
    """Aligned start of each array in the shared file, and the file's size."""
    offsets, end = [], 0
    for size in sizes:
        offsets.append(end)
        end += -(-size // _ALIGN) * _ALIGN
    return offsets, end


def _write_buffers(shared: int, buffers: list[pickle.PickleBuffer]) -> list[int]:
    """Write the arrays' bytes into the shared file at their aligned offsets; their sizes."""
    views = [buf.raw() for buf in buffers]
    sizes = [view.nbytes for view in views]
    offsets, end = _layout(sizes)
    os.ftruncate(shared, end)
    for view, offset in zip(views, offsets):
        done = 0
        while done < view.nbytes:
            done += os.pwrite(shared, view[done:], offset + done)
    return sizes


def _send(conn: Connection, out: tuple[bool, Any], shared: int | None) -> None:
    """Send ``out``: its arrays through the shared file (when there is one), the rest as a pickle."""
    if shared is None:
        conn.send((pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL), []))
        return
    buffers: list[pickle.PickleBuffer] = []
    payload = pickle.dumps(out, protocol=5, buffer_callback=buffers.append)
    conn.send((payload, _write_buffers(shared, buffers)))


def _receive(payload: bytes, sizes: list[int], shared: int | None) -> tuple[bool, Any]:
    """The child's ``out``, its arrays mapped copy-on-write from the shared file (writable when
    they were writable in the child: pickle protocol 5 keeps a read-only array read-only; the
    mapping lives as long as they do)."""
    offsets, end = _layout(sizes)
    if end == 0:   # no array, or only empty ones
        return pickle.loads(payload, buffers=[bytearray() for _ in sizes])
    assert shared is not None
    view = memoryview(mmap.mmap(shared, end, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ | mmap.PROT_WRITE))
    return pickle.loads(payload, buffers=[view[o:o + n] for o, n in zip(offsets, sizes)])


def _child(conn: Connection, fn: Callable[[Reporter], Any], progress: Any, shared: int | None) -> None:
    """The child's whole life: run ``fn`` and send back its value or the exception it raised."""
    try:
        out: tuple[bool, Any] = (True, fn(_SharedProgress(progress)))
    except BaseException as exc:  # noqa: BLE001  (every failure goes back to the parent)
        exc.add_note("in the forked child:\n" + traceback.format_exc())
        out = (False, exc)
    try:
        _send(conn, out, shared)
    except Exception as exc:  # an unpicklable value or exception: its text still goes back
        error = RuntimeError(f"the forked child's result could not be sent: {exc!r}")
        conn.send((pickle.dumps((False, error)), []))
    conn.close()


class Forked(Generic[T]):
    """``fn(reporter)`` running in a forked child from construction; ``result`` waits for it."""

    def __init__(self, fn: Callable[[Reporter], T]) -> None:
        ctx = multiprocessing.get_context("fork")
        for stream in (sys.stdout, sys.stderr):   # else the child would flush their buffers again
            if stream is not None:
                stream.flush()
        self._progress = ctx.Value("d", 0.0, lock=False)
        self._shared = _shared_file()
        try:
            self._conn, child_end = ctx.Pipe(duplex=False)
            self._proc = ctx.Process(target=_child, args=(child_end, fn, self._progress, self._shared),
                                     name="itwb-forked")
            self._proc.start()
        except BaseException:   # no child (fork refused: EAGAIN, ENOMEM): nobody will map the file
            if self._shared is not None:
                os.close(self._shared)
            raise
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
                payload, sizes = self._conn.recv()
            except EOFError:
                self._proc.join(JOIN_S)
                raise RuntimeError(f"the forked child ended without a result "
                                   f"(exit code {self._proc.exitcode})") from None
            ok, value = _receive(payload, sizes, self._shared)
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
        if self._shared is not None:   # the mapped arrays keep their pages
            os.close(self._shared)
            self._shared = None
