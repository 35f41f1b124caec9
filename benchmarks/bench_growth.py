"""Cost growth of one analysis with the number of investors: 27k, 100k, 300k (ima scale).

Usage: python benchmarks/bench_growth.py [--dir DIR] [--investors 27000 100000 300000]
For each size the market is generated (``demo-data --scale ima --investors N``) and imported
once; ``analyze --no-cache`` then runs in a child process under ``/usr/bin/time -v`` (wall time
and peak RSS), and its stages are timed by the progress callback in a second child. The growth
exponent b of time ~ N^b is fitted by least squares on log-log.
Target (issue 14): 300k investors <= 3 min and <= 12 GB.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from _common import ROOT, load


def prepare(directory: Path, investors: int) -> Path:
    """Market and case of one size (made once)."""
    case = directory / "case.itcase"
    if not case.exists():
        directory.mkdir(parents=True, exist_ok=True)
        main_py = str(ROOT / "main.py")
        subprocess.run([sys.executable, main_py, "demo-data", str(directory), "--scale", "ima",
                        "--investors", str(investors)], check=True, stdout=subprocess.DEVNULL)
        args = [f"--{t}" for t in ("trades", "events", "investors", "options", "prices", "filings")]
        files = [str(directory / f"{a[2:]}.csv") for a in args]
        subprocess.run([sys.executable, main_py, "import", *[x for pair in zip(args, files) for x in pair],
                        "-o", str(case), "--quiet"], check=True, stdout=subprocess.DEVNULL)
    return case


def measure(case: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + sys: less sensitive to other work on the machine) and
    peak RSS (MB) of ``analyze --no-cache`` in a child process."""
    start = time.perf_counter()
    run = subprocess.run(["/usr/bin/time", "-v", sys.executable, str(ROOT / "main.py"), "analyze", str(case),
                          "--no-cache", "--quiet"], check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1)) / 1024
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", run.stderr).group(1))
              for kind in ("User", "System"))
    return wall, cpu, peak


def stages(case: Path) -> str:
    """The stage times of one analysis, from bench_analyze's helper, in a child process."""
    code = ("import sys; sys.path.insert(0, 'benchmarks'); from pathlib import Path; "
            "from bench_analyze import stage_times; "
            f"print('; '.join(f'{{n}} {{s:.1f}} s' for n, s in stage_times(Path({str(case)!r}))))")
    return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                          cwd=ROOT).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="/tmp/itwb_bench/growth")
    parser.add_argument("--investors", type=int, nargs="+", default=[27_000, 100_000, 300_000])
    args = parser.parse_args()
    sizes, walls = [], []
    for n in args.investors:
        case = prepare(Path(args.dir) / f"n{n}", n)
        print(f"load before {n:,}: {load()}", flush=True)
        wall, cpu, peak = measure(case)
        sizes.append(n)
        walls.append(wall)
        print(f"{n:>9,} investors: analyze {wall:7.1f} s (CPU {cpu:7.1f} s), peak RSS {peak:8.0f} MB", flush=True)
        print(f"           stages: {stages(case)}", flush=True)
    if len(sizes) >= 2:
        slope = np.polyfit(np.log(sizes), np.log(walls), 1)[0]
        print(f"fitted growth exponent (time ~ N^b): b = {slope:.2f}")
    print(f"load after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
