"""The K scan on worker processes gives the chains of the one-process scan, byte for byte, and
no pool is started where it must not be (inside a task, for a small scan)."""
from __future__ import annotations

import os

import numpy as np

from engine.kmeans.dynamic import prepare_windows
from engine.kmeans.kscan import scan_chains
from engine.kmeans.scan_pool import scan_workers
from engine.progress import Reporter
from engine.tasks.runner import RunnerSpec, run_tasks


def _windows(seed: int = 5, n_w: int = 4, n: int = 300) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    feats = rng.uniform([-1, 0, -1], [1, 1, 1], (n_w, n, 3)).round(2)
    active = rng.random((n_w, n)) < 0.8
    feats[~active] = np.nan
    return feats, active


def test_chains_from_processes_equal_the_one_process_scan() -> None:
    feats, active = _windows()
    prepared = prepare_windows(feats, active)
    seen: list[float] = []
    one = scan_chains(feats, active, prepared, range(2, 8), 3, 11, workers=1)
    two = scan_chains(feats, active, prepared, range(2, 8), 3, 11, Reporter(lambda s, f: seen.append(f)), workers=2)
    assert list(two) == list(one) == list(range(2, 8))
    for k in one:
        for name in ("labels", "centroids", "inertia", "jaccard", "drift"):
            assert getattr(two[k], name).tobytes() == getattr(one[k], name).tobytes(), (k, name)
    assert seen and seen[-1] == 1.0


def _workers_here(_shared: None, n_points: int) -> int:
    feats, active = _windows(n_w=1, n=n_points)
    return scan_workers(prepare_windows(feats, active), 16)


def test_no_pool_inside_a_task_or_for_a_small_scan() -> None:
    assert _workers_here(None, 200) == 1                  # small: forking would cost more
    big = 90_000                                          # ~72,000 active distinct points
    assert _workers_here(None, big) == min(2, len(os.sched_getaffinity(0)))
    inside = run_tasks(_workers_here, None, [big], ["t"], RunnerSpec(inline=True))[0]
    assert inside.ok and inside.value == 1                # one level of parallelism
