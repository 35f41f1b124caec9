"""``--params P.json`` and ``--set SECTION.NAME=VALUE``: the settings of a command that analyses
(``analyze``, ``report``, ``screen``, ``params``), validated by engine/param_check.py.

Order: defaults, then the ``--params`` file, then the command's own shortcuts (e.g.
``--correction``), then every ``--set`` (later ones win).
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from engine.param_check import apply_assignments, read_settings_file
from engine.params import AnalysisParams

def add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``--set`` and ``--params`` options."""
    parser.add_argument("--set", dest="set_values", action="append", default=[], metavar="SECTION.NAME=VALUE",
                        help="change one setting, e.g. --set kmeans.seed=7 (repeatable; see `params`)")
    parser.add_argument("--params", dest="params_file", metavar="P.json",
                        help="load a settings file as written by `params --json` or the GUI's export")


def settings_from_args(args: argparse.Namespace,
                       shortcuts: Callable[[AnalysisParams], AnalysisParams] | None = None) -> AnalysisParams:
    """The settings named by ``--params`` and ``--set``, with the command's ``shortcuts`` between."""
    params = AnalysisParams()
    if getattr(args, "params_file", None):
        params = read_settings_file(Path(args.params_file), params)
    if shortcuts is not None:
        params = shortcuts(params)
    return apply_assignments(params, list(getattr(args, "set_values", None) or []))
