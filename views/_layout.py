"""The margin-free vertical layout every view and panel is built with, and its one-line labels."""
from __future__ import annotations

from typing import TypeVar

from PySide6 import QtGui
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent, QPainter, QPaintEvent, QResizeEvent
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


class QuietLine(QWidget):
    """A one-line ``ElidedLabel`` in a frame of its own that no layout manages: a new text
    repaints the label and nothing else. A label laid out in a layout asks every layout up to
    the main window to recompute when its text changes (``QLabel.setText`` always updates its
    geometry, whatever its size policy); each following a selection, the notes' tab widget
    then repainted every field in it and the status bar all its fields. Here the request
    stops at this frame, whose size never depends on the text (``grow``: its width follows
    the longest text shown so far, for a status bar field)."""

    def __init__(self, text: str = " ", grow: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = opaque(ElidedLabel(text, self))
        self.label.setWordWrap(False)
        self._grow = grow
        self.setFixedHeight(self.label.fontMetrics().height() + 4)
        self.setSizePolicy(QSizePolicy.Policy.Fixed if grow else QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(0)
        if grow:
            self.setFixedWidth(self.label.sizeHint().width())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.label.setGeometry(self.rect())

    def _fit_text(self) -> None:
        if self._grow and self.label.sizeHint().width() > self.width():
            self.setFixedWidth(self.label.sizeHint().width())

    # the label's text API, as callers used it on the label itself
    def setText(self, text: str) -> None:  # noqa: N802 (QLabel API)
        self.label.setText(text)
        self._fit_text()

    def text(self) -> str:
        return self.label.text()

    def setTextFormat(self, fmt: Qt.TextFormat) -> None:  # noqa: N802 (QLabel API)
        self.label.setTextFormat(fmt)

    def setToolTip(self, tip: str) -> None:  # noqa: N802 (Qt API)
        self.label.setToolTip(tip)

    def toolTip(self) -> str:  # noqa: N802 (Qt API)
        return self.label.toolTip()

    def setTextInteractionFlags(self, flags: Qt.TextInteractionFlag) -> None:  # noqa: N802 (QLabel API)
        self.label.setTextInteractionFlags(flags)

    def shown_text(self) -> str:
        """The text as painted: elided to the line's width."""
        return self.label.shown_text()


def status_line(text: str = " ", grow: bool = False) -> QuietLine:
    """A one-line label whose text never resizes or re-lays out anything: no wrapping, any
    width (long text is elided, not widening the dock), one line tall (the plot above never
    shrinks), opaque (see ``QuietLine``)."""
    return QuietLine(text, grow)


L = TypeVar("L", bound=QWidget)


def opaque(widget: L) -> L:
    """``widget`` fills its background, so Qt repaints it alone when it changes: a label that
    changed with every selection repainted the dock, the main window and every widget under
    its rectangle too (the dock's title bar and buttons included). Returns it."""
    widget.setAutoFillBackground(True)
    return widget


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
