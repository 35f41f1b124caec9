"""The Events dock (METHOD §6): every event of the case screened with its placebo test, ranked,
with the evidence behind each rank; picking one opens its analysis and placebo test (both
cached by the screening) in the views.

Analysis ▸ Screen all events runs ``engine.screen.run.screen`` as a job on the window's
worker pool (``ui.pool_work``): one task per event, each event's pseudo-events inline in its
task (one level of parallelism).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QWidget

from engine.screen.rank import ScreenEntry
from ui.placebo_jobs import screen_job
from ui.placebo_tools import DEFAULT_N, PlaceboTools
from ui.pool_work import PoolWork
from ui.session import PreparedResult
from ui.window_parts import WindowParts
from views._layout import stack

HEADER = ("Rank", "Event", "Placebo p", "Pseudo-events", "Suspects", "Suspicious rings", "HIGH options days",
          "Evidence")
EMPTY_TEXT = "Not screened yet: Analysis ▸ Screen all events ranks every event of the case by its placebo test."
JOB = "screen"


def entry_cells(e: ScreenEntry) -> list[str]:
    """The table cells of one screened event (a failed one names its error)."""
    if e.error:
        return ["", e.event_id, "", "", "", "", "", f"failed: {e.error}"]
    return [str(e.rank), e.event_id, "n/a" if e.p_value is None else f"{e.p_value:.3g}", str(e.n_used),
            str(e.n_suspects), str(e.suspicious_rings), str(e.high_options_days), "; ".join(e.evidence)]


class EventsPanel(QWidget):
    """The ranked events; double-click (or Enter) on one asks to open it."""

    open_requested = Signal(str)     # event_id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("events_panel")
        self.summary = QLabel(EMPTY_TEXT, self)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADER), self)
        self.table.setHorizontalHeaderLabels(HEADER)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.resizeColumnsToContents()    # the headers in full before a screening ("IGH options day")
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        self.entries: list[ScreenEntry] = []
        stack(self, self.summary, (self.table, 1))

    def show_entries(self, entries: list[ScreenEntry]) -> None:
        self.entries = list(entries)
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            for col, text in enumerate(entry_cells(entry)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        failed = sum(1 for e in self.entries if e.error)
        self.summary.setText(f"{len(self.entries)} events ranked by the placebo p of the excess discontinuous "
                             f"share (METHOD §6)" + (f"; {failed} failed" if failed else "")
                             + ". Double-click one to open it.")

    def open_row(self, row: int) -> None:
        """Ask to open the event of ``row`` (a failed event has nothing to open)."""
        if 0 <= row < len(self.entries) and not self.entries[row].error:
            self.open_requested.emit(self.entries[row].event_id)

    def clear(self) -> None:
        self.entries = []
        self.table.setRowCount(0)
        self.summary.setText(EMPTY_TEXT)


class EventsTools(QObject):
    """The screen action, the Events dock and opening a picked event (``window.events``)."""

    def __init__(self, parts: WindowParts, work: PoolWork, panel: EventsPanel, placebo: PlaceboTools) -> None:
        super().__init__(parts.window)
        self.parts = parts
        self.session = parts.session
        self.work = work
        self.panel = panel
        self.placebo = placebo
        self.action = parts.actions["screen_events"]
        self._open_placebo_for: str | None = None
        work.succeeded.connect(self._on_succeeded)
        work.failed.connect(lambda name, exc: parts.status.set_state(f"Screening failed: {exc}")
                            if name == JOB else None)
        panel.open_requested.connect(self.open_event)

    def start(self) -> bool:
        """Screen every event of the open case on the worker pool."""
        s, info = self.session, self.session.info
        if info is None or s.tables is None:
            return False
        if info.read_only:
            self.parts.status.showMessage("The case is read-only: screening caches every event's analysis in it; "
                                          "copy the case to a writable folder first.", 10000)
            return False
        params = s.params.replace("placebo", n=s.params.placebo.n or DEFAULT_N)
        self.parts.status.set_state(f"Screening {len(info.events)} events ({params.placebo.n} ordinary days each)…")
        self.work.start(JOB, screen_job, str(info.path), s.tables, params)
        return True

    def cancel(self) -> None:
        if self.work.running_job == JOB and self.work.cancel():
            self.parts.status.set_state("Screening cancelled")

    def _on_succeeded(self, name: str, entries: object) -> None:
        if name != JOB or not isinstance(entries, list):
            return
        self.panel.show_entries(entries)
        dock = self.parts.docks.get("events")
        if dock is not None:
            dock.show()
            dock.raise_()
        failed = sum(1 for e in entries if e.error)
        self.parts.status.set_state(f"Screened {len(entries)} events" + (f", {failed} failed" if failed else ""))

    def open_event(self, event_id: str) -> None:
        """Show the event's analysis (cached by the screening), then its placebo test."""
        s = self.session
        if s.info is None:
            return
        s.set_event(event_id)
        self._open_placebo_for = event_id
        s.run_analysis(use_cache=True)

    def on_result_shown(self, prepared: PreparedResult) -> None:
        if self._open_placebo_for is not None and prepared.result.event.event_id == self._open_placebo_for:
            self._open_placebo_for = None
            self.placebo.start()

    def on_case_closed(self) -> None:
        self.cancel()
        self._open_placebo_for = None
        self.panel.clear()

    def update_enabled(self) -> None:
        info = self.session.info
        self.action.setEnabled(info is not None and not info.read_only)

