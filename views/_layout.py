"""The margin-free vertical layout every view and panel is built with."""
from __future__ import annotations

from PySide6.QtWidgets import QLayout, QVBoxLayout, QWidget

Item = QWidget | QLayout | tuple[QWidget | QLayout, int]


def stack(owner: QWidget, *items: Item, spacing: int | None = None) -> QVBoxLayout:
    """Lay ``items`` out top to bottom on ``owner`` without margins; ``(item, n)`` stretches by n."""
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    if spacing is not None:
        layout.setSpacing(spacing)
    for entry in items:
        item, stretch = entry if isinstance(entry, tuple) else (entry, 0)
        if isinstance(item, QLayout):
            layout.addLayout(item, stretch)
        else:
            layout.addWidget(item, stretch)
    return layout
