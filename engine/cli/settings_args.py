"""``--params P.json`` and ``--set SECTION.NAME=VALUE``: the settings of a command that analyses
(``analyze``, ``report``, ``screen``, ``params``), validated by engine/param_check.py.

Order: defaults, then the ``--params`` file, then the command's own shortcuts (e.g.
``--correction``), then every ``--set`` (later ones win).
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from engine.errors import UsageError
from engine.param_check import apply_assignments, params_from_json_text
from engine.params import AnalysisParams

MAX_SETTINGS_FILE_BYTES = 1_000_000


def add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``--set`` and ``--params`` options."""
    parser.add_argument("--set", dest="set_values", action="append", default=[], metavar="SECTION.NAME=VALUE",
                        help="change one setting, e.g. --set kmeans.seed=7 (repeatable; see `params`)")
    parser.add_argument("--params", dest="params_file", metavar="P.json",
                        help="load a settings file as written by `params --json` or the GUI's export")


def read_settings_file(path: Path, base: AnalysisParams | None = None) -> AnalysisParams:
    """A settings file, every value checked; UsageError naming the file and the setting."""
    try:
        if not path.is_file():
            raise UsageError(f"{path}: the settings file does not exist or is not a regular file")
        with path.open("rb") as handle:
            data = handle.read(MAX_SETTINGS_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the settings file ({exc.strerror or exc})") from None
    if len(data) > MAX_SETTINGS_FILE_BYTES:
        raise UsageError(f"{path}: too large for a settings file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: a settings file is UTF-8 JSON text") from None
    return params_from_json_text(text, str(path), base)


def settings_from_args(args: argparse.Namespace,
                       shortcuts: Callable[[AnalysisParams], AnalysisParams] | None = None) -> AnalysisParams:
    """The settings named by ``--params`` and ``--set``, with the command's ``shortcuts`` between."""
    params = AnalysisParams()
    if getattr(args, "params_file", None):
        params = read_settings_file(Path(args.params_file), params)
    if shortcuts is not None:
        params = shortcuts(params)
    return apply_assignments(params, list(getattr(args, "set_values", None) or []))
