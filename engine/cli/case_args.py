"""Arguments shared by the commands that work on one event of a case."""
from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Mapping

from engine.case.store import CaseStore
from engine.output_paths import check_outputs
from engine.cli.progress_bar import cli_reporter
from engine.cli.settings_args import add_settings_arguments, settings_from_args
from engine.errors import UsageError
from engine.params import AnalysisParams
from engine.pipeline import analyze
from engine.tables import CaseTables, Event

if TYPE_CHECKING:  # imported by the pipeline once the network stage runs beside (engine/pipeline.py)
    from engine.results import AnalysisResult


def add_event_arguments(parser: argparse.ArgumentParser) -> None:
    """CASE, --event and the settings (``add_setting_arguments``)."""
    parser.add_argument("case", metavar="CASE.itcase", help="the case file")
    parser.add_argument("--event", metavar="ID", help="event id (optional when the case has one event)")
    add_setting_arguments(parser)


def add_setting_arguments(parser: argparse.ArgumentParser) -> None:
    """--set/--params, the settings most often changed from the command line, the cache and the progress bar."""
    parser.add_argument("--correction", metavar="bonferroni|fdr|P",
                        help="multiple-testing correction of the validated network, or a p-value threshold "
                             "(default bonferroni)")
    parser.add_argument("--k", type=int, metavar="K", help="fix the number of k-means clusters (default: chosen by the stability of the rewarding cluster)")
    parser.add_argument("--window-length", type=int, metavar="D", help="k-means window length in trading days (default 20)")
    parser.add_argument("--window-step", type=int, metavar="S", help="shift between windows in trading days (default 5)")
    parser.add_argument("--n-windows", type=int, metavar="N", help="number of k-means windows (default 27)")
    parser.add_argument("--no-cache", action="store_true", help="recompute even when the case holds a result")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_settings_arguments(parser)


def params_from_args(args: argparse.Namespace) -> AnalysisParams:
    """AnalysisParams: the METHOD.md defaults, the --params file, the shortcut options, --set."""
    return settings_from_args(args, lambda params: _shortcuts(params, args))


def _shortcuts(params: AnalysisParams, args: argparse.Namespace) -> AnalysisParams:
    """``params`` changed by --correction, --k, --window-length, --window-step, --n-windows."""
    correction = None if args.correction is None else str(args.correction).strip().lower()
    if correction in ("bonferroni", "fdr"):
        params = params.replace("svn", correction=correction, threshold=None)
    elif correction is not None:
        try:
            threshold = float(correction)
        except ValueError:
            raise UsageError(f"--correction takes bonferroni, fdr or a p-value, not {args.correction!r}") from None
        if not 0.0 < threshold < 1.0:
            raise UsageError(f"--correction threshold must lie in (0, 1), not {threshold}")
        params = params.replace("svn", correction="threshold", threshold=threshold)
    changes = {name: value for name, value in (
        ("k", args.k), ("window_length", args.window_length),
        ("window_step", args.window_step), ("n_windows", args.n_windows)) if value is not None}
    for name, value in changes.items():
        if value < (2 if name in ("k", "window_length") else 1):
            raise UsageError(f"--{name.replace('_', '-')} must be at least {2 if name in ('k', 'window_length') else 1}")
    return params.replace("kmeans", **changes) if changes else params


@contextmanager
def analysed_case(args: argparse.Namespace, outputs: Mapping[str, str | None] | None = None,
                  ) -> Iterator[tuple[CaseStore, CaseTables, Event, AnalysisResult]]:
    """Check the ``outputs`` (option -> path) and the settings, open the case named by ``args``,
    pick the event and get its analysis (cached or fresh, with a progress bar unless quiet);
    the store stays open inside the ``with`` block."""
    check_outputs(outputs or {}, inputs=[args.case, getattr(args, "params_file", None)])
    params = params_from_args(args)
    with CaseStore.open(Path(args.case)) as store:
        tables = store.tables()
        event = tables.event(args.event)
        with cli_reporter(args.quiet) as reporter:
            result = analyze(tables, event, params, reporter, store=store, use_cache=not args.no_cache)
        if store.read_only:
            print(f"note: {args.case} is read-only (read-only media or folder): nothing is written to it, "
                  "a fresh analysis is not cached", file=sys.stderr)
        yield store, tables, event, result
