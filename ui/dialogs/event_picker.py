"""Choose which event of a multi-event case to analyse."""
from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem,
                               QVBoxLayout, QWidget)
from PySide6.QtCore import Qt

from engine.tables import Event


def event_label(event: Event) -> str:
    """One line: id, stock, date, direction and description."""
    text = f"{event.event_id} — {event.stock} — {event.event_date.isoformat()} — {event.direction}"
    return f"{text} — {event.description}" if event.description else text


class EventPicker(QDialog):
    """A list of events; ``chosen()`` is the selected event id after OK."""

    def __init__(self, events: tuple[Event, ...] | list[Event], current: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("event_picker")
        self.setWindowTitle("Choose the event")
        self.list = QListWidget(self)
        for event in events:
            item = QListWidgetItem(event_label(event))
            item.setData(Qt.ItemDataRole.UserRole, event.event_id)
            self.list.addItem(item)
            if event.event_id == current:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("This case has several events. Results are per event.", self))
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(560, 300)

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))
