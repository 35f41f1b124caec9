"""``import``: read and validate input tables into a new case file (CASE_FORMAT.md §4)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.case.store import CaseStore
from engine.cli.progress_bar import cli_reporter
from engine.ingest.importer import check_output, import_case
from engine.tables import TABLE_NAMES, CaseTables

_HELP = {"trades": "daily transaction reports (required)", "events": "price-sensitive events (required)",
         "investors": "investor types", "options": "options flow", "prices": "daily closing prices",
         "filings": "insider filings"}


def configure(parser: argparse.ArgumentParser) -> None:
    """The arguments of this command (its one-line help is in the command registry)."""
    parser.description = ("Read, validate and import the input tables into a case "
                          "file. Bad input is reported by file, row and column and "
                          "nothing is written.")
    for name in TABLE_NAMES:
        parser.add_argument(f"--{name}", metavar="FILE", required=name in ("trades", "events"),
                            help=f"{_HELP[name]}: CSV (UTF-8, comma-separated) or Parquet")
    parser.add_argument("-o", "--output", metavar="CASE.itcase", required=True,
                        help="the case file to create")
    parser.add_argument("--force", action="store_true", help="replace an existing case file")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    paths = {name: getattr(args, name) for name in TABLE_NAMES if getattr(args, name) is not None}
    check_output(Path(args.output), args.force, paths.values())  # before the progress bar appears
    with cli_reporter(args.quiet) as reporter:
        out = import_case(paths, Path(args.output), force=args.force, reporter=reporter,
                          on_warning=lambda text: print(f"warning: {text}", file=sys.stderr))
    with CaseStore.open(out) as store:
        print(summary_text(out, store.tables(), store.stored_data_hash()), file=sys.stdout)
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def summary_text(out: Path, tables: CaseTables, data_hash: str) -> str:
    """Rows per table, distinct investors, stocks and events, and the data hash."""
    lines = [f"imported {out}"]
    for name in TABLE_NAMES:
        frame = getattr(tables, name)
        if frame is not None:
            lines.append(f"  {name:<10} {_count(len(frame), 'row'):>16}")
    trades = tables.trades
    lines.append(f"  trading: {_count(trades['investor_id'].nunique(), 'investor')}, "
                 f"{_count(trades['stock'].nunique(), 'stock')}; {_count(len(tables.events), 'event')}")
    lines.append(f"  data hash {data_hash}")
    return "\n".join(lines)
