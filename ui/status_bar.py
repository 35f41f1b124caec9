"""The status bar: case name, event, copyable data hash, analysis state with progress."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from engine.tables import Event
from ui.icons import icon
from views._layout import status_line

HASH_SHOWN = 12


class WorkbenchStatusBar(QStatusBar):
    """Permanent fields on the right; transient messages on the left."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case_label = QLabel("No case open", self)
        self.case_label.setObjectName("status_case")
        self.event_label = QLabel("", self)
        self.event_label.setObjectName("status_event")
        self.hash_button = QToolButton(self)
        self.hash_button.setObjectName("status_hash")
        self.hash_button.setAutoRaise(True)
        self.hash_button.clicked.connect(self.copy_hash)
        self.hash_button.hide()
        self.selection_label = status_line(" ", grow=True)   # changes with every selection: re-lays out nothing
        self.state_label = QLabel("", self)
        self.state_label.setObjectName("status_state")
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.cancel_button = QToolButton(self)
        self.cancel_button.setIcon(icon("cancel"))
        self.cancel_button.setToolTip("Cancel the analysis")
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.cancel_button.hide()
        for w in (self.selection_label, self.case_label, self.event_label, self.hash_button,
                  self.state_label, self.progress, self.cancel_button):
            self.addPermanentWidget(w)
        self._hash = ""

    def set_case(self, name: str | None, data_hash: str = "") -> None:
        self.case_label.setText(f"Case: {name}" if name else "No case open")
        self._hash = data_hash
        self.hash_button.setVisible(bool(data_hash))
        self.hash_button.setText(f"data {data_hash[:HASH_SHOWN]}…" if data_hash else "")
        self.hash_button.setToolTip(f"Data hash (SHA-256): {data_hash}\nClick to copy.")
        if not name:
            self.set_event(None)
            self.set_state("")

    def set_event(self, event: Event | None) -> None:
        self.event_label.setText(
            "" if event is None else
            f"Event: {event.event_id} ({event.stock}, {event.event_date.isoformat()}, {event.direction})")

    def set_selection_count(self, n: int, focus: str | None) -> None:
        text = "" if n == 0 else f"{n} selected" + (f", focus {focus}" if focus else "")
        self.selection_label.setText(text)

    def set_state(self, text: str) -> None:
        self.state_label.setText(text)

    def show_progress(self, stage: str, fraction: float) -> None:
        self.progress.show()
        self.cancel_button.show()
        self.progress.setValue(int(round(fraction * 1000)))
        self.state_label.setText(f"{stage}… {fraction:.0%}")

    def hide_progress(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()

    def copy_hash(self) -> None:
        """Copy the full data hash to the clipboard."""
        if self._hash:
            QGuiApplication.clipboard().setText(self._hash)
            self.showMessage("Data hash copied.", 3000)

    @property
    def data_hash(self) -> str:
        return self._hash
