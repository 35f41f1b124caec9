"""``screen`` of 10 events with 40 pseudo-events each, with 1 and 2 local workers (speed-up).

Usage: python benchmarks/bench_screen.py [--dir DIR] [--n 40]
The market is the demo market at scale "long" (the default market with a longer history, so 40
pseudo-events fit; the default scale leaves only 14 eligible dates 5 days apart) plus nine
events on other stocks at the same dates. Each run is uncached, in a child process.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, children_cpu_s, load

OTHER = ("ACR", "BLV", "CTN", "DRM", "ELX", "FNT", "GRV", "HLM", "JVN")


def screen_case(directory: Path) -> Path:
    """The 'long' market with ten events, imported once."""
    import pandas as pd

    from engine.demo.generate import demo_paths, write_demo_market
    from engine.ingest.importer import import_case
    case = directory / "screen.itcase"
    if case.exists():
        return case
    write_demo_market(directory, seed=7, scale="long")
    events = pd.read_csv(directory / "events.csv", dtype=str)
    real = events.iloc[0].to_dict()
    extra = [{**real, "event_id": f"EV-{s}", "stock": s, "offer_price": "", "description": ""} for s in OTHER]
    pd.concat([events, pd.DataFrame(extra)]).to_csv(directory / "events.csv", index=False)
    import_case(demo_paths(directory), case)
    return case


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="/tmp/itwb_bench/screen", help="market and case directory")
    parser.add_argument("--n", type=int, default=40)
    args = parser.parse_args()
    case = screen_case(Path(args.dir))
    walls = {}
    for workers in (1, 2):
        print(f"load before ({workers} worker(s)): {load()}")
        start, cpu = time.perf_counter(), children_cpu_s()
        subprocess.run([sys.executable, str(ROOT / "main.py"), "screen", str(case), "--no-cache", "--quiet",
                        "--placebo", str(args.n), "--workers", str(workers),
                        "--json", str(Path(args.dir) / f"screen{workers}.json")], check=True)
        walls[workers] = time.perf_counter() - start
        used = children_cpu_s() - cpu
        print(f"screen, 10 events x {args.n} pseudo-events, {workers} worker(s): {walls[workers]:.1f} s wall, "
              f"{used:.1f} CPU s (CPU/wall {used / walls[workers]:.2f}: below the worker count when the "
              f"machine's other work takes cores)")
    same = (Path(args.dir) / "screen1.json").read_bytes() == (Path(args.dir) / "screen2.json").read_bytes()
    print(f"speed-up 1 -> 2 workers: {walls[1] / walls[2]:.2f}x; JSON identical: {same}")
    print(f"load after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
