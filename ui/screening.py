"""Wires the placebo test and the screening of every event (METHOD §5, §6) into the window:
one worker pool the window owns, the two Analysis actions, the placebo figure (a view the hub
serves like the others) and the Events dock; the pool ends with the window."""
from __future__ import annotations

from dataclasses import dataclass

from ui.events_dock import EventsPanel, EventsTools
from ui.placebo_tools import PlaceboTools
from ui.pool_work import PoolWork
from ui.window_parts import WindowParts
from views.placebo_view import PlaceboView


@dataclass(frozen=True)
class Screening:
    """The pool's job runner, the placebo tools and the Events tools (``window.screening``)."""

    work: PoolWork
    placebo: PlaceboTools
    events: EventsTools

    def cancel(self) -> None:
        """Stop the running placebo test or screening (the status bar's cancel button)."""
        self.placebo.cancel()
        self.events.cancel()

    def shutdown(self) -> None:
        """End the job and the worker processes (the window is closing)."""
        self.work.shutdown()


def install_screening(parts: WindowParts, view: PlaceboView, panel: EventsPanel) -> Screening:
    """Add Analysis ▸ Run placebo test and Screen all events, served by one worker pool."""
    work = PoolWork(parts.status, parts.window)
    placebo = PlaceboTools(parts, work, view)
    events = EventsTools(parts, work, panel, placebo)
    a, s, hub = parts.actions, parts.session, parts.hub
    menu = parts.menus["analysis"]
    menu.addSeparator()
    menu.addActions([a["run_placebo"], a["screen_events"]])
    a["run_placebo"].triggered.connect(lambda _checked=False: placebo.start())
    a["screen_events"].triggered.connect(lambda _checked=False: events.start())
    hub.subscribe(view)
    hub.result_shown.connect(events.on_result_shown)
    s.result_ready.connect(placebo.on_result_changed)
    s.result_cleared.connect(placebo.on_result_changed)
    s.case_opened.connect(lambda _info: events.update_enabled())
    s.case_closed.connect(events.on_case_closed)
    s.case_closed.connect(events.update_enabled)
    screening = Screening(work=work, placebo=placebo, events=events)
    parts.status.cancel_requested.connect(screening.cancel)
    placebo.update_enabled()
    events.update_enabled()
    return screening
