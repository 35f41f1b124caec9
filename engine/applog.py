"""Where the application keeps its log: a local file in the user's log directory.

Tracebacks go to this file, never to the user's screen.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import platformdirs

APP_NAME = "itworkbench"
_configured = False


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
    """Send log records to the log file; returns its path, or None when it cannot be written."""
    global _configured
    if _configured:
        return log_file()
    try:
        log_dir().mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_file(), encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    _configured = True
    return log_file()
