"""Packet time against the length of one note (issue 18 item 15): linear, not quadratic.

Usage: python benchmarks/bench_packet_note.py [--dir DIR] [--lines 20000]
Makes the default-scale demo case (once), analyses it, then times ``main.py report`` in a
child process with the case note empty and with a note of ``--lines`` lines (one case-note
edit each, on a copy of the case). Target: the long note takes at most 2x the empty note's time.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, load


def demo_case(directory: Path) -> Path:
    """The default demo market imported and analysed once."""
    from engine.demo.generate import demo_paths, write_demo_market
    from engine.ingest.importer import import_case
    case = directory / "demo.itcase"
    if not case.exists():
        directory.mkdir(parents=True, exist_ok=True)
        write_demo_market(directory / "market", seed=7)
        import_case(demo_paths(directory / "market"), case)
        subprocess.run([sys.executable, str(ROOT / "main.py"), "analyze", str(case), "--quiet"], check=True)
    return case


def report_seconds(case: Path, pdf: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "main.py"), "report", str(case), "--pdf", str(pdf), "--quiet"],
                   check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="/tmp/itwb_bench/note", help="demo market and case directory")
    parser.add_argument("--lines", type=int, default=20_000)
    args = parser.parse_args()
    from engine.case.store import CaseStore
    from pypdf import PdfReader
    directory = Path(args.dir)
    base = demo_case(directory)
    print(f"load before: {load()}")
    times = {}
    for lines in (0, args.lines):
        case = directory / f"note-{lines}.itcase"
        shutil.copy(base, case)
        if lines:
            with CaseStore.open(case) as store:
                store.set_note(None, "\n".join(f"line {i} of a long case note, typed by the investigator"
                                               for i in range(lines)))
        pdf = directory / f"note-{lines}.pdf"
        times[lines] = report_seconds(case, pdf)
        print(f"note of {lines:>6,} lines: report {times[lines]:6.2f} s, {len(PdfReader(str(pdf)).pages)} pages",
              flush=True)
    ratio = times[args.lines] / times[0]
    print(f"ratio {ratio:.2f} (target <= 2.0): {'OK' if ratio <= 2.0 else 'OVER'}")
    print(f"load after: {load()}")
    return 0 if ratio <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
