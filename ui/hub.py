"""The hub between the selection model, the session and the views.

Views subscribe once; from then on the hub alone routes: a view's selection request to the
selection model (and an expansion to the session), the selection, hover, exploration and
decisions to every view, and each new result to the views one per event-loop turn (visible
views first, so the GUI never freezes for the sum of all views' set-up). The window only
listens to the hub's signals for its status bar and dialogs.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from engine.errors import UsageError
from engine.svn.neighbourhood import Exploration
from ui.selection import SelectionModel
from ui.session import CaseInfo, PreparedResult, Session
from views.base import BaseView
from views.selection_types import Selection, SelectionRequest

log = logging.getLogger(__name__)


class Hub(QObject):
    """Routes selection, hover, results, exploration and decisions to the subscribed views."""

    #: every view shows the new result (emitted after the last view took its data)
    result_shown = Signal(object)          # PreparedResult
    #: a view could not show a result: (dialog title, exception)
    view_failed = Signal(str, object)
    #: a short note for the status bar (e.g. why an expansion was refused)
    message = Signal(str)

    def __init__(self, session: Session, selection: SelectionModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.selection = selection
        self.views: dict[str, BaseView] = {}
        self._pending_result: PreparedResult | None = None
        self._pending_views: list[str] = []
        selection.changed.connect(self._on_selection_changed)
        selection.hovered.connect(self._on_hovered)
        session.case_opened.connect(self._on_case_opened)
        session.case_closed.connect(self.selection.reset)
        session.result_ready.connect(self._on_result)
        session.result_cleared.connect(self._clear_views)
        session.exploration_changed.connect(self._on_exploration_changed)

    def subscribe(self, view: BaseView) -> None:
        """Route ``view``'s requests and hover, and send it everything it shows from now on."""
        self.views[view.view_name] = view
        view.selection_requested.connect(self.request)
        view.hover_requested.connect(self.selection.set_hover)

    # -- requests from views and menus ----------------------------------------------------
    @Slot(object)
    def request(self, request: SelectionRequest) -> None:
        """Apply a selection request; one that asks to expand grows the exploration too."""
        self.selection.apply(request)
        target = request.focus or (next(iter(request.ids)) if len(request.ids) == 1 else None)
        if request.expand and target is not None:
            self.expand(target)

    def expand(self, investor_id: str) -> None:
        """Grow the network exploration from ``investor_id`` (case work: saved and logged)."""
        try:
            self.session.expand(investor_id)
        except UsageError as exc:
            self.message.emit(str(exc))

    def expand_focus(self) -> None:
        focus = self.selection.value.focus
        if focus is not None:
            self.expand(focus)

    def show_decisions(self) -> None:
        """Send the case's decisions to every view (after a result or a recorded decision)."""
        store = self.session.store
        if store is None:
            return
        decisions = {inv: d.decision for inv, d in store.decisions().items()}
        self._each("show the decisions", lambda view: view.apply_decisions(decisions))

    # -- session --------------------------------------------------------------------------
    @Slot(object)
    def _on_case_opened(self, _info: CaseInfo) -> None:
        self.selection.reset()
        self._clear_views()

    @Slot()
    def _clear_views(self) -> None:
        for view in self.views.values():
            view.clear()

    @Slot(object)
    def _on_result(self, prepared: PreparedResult) -> None:
        self._pending_result = prepared
        self._pending_views = sorted(self.views, key=lambda n: not self.views[n].isVisible())
        self._show_next_view()

    def _show_next_view(self) -> None:
        prepared = self._pending_result
        if prepared is None or prepared is not self.session.prepared:
            return                      # superseded or cleared meanwhile
        if not self._pending_views:
            self._pending_result = None
            self.show_decisions()
            self.result_shown.emit(prepared)
            return
        name = self._pending_views.pop(0)
        view = self.views[name]
        if name in prepared.view_data:
            try:
                view.set_data(prepared.view_data[name])
                view.apply_selection(self.selection.value)
            except Exception as exc:
                self.view_failed.emit(f"The {view.title or name} view could not show the result", exc)
        else:
            view.clear()
        QTimer.singleShot(0, self._show_next_view)

    def update_views(self, data: dict[str, Any], then: Callable[[], None] | None = None) -> None:
        """Show data computed for the shown result after it (the placebo test's re-ranked
        suspects, rings and figure): each named view takes it and the current selection, one
        per event-loop turn as a result does; ``then`` runs after the last (not when a new
        result came meanwhile)."""
        prepared = self.session.prepared
        pending = [(name, viewdata) for name, viewdata in data.items() if name in self.views]

        def next_view() -> None:
            if prepared is not self.session.prepared:
                return                      # superseded: the new result's data is shown instead
            if not pending:
                if then is not None:
                    then()
                return
            name, viewdata = pending.pop(0)
            view = self.views[name]
            try:
                view.set_data(viewdata)
                view.apply_selection(self.selection.value)
            except Exception as exc:
                self.view_failed.emit(f"The {view.title or name} view could not show the placebo test", exc)
            QTimer.singleShot(0, next_view)

        next_view()

    @Slot(object)
    def _on_exploration_changed(self, exploration: Exploration) -> None:
        self._each("show the exploration", lambda view: view.apply_exploration(exploration))

    # -- selection model ------------------------------------------------------------------
    @Slot(object, object)
    def _on_selection_changed(self, new: Selection, _old: Selection) -> None:
        self._each("apply the selection", lambda view: view.apply_selection(new))

    @Slot(object)
    def _on_hovered(self, investor_id: str | None) -> None:
        for view in self.views.values():
            view.apply_hover(investor_id)

    def _each(self, what: str, call: Callable[[BaseView], None]) -> None:
        """Call every view; one view's failure is logged and never stops the others."""
        for name, view in self.views.items():
            try:
                call(view)
            except Exception:
                log.error("view %s failed to %s", name, what, exc_info=True)
