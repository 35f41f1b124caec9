"""Time and memory of the dynamic k-means stage (METHOD §1) on the IMA-scale demo market.

Usage: python benchmarks/bench_kmeans.py [--dir DIR] [--dense-block N] [--repeat N] [--seeds]
Generates (or reuses) the ``--scale ima`` demo market (``--dense-block 2000``: the dense
variant), then times each part: panel, windows + features, the K scan (a full dynamic
clustering for every K = 2 … 17), the choice of K, the analysis of K − 2 … K + 2 (stability
rule, discontinuity, Fisher tests), the ranking, the baselines, and a full ``run_kmeans``
(``--repeat`` times), with wall and CPU time, the process's peak resident memory after each
part and the system load (other work on the machine slows the wall time). A large K scan runs on
two forked processes (engine/kmeans/scan_pool.py); ``--one-process`` times it in this one.
Within ``run_kmeans`` the baselines' PCA and autoencoder also run in a forked child beside the
scan (engine/forked.py); the "baselines" part times them here, in this process.
``--seeds``: K and the suspects for ``kmeans.seed`` 0 … 4 at 1, 2 and the default restarts
(Jaccard of each seed's suspects with seed 0's).
Target: the whole k-means part including the K scan <= 4 s and <= 1.5 GB on 2 cores.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


import dataclasses  # noqa: E402

import engine.kmeans.scan_pool as scan_pool  # noqa: E402
from engine.demo.generate import demo_paths, write_demo_market  # noqa: E402
from engine.ingest.load import read_case_tables  # noqa: E402
from engine.kmeans.baselines import run_baselines  # noqa: E402
from engine.kmeans.kscan import scan_chains, select_k  # noqa: E402
from engine.kmeans.stage import analyse_chain, event_inputs, rank_fit, run_kmeans, scan_and_fit  # noqa: E402
from engine.market.panel import TargetPanel  # noqa: E402
from engine.params import KMeansParams  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def children_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the K scan's worker processes)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(label: str, fn, *args, **kwargs):
    """Run and print wall time, CPU time (this process and the K scan's workers; every fit is
    single-threaded, so on an idle machine the wall time is the CPU time over the processes
    used) and peak RSS of this process and of the largest worker."""
    start, cpu = time.perf_counter(), cpu_seconds()
    out = fn(*args, **kwargs)
    print(f"{label:<30s} {time.perf_counter() - start:7.2f} s wall {cpu_seconds() - cpu:7.2f} s CPU"
          f"   peak RSS {peak_mb():7.0f} MB (worker {children_mb():5.0f} MB)", flush=True)
    return out


def load() -> str:
    with open("/proc/loadavg", encoding="ascii") as fh:
        return " ".join(fh.read().split()[:3])


def seed_table(tables, event, panel) -> None:
    """K and suspects for seeds 0 … 4 at 1, 2 and the default restarts."""
    for restarts in (1, 2, KMeansParams().first_window_restarts):
        runs = {}
        for seed in range(5):
            params = dataclasses.replace(KMeansParams(), seed=seed, first_window_restarts=restarts)
            scan = scan_and_fit(tables, event, params, panel)
            ids = set(panel.investor_ids[scan.chosen.suspects].tolist())
            runs[seed] = (scan.selection.k, ids)
        base = runs[0][1]
        row = ", ".join(f"seed {s}: K {k}, {len(ids)} suspects, J {len(ids & base) / len(ids | base):.3f}"
                        for s, (k, ids) in runs.items())
        print(f"restarts {restarts:>2}: {row}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", help="existing or new demo market directory")
    parser.add_argument("--dense-block", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seeds", action="store_true")
    parser.add_argument("--one-process", action="store_true", help="the K scan without worker processes")
    args = parser.parse_args()
    if args.one_process:
        scan_pool.WORKERS = 1
    out = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench_kmeans_"))
    if not (out / "trades.csv").exists():
        timed("generate demo market", write_demo_market, out, scale="ima", dense_block=args.dense_block)
    tables = timed("read tables (ingest)", read_case_tables, demo_paths(out)).tables
    event = tables.event(None)
    params = KMeansParams()
    print(f"cores {os.cpu_count()}, load average {load()}, trades rows {len(tables.trades):,}")

    panel = timed("panel", TargetPanel.build, tables, event.stock)
    print(f"  {panel.n_investors:,} investors, {panel.n_days} days, {panel.n_records:,} target records")
    inputs = timed("windows, features, distinct points", event_inputs, tables, event, params, panel)
    active = inputs.features.active
    print(f"  active (window, investor) points: {int(active.sum()):,}")
    ks = range(params.k_min, params.k_max + 3)
    chains = timed(f"K scan (K = {ks.start}..{ks.stop - 1}, {active.shape[0]} windows)", scan_chains,
                   inputs.oriented, active, inputs.prepared, ks, params.first_window_restarts, params.seed)
    sel = timed("choice of K", select_k, chains, int(active[-1].sum()), params.k_min, params.k_max,
                params.k_stability_jaccard, params.k_max_rewarding_share, params.elbow_tolerance)
    print(f"  K = {sel.k} ({sel.reason})")
    fits = timed("analyse K-2..K+2", lambda: {k: analyse_chain(inputs, chains[k], event.sign, params)
                                              for k in range(sel.k - 2, sel.k + 3) if k in chains})
    found = timed("rank suspects", rank_fit, tables, event, panel, inputs.windows, inputs.features, fits[sel.k])
    c = fits[sel.k].clusters
    print(f"  {len(found.suspects)} suspects; anomalous {c.anomalous} (pooled p "
          f"{c.significance.pooled.p_value:.3g}), all pairs {c.significance.anomalous_all_pairs}")
    windows = inputs.windows
    timed("baselines", run_baselines, panel, windows.ref_lo, windows.ref_hi,
          (int(windows.starts[0]), int(windows.ends[-1])), found.profit,
          [s.investor_id for s in found.suspects], params.baseline_top_n, params.autoencoder_hidden, params.seed)
    for _ in range(max(args.repeat, 1)):
        timed("whole run_kmeans", run_kmeans, tables, event, params)
    if args.seeds:
        seed_table(tables, event, panel)
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
