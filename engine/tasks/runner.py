"""Run ``fn(shared, item)`` for many items on Dask, in item order, with progress, retry and cancel.

Three ways, one contract (same outcomes, same order): ``RunnerSpec()`` uses local worker
processes through Dask's ``processes`` scheduler (no sockets, so it works under ``unshare -n``;
``chunksize=1`` so no more tasks run than workers and a cancel starts no further task);
``RunnerSpec(scheduler="tcp://…")`` submits to an existing ``distributed`` cluster (unreachable,
empty or of another workbench version: ``SchedulerError``, never a silent local run);
``RunnerSpec(inline=True)`` runs here, one after another. Every attempt catches its own
exception, so one failed task never loses the others' results; failed tasks are run once more.
"""
from __future__ import annotations

import os
import socket
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Sequence

from engine.errors import SchedulerError
from engine.progress import Reporter
from engine.version import SOFTWARE_VERSION

CONNECT_TIMEOUT_S = 5.0
_IN_TASK: ContextVar[bool] = ContextVar("itwb_in_task", default=False)


@dataclass(frozen=True)
class RunnerSpec:
    """Where tasks run: local processes (default), a Dask scheduler address, or inline."""

    scheduler: str | None = None
    workers: int | None = None       # local worker processes; None = the machine's cores
    inline: bool = False
    pool: Any = None                 # an executor owned by the caller (the GUI), reused


@dataclass(frozen=True)
class Outcome:
    """What one task gave: its value or its error, where it ran and how many attempts it took."""

    index: int
    label: str
    ok: bool
    value: Any
    error: str
    where: str
    attempts: int


TaskListener = Callable[[Outcome, int, int], None]   # outcome, done so far, total


def _where() -> str:
    """The address of the distributed worker running this, else this process's id."""
    try:
        from distributed import get_worker
        return str(get_worker().address)
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


def in_task() -> bool:
    """True while a task runs here: its work must not start processes of its own (METHOD §5:
    one level of parallelism)."""
    return _IN_TASK.get()


def attempt(fn: Callable[[Any, Any], Any], shared: Any, item: Any) -> tuple[bool, Any, str, str]:
    """One try of a task with every thread pool at one thread: (ok, value, error, where)."""
    from threadpoolctl import threadpool_limits
    token = _IN_TASK.set(True)
    try:
        with threadpool_limits(1):
            return True, fn(shared, item), "", _where()
    except Exception as exc:  # a task's failure is data for the caller, never lost
        return False, None, f"{type(exc).__name__}: {exc}", _where()
    finally:
        _IN_TASK.reset(token)


def worker_version() -> str:
    """The workbench version a worker runs (checked before any task is sent)."""
    return SOFTWARE_VERSION


def _run_inline(fn, shared, items, spec: RunnerSpec, reporter, done) -> dict[int, tuple]:
    out = {}
    for i in items:
        reporter.check()
        out[i] = attempt(fn, shared, items[i])
        done(i, out[i])
    return out


_installed: dict[str, Any] = {}


def _install(token: str, shared: Any) -> None:
    """Worker start-up: keep the shared inputs of the run (sent once per worker, not per task)."""
    _installed.clear()
    _installed[token] = shared


def _attempt_installed(fn: Callable[[Any, Any], Any], token: str, item: Any) -> tuple[bool, Any, str, str]:
    return attempt(fn, _installed[token], item)


def _run_local(fn, shared, items, spec: RunnerSpec, reporter, done) -> dict[int, tuple]:
    """Dask's socket-free process scheduler. On its own pool the shared inputs go to each worker
    once, when it starts; a caller's pool (the GUI's, started earlier) gets them with every task."""
    from dask.callbacks import Callback
    from dask.multiprocessing import get

    keys = {f"task-{i}": i for i in items}
    graph: dict[str, Any] = {}
    initializer = None
    if spec.pool is None:
        token = f"shared-{uuid.uuid4().hex}"
        initializer = partial(_install, token, shared)
        graph.update({key: (_attempt_installed, fn, token, items[i]) for key, i in keys.items()})
    else:
        graph["shared"] = shared
        graph.update({key: (attempt, fn, "shared", items[i]) for key, i in keys.items()})
    out: dict[int, tuple] = {}

    def pretask(key, dsk, state) -> None:
        if key in keys:
            reporter.check()   # raising here stops the scheduler before the task is sent

    def posttask(key, result, dsk, state, worker_id) -> None:
        if key in keys:
            out[keys[key]] = result
            done(keys[key], result)

    with Callback(pretask=pretask, posttask=posttask):
        get(graph, list(keys), num_workers=spec.workers or os.cpu_count() or 1, chunksize=1, pool=spec.pool,
            initializer=initializer)
    return out


def probe(address: str) -> None:
    """Fail fast when nothing listens at the scheduler's host and port (a refused connection
    is known at once; ``distributed`` would keep retrying until its timeout)."""
    from urllib.parse import urlsplit
    try:
        parts = urlsplit(address)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise SchedulerError(f"bad Dask scheduler address {address!r}: {exc}") from None
    if not host or not port:
        raise SchedulerError(f"the Dask scheduler address {address!r} needs a host and a port")
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def connect(address: str):
    """A ``distributed.Client`` to ``address`` whose workers run this workbench version."""
    from distributed import Client
    probe(address)
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        versions = client.run(worker_version)
        if not versions:
            raise SchedulerError(f"the Dask scheduler at {address} has no worker")
        other = {addr: v for addr, v in versions.items() if v != SOFTWARE_VERSION}
        if other:
            raise SchedulerError(
                f"workers of the Dask cluster at {address} run another workbench version "
                f"({', '.join(f'{a}: {v}' for a, v in sorted(other.items()))}; this is {SOFTWARE_VERSION})")
    except BaseException:
        client.close()
        raise
    return client


def _run_cluster(fn, shared, items, spec: RunnerSpec, reporter, done) -> dict[int, tuple]:
    from distributed import as_completed
    client = connect(str(spec.scheduler))
    out: dict[int, tuple] = {}
    try:
        remote = client.scatter(shared, broadcast=True, hash=False)
        futures = {client.submit(attempt, fn, remote, items[i], pure=False): i for i in items}
        try:
            for future in as_completed(list(futures), loop=client.loop):
                reporter.check()
                i = futures[future]
                out[i] = future.result()
                done(i, out[i])
        except BaseException:
            client.cancel(list(futures))
            raise
    finally:
        client.close()
    return out


def run_tasks(fn: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any], labels: Sequence[str],
              spec: RunnerSpec | None = None, reporter: Reporter | None = None,
              listener: TaskListener | None = None) -> list[Outcome]:
    """``fn(shared, item)`` for every item, as outcomes in item order; ``Cancelled`` on cancel."""
    spec = spec or RunnerSpec()
    rep = reporter or Reporter()
    total = len(items)
    finished: dict[int, Outcome] = {}
    runner = _run_inline if spec.inline else (_run_cluster if spec.scheduler else _run_local)

    for attempt_no in (1, 2):
        todo = {i: items[i] for i in range(total)
                if i not in finished or (not finished[i].ok and finished[i].attempts < attempt_no)}
        if not todo:
            break
        rep.check()

        def done(i: int, result: tuple, n: int = attempt_no) -> None:
            ok, value, error, where = result
            finished[i] = Outcome(index=i, label=labels[i], ok=ok, value=value, error=error,
                                  where=where, attempts=n)
            rep.advance(sum(o.ok or o.attempts == 2 for o in finished.values()) / max(total, 1))
            if listener is not None:
                listener(finished[i], len(finished), total)

        runner(fn, shared, todo, spec, rep, done)
        if all(o.ok for o in finished.values()):
            break
    rep.check()
    return [finished[i] for i in range(total)]
