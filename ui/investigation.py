"""Wires the investigation tools into the main window with one call.

- the timeline's brushed period goes to every view that filters by period (the network);
- views that show case work (profile, worklist) get a fresh ``CaseWorkSnapshot`` whenever
  a decision, tag or note is saved, a case opens or a result is shown;
- views that keep case documents (the worklist's saved filters, the link chart's
  annotations) load them from the open case and write them back through it, each change
  with its audit entry.

Views never hold the case store; this module is the only place they meet it.
"""
from __future__ import annotations

import logging
from PySide6.QtCore import QObject

from engine.case.review import EMPTY_WORK, case_work
from ui.window_parts import WindowParts

log = logging.getLogger(__name__)


class InvestigationTools(QObject):
    """Kept on the window as ``window.investigation``."""

    def __init__(self, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self.parts = parts
        self.views = parts.hub.views
        for view in self.views.values():
            signal = getattr(view, "period_requested", None)
            if signal is not None:
                signal.connect(self.broadcast_period)
            saver = getattr(view, "document_changed", None)
            if saver is not None:
                saver.connect(self._save_document)
        notes = parts.notes
        notes.decision_recorded.connect(lambda _inv: self.refresh())
        notes.investor_note.saved.connect(lambda _target: self.refresh())
        notes.tags.editingFinished.connect(self.refresh)
        parts.session.case_opened.connect(lambda _info: self.refresh())
        parts.session.case_closed.connect(self.refresh)
        parts.hub.result_shown.connect(lambda _prepared: self.refresh())

    def broadcast_period(self, period: object) -> None:
        """Hand a brushed period (or None) to every view that filters by period."""
        for name, view in self.views.items():
            apply = getattr(view, "apply_period", None)
            if apply is not None:
                try:
                    apply(period)
                except Exception:
                    log.error("view %s failed to apply the period", name, exc_info=True)

    def refresh(self) -> None:
        """Give every view that shows case work the current snapshot and documents."""
        store = self.parts.session.store
        work = case_work(store) if store is not None else EMPTY_WORK
        event = self.parts.session.event
        for view in self.views.values():
            setter = getattr(view, "set_case_work", None)
            if setter is not None:
                setter(work)
            loader = getattr(view, "set_documents", None)
            if loader is not None:
                keys = view.document_keys(event.event_id if event is not None else "")
                loader({k: (store.document(k) if store is not None else None) for k in keys})

    def _save_document(self, key: str, value: object, action: str, details: dict) -> None:
        """A view changed a case document: write it with its audit entry."""
        store = self.parts.session.store
        if store is None or getattr(store, "read_only", False):
            self.parts.status.showMessage("The case is read-only: the change is not saved.", 8000)
            return
        store.put_document(key, value, action, details)


def install_investigation(parts: WindowParts) -> InvestigationTools:
    """Connect the investigation tools of the window's views to its session, hub and notes."""
    return InvestigationTools(parts)
