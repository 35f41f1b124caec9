"""Time `import` end to end at the reference scale, with peak memory.

    python benchmarks/bench_import.py [MARKET_DIR] [--ingest-only] [--synthetic] [--keep]

Without MARKET_DIR a reference-scale market is generated in a temporary folder (the demo
generator at scale "ima" when present, else a seeded generator here: ~730k trade rows over
541 trading days, ~27,000 investors, 12 stocks, ~3% of rows split over two venues). The
import runs in a fresh child process so its peak RSS is the import's alone.
Targets (2 cores): <= 15 s and <= 2 GB.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
N_DAYS, N_INVESTORS, N_STOCKS, N_ROWS, SPLIT_SHARE = 541, 27_000, 12, 730_000, 0.03


def generate_market(out: Path, seed: int = 20240101) -> dict[str, Path]:
    """A seeded synthetic market as CSV: trades (with venue splits) and one event."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2022-01-03", periods=N_DAYS)
    activity = rng.lognormal(0.0, 1.0, N_INVESTORS)
    draws = int(N_ROWS * 1.3)
    inv = rng.choice(N_INVESTORS, size=draws, p=activity / activity.sum())
    weights = np.linspace(3, 1, N_STOCKS)
    stock = rng.choice(N_STOCKS, size=draws, p=weights / weights.sum())
    day = rng.integers(0, N_DAYS, draws)
    key = np.unique((inv.astype(np.int64) * N_STOCKS + stock) * N_DAYS + day)
    key = np.sort(rng.choice(key, size=min(N_ROWS, len(key)), replace=False))
    inv, rest = np.divmod(key, N_STOCKS * N_DAYS)
    stock, day = np.divmod(rest, N_DAYS)
    n = len(key)
    side = rng.random(n) < 0.5
    shares = rng.integers(1, 5_000, n).astype(float)
    price = 10.0 + stock + rng.normal(0, 0.5, n)
    trades = pd.DataFrame({
        "investor_id": np.char.add("0", np.char.zfill(inv.astype(str), 6)),
        "stock": np.char.add("STK", np.char.zfill(stock.astype(str), 2)),
        "date": days[day].strftime("%Y-%m-%d"),
        "buy_shares": np.where(side, shares, 0.0), "sell_shares": np.where(side, 0.0, shares),
        "buy_value": np.round(np.where(side, shares * price, 0.0), 2),
        "sell_value": np.round(np.where(side, 0.0, shares * price), 2),
        "n_buy": side.astype(int), "n_sell": (~side).astype(int), "venue": "XETR",
    })
    split = rng.random(n) < SPLIT_SHARE
    extra = trades.loc[split].assign(venue="MTAA")
    trades = pd.concat([trades, extra], ignore_index=True)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"trades": out / "trades.csv", "events": out / "events.csv"}
    trades.to_csv(paths["trades"], index=False)
    pd.DataFrame({"event_id": ["PSE1"], "stock": ["STK00"], "event_date": [days[400].strftime("%Y-%m-%d")],
                  "reference_start": [days[380].strftime("%Y-%m-%d")], "direction": ["buy"],
                  "offer_price": [14.0]}).to_csv(paths["events"], index=False)
    return paths


def market_paths(folder: Path) -> dict[str, Path]:
    """The table files present in a market folder (CSV or Parquet)."""
    found = {}
    for name in ("trades", "events", "investors", "options", "prices", "filings"):
        for suffix in (".csv", ".parquet"):
            if (folder / f"{name}{suffix}").exists():
                found[name] = folder / f"{name}{suffix}"
    return found


def make_market(folder: Path, synthetic: bool = False) -> dict[str, Path]:
    """Reference-scale market: the demo generator when present (and not ``synthetic``),
    else ``generate_market``."""
    if not synthetic and importlib.util.find_spec("engine.demo.generate") is not None:
        from engine.demo.generate import write_demo_market
        write_demo_market(folder, scale="ima")
        return market_paths(folder)
    return generate_market(folder)


def _child(paths: dict[str, str], out: str, ingest_only: bool) -> None:
    """Run in a fresh process: import (or only ingest), print timing and peak RSS as JSON."""
    start = time.perf_counter()
    if ingest_only:
        from engine.ingest.load import read_case_tables
        tables = read_case_tables(paths).tables
    else:
        from engine.ingest.importer import import_case
        import_case(paths, Path(out), force=True)
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if not ingest_only:
        from engine.case.store import CaseStore
        tables = CaseStore.open(Path(out)).tables()
    print(json.dumps({"seconds": round(elapsed, 2), "peak_rss_mb": round(peak_kb / 1024),
                      "trade_rows": len(tables.trades),
                      "investors": int(tables.trades["investor_id"].nunique()),
                      "stocks": int(tables.trades["stock"].nunique())}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("market", nargs="?", type=Path, help="folder with trades.csv, events.csv, ...")
    parser.add_argument("--ingest-only", action="store_true", help="time read_case_tables only")
    parser.add_argument("--keep", action="store_true", help="keep the generated market and case")
    parser.add_argument("--synthetic", action="store_true",
                        help="generate with this script's own generator, not the demo market's")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        spec = json.loads(args.child)
        _child(spec["paths"], spec["out"], spec["ingest_only"])
        return 0
    work = Path(tempfile.mkdtemp(prefix="bench_import_"))
    if args.market:
        paths = market_paths(args.market)
    else:
        t0 = time.perf_counter()
        paths = make_market(work / "market", args.synthetic)
        print(f"generated market in {time.perf_counter() - t0:.1f} s: {work / 'market'}", file=sys.stderr)
    sizes = {n: f"{p.stat().st_size / 1e6:.1f} MB" for n, p in paths.items()}
    spec = {"paths": {n: str(p) for n, p in paths.items()}, "out": str(work / "bench.itcase"),
            "ingest_only": args.ingest_only}
    res = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)],
                         capture_output=True, text=True, check=False)
    if res.returncode != 0:
        print(res.stderr, file=sys.stderr)
        return res.returncode
    figures = json.loads(res.stdout)
    print(json.dumps({"what": "read_case_tables" if args.ingest_only else "import_case",
                      "files": sizes, **figures}, indent=1))
    if not args.keep:
        import shutil
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
