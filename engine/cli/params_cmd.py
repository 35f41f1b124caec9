"""``params``: print every analysis setting with its value and definition, or write them as
a settings file that ``--params`` and the GUI's parameters dialog read back."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.atomic import write_bytes_atomic
from engine.output_paths import check_outputs
from engine.cli.settings_args import add_settings_arguments, settings_from_args
from engine.param_check import settings_json
from engine.param_docs import param_rows
from engine.params import AnalysisParams


def configure(parser: argparse.ArgumentParser) -> None:
    """The arguments of this command (its one-line help is in the command registry)."""
    parser.description = ("Print the analysis settings (defaults, changed by --params and --set) with "
                          "their definitions; --json writes them as a settings file for --params.")
    parser.add_argument("--defaults", action="store_true", help="the METHOD.md defaults (ignores --params, --set)")
    parser.add_argument("--json", metavar="OUT.json", help="write the settings as a file for --params")
    add_settings_arguments(parser)
    parser.set_defaults(run=run)


def settings_text(params: AnalysisParams) -> str:
    """One line per setting: ``section.name = value`` (marked when not the default) and its definition."""
    defaults = {(s, n): v for s, n, v, _ in param_rows(AnalysisParams())}
    lines = []
    for section, name, value, definition in param_rows(params):
        changed = (section, name) not in defaults or defaults[(section, name)] != value
        shown = "none" if value is None else json.dumps(value) if isinstance(value, (bool, str)) else repr(value)
        mark = f"   (default {defaults.get((section, name))!r})" if changed else ""
        lines.append(f"{section}.{name} = {shown}{mark}")
        if definition:
            lines.append(f"    {definition}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.json:
        check_outputs({"--json": args.json}, inputs=[args.params_file] if args.params_file else [])
    params = AnalysisParams() if args.defaults else settings_from_args(args)
    if args.json:
        write_bytes_atomic(Path(args.json), settings_json(params).encode("utf-8"))
        print(f"wrote {args.json}", file=sys.stdout)
    else:
        print(settings_text(params), file=sys.stdout)
    return 0
