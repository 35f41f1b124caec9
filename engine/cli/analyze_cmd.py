"""``analyze``: run the detection engine on one event of a case and write its JSON."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.atomic import write_bytes_atomic
from engine.case.anchor import write_anchor
from engine.cli.case_args import add_event_arguments, analysed_case, params_from_args
from engine.cli.task_args import add_task_arguments, runner_spec, stderr_listener, with_placebo


def configure(parser: argparse.ArgumentParser) -> None:
    """The arguments of this command (its one-line help is in the command registry)."""
    parser.description = ("Run dynamic k-means, the validated network, options flow and "
                          "triage on one event; print a summary and optionally write JSON.")
    add_event_arguments(parser)
    parser.add_argument("--json", metavar="OUT.json", help="write the results as JSON (CASE_FORMAT.md §4)")
    parser.add_argument("--links", metavar="LINKS.csv", help="write every validated link as CSV")
    parser.add_argument("--graphml", metavar="NET.graphml", help="write the validated network as GraphML")
    parser.add_argument("--sweep", action="store_true",
                        help="add svn.sweep: suspicious investors over the validation-threshold sweep")
    parser.add_argument("--bicm", action="store_true",
                        help="add svn.bicm: the BiCM-validated network and its agreement with the clusters")
    add_task_arguments(parser, placebo_default=0)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    outputs = {"--json": args.json, "--links": args.links, "--graphml": args.graphml}
    params = with_placebo(params_from_args(args), args, default=0)
    spec = runner_spec(args)
    with analysed_case(args, outputs) as (store, tables, event, result):
        # imported with the stages they report on (engine/pipeline.py), after the analysis
        from engine.exports.network import write_graphml, write_links_csv
        from engine.results import result_json
        from engine.svn.studies import studies_sections
        document = result_json(result, store.file_hashes(), store.file_names())
        document["svn"].update(studies_sections(result.svn, result.params.svn, args.sweep, args.bicm))
        if params.placebo.n > 0:
            from engine.placebo.run import attach_placebo, placebo_for
            placebo = placebo_for(tables, result, params, store, spec,
                                  listener=stderr_listener(args.quiet, "placebo"), use_cache=not args.no_cache)
            attach_placebo(document, params, placebo)
        head = store.audit_entries()[-1]
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if args.json:
        write_bytes_atomic(Path(args.json), text.encode("utf-8"))
    for path, write in ((args.links, write_links_csv), (args.graphml, write_graphml)):
        if path:  # exports of the case's evidence: each with its chain-head receipt
            write(result.svn, Path(path))
            write_anchor(Path(path), Path(args.case), result.data_hash, head)
    if not args.quiet:
        print(summary_text(document), file=sys.stdout)
    return 0


def summary_text(document: dict) -> str:
    """A few lines an investigator reads first."""
    km, svn, opt = document["kmeans"], document["svn"], document["options"]
    ev = document["event"]
    lines = [f"event {ev['event_id']} on {ev['stock']} ({ev['direction']}), PSE {ev['event_date']}, "
             f"reference period from {ev['reference_start']}",
             f"k-means: K={km['k']}, {km['n_windows']} windows, rewarding cluster {km['rewarding_cluster']}, "
             f"{len(km['suspects'])} discontinuous investors"]
    lines += [f"  #{s['rank']} {s['investor_id']} ({s['discontinuity']}) score {s['score']:.3f}"
              for s in km["suspects"][:5]]
    lines.append(f"validated network ({svn['correction']}, threshold {svn['threshold']:.3g}): "
                 f"{svn['n_investors']} eligible investors, {len(svn['clusters'])} clusters")
    if opt.get("available"):
        lines.append(f"options: {len(opt['alerts'])} alerts ({opt['n_high']} HIGH), risk calibrated against "
                     f"{opt['n_calibration']} days before the reference period"
                     + (f"; {opt['high_unavailable_reason']}" if opt["high_unavailable_reason"] else ""))
    else:
        lines.append(f"options: not available ({opt.get('reason', '')})")
    if "placebo" in document:
        lines.append(placebo_line(document["placebo"]))
    lines.append(f"data hash {document['case']['sha256']}")
    return "\n".join(lines)


def placebo_line(section: dict) -> str:
    """The event-level placebo verdict in one line."""
    if not section["available"]:
        return f"placebo: not available ({section['reason']})"
    excess = section["event"]["excess_discontinuous_share"]
    seen = excess["observed"]
    return (f"placebo: excess discontinuous share {seen if seen is None else round(seen, 3)}, "
            f"p = {excess['p_value']:.3g} against {section['n_used']} pseudo-events ({section['windows']} windows)")
