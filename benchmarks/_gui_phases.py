"""Helpers of bench_gui.py: an event-loop heartbeat that records GUI-thread stalls, the phases
an investigator goes through (open, analysis, threshold change, expansion, packet export) each
started from the event loop, and selection timing per view and in total."""
from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any, Callable

HEARTBEAT_MS = 10
POLL_MS = 20       # how often ``wait`` checks whether a step is done
SETTLE_S = 1.0     # after a phase's last signal, keep beating this long (late repaints count too)


def wait(app: Any, predicate: Callable[[], bool], timeout_s: float = 900.0) -> None:
    """Run the event loop until ``predicate()`` holds (checked every POLL_MS), sleeping between
    events as the application's own loop does. ``processEvents(WaitForMoreEvents, 50)`` never
    sleeps (Qt drops the flag when given a time limit): the loop spun, so the GUI thread took a
    core's share from the child processes it waited for and, a CPU hog to the scheduler, was
    descheduled longer, which the heartbeat counted as stalls."""
    from PySide6.QtCore import QEventLoop, QTimer
    if predicate():
        return
    end = time.perf_counter() + timeout_s
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(POLL_MS)

    failed: list[BaseException] = []

    def check() -> None:   # an error inside a Qt slot would only be printed: keep it to raise
        try:
            done = predicate() or time.perf_counter() > end
        except BaseException as exc:   # noqa: BLE001 - re-raised below, outside the event loop
            failed.append(exc)
            done = True
        if done:
            loop.quit()
    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    if failed:
        raise failed[0]
    if not predicate():
        raise TimeoutError("benchmark step timed out")


def settle(app: Any, seconds: float) -> None:
    """Keep the event loop running for ``seconds``."""
    end = time.perf_counter() + seconds
    wait(app, lambda: time.perf_counter() >= end, timeout_s=seconds + 5)


class Heartbeat:
    """A QTimer firing every HEARTBEAT_MS; the largest gap between beats is the longest stall."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer
        self.timer = QTimer()
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._beat)
        self.last = 0.0
        self.gaps: list[float] = []

    def _beat(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self.last)
        self.last = now

    def start(self) -> None:
        self.last = time.perf_counter()
        self.gaps.clear()
        self.timer.start()

    def stop(self) -> tuple[float, float]:
        """(longest gap, 99th percentile gap) in seconds."""
        self.timer.stop()
        gaps = sorted(self.gaps)
        if not gaps:
            return float("nan"), float("nan")
        return gaps[-1], gaps[int(0.99 * (len(gaps) - 1))]


def phase(app: Any, name: str, start: Callable[[], None], done: Callable[[], bool]) -> float:
    """Start a phase from the event loop (so its own first call counts as a stall too), wait
    until ``done()``, settle, and print the longest GUI-thread stall; returns it in seconds."""
    from PySide6.QtCore import QTimer
    beat = Heartbeat()
    beat.start()
    t0 = time.perf_counter()
    QTimer.singleShot(0, start)
    wait(app, done)
    wall = time.perf_counter() - t0
    settle(app, SETTLE_S)
    worst, p99 = beat.stop()
    print(f"  {name:18s} {wall:7.2f} s   longest GUI stall {worst * 1000:7.0f} ms   "
          f"99th pct gap {p99 * 1000:5.0f} ms", flush=True)
    return worst


def run_phases(app: Any, window: Any, case: Path, out_dir: Path) -> dict[str, float]:
    """Open (cached result), analysis (fresh, child process), threshold change (FDR),
    expansion of the top suspect, packet export (default contents); longest stall of each."""
    from engine.packet.build import PacketRequest
    from views.selection_types import SelectionRequest
    shown: list[object] = []
    window.result_shown.connect(shown.append)
    stalls: dict[str, float] = {}
    print("GUI-thread stalls per phase (heartbeat every 10 ms):", flush=True)
    stalls["open"] = phase(app, "open (cached)", lambda: window.open_case_path(case), lambda: bool(shown))
    shown.clear()
    stalls["analysis"] = phase(app, "analysis (fresh)", lambda: window.run_analysis(use_cache=False),
                               lambda: bool(shown))
    shown.clear()
    stalls["threshold"] = phase(app, "threshold to FDR", lambda: window.threshold_tools.panel.request("fdr"),
                                lambda: bool(shown))
    top = window.session.result.kmeans.suspects[0].investor_id
    exploration = window.session.exploration
    stalls["expansion"] = phase(
        app, "expansion", lambda: window.hub.request(SelectionRequest(ids=frozenset({top}), focus=top, expand=True)),
        lambda: window.session.exploration != exploration)
    written: list[object] = []
    failed: list[object] = []
    controller = window.exports.controller
    controller.packet_written.connect(written.append)
    controller.export_failed.connect(failed.append)
    stalls["packet export"] = phase(
        app, "packet export", lambda: controller.start_packet(PacketRequest(), out_dir / "bench-packet.pdf"),
        lambda: bool(written or failed))
    if failed:
        raise RuntimeError(f"the packet export failed: {failed[0]}")
    window.result_shown.disconnect(shown.append)
    return stalls


def selection_times(app: Any, window: Any, ids: list[str], what: str) -> None:
    """Median and max per view (apply_selection plus a synchronous repaint of the view) and
    in total (the hub's dispatch to every view and the notes, then the repaint, as a user sees
    it); wall time, and the GUI thread's CPU time (less sensitive to a loaded machine)."""
    from views.selection_types import Selection
    views = window.views
    per_view: dict[str, list[tuple[float, float]]] = {name: [] for name in views}
    totals: list[tuple[float, float]] = []
    paints = PaintCounter(views)
    for inv in ids:
        t0, c0 = time.perf_counter(), time.thread_time()
        window.selection.replace({inv}, inv, source="bench")
        app.processEvents()
        totals.append((time.perf_counter() - t0, time.thread_time() - c0))
    paints.stop()
    for inv in ids:   # each view alone, on the same selections, after the hub has applied them
        window.selection.replace({inv}, inv, source="bench")
        app.processEvents()
        other = Selection(ids=frozenset({ids[0] if inv != ids[0] else ids[-1]}), focus=None)
        for name, view in views.items():
            view.apply_selection(other)
            app.processEvents()
            t0, c0 = time.perf_counter(), time.thread_time()
            view.apply_selection(window.selection.value)
            if view.on_screen():
                view.repaint()
            per_view[name].append((time.perf_counter() - t0, time.thread_time() - c0))
    visible = [n for n, v in views.items() if v.on_screen()]
    print(f"selection ({what}; {len(visible)} of {len(views)} views on screen: {', '.join(visible)}), {len(ids)} investors "
          "[wall: median, max | GUI-thread CPU: median]:", flush=True)

    def row(name: str, samples: list[tuple[float, float]], note: str = "") -> str:
        wall, cpu = [s[0] * 1000 for s in samples], [s[1] * 1000 for s in samples]
        return (f"  {name:12s} median {statistics.median(wall):7.1f} ms   max {max(wall):7.1f} ms   "
                f"| cpu {statistics.median(cpu):7.1f} ms{note}")
    for name, samples in sorted(per_view.items(), key=lambda kv: -statistics.median(s[1] for s in kv[1])):
        plots = f"   plots painted {paints.count[name] / len(ids):.1f}/selection" if paints.count[name] else ""
        print(row(name, samples, plots if name in visible else "   (off screen: a tab behind another)"))
    print(row("TOTAL", totals, "   (hub dispatch + repaint)"), flush=True)


class PaintCounter:
    """Counts the paints of each view's plot canvases while the hub applies selections: a plot
    painted more often than it has canvases redrew in a second paint (a range applied while
    painting moves every item, which asks for another paint)."""

    def __init__(self, views: dict[str, Any]) -> None:
        import pyqtgraph as pg
        from PySide6.QtCore import QEvent, QObject

        counter = self

        class Filter(QObject):
            def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 (Qt API)
                if event.type() == QEvent.Type.Paint:
                    counter.count[counter.owner[id(watched)]] += 1
                return False
        self.count: dict[str, int] = {name: 0 for name in views}
        self.owner: dict[int, str] = {}
        self.viewports = []
        self.filter = Filter()
        for name, view in views.items():
            for canvas in view.findChildren(pg.GraphicsView):
                self.owner[id(canvas.viewport())] = name
                self.viewports.append(canvas.viewport())
                canvas.viewport().installEventFilter(self.filter)

    def stop(self) -> None:
        for viewport in self.viewports:
            viewport.removeEventFilter(self.filter)


def untab(window: Any, names: list[str] | tuple[str, ...], area: str = "bottom") -> None:
    """Give each named dock its own place in the window's ``area`` ("top" or "bottom"), beside
    the others there. A dock tabbed behind another is off screen and draws nothing, and
    splitting a dock from a tabbed one only adds another tab (the earlier helpers did that)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication
    where = {"top": Qt.DockWidgetArea.TopDockWidgetArea, "bottom": Qt.DockWidgetArea.BottomDockWidgetArea}[area]
    for name in names:
        dock = window.docks[name]
        window.removeDockWidget(dock)
        window.addDockWidget(where, dock, Qt.Orientation.Horizontal)
        dock.show()
    QApplication.processEvents()


def show_all_docks(window: Any) -> None:
    """Every view dock on screen: suspects and notes stay on the left, the others in two rows."""
    others = [name for name in window.views if name != "suspects"]
    half = (len(others) + 1) // 2
    untab(window, others[:half], "top")
    untab(window, others[half:], "bottom")
