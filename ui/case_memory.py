"""The selection of a case is remembered in the case file and shown again on reopen.

Saved as a case setting (audited like any setting) when the case closes, per event; given
back to the selection model once the reopened case's result is on screen (for the same
event), unless the investigator selected someone before that: their choice stands.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import QObject

from views.selection_types import Selection

SELECTION_SETTING = "last_selection"   # case setting: {"event_id", "ids", "focus"}

log = logging.getLogger(__name__)


class CaseMemory(QObject):
    """Saves the selection on ``case_closing``; restores it on the first result after opening."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self._restore_pending = False
        session = window.session
        session.case_closing.connect(self.save)
        session.case_opened.connect(self._on_opened)
        window.selection.changed.connect(self._on_selection_changed)
        window.hub.after_result(self.restore)   # after every view shows the result, in a turn of its own

    def save(self) -> None:
        store, event = self.window.session.store, self.window.session.event
        value = self.window.selection.value
        if store is None or event is None or getattr(store, "read_only", False):
            return
        store.set_setting(SELECTION_SETTING, json.dumps(
            {"event_id": event.event_id, "ids": sorted(value.ids), "focus": value.focus}))

    def _on_opened(self, _info: Any) -> None:
        self._restore_pending = True

    def _on_selection_changed(self, new: Selection, _old: Selection) -> None:
        """A selection made while the reopened result was being shown (the views fill one per
        turn, seconds on a loaded machine) was replaced by the saved one when it came."""
        if new.source != "restore" and not new.is_empty:
            self._restore_pending = False

    def restore(self, _prepared: Any) -> None:
        if not self._restore_pending:
            return
        self._restore_pending = False
        session = self.window.session
        text = session.store.get_setting(SELECTION_SETTING) if session.store is not None else None
        if not text or session.event is None:
            return
        try:
            saved = json.loads(text)
        except ValueError:
            log.warning("ignoring an unreadable saved selection")
            return
        if saved.get("event_id") != session.event.event_id:
            return
        ids = {str(i) for i in saved.get("ids", ())}
        focus = saved.get("focus") if saved.get("focus") in ids else None
        if ids:
            self.window.selection.replace(ids, focus, source="restore")


def install_case_memory(window: Any) -> CaseMemory:
    """Remember the selection of each case the window opens."""
    return CaseMemory(window)
