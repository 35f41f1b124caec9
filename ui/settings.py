"""Typed per-user UI preferences in an ini file, with a version key and migrations.

Only UI preferences live here (geometry, dock layout, theme, recent cases, last folder) and
the user's own choice of the local-model drafter (never taken from a case file); analysis
defaults live in ``engine/params.py``. ``ITWB_SETTINGS_DIR`` points the file
elsewhere (tests use a fresh directory each).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from engine.applog import APP_NAME
from engine.param_check import DRAFTER_FIELDS, check_value

SETTINGS_VERSION = 1
RECENT_LIMIT = 8
THEMES = ("system", "light", "dark")


def settings_path() -> Path | None:
    """The ini file when ``ITWB_SETTINGS_DIR`` is set, else None (Qt's per-user default)."""
    folder = os.environ.get("ITWB_SETTINGS_DIR")
    return Path(folder) / f"{APP_NAME}.ini" if folder else None


class Settings:
    """Read/write access to the preferences with types and defaults."""

    def __init__(self) -> None:
        path = settings_path()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._q = QSettings(str(path), QSettings.Format.IniFormat)
        else:
            self._q = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, APP_NAME)
        self._migrate()

    def _migrate(self) -> None:
        """Bring older files to the current version; unknown newer files are reset."""
        version = int(self._q.value("version", 0) or 0)
        if version > SETTINGS_VERSION:
            self._q.clear()
        # version 0 -> 1: nothing to convert (the first version with a key)
        self._q.setValue("version", SETTINGS_VERSION)

    def sync(self) -> None:
        self._q.sync()

    @property
    def file_name(self) -> str:
        return self._q.fileName()

    # -- window ---------------------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        value = self._q.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, value: QByteArray) -> None:
        self._q.setValue("window/geometry", value)

    def window_state(self) -> QByteArray | None:
        value = self._q.value("window/state")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_window_state(self, value: QByteArray) -> None:
        self._q.setValue("window/state", value)

    # -- look -----------------------------------------------------------------------------
    def theme(self) -> str:
        value = str(self._q.value("look/theme", "system"))
        return value if value in THEMES else "system"

    def set_theme(self, value: str) -> None:
        if value not in THEMES:
            raise ValueError(f"unknown theme {value!r}")
        self._q.setValue("look/theme", value)

    # -- files ----------------------------------------------------------------------------
    def recent_cases(self) -> list[str]:
        value = self._q.value("files/recent", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [str(v) for v in items if v]

    def add_recent_case(self, path: str | Path) -> list[str]:
        """Put ``path`` first in the recent list (no duplicates, at most RECENT_LIMIT)."""
        text = str(Path(path).resolve())
        items = [text] + [p for p in self.recent_cases() if p != text]
        items = items[:RECENT_LIMIT]
        self._q.setValue("files/recent", items)
        return items

    def remove_recent_case(self, path: str | Path) -> None:
        text = str(Path(path).resolve())
        self._q.setValue("files/recent", [p for p in self.recent_cases() if p != text])

    def last_folder(self) -> str:
        return str(self._q.value("files/last_folder", str(Path.home())))

    def set_last_folder(self, folder: str | Path) -> None:
        self._q.setValue("files/last_folder", str(folder))

    # -- local-model drafter: the user's own choice, never a case's ----------------------------
    def drafter(self) -> dict[str, object]:
        """The drafter settings ("options.use_narrative_llm", ...) the user chose; invalid ones are skipped."""
        out: dict[str, object] = {}
        for key in DRAFTER_FIELDS:
            text = self._q.value(f"drafter/{key}")
            if text is None:
                continue
            section, name = key.split(".")
            try:
                out[key] = check_value(section, name, json.loads(str(text)))
            except ValueError:
                continue
        return out

    def set_drafter(self, values: dict[str, object]) -> None:
        for key, value in values.items():
            if key in DRAFTER_FIELDS:
                self._q.setValue(f"drafter/{key}", json.dumps(value))
