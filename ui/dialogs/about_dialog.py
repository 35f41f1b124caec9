"""Version and provenance: software, data hash, parameters hash, event and input files."""
from __future__ import annotations

import platform
import sys
from typing import Any

import PySide6
import pyqtgraph
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QPushButton,
                               QVBoxLayout, QWidget)
from PySide6.QtCore import Qt

from engine.applog import log_file
from engine.version import SOFTWARE_VERSION


def provenance_rows(info: Any, result: Any, params: Any) -> list[tuple[str, str]]:
    """(label, value) pairs shown in the dialog and copied as text."""
    rows = [("Software", f"Insider-trading investigation workbench {SOFTWARE_VERSION}"),
            ("Python / Qt / pyqtgraph",
             f"{platform.python_version()} / PySide6 {PySide6.__version__} / {pyqtgraph.__version__}"),
            ("Log file", str(log_file()))]
    if info is not None:
        rows += [("Case file", str(info.path)), ("Data hash (SHA-256)", info.data_hash)]
    if params is not None:
        rows.append(("Parameters hash", params.hash()))
    if result is not None:
        e = result.event
        rows += [("Event", f"{e.event_id} ({e.stock}, {e.event_date.isoformat()}, {e.direction})"),
                 ("Result computed by", f"version {result.software_version}"),
                 ("Result data hash", result.data_hash)]
    return rows


class AboutDialog(QDialog):
    """Read-only provenance with a button that copies it as text."""

    def __init__(self, info: Any = None, result: Any = None, params: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle("About and provenance")
        self.rows = provenance_rows(info, result, params)
        form = QFormLayout()
        for label, value in self.rows:
            field = QLabel(value, self)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setWordWrap(True)
            form.addRow(f"{label}:", field)
        copy = QPushButton("Copy as text", self)
        copy.clicked.connect(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Offline workbench for market-abuse investigations. "
                                f"Running on {sys.platform}.", self))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(620, 300)

    def text(self) -> str:
        return "\n".join(f"{label}: {value}" for label, value in self.rows)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
