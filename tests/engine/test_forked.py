"""Work in a forked child: its value or its exception comes back, its progress reaches the
caller's reporter, a cancel stops it, and no child is forked inside a task."""
from __future__ import annotations

import gc
import os
import signal
import threading

import numpy as np
import pytest

from engine.errors import Cancelled, UsageError
from engine.forked import Forked, may_fork
from engine.progress import Reporter
from engine.tasks.runner import RunnerSpec, run_tasks


def _work(reporter: Reporter) -> tuple[int, np.ndarray]:
    reporter.advance(0.5)
    return os.getpid(), np.arange(5.0)


def _shared_files() -> int:
    """Mappings and descriptors of forked children's shared files in this process."""
    with open("/proc/self/maps", encoding="utf-8") as maps:
        count = sum("itwb-forked" in line for line in maps)
    for name in os.listdir("/proc/self/fd"):
        try:
            count += "itwb-forked" in os.readlink(f"/proc/self/fd/{name}")
        except OSError:   # the listing's own descriptor, closed since
            continue
    return count


def _arrays(reporter: Reporter) -> dict[str, np.ndarray]:
    return {"ints": np.arange(100_000, dtype=np.int32), "strided": np.arange(10.0)[::3],
            "empty": np.empty(0, np.int8), "text": np.array(["a", "bc"], dtype=object),
            "fortran": np.asfortranarray(np.arange(12.0).reshape(3, 4)), "flags": np.ones(5, bool)}


needs_memfd = pytest.mark.skipif(not hasattr(os, "memfd_create"), reason="arrays are pickled without memfd")


@needs_memfd
def test_arrays_come_back_mapped_writable_and_go_with_the_last_of_them() -> None:
    before = _shared_files()
    value = Forked(_arrays).result(Reporter())
    assert _shared_files() > before                     # mapped from the child's file, not copied
    for name, expect in _arrays(Reporter()).items():
        got = value[name]
        assert got.dtype == expect.dtype and got.shape == expect.shape and got.tolist() == expect.tolist(), name
        assert got.flags.writeable and got.flags.aligned, name
    assert value["fortran"].flags.f_contiguous
    value["ints"][0] = 7                                 # copy-on-write: the child's file is not touched
    ints = value.pop("ints")
    del value, got
    gc.collect()
    assert _shared_files() > before and ints[0] == 7    # one array still holds the mapping
    del ints
    gc.collect()
    assert _shared_files() == before


def test_arrays_come_back_pickled_where_no_shared_file_can_be_made(monkeypatch) -> None:
    def refused(name: str) -> int:
        raise PermissionError("memfd_create refused by the sandbox")

    monkeypatch.setattr(os, "memfd_create", refused, raising=False)
    before = _shared_files()
    value = Forked(_arrays).result(Reporter())
    assert _shared_files() == before
    for name, expect in _arrays(Reporter()).items():
        assert value[name].tolist() == expect.tolist() and value[name].flags.writeable, name


@needs_memfd
def test_a_refused_fork_leaves_no_shared_file(monkeypatch) -> None:
    """The shared file is made before the fork: a fork the system refuses must close it."""
    import multiprocessing.process

    def refused(self) -> None:
        raise BlockingIOError(11, "fork: Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refused)
    before = _shared_files()
    for _ in range(3):
        with pytest.raises(BlockingIOError):
            Forked(_work)
    assert _shared_files() == before


def test_the_child_value_comes_back_from_another_process() -> None:
    pid, values = Forked(_work).result(Reporter())
    assert pid != os.getpid()
    assert values.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


def _fails(reporter: Reporter) -> None:
    raise UsageError("window 3 has 2 distinct investor points")


def test_the_child_exception_is_raised_in_the_caller() -> None:
    with pytest.raises(UsageError, match="window 3"):
        Forked(_fails).result(Reporter())


def _waits(reporter: Reporter) -> None:
    reporter.advance(0.25)
    threading.Event().wait()                  # until the caller stops it


def test_progress_is_forwarded_and_a_cancel_stops_the_child() -> None:
    cancel = threading.Event()
    seen: list[float] = []

    def on_progress(stage: str, fraction: float) -> None:
        seen.append(fraction)
        if fraction >= 0.25:
            cancel.set()

    work = Forked(_waits)
    reporter = Reporter(on_progress, cancel)
    reporter.plan((("s", 1.0),))
    reporter.stage("s")
    before = _shared_files()
    with pytest.raises(Cancelled):
        work.result(reporter)
    assert 0.25 in seen
    assert not work._proc.is_alive()
    assert _shared_files() < before or not hasattr(os, "memfd_create")   # its shared file is gone


def _fork_allowed(_shared: None, _item: int) -> bool:
    return may_fork()


def test_no_fork_inside_a_task() -> None:
    assert may_fork()
    inside = run_tasks(_fork_allowed, None, [0], ["t"], RunnerSpec(inline=True))[0]
    assert inside.ok and inside.value is False


def _dies(reporter: Reporter) -> None:
    os._exit(3)


def test_a_child_that_dies_is_reported_with_its_exit_code() -> None:
    before = _shared_files()
    with pytest.raises(RuntimeError, match="exit code 3"):
        Forked(_dies).result(Reporter())
    assert _shared_files() == before


def _ignores_sigterm(reporter: Reporter) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    reporter.advance(0.5)
    threading.Event().wait()


def test_a_child_that_ignores_sigterm_is_killed_on_cancel(monkeypatch) -> None:
    import engine.forked
    monkeypatch.setattr(engine.forked, "JOIN_S", 0.2)
    cancel = threading.Event()
    reporter = Reporter(lambda _s, f: cancel.set() if f >= 0.5 else None, cancel)
    reporter.plan((("s", 1.0),))
    reporter.stage("s")
    work = Forked(_ignores_sigterm)
    with pytest.raises(Cancelled):
        work.result(reporter)
    assert work._proc.exitcode == -signal.SIGKILL


def test_no_fork_off_the_main_thread() -> None:
    seen: list[bool] = []
    thread = threading.Thread(target=lambda: seen.append(may_fork()))
    thread.start()
    thread.join()
    assert seen == [False]
