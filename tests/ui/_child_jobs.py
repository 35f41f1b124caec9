"""Module-level job functions for the child-process worker tests (picklable, Qt-free)."""
from __future__ import annotations

import os
import threading

from engine.errors import InputError
from engine.progress import Reporter


def two_stages(value: int, reporter: Reporter) -> int:
    """Two stages with known progress points, then ``value * 2``."""
    reporter.plan([("first", 1.0), ("second", 1.0)])
    reporter.stage("first")
    reporter.advance(1.0)
    reporter.stage("second")
    reporter.advance(1.0)
    return value * 2


def block_forever(reporter: Reporter) -> None:
    """Report once, then block without checking for cancel (only terminate stops it)."""
    reporter.plan([("stuck", 1.0)])
    reporter.stage("stuck")
    threading.Event().wait()


def bad_input(reporter: Reporter) -> None:
    raise InputError.single("trades.csv", 7, "buy_shares", "negative volume")


def crash(reporter: Reporter) -> None:
    raise ZeroDivisionError("boom")


def die(reporter: Reporter) -> None:
    os._exit(3)


def gui_modules(reporter: Reporter) -> list[str]:
    """The GUI toolkits loaded in this (child) process."""
    import sys
    return sorted({name.split(".")[0] for name in sys.modules} & {"PySide6", "pyqtgraph", "shiboken6"})
