"""Case file at the reference scale: create, open, tables(), compute_data_hash, verify and
note saves on a synthetic 730,000-row trades table (seeded numpy), with wall time and memory.

Usage: python benchmarks/bench_case_store.py [--rows N] [--dir DIR]
Each step runs twice: first timed alone (wall time, process peak RSS after it), then under
tracemalloc for the step's own peak of traced allocations (numpy and pandas report theirs).
Targets: tables() and compute_data_hash <= ~3 s each; create well inside the 15 s import.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from _common import load, peak_mb


def synthetic_tables(n_rows: int, seed: int = 0) -> Any:
    """A trades table of unique (investor, stock, date) rows, like the reference market's."""
    from engine.tables import CaseTables
    rng = np.random.default_rng(seed)
    n_days, n_stocks, n_inv = 541, 40, 27_000
    population = n_inv * n_stocks * n_days
    flat = np.unique(rng.integers(0, population, int(n_rows * 1.02)))[:n_rows]
    flat = np.sort(rng.permutation(flat)[:n_rows])
    inv, rest = np.divmod(flat, n_stocks * n_days)
    stock, day = np.divmod(rest, n_days)
    ids = np.array([f"{i:06d}" for i in range(n_inv)], dtype=object)
    names = np.array([f"STK{s:02d}" for s in range(n_stocks)], dtype=object)
    n = len(flat)
    price = rng.lognormal(3.0, 0.5, n).round(3)
    trades = pd.DataFrame({
        "investor_id": pd.Series(ids[inv], dtype="str"), "stock": pd.Series(names[stock], dtype="str"),
        "date": (np.datetime64("2019-01-01", "ns") + day.astype("timedelta64[D]")).astype("datetime64[ns]"),
        "buy_shares": rng.integers(0, 5_000, n).astype(float), "sell_shares": rng.integers(0, 5_000, n).astype(float),
        "buy_value": rng.gamma(1.0, 20_000.0, n).round(2), "sell_value": rng.gamma(1.0, 20_000.0, n).round(2),
        "n_buy": pd.array(rng.integers(0, 6, n), dtype="Int64"), "n_sell": pd.array(rng.integers(0, 6, n), dtype="Int64"),
        "first_price": price, "last_price": price * rng.uniform(0.97, 1.03, n),
        "min_price": price * 0.97, "max_price": price * 1.03,
    })
    events = pd.DataFrame({"event_id": pd.Series(["E1"], dtype="str"), "stock": pd.Series(["STK07"], dtype="str"),
                           "event_date": pd.to_datetime(["2020-06-01"]).astype("datetime64[ns]"),
                           "reference_start": pd.to_datetime(["2020-05-01"]).astype("datetime64[ns]"),
                           "direction": pd.Series(["buy"], dtype="str")})
    return CaseTables(trades=trades, events=events)


def measure(label: str, fn: Callable[[], Any]) -> Any:
    """Time ``fn`` alone, then run it again under tracemalloc for its own allocation peak."""
    start = time.perf_counter()
    out = fn()
    wall = time.perf_counter() - start
    rss = peak_mb()
    tracemalloc.start()
    fn()
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<24s} {wall:7.2f} s   step peak (traced) {traced / 2**20:7.0f} MB   "
          f"process peak RSS {rss:7.0f} MB", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=730_000)
    parser.add_argument("--dir", type=Path, default=None, help="folder for the case file (default: a temp folder)")
    args = parser.parse_args()
    from engine.case.store import CaseStore

    print(f"load average before: {load()}")
    tables = synthetic_tables(args.rows)
    print(f"trades rows: {len(tables.trades):,}, columns: {len(tables.trades.columns)}; "
          f"frame memory {tables.trades.memory_usage(deep=True).sum() / 2**20:.0f} MB")
    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench_case_"))
    path = folder / "bench.itcase"
    hashes = {"trades": "0" * 64, "events": "1" * 64}
    names = {"trades": "trades.csv", "events": "events.csv"}
    measure("create", lambda: CaseStore.create(path, tables, hashes, names, force=True))
    print(f"case file size: {path.stat().st_size / 2**20:.1f} MB")
    measure("open + close", lambda: CaseStore.open(path).close())
    with CaseStore.open(path) as store:
        measure("tables()", store._read_tables)  # uncached read, as the first tables() call
        digest = measure("compute_data_hash", store.compute_data_hash)
        assert digest == store.stored_data_hash()
        report = measure("verify", store.verify)
        assert report.ok, report.problems
        saves = []
        for i in range(200):
            start = time.perf_counter()
            store.set_note("000042", f"<p>typing {i}</p>")
            saves.append(time.perf_counter() - start)
        print(f"set_note x200: median {statistics.median(saves) * 1e3:.2f} ms, "
              f"max {max(saves) * 1e3:.2f} ms")
        start = time.perf_counter()
        store.set_decision("000042", "watch", "benchmark")
        print(f"set_decision (fsynced): {(time.perf_counter() - start) * 1e3:.2f} ms")
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
