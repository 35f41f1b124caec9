"""The headless commands of ``main.py``.

Each command is a module with ``configure(parser)`` (its arguments, and ``run`` as the
parser default) and ``run(args) -> int``. The registry names the module and the one-line
help, so ``main.py`` imports only the module of the command being run: ``--help`` and
light commands start without loading the analytics.
"""
from __future__ import annotations

from typing import NamedTuple


class Command(NamedTuple):
    """Where a command lives and what ``--help`` says of it."""

    module: str
    summary: str


COMMANDS: dict[str, Command] = {
    "import": Command("engine.cli.import_cmd", "import CSV or Parquet tables into a new case file"),
    "analyze": Command("engine.cli.analyze_cmd", "run the detection engine on a case"),
    "screen": Command("engine.cli.screen_cmd", "analyse every event with its placebo test and rank the events"),
    "verify": Command("engine.cli.verify_cmd", "check a case file: database integrity, data hash, audit chain"),
    "alerts": Command("engine.cli.alerts_cmd", "list options alerts with their workflow status"),
    "backtest": Command("engine.cli.backtest_cmd", "confusion matrix of alerts or suspects against labels"),
    "params": Command("engine.cli.params_cmd", "print the analysis settings with their definitions, or write them"),
    "demo-data": Command("engine.cli.demo_data_cmd", "write a synthetic market with planted insiders as CSV"),
}
