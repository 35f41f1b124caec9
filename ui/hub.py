"""The hub between the selection model, the session and the views.

Views subscribe once; from then on the hub alone routes: a view's selection request to the
selection model (and an expansion to the session), the selection, hover, exploration and
decisions to every view, and each new result to the views one per event-loop turn (visible
views first, with the selection and decisions, so the GUI never freezes for the sum of all
views' set-up; a view that splits its data into parts takes one part per turn); after
``result_shown``, the work that follows a result (``after_result``: the restored selection,
the case-work snapshot) runs one per turn too. A newer result or a
cleared one ends the older chain. The window only listens to the hub's signals for its status
bar and dialogs.
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

#: delay between two turns of a result's delivery: a timer, not a zero-delay call. Qt serves
#: posted events (a zero-delay single shot is one) before timers, so a chain of them held
#: every timer for two to four views' turns and their paints (the stall heartbeat saw one
#: 330 ms CPU gap while a reference-scale case opened; with a timer, one view and one paint)
TURN_DELAY_MS = 1


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
        self._chain = 0                 # the running delivery chain (a newer one ends it)
        self._pending_steps: list[Callable[[PreparedResult], None]] = []
        self._decisions: dict[str, str] = {}
        self._followers: list[Callable[[PreparedResult], None]] = []
        selection.changed.connect(self._on_selection_changed)
        selection.hovered.connect(self._on_hovered)
        session.case_opened.connect(self._on_case_opened)
        session.case_closed.connect(self.selection.reset)
        session.result_ready.connect(self._on_result)
        session.result_cleared.connect(self._clear_views)
        session.exploration_changed.connect(self._on_exploration_changed)

    def after_result(self, follower: Callable[[PreparedResult], None]) -> None:
        """Call ``follower`` with each result once every view shows it, in a turn of its own
        (not when a newer result came meanwhile)."""
        self._followers.append(follower)

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
        decisions = self._case_decisions()
        if decisions is not None:
            self._decisions = decisions     # the views a result's chain has not reached yet
            self._each("show the decisions", lambda view: view.apply_decisions(decisions))

    def _case_decisions(self) -> dict[str, str] | None:
        store = self.session.store
        if store is None:
            return None
        return {inv: d.decision for inv, d in store.decisions().items()}

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
        """Start showing ``prepared``: one view per turn, then ``result_shown``, then each
        follower; an older chain still running stops at its next turn."""
        self._chain += 1
        self._pending_result = prepared
        self._decisions = self._case_decisions() or {}
        names = sorted(self.views, key=lambda n: not self.views[n].on_screen())   # what is seen first
        self._pending_steps = ([lambda p, name=name: self._show_view(name, p) for name in names]
                               + [self.result_shown.emit] + list(self._followers))
        self._next_step(self._chain)

    def _next_step(self, chain: int) -> None:
        prepared = self._pending_result
        if chain != self._chain:
            return                      # superseded: the newer chain holds the steps
        if prepared is None or prepared is not self.session.prepared:
            self._pending_steps = []    # cleared meanwhile (the steps hold the views' parts)
            return
        if not self._pending_steps:
            self._pending_result = None
            return
        step = self._pending_steps.pop(0)
        try:
            step(prepared)
        except Exception:   # a follower's failure must not stop the chain
            log.error("showing a result failed", exc_info=True)
        QTimer.singleShot(TURN_DELAY_MS, lambda: self._next_step(chain))

    def _show_view(self, name: str, prepared: PreparedResult) -> None:
        """One view takes the result's data, a part per turn (``BaseView.data_parts``), and
        with its last part the selection and the case's decisions."""
        view = self.views[name]
        if name not in prepared.view_data:
            view.clear()
            return
        try:
            parts = list(view.data_parts(prepared.view_data[name]))
        except Exception as exc:
            self.view_failed.emit(f"The {view.title or name} view could not show the result", exc)
            return
        self._take_part(name, parts)

    def _take_part(self, name: str, parts: list[Callable[[], None]]) -> None:
        """Run the next of a view's data parts; the rest wait for the next turns."""
        view = self.views[name]
        try:
            parts.pop(0)()
            if parts:
                self._pending_steps.insert(0, lambda _prepared: self._take_part(name, parts))
                return
            view.apply_selection(self.selection.value)
            view.apply_decisions(self._decisions)
        except Exception as exc:
            self.view_failed.emit(f"The {view.title or name} view could not show the result", exc)

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
            QTimer.singleShot(TURN_DELAY_MS, next_view)

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
