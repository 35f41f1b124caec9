"""The margin-free vertical layout every view and panel is built with, and its one-line labels."""
from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QLayout, QSizePolicy, QToolTip, QVBoxLayout, QWidget

Item = QWidget | QLayout | tuple[QWidget | QLayout, int]


class ElidedLabel(QLabel):
    """A label whose plain text, when too long for its width, ends in "…" instead of being cut
    mid-word at its edge (a cut word read as text running under the button beside it); the
    full text shows as its tooltip unless it has one of its own. Rich text is drawn as QLabel
    draws it."""

    def _plain(self) -> bool:
        """Whether the label shows plain text (only plain text is elided)."""
        fmt = self.textFormat()
        auto = fmt == Qt.TextFormat.AutoText and not QtGui.Qt.mightBeRichText(self.text())
        return fmt == Qt.TextFormat.PlainText or auto

    def shown_text(self) -> str:
        """The text as painted: elided to the label's width."""
        if not self._plain():
            return self.text()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        shown = self.shown_text()
        if shown == self.text():      # fits (or rich): QLabel paints it, a mouse selection too
            super().paintEvent(event)
            return
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(), int(self.alignment()), self.palette(), self.isEnabled(),
                                  shown, self.foregroundRole())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and not self.toolTip() and self.shown_text() != self.text():
            assert isinstance(event, QHelpEvent)
            QToolTip.showText(event.globalPos(), self.text(), self)
            return True
        return super().event(event)


def status_line(text: str = " ") -> QLabel:
    """A one-line label whose text never resizes the layout: no wrapping, any width (long
    text is elided, not widening the dock), one line tall (the plot above never shrinks)."""
    label = ElidedLabel(text)
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
