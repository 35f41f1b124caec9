"""The margin-free vertical layout every view and panel is built with."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLayout, QSizePolicy, QVBoxLayout, QWidget

Item = QWidget | QLayout | tuple[QWidget | QLayout, int]


def status_line(text: str = " ") -> QLabel:
    """A one-line label whose text never resizes the layout: no wrapping, any width (long
    text is clipped, not widening the dock), one line tall (the plot above never shrinks)."""
    label = QLabel(text)
    label.setWordWrap(False)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
    label.setMinimumWidth(0)
    label.setFixedHeight(label.fontMetrics().height() + 4)
    return label


def one_line(text: str) -> str:
    """Multi-line text joined on one line (for a ``status_line``; the tooltip keeps the lines)."""
    return "  ·  ".join(part.strip() for part in text.splitlines() if part.strip())


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
