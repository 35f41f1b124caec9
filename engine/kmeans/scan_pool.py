"""The K scan's chains on worker processes where it pays (issue 12: "processes across K").

Each K's dynamic clustering is a pure function of the prepared windows, K, the restarts and
the seed, so a chain computed in a worker has the same bytes as one computed here; chains are
gathered by K. Two forked workers inherit the inputs (nothing is pickled on the way out) and
send back each K's labels and centroids. It pays only for a large scan on more than one
core, and only where this process may fork (engine/forked.py ``may_fork``).
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

import numpy as np

from engine.forked import cores, may_fork
from engine.kmeans.dynamic import DynamicClustering, WindowPoints, cluster_windows
from engine.progress import Reporter

WORKERS = 2
MIN_POINTS = 60_000      # distinct points over all windows: below this, forking costs more than it saves

_inputs: dict[str, Any] = {}


def scan_workers(prepared: list[WindowPoints], n_k: int) -> int:
    """How many processes the K scan should use: 1 unless it is large and may fork."""
    if n_k < 2 or not may_fork():
        return 1
    if sum(p.points.shape[0] for p in prepared) < MIN_POINTS:
        return 1
    return max(1, min(WORKERS, cores(), n_k))


def _set_inputs(features: np.ndarray, active: np.ndarray, prepared: list[WindowPoints],
                restarts: int, seed: int) -> None:
    _inputs.update(features=features, active=active, prepared=prepared, restarts=restarts, seed=seed)


def _chain(k: int) -> DynamicClustering:
    i = _inputs
    return cluster_windows(i["features"], i["active"], k, i["restarts"], i["seed"], prepared=i["prepared"])


def chains_in_processes(features: np.ndarray, active: np.ndarray, prepared: list[WindowPoints], ks: list[int],
                        restarts: int, seed: int, workers: int,
                        reporter: Reporter | None = None) -> dict[int, DynamicClustering]:
    """Every K's chain on ``workers`` forked processes, largest K first (the longest fits start
    first, so the two workers finish together); outstanding K are dropped on cancel."""
    ctx = multiprocessing.get_context("fork")
    out: dict[int, DynamicClustering] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_set_inputs,
                             initargs=(features, active, prepared, restarts, seed)) as pool:
        pending: dict[Future, int] = {pool.submit(_chain, k): k for k in sorted(ks, reverse=True)}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    out[pending.pop(future)] = future.result()
                if reporter is not None:
                    reporter.check()
                    reporter.advance(len(out) / len(ks))
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return {k: out[k] for k in sorted(out)}
