"""Shared helpers of the benchmark scripts: timing, peak memory, machine load, the reference market."""
from __future__ import annotations

import resource
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def children_peak_mb() -> float:
    """Peak resident memory of the largest finished child process, in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def children_cpu_s() -> float:
    """CPU seconds (user + system) of the finished child processes so far: a figure that other
    work on a shared machine inflates far less than wall time."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load() -> str:
    """The 1, 5 and 15 minute load averages (other work on the machine slows a benchmark)."""
    with open("/proc/loadavg", encoding="ascii") as fh:
        return " ".join(fh.read().split()[:3])


def timed(label: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``fn`` and print its wall time and the peak RSS after it."""
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    print(f"{label:<34s} {time.perf_counter() - start:7.2f} s   peak RSS {peak_mb():7.0f} MB", flush=True)
    return out


def reference_market(directory: Path, dense_block: int = 0) -> Path:
    """The ``--scale ima`` demo market in ``directory`` (generated once, then reused)."""
    from engine.demo.generate import write_demo_market
    if not (directory / "trades.csv").exists():
        directory.mkdir(parents=True, exist_ok=True)
        timed("generate reference market", write_demo_market, directory, scale="ima", dense_block=dense_block)
    return directory


def reference_case(directory: Path, dense_block: int = 0) -> Path:
    """A case imported from the reference market (imported once, then reused)."""
    from engine.demo.generate import demo_paths
    from engine.ingest.importer import import_case
    market = reference_market(directory, dense_block)
    case = directory / "case.itcase"
    if not case.exists():
        timed("import reference case", import_case, demo_paths(market), case)
    return case
