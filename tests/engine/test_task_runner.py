"""The Dask task runner: order, failures, retry and cancel, locally, inline and on a cluster."""
from __future__ import annotations

import os
import tempfile

import pytest

from engine.errors import Cancelled, SchedulerError
from engine.progress import Reporter
from engine.tasks.runner import RunnerSpec, connect, run_tasks


def square_or_fail(shared: dict, item: int) -> int:
    """Squares, offset by the shared value; item 3 always raises, and each start is recorded."""
    os.close(tempfile.mkstemp(prefix=f"started-{item}-", dir=shared["dir"])[0])
    if item == 3:
        raise ValueError("bad item 3")
    return item * item + shared["offset"]


SPECS = [RunnerSpec(inline=True), RunnerSpec(workers=2)]


@pytest.mark.parametrize("spec", SPECS, ids=["inline", "processes"])
def test_results_in_item_order_and_a_failure_is_retried_once_and_kept_apart(spec, tmp_path):
    seen = []
    outcomes = run_tasks(square_or_fail, {"dir": str(tmp_path), "offset": 1}, list(range(6)),
                         [f"item {i}" for i in range(6)], spec, listener=lambda o, n, t: seen.append(o))
    assert [o.index for o in outcomes] == list(range(6))
    assert [o.value for o in outcomes if o.ok] == [1, 2, 5, 17, 26]
    bad = outcomes[3]
    assert not bad.ok and bad.attempts == 2 and "bad item 3" in bad.error
    assert len(list(tmp_path.glob("started-3-*"))) == 2           # retried exactly once
    assert all(o.attempts == 1 for o in outcomes if o.ok)
    assert sum(not o.ok for o in seen) == 2                        # both attempts reported


@pytest.mark.parametrize("spec", SPECS, ids=["inline", "processes"])
def test_after_cancel_no_task_starts(spec, tmp_path):
    reporter = Reporter()

    def cancel_on_first(outcome, done, total):
        reporter.cancel()

    one = RunnerSpec(inline=spec.inline, workers=1)
    with pytest.raises(Cancelled):
        run_tasks(square_or_fail, {"dir": str(tmp_path), "offset": 0}, [0, 1, 2, 4, 5], list("abcde"), one,
                  reporter, listener=cancel_on_first)
    assert len(list(tmp_path.glob("started-*"))) == 1


def test_an_unreachable_scheduler_is_an_error_at_once():
    import socket
    with socket.socket() as s:   # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SchedulerError, match="cannot reach"):
        run_tasks(square_or_fail, {}, [1], ["x"], RunnerSpec(scheduler=f"tcp://127.0.0.1:{port}"))


@pytest.fixture(scope="module")
def cluster():
    """A real distributed cluster on 127.0.0.1: a scheduler and two worker processes."""
    from distributed import LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as c:
        yield c


def test_cluster_runs_give_the_same_outcomes_on_its_workers(cluster, tmp_path):
    shared = {"dir": str(tmp_path), "offset": 1}
    local = run_tasks(square_or_fail, shared, list(range(6)), list("abcdef"), RunnerSpec(inline=True))
    remote = run_tasks(square_or_fail, shared, list(range(6)), list("abcdef"),
                       RunnerSpec(scheduler=cluster.scheduler_address))
    assert [(o.ok, o.value, o.error) for o in remote] == [(o.ok, o.value, o.error) for o in local]
    assert {o.where for o in remote} <= set(cluster.scheduler_info["workers"])


def test_workers_of_another_version_are_refused(cluster, monkeypatch):
    import engine.tasks.runner as runner
    monkeypatch.setattr(runner, "SOFTWARE_VERSION", "0.0-other")
    with pytest.raises(SchedulerError, match="another workbench version"):
        connect(cluster.scheduler_address)


class CountedPickles:
    """Shared inputs that count (in this process) how often they are pickled."""

    pickled = 0

    def __init__(self, offset: int) -> None:
        self.offset = offset

    def __getstate__(self) -> dict:
        CountedPickles.pickled += 1
        return {"offset": self.offset}


def add_offset(shared: CountedPickles, item: int) -> int:
    return item + shared.offset


def test_local_workers_get_the_shared_inputs_once_each_not_per_task():
    CountedPickles.pickled = 0
    outcomes = run_tasks(add_offset, CountedPickles(10), list(range(8)), [str(i) for i in range(8)],
                         RunnerSpec(workers=2))
    assert [o.value for o in outcomes] == [i + 10 for i in range(8)]
    assert 1 <= CountedPickles.pickled <= 2      # one per worker process, whatever the number of tasks
