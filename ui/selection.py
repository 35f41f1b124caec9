"""The single source of truth for which investors are selected, with back/forward history.

``changed(new, old)`` fires only when the value (ids, focus) differs, which by itself stops
most feedback loops between views. Hover is separate: never in history, never persisted.
"""
from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, QTimer, Signal

from views.selection_types import EMPTY_SELECTION, Selection, SelectionRequest

HISTORY_LIMIT = 50
HOVER_INTERVAL_MS = 30   # hover reaches the views at most this often (mouse moves are faster)


def _focus_after(ids: frozenset[str], wanted: str | None, old: str | None) -> str | None:
    """The focus after a change: the asked one if selected, else the old one if still
    selected, else the only id when exactly one is selected."""
    if wanted is not None and wanted in ids:
        return wanted
    if old is not None and old in ids:
        return old
    return next(iter(ids)) if len(ids) == 1 else None


class SelectionModel(QObject):
    """Selected investor ids + focus; edit modes replace/add/toggle/remove; history."""

    changed = Signal(object, object)   # new Selection, old Selection
    hovered = Signal(object)           # investor id or None
    history_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._value: Selection = EMPTY_SELECTION
        self._back: list[Selection] = []
        self._forward: list[Selection] = []
        self._hover: str | None = None
        self._hover_pending: str | None = None
        self._hover_timer = QTimer(self)
        self._hover_timer.setSingleShot(True)
        self._hover_timer.setInterval(HOVER_INTERVAL_MS)
        self._hover_timer.timeout.connect(self._emit_hover)

    @property
    def value(self) -> Selection:
        return self._value

    # -- edits --------------------------------------------------------------------------
    def replace(self, ids: Iterable[str], focus: str | None = None, source: str = "") -> bool:
        new_ids = frozenset(ids)
        return self._commit(Selection(new_ids, _focus_after(new_ids, focus, None), source))

    def add(self, ids: Iterable[str], focus: str | None = None, source: str = "") -> bool:
        new_ids = self._value.ids | frozenset(ids)
        return self._commit(Selection(new_ids, _focus_after(new_ids, focus, self._value.focus), source))

    def toggle(self, ids: Iterable[str], focus: str | None = None, source: str = "") -> bool:
        new_ids = self._value.ids ^ frozenset(ids)
        return self._commit(Selection(new_ids, _focus_after(new_ids, focus, self._value.focus), source))

    def remove(self, ids: Iterable[str], source: str = "") -> bool:
        new_ids = self._value.ids - frozenset(ids)
        return self._commit(Selection(new_ids, _focus_after(new_ids, None, self._value.focus), source))

    def clear(self, source: str = "") -> bool:
        return self._commit(Selection(frozenset(), None, source))

    def set_focus(self, investor_id: str | None, source: str = "") -> bool:
        """Focus one investor, adding it to the selection if needed."""
        if investor_id is None:
            return self._commit(Selection(self._value.ids, None, source))
        return self._commit(Selection(self._value.ids | {investor_id}, investor_id, source))

    def apply(self, request: SelectionRequest) -> bool:
        """Apply a view's request; returns whether the selection changed."""
        if request.mode == "replace":
            return self.replace(request.ids, request.focus, request.source)
        if request.mode == "add":
            return self.add(request.ids, request.focus, request.source)
        if request.mode == "toggle":
            return self.toggle(request.ids, request.focus, request.source)
        return self.remove(request.ids, request.source)

    # -- hover --------------------------------------------------------------------------
    def set_hover(self, investor_id: str | None) -> None:
        """Throttled: the latest hovered id is emitted at most every HOVER_INTERVAL_MS."""
        self._hover_pending = investor_id
        if not self._hover_timer.isActive():
            self._hover_timer.start()

    def _emit_hover(self) -> None:
        if self._hover_pending != self._hover:
            self._hover = self._hover_pending
            self.hovered.emit(self._hover)

    # -- history ------------------------------------------------------------------------
    def can_go_back(self) -> bool:
        return bool(self._back)

    def can_go_forward(self) -> bool:
        return bool(self._forward)

    def back(self) -> bool:
        """Return to the previous selection."""
        if not self._back:
            return False
        self._forward.append(self._value)
        self._set(self._back.pop())
        return True

    def forward(self) -> bool:
        """Redo a selection undone by ``back``."""
        if not self._forward:
            return False
        self._back.append(self._value)
        self._set(self._forward.pop())
        return True

    def reset(self) -> None:
        """Clear selection and history (a case was closed or a new result replaced ids)."""
        self._back.clear()
        self._forward.clear()
        self._set(EMPTY_SELECTION)

    def _commit(self, new: Selection) -> bool:
        if new == self._value:
            return False
        self._back.append(self._value)
        del self._back[:-HISTORY_LIMIT]
        self._forward.clear()
        self._set(new)
        return True

    def _set(self, new: Selection) -> None:
        old, self._value = self._value, new
        if new != old:
            self.changed.emit(new, old)
        self.history_changed.emit()
