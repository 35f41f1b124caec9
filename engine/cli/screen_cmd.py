"""``screen``: every event of a case (or ``--events``) analysed with its placebo test and ranked."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.atomic import write_bytes_atomic
from engine.case.store import CaseStore
from engine.cli.case_args import add_setting_arguments, params_from_args
from engine.cli.task_args import add_task_arguments, runner_spec, stderr_listener, with_placebo
from engine.output_paths import check_outputs

PLACEBO_DEFAULT = 40


def configure(parser: argparse.ArgumentParser) -> None:
    """The arguments of this command (its one-line help is in the command registry)."""
    parser.description = ("Analyse every event of the case with its placebo test (METHOD §5-6) as "
                          "independent tasks and rank the events; write JSON and CSV.")
    parser.add_argument("case", metavar="CASE.itcase", help="the case file")
    parser.add_argument("--events", nargs="+", metavar="ID", help="event ids (default, or 'all': every event)")
    parser.add_argument("--json", metavar="OUT.json", help="write the ranked events as JSON")
    parser.add_argument("--csv", metavar="OUT.csv", help="write the ranked events as CSV")
    add_setting_arguments(parser)
    add_task_arguments(parser, placebo_default=PLACEBO_DEFAULT)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.screen.report import screen_csv, screen_json
    from engine.screen.run import screen

    check_outputs({"--json": args.json, "--csv": args.csv}, inputs=[args.case, getattr(args, "params_file", None)])
    params = with_placebo(params_from_args(args), args, default=PLACEBO_DEFAULT)
    spec = runner_spec(args)
    ids = None if not args.events or args.events == ["all"] else list(args.events)
    with CaseStore.open(Path(args.case)) as store:
        tables = store.tables()
        report = screen(store, tables, params, ids, spec, listener=stderr_listener(args.quiet, "event"),
                        use_cache=not args.no_cache)
        data_hash = store.stored_data_hash()
    if args.json:
        write_bytes_atomic(Path(args.json), screen_json(report.entries, data_hash, params.hash()))
    if args.csv:
        write_bytes_atomic(Path(args.csv), screen_csv(report.entries))
    if not args.quiet:
        for e in report.entries:
            head = f"#{e.rank}" if e.rank is not None else "failed"
            print(f"{head} {e.event_id}: " + (e.error or "; ".join(e.evidence)), file=sys.stdout)
    return 1 if report.failed else 0
