"""Where the application keeps its log: a local file in the user's log directory.

Tracebacks go to this file, never to the user's screen. It may name case data (investor ids
in messages), so it is readable by its owner only (0600), like a case file.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import platformdirs

APP_NAME = "itworkbench"
_handler: logging.FileHandler | None = None


def log_dir() -> Path:
    """The per-user log directory (overridable with ITWB_LOG_DIR, e.g. for tests)."""
    override = os.environ.get("ITWB_LOG_DIR")
    return Path(override) if override else Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The per-user data directory (overridable with ITWB_DATA_DIR)."""
    override = os.environ.get("ITWB_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_file() -> Path:
    return log_dir() / "workbench.log"


def configure_logging() -> Path | None:
    """Send log records to the log file; returns its path, or None when it cannot be written.

    Calling it again after the log directory changed (tests give each test its own) moves
    the handler to the new file.
    """
    global _handler
    target = log_file()
    if _handler is not None and Path(_handler.baseFilename) == target.absolute():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        os.chmod(target, 0o600)  # also an older, world-readable log
        handler = logging.FileHandler(target, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    _handler = handler
    return target
