"""The parts of the main window that the ``install_*`` modules (exports, threshold tools) use,
typed, so they never reach into the window's attributes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from ui.hub import Hub
from ui.notes_panel import NotesPanel
from ui.session import Session
from ui.settings import Settings
from ui.status_bar import WorkbenchStatusBar


@dataclass(frozen=True)
class WindowParts:
    """The window (parent of dialogs and toolbars), its actions, menus and services."""

    window: QMainWindow
    actions: Mapping[str, QAction]
    menus: Mapping[str, QMenu]      # "file", "analysis", "selection", "view", "help"
    session: Session
    hub: Hub
    settings: Settings
    status: WorkbenchStatusBar
    notes: NotesPanel
    docks: Mapping[str, QDockWidget]

    def case_folder(self) -> str:
        """The open case's folder, else the last folder used (start of file dialogs)."""
        info = self.session.info
        return str(info.path.resolve().parent) if info is not None else self.settings.last_folder()
