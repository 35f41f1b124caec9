"""``backtest``: score the options alerts or the k-means suspects against labels."""
from __future__ import annotations

import argparse
from pathlib import Path

from engine.backtest import backtest, format_metrics, read_labels
from engine.cli.case_args import add_event_arguments, analysed_case
from engine.errors import UsageError


def configure(parser: argparse.ArgumentParser) -> None:
    """The arguments of this command (its one-line help is in the command registry)."""
    parser.description = ("Compare the analysis with investigator labels. LABELS.csv is either "
                          "'date,label' (flagged = an options alert that day; alerts rest on the evidence only, "
                          "never on context such as a PSE ahead) or 'investor_id,label' "
                          "(flagged = a k-means suspect). Prints the confusion matrix, precision, "
                          "recall, F1 and accuracy.")
    add_event_arguments(parser)
    parser.add_argument("--labels", required=True, metavar="LABELS.csv", help="the labels file")
    parser.add_argument("--high-only", action="store_true",
                        help="count only HIGH options alerts as flagged (date labels)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    labels = read_labels(Path(args.labels))
    if args.high_only and labels.kind != "date":
        raise UsageError("--high-only applies to 'date,label' files (options alerts)")
    with analysed_case(args) as (_store, _tables, event, result):
        if labels.kind == "date":
            alerts = [a for a in result.options.alerts if a.priority == "HIGH" or not args.high_only]
            flagged = {a.date.isoformat() for a in alerts}
            what = "HIGH options alerts" if args.high_only else "options alerts (HIGH and MEDIUM)"
            if not result.options.available:
                what += f" - options unavailable: {result.options.reason}"
        else:
            flagged = {s.investor_id for s in result.kmeans.suspects}
            what = "k-means suspects"
    m = backtest(labels, flagged)
    print(format_metrics(m, f"backtest of {what} for event {event.event_id} on {m.n} labelled "
                            f"{'days' if labels.kind == 'date' else 'investors'}"))
    return 0
