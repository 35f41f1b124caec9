"""Time and memory of the validated-network stage on the IMA-scale demo market.

Usage: python benchmarks/bench_svn.py [--dense-block 2000] [--dir DIR]
Generates (or reuses) the ``--scale ima`` demo market, then times each part of METHOD §2:
states, counts + tails, Bonferroni and FDR validation, Infomap, ranking, a full run_svn,
and a threshold change (revalidate), with the process's peak resident memory after each
part. It also reports how much a Python thread could run while Infomap ran (GIL check).
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from engine.market.calendar import reference_period  # noqa: E402
from engine.svn.communities import diagonal_edges, rank_rings  # noqa: E402
from engine.demo.generate import demo_paths, write_demo_market  # noqa: E402
from engine.svn.infomap_wrap import infomap_clusters  # noqa: E402
from engine.ingest.load import read_case_tables  # noqa: E402
from engine.market.panel import TargetPanel  # noqa: E402
from engine.params import SvnParams  # noqa: E402
from engine.svn.counts import candidate_links, sample_states  # noqa: E402
from engine.svn.stage import revalidate, run_svn  # noqa: E402
from engine.svn.validate import bonferroni, fdr, n_tests  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed(label: str, fn, *args, **kwargs):
    """Run and print wall time, this process's CPU time (less sensitive to other load), peak RSS."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    print(f"{label:<36s} {time.perf_counter() - start:7.2f} s wall {time.process_time() - cpu:7.2f} s CPU"
          f"   peak RSS {peak_mb():6.0f} MB", flush=True)
    return out


def gil_share(n: int, a: np.ndarray, b: np.ndarray, seed: int) -> tuple[float, float]:
    """(seconds of an Infomap run, counter rate during it / counter rate alone)."""
    count = [0]
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            count[0] += 1

    worker = threading.Thread(target=spin)
    worker.start()
    t0, c0 = time.perf_counter(), count[0]
    time.sleep(0.5)
    alone = (count[0] - c0) / (time.perf_counter() - t0)
    t0, c0 = time.perf_counter(), count[0]
    infomap_clusters(n, a, b, seed=seed)
    took = time.perf_counter() - t0
    during = (count[0] - c0) / took
    stop.set()
    worker.join()
    return took, during / alone


def extras(result, out: Path) -> None:
    """Opt-in analyses and exports (after the stage's own peak was taken)."""
    from engine.svn.bicm_compare import compare_bicm
    from engine.exports.network import write_graphml, write_links_csv
    from engine.svn.sweep import sweep

    points = timed("threshold sweep (11 points)", sweep, result).points
    print("  " + ", ".join(f"{p.threshold:.0e}: {p.n_suspicious_investors}" for p in points))
    comparison = timed("BiCM comparison (3 layers)", compare_bicm, result)
    print(f"  BiCM edges {comparison.a.size:,}, pairwise Jaccard vs SVN {comparison.pair_jaccard:.3f}")
    timed("links CSV", write_links_csv, result, out / "bench_links.csv")
    timed("GraphML", write_graphml, result, out / "bench_net.graphml")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dense-block", type=int, default=0)
    parser.add_argument("--dir", help="existing or new demo market directory")
    parser.add_argument("--extras", action="store_true",
                        help="also time the threshold sweep, the BiCM comparison and the exports")
    args = parser.parse_args()
    out = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench_svn_"))
    if not (out / "trades.csv").exists():
        timed("generate demo market", write_demo_market, out, scale="ima", dense_block=args.dense_block)
    tables = timed("read tables (ingest)", read_case_tables, demo_paths(out)).tables
    event = tables.event(None)
    print(f"load average at start: {os.getloadavg()}  cores: {os.cpu_count()}")
    base_rss = peak_mb()
    params = SvnParams()
    panel = timed("panel", TargetPanel.build, tables, event.stock)
    print("--- whole stage (first, so its peak memory is clean) ---")
    result = timed("run_svn (Bonferroni, panel given)", run_svn, tables, event, params, None, panel)
    print(f"suspicious clusters: {sum(r.suspicious for r in result.rings)}, "
          f"members {len(result.suspicious_members())}, clusters {len(result.rings)}")
    timed("revalidate -> FDR", revalidate, result, "fdr")
    timed("revalidate -> threshold 1e-6", revalidate, result, "threshold", 1e-6)
    print(f"peak RSS above the loaded tables after the whole stage: {peak_mb() - base_rss:.0f} MB")
    if args.extras:
        extras(result, out)
    del result
    print("--- parts ---")
    sample = timed("states + eligibility", sample_states, panel, 0, panel.n_days, params.theta,
                   params.min_active_days)
    cand = timed("counts + tails (candidates p<=1e-2)", candidate_links, sample, 1e-2)
    m = n_tests(sample.n_investors)
    bon = timed("Bonferroni", bonferroni, cand.log10_p, params.alpha, m)
    fd = timed("FDR (Benjamini-Hochberg)", fdr, cand.log10_p, params.alpha, m)
    chosen = np.flatnonzero(bon.mask)
    ea, eb = diagonal_edges(cand.a[chosen], cand.b[chosen], cand.link_type[chosen], sample.n_investors)
    membership = timed("Infomap (Bonferroni network)", infomap_clusters, sample.n_investors, ea, eb,
                       params.infomap_seed)
    ref_lo, ref_hi = reference_period(panel.dates, event.reference_start, event.event_date)
    rows = sample.rows
    timed("ranking + characterisation", rank_rings, membership, panel.investor_ids[rows],
          panel.sum_over(panel.r(), ref_lo, ref_hi)[rows], panel.active_days(ref_lo, ref_hi)[rows],
          np.zeros(rows.size), np.full(rows.size, "", dtype=object),
          (cand.a[chosen], cand.b[chosen], cand.link_type[chosen]), event.sign, 0.9, params.alpha, (ea, eb))
    print(f"N eligible {sample.n_investors}, T {sample.n_days}, tested {cand.n_tested:,}, "
          f"candidates {cand.a.size:,}, Bonferroni {int(bon.mask.sum()):,} links "
          f"({ea.size:,} diagonal edges), FDR {int(fd.mask.sum()):,} links (cut {fd.threshold:.3g})")
    took, share = gil_share(sample.n_investors, ea, eb, params.infomap_seed)
    print(f"GIL: a Python thread ran at {share:.1%} of its normal rate during a {took:.2f} s Infomap run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
