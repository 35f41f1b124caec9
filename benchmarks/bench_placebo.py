"""The placebo test (METHOD §5) at the reference scale: 40 pseudo-events on local worker processes.

Usage: python benchmarks/bench_placebo.py [--dir DIR] [--dense-block N] [--workers 2] [--n 40]
The reference market (``demo-data --scale ima``) is generated and imported once into DIR and
its plain analysis cached; then the placebo test runs uncached (dates, shared panel, the
event's comparison run and N pseudo-events as Dask tasks), and one pseudo-event is timed
inline by part (features, k-means windows, the rest) to say what dominates.
Targets (issue 14): 40 pseudo-events <= 60 s at the reference scale, <= 120 s dense, 2 cores.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from _common import load, peak_mb, reference_case


def one_day_parts(ctx, day: int) -> dict[str, float]:
    """Wall time of the parts of one pseudo-event, inline."""
    import numpy as np

    from engine.kmeans.dynamic import cluster_windows
    from engine.kmeans.features import window_features
    from engine.placebo.pseudo import analyse_day, day_windows

    out = {}
    t = time.perf_counter()
    feats = window_features(ctx.panel, day_windows(ctx, day))
    out["features"] = time.perf_counter() - t
    t = time.perf_counter()
    orient = np.array([ctx.sign, 1.0, ctx.sign])
    cluster_windows(feats.values * orient, feats.active, ctx.k, ctx.kmeans.first_window_restarts, 0)
    out["k-means windows"] = time.perf_counter() - t
    t = time.perf_counter()
    analyse_day(ctx, day)
    out["whole pseudo-event"] = time.perf_counter() - t
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="/tmp/itwb_bench/ima", help="reference market and case directory")
    parser.add_argument("--dense-block", type=int, default=0, help="synchronised block size (dense variant)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--n", type=int, default=40)
    args = parser.parse_args()
    from engine.case.store import CaseStore
    from engine.market.panel import TargetPanel
    from engine.params import AnalysisParams
    from engine.pipeline import analyze
    from engine.placebo.stage import placebo_context, run_placebo
    from engine.tasks.runner import RunnerSpec

    directory = Path(args.dir if not args.dense_block else f"{args.dir}_dense{args.dense_block}")
    case = reference_case(directory, args.dense_block)
    params = AnalysisParams().replace("placebo", n=args.n)
    with CaseStore.open(case) as store:
        tables = store.tables()
        event = tables.event(None)
        base = analyze(tables, event, params, store=store)
    print(f"load before: {load()}")
    done = []
    start = time.perf_counter()
    result = run_placebo(tables, event, params, base, RunnerSpec(workers=args.workers),
                         listener=lambda o, n, total: done.append(time.perf_counter() - start))
    wall = time.perf_counter() - start
    print(f"placebo test, {result.n_used} pseudo-events + the event's run, {args.workers} workers: {wall:.1f} s "
          f"(first task back after {done[0]:.1f} s: worker start-up), peak RSS of this process {peak_mb():.0f} MB")
    excess = result.event["excess_discontinuous_share"]
    print(f"  excess discontinuous share {excess.observed:.3f}, p = {excess.p_value:.3f}; K = {result.k}")
    panel = TargetPanel.build(tables, event.stock)
    ctx, day = placebo_context(tables, event, params, base, panel)
    for name, seconds in one_day_parts(ctx, day).items():
        print(f"  one run inline: {name:<22s} {seconds:6.2f} s")
    print(f"load after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
