"""Right-click on a view: what is under the pointer, asked for without touching the selection.

A view names the investor (or ring) under a right-click in a ``ContextRequest``; the ui layer
turns it into the investigator's verbs (expand, pin, copy id, decision, packet, figure). A
right-click on a table must not select the row under it, as Qt's item views do by default,
so the press is swallowed before the table sees it.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QAbstractScrollArea

from views._weak import weak_callable


@dataclass(frozen=True)
class ContextRequest:
    """A right-click on view ``source`` at ``global_pos`` over ``investor`` and/or ``ring``."""

    source: str
    global_pos: QPoint
    investor: str | None = None
    ring: int | None = None
    members: tuple[str, ...] = ()     # the ring's members, when ``ring`` is set


Locate = Callable[[QPoint], tuple[str | None, int | None, tuple[str, ...]]]


class _SwallowRightPress(QObject):
    """Event filter: right-button presses never reach the item view (no selection change)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick) \
                and event.button() == Qt.MouseButton.RightButton:
            return True
        return False


def enable_context(view: Any, area: QAbstractScrollArea, locate: Locate, keep_selection: bool = False) -> None:
    """Right-clicks on ``area`` (a plot or a table; ``locate`` gets viewport coordinates)
    make ``view`` emit ``context_requested``; ``keep_selection`` swallows the right press."""
    area.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    where = weak_callable(locate, (None, None, ())) if hasattr(locate, "__self__") else locate
    owner = weakref.ref(view)

    def requested(pos: QPoint) -> None:
        target = owner()
        if target is None:
            return
        investor, ring, members = where(pos)
        target.context_requested.emit(ContextRequest(
            source=target.view_name, global_pos=area.viewport().mapToGlobal(pos), investor=investor,
            ring=ring, members=tuple(members)))

    area.customContextMenuRequested.connect(requested)
    if keep_selection:
        swallow = _SwallowRightPress(area)
        area.viewport().installEventFilter(swallow)


def nobody(_pos: QPoint) -> tuple[None, None, tuple[str, ...]]:
    """``Locate`` for plots without investors under the pointer (figure verbs only)."""
    return None, None, ()
