"""Packet export at the reference scale: ``report`` with the top 20 suspects and top 5 rings.

Usage: python benchmarks/bench_packet.py [--dir DIR]
Uses the reference case of bench_analyze (generated and imported once), makes sure its
analysis is cached, then times ``main.py report`` in a child process (figures rendered
offscreen by the views, PDF built by the engine) and prints pages, size and peak memory.
Target (issue 7): <= 20 s on 2 cores.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, children_peak_mb, load, reference_case


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="/tmp/itwb_bench/ima", help="reference market and case directory")
    args = parser.parse_args()
    directory = Path(args.dir)
    case = reference_case(directory)
    main_py = str(ROOT / "main.py")
    subprocess.run([sys.executable, main_py, "analyze", str(case), "--quiet"], check=True)
    print(f"load before: {load()}")
    pdf = directory / "packet.pdf"
    start = time.perf_counter()
    subprocess.run([sys.executable, main_py, "report", str(case), "--pdf", str(pdf), "--quiet"], check=True)
    wall = time.perf_counter() - start
    from pypdf import PdfReader
    pages = len(PdfReader(str(pdf)).pages)
    print(f"report (cached analysis, top 20 suspects, top 5 rings): {wall:.2f} s, {pages} pages, "
          f"{pdf.stat().st_size / 1e6:.1f} MB, peak RSS {children_peak_mb():.0f} MB")
    print(f"load after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
