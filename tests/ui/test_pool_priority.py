"""The window's worker processes run below its CPU priority: they keep every core busy for a
whole placebo test or screening, and at the window's priority the GUI thread waited for a core
between two event-loop turns."""
from __future__ import annotations

import os

from ui.pool_work import WORKER_NICENESS, WorkerPool


def test_workers_run_below_the_window_priority():
    pool = WorkerPool(1)
    try:
        niceness = pool.spec().pool.submit(os.nice, 0).result(timeout=120)
    finally:
        pool.stop()
    assert niceness == min(os.nice(0) + WORKER_NICENESS, 19) > os.nice(0)
