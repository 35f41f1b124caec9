"""End-to-end analysis at the reference scale: ``analyze`` wall time per stage and peak memory.

Usage: python benchmarks/bench_analyze.py [--dir DIR] [--dense-block N]
The reference market (``demo-data --scale ima``: ~27,000 investors, 541 days, ~214,000
target-stock records) is generated and imported once into DIR. The analysis then runs in a
child process (``main.py analyze --no-cache``) so its peak memory is measured alone, and once
in this process with a progress callback that times each stage.
Targets (issues 4, 5 and 12): k-means + SVN <= 12 s; with options and episodes <= 14 s; the
dense variant (`--dense-block 2000`) end to end <= 10 s, 2 cores.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, children_cpu_s, children_peak_mb, load, reference_case


def stage_times(case: Path) -> list[tuple[str, float]]:
    """Wall time of each pipeline stage, measured by the progress callback."""
    from engine.case.store import CaseStore
    from engine.params import AnalysisParams
    from engine.pipeline import run_stages
    from engine.progress import Reporter

    marks: list[tuple[str, float]] = []

    def on_progress(stage: str, fraction: float) -> None:
        if not marks or marks[-1][0] != stage:
            marks.append((stage, time.perf_counter()))

    with CaseStore.open(case, read_only=True) as store:
        tables = store.tables()
        event = tables.event(None)
        run_stages(tables, event, AnalysisParams(), store.stored_data_hash(), Reporter(on_progress))
    end = time.perf_counter()
    bounds = [t for _, t in marks] + [end]
    return [(name, bounds[i + 1] - bounds[i]) for i, (name, _) in enumerate(marks)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="/tmp/itwb_bench/ima", help="reference market and case directory")
    parser.add_argument("--dense-block", type=int, default=0, help="synchronised block size (dense variant)")
    args = parser.parse_args()
    directory = Path(args.dir if not args.dense_block else f"{args.dir}_dense{args.dense_block}")
    case = reference_case(directory, args.dense_block)
    print(f"load before: {load()}")
    start, cpu = time.perf_counter(), children_cpu_s()
    subprocess.run([sys.executable, str(ROOT / "main.py"), "analyze", str(case), "--no-cache", "--quiet",
                    "--json", str(directory / "analysis.json")], check=True)
    wall, cpu = time.perf_counter() - start, children_cpu_s() - cpu
    print(f"analyze end to end (child process, incl. start-up and case load): {wall:.2f} s, "
          f"CPU {cpu:.2f} s (user + sys, its forked children included), peak RSS {children_peak_mb():.0f} MB")
    for name, seconds in stage_times(case):
        print(f"  stage {name:<30s} {seconds:6.2f} s")
    print(f"load after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
