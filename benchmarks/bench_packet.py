"""Packet export at the reference scale: ``report`` with the top 20 suspects and top 5 rings,
unsigned and signed.

Usage: python benchmarks/bench_packet.py [--dir DIR]
Uses the reference case of bench_analyze (generated and imported once), makes sure its
analysis is cached, then times ``main.py report`` in a child process (figures drawn for paper
by the views' print path, PDF built by the engine), then the same with ``--sign`` (a throwaway
self-signed key made here), and prints pages, size and peak memory.
Target (issues 7 and 17): <= 20 s on 2 cores, signed or not.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, children_cpu_s, children_peak_mb, load, reference_case


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="/tmp/itwb_bench/ima", help="reference market and case directory")
    args = parser.parse_args()
    directory = Path(args.dir)
    case = reference_case(directory)
    main_py = str(ROOT / "main.py")
    subprocess.run([sys.executable, main_py, "analyze", str(case), "--quiet"], check=True)
    print(f"load before: {load()}")
    from pypdf import PdfReader
    sys.path.insert(0, str(ROOT))
    from tests.engine.test_packet_sign import PASSPHRASE, make_key
    key = make_key(directory / "bench-key.p12")
    (directory / "bench-pass.txt").write_bytes(PASSPHRASE)
    for label, extra in (("unsigned", []), ("signed", ["--sign", str(key), "--sign-pass-file",
                                                        str(directory / "bench-pass.txt")])):
        pdf = directory / f"packet-{label}.pdf"
        start, cpu = time.perf_counter(), children_cpu_s()
        subprocess.run([sys.executable, main_py, "report", str(case), "--pdf", str(pdf), "--quiet", *extra],
                       check=True)
        wall, cpu = time.perf_counter() - start, children_cpu_s() - cpu
        pages = len(PdfReader(str(pdf)).pages)
        print(f"report {label} (cached analysis, top 20 suspects, top 5 rings): {wall:.2f} s "
              f"(CPU {cpu:.1f} s, about the wall time on an idle machine), {pages} pages, "
              f"{pdf.stat().st_size / 1e6:.1f} MB, peak RSS {children_peak_mb():.0f} MB", flush=True)
    print(f"load after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
