"""Hover reporting that only speaks when the investor under the pointer changes.

Mouse moves arrive tens of times a second; the selection model needs to hear about the
hovered investor only when it changes (and ``None`` once when the pointer leaves them).
"""
from __future__ import annotations


class HoverOnChange:
    """Mixin for BaseView subclasses: ``emit_hover(id | None)`` de-duplicates hover_requested."""

    _hover_sent: str | None = None

    def emit_hover(self, investor_id: str | None) -> None:
        if investor_id != self._hover_sent:
            self._hover_sent = investor_id
            self.hover_requested.emit(investor_id)  # type: ignore[attr-defined]
