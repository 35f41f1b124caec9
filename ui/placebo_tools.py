"""The placebo test as a background action of the window (METHOD §5), off by default.

Analysis ▸ Run placebo test runs it for the result on screen (a cached test comes back at
once) on the window's worker pool (``ui.pool_work``). When it finishes, the suspects are
re-ranked by their placebo p (with a 'Placebo p' column), the rings show theirs, the placebo
figure is filled and the status bar says so. Every new result is shown without any of it (an
analysis without the placebo never shows placebo ranks) and cancels a test still running for
the old one.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from engine.placebo.stage import PlaceboResult
from engine.results import AnalysisResult
from ui.placebo_jobs import PlaceboShown, placebo_job, placebo_params
from ui.pool_work import PoolWork
from ui.window_parts import WindowParts
from views.placebo_view import PlaceboView

DEFAULT_N = 40          # pseudo-events when the settings say 0 (METHOD §5's default)
JOB = "placebo"


class PlaceboTools(QObject):
    """The action, the re-ranking of the views and the placebo figure (``window.placebo``)."""

    done = Signal(object)        # PlaceboShown, once every view shows it

    def __init__(self, parts: WindowParts, work: PoolWork, view: PlaceboView) -> None:
        super().__init__(parts.window)
        self.parts = parts
        self.session = parts.session
        self.work = work
        self.view = view
        self.action = parts.actions["run_placebo"]
        self.shown: PlaceboShown | None = None
        self._base: AnalysisResult | None = None     # the result the running test belongs to
        work.succeeded.connect(self._on_succeeded)
        work.failed.connect(self._on_failed)

    def current(self) -> PlaceboResult | None:
        """The placebo test of the result on screen, once it ran (for the packet)."""
        shown = self.shown
        return shown.placebo if shown is not None and shown.base is self.session.result else None

    def start(self) -> bool:
        """Run the test for the shown result (the cached one comes back at once)."""
        s = self.session
        base = s.result
        if base is None or s.info is None or s.tables is None:
            return False
        params = placebo_params(base, s.params, DEFAULT_N)
        self._base = base
        self.shown = None
        self.parts.status.set_state(f"Placebo test: {params.placebo.n} ordinary days asked…")
        self.work.start(JOB, placebo_job, str(s.info.path), s.tables, base, params)
        return True

    def cancel(self) -> None:
        if self.work.running_job == JOB and self.work.cancel():
            self.parts.status.set_state("Placebo test cancelled")

    def _on_succeeded(self, name: str, value: object) -> None:
        if name != JOB or not isinstance(value, PlaceboShown) or value.base is not self.session.result:
            return                                   # another job's, or the shown result changed meanwhile
        self.parts.hub.update_views(value.view_data, then=lambda: self._shown(value))

    def _shown(self, value: PlaceboShown) -> None:
        """Every view shows the test: raise its figure and say so."""
        self.shown = value
        dock = self.parts.docks.get("placebo")
        if dock is not None:
            dock.show()
            dock.raise_()
        placebo = value.placebo
        if placebo.available:
            text = (f"Placebo test done: suspects re-ranked by placebo p ({placebo.n_used} ordinary days, "
                    f"{placebo.windows} windows)")
        else:
            text = f"Placebo test not available: {placebo.reason}"
        self.parts.status.set_state(text)
        self.done.emit(value)

    def _on_failed(self, name: str, exc: object) -> None:
        if name == JOB:
            self.parts.status.set_state(f"Placebo test failed: {exc}")

    def on_result_changed(self, *_args: object) -> None:
        """A new result (or none) is on screen: the test of the old one is void."""
        self.shown = None
        if self._base is not self.session.result:
            self.cancel()
        self.update_enabled()

    def update_enabled(self) -> None:
        self.action.setEnabled(self.session.result is not None)
