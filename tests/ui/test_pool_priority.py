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
    own = os.nice(0)
    assert niceness == min(own + WORKER_NICENESS, 19)   # 19 is the lowest priority there is
    assert niceness > own or own == 19
