"""``demo-data``: write the seeded synthetic market (six CSV files and truth.json)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.demo.scales import SCALES


def configure(parser: argparse.ArgumentParser) -> None:
    """The arguments of this command (its one-line help is in the command registry)."""
    parser.description = ("Write trades, events, investors, options, prices and filings "
                          "CSV files of a seeded synthetic market, plus truth.json (the "
                          "planted insiders, rings and decoys; the workbench never reads it).")
    parser.add_argument("out_dir", metavar="OUT_DIR", help="folder to write into (created if missing)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7); same seed, same files")
    parser.add_argument("--scale", choices=sorted(SCALES), default="default",
                        help="default: ~3,000 investors over 300 days; ima: the reference study's size "
                             "(~27,000 investors, 541 days, ~210,000 target-stock records)")
    parser.add_argument("--dense-block", type=int, default=0, metavar="N",
                        help="add N synchronised managed accounts (2,000 give ~2 M validated links)")
    parser.add_argument("--investors", type=int, metavar="N",
                        help="number of investors instead of the scale's (cost-growth benchmarks)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.demo.generate import write_demo_market
    from engine.errors import UsageError

    out = Path(args.out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    paths = write_demo_market(out, seed=args.seed, scale=args.scale, dense_block=args.dense_block,
                               investors=args.investors)
    for name, path in paths.items():
        print(f"{name:10s} {path}", file=sys.stdout)
    return 0
