"""Time and memory of the dynamic k-means stage (METHOD §1) on the IMA-scale demo market.

Usage: python benchmarks/bench_kmeans.py [--dir DIR] [--repeat N]
Generates (or reuses) the ``--scale ima`` demo market, then times each part: panel, windows +
features, elbow scan, dynamic clustering, suspects (rewarding cluster, discontinuity, tests,
ranking), baselines, and a full ``run_kmeans`` (``--repeat`` times), with wall and CPU time,
the process's peak resident memory after each part and the system load (other work on the
machine slows the wall time).
Target: the whole k-means part <= 6 s and <= 1.5 GB on 2 cores.
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


from engine.kmeans.baselines import run_baselines  # noqa: E402
from engine.demo.generate import demo_paths, write_demo_market  # noqa: E402
from engine.kmeans.features import window_features  # noqa: E402
from engine.ingest.load import read_case_tables  # noqa: E402
from engine.kmeans.dynamic import choose_k, cluster_windows  # noqa: E402
from engine.kmeans.stage import event_windows, find_suspects, orientation, run_kmeans  # noqa: E402
from engine.market.panel import TargetPanel  # noqa: E402
from engine.params import KMeansParams  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed(label: str, fn, *args, **kwargs):
    """Run and print wall time, CPU time of this process (close to the wall time of an idle
    machine, since every fit is single-threaded) and peak RSS."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    print(f"{label:<30s} {time.perf_counter() - start:7.2f} s wall {time.process_time() - cpu:7.2f} s CPU"
          f"   peak RSS {peak_mb():7.0f} MB", flush=True)
    return out


def load() -> str:
    with open("/proc/loadavg", encoding="ascii") as fh:
        return " ".join(fh.read().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", help="existing or new demo market directory")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    out = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench_kmeans_"))
    if not (out / "trades.csv").exists():
        timed("generate demo market", write_demo_market, out, scale="ima")
    tables = timed("read tables (ingest)", read_case_tables, demo_paths(out)).tables
    event = tables.event(None)
    params = KMeansParams()
    print(f"cores {os.cpu_count()}, load average {load()}, trades rows {len(tables.trades):,}")

    panel = timed("panel", TargetPanel.build, tables, event.stock)
    print(f"  {panel.n_investors:,} investors, {panel.n_days} days, {panel.n_records:,} target records")
    windows = event_windows(tables, event, params, panel)
    feats = timed("features", window_features, panel, windows)
    print(f"  active (window, investor) points: {int(feats.active.sum()):,}")
    orient = orientation(event)
    x = feats.values * orient
    elbow = timed("elbow (K = 2..15, 27 windows)", choose_k, x, feats.active, params.k_min, params.k_max,
                  params.elbow_tolerance, params.elbow_restarts, params.seed)
    print(f"  K = {elbow.k}; per window {elbow.k_per_window.tolist()}")
    dyn = timed("clustering", cluster_windows, x, feats.active, elbow.k, params.first_window_restarts,
                params.seed)
    found = timed("suspects", find_suspects, tables, event, params, panel, windows, feats.values[-1],
                  dyn.labels, dyn.centroids[-1] * orient)
    print(f"  {len(found.suspects)} suspects; anomalous {found.clusters.anomalous}")
    timed("baselines", run_baselines, panel, windows.ref_lo, windows.ref_hi,
          (int(windows.starts[0]), int(windows.ends[-1])), found.profit,
          [s.investor_id for s in found.suspects], params.baseline_top_n, params.autoencoder_hidden, params.seed)
    for _ in range(max(args.repeat, 1)):
        timed("whole run_kmeans", run_kmeans, tables, event, params)
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
