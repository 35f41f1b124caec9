"""Headless commands of ``main.py``: one module per command, each with
``add_parser(subparsers)`` and ``run(args) -> int``. They use only the engine."""
from __future__ import annotations

import importlib
from types import ModuleType

# Command name -> module under engine.cli. Add a line when a command lands.
COMMANDS: dict[str, str] = {
    "import": "import_cmd",
    "backtest": "backtest_cmd",
    "alerts": "alerts_cmd",
    "verify": "verify_cmd",
    "analyze": "analyze_cmd",
    "demo-data": "demo_data_cmd",
}


def command_modules() -> dict[str, ModuleType]:
    """Import every registered command module."""
    return {name: importlib.import_module(f"engine.cli.{mod}") for name, mod in COMMANDS.items()}
