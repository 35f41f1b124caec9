"""GUI speed at the demo scale: cold start, demo case open, selection propagation, and the
longest GUI-thread stall (a 10 ms heartbeat timer's largest gap) while the case opens, an
analysis runs (thread and child-process modes), the threshold changes, the network expands
and a packet is exported.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui.py [--skip-process] [--scale ima]
Targets: selection propagation <= 50 ms; longest stall of each interaction <= 100 ms.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
HEARTBEAT_MS = 10
SPARE_WARM_UP_S = 8.0


def _private_dirs() -> None:
    base = Path(tempfile.mkdtemp(prefix="itwb-bench-"))
    for name, sub in (("ITWB_DATA_DIR", "data"), ("ITWB_SETTINGS_DIR", "settings"), ("ITWB_LOG_DIR", "log")):
        os.environ.setdefault(name, str(base / sub))


def _wait(app, predicate, timeout_s: float = 600.0) -> None:
    from PySide6.QtCore import QEventLoop
    end = time.perf_counter() + timeout_s
    while not predicate():
        if time.perf_counter() > end:
            raise TimeoutError("benchmark step timed out")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)


def _settle(app, seconds: float) -> None:
    """Keep the event loop running for ``seconds`` (the benchmark's only deliberate wait)."""
    end = time.perf_counter() + seconds
    _wait(app, lambda: time.perf_counter() >= end, timeout_s=seconds + 5)


class Heartbeat:
    """A QTimer firing every HEARTBEAT_MS; the largest gap between beats is the stall."""

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

    def stop(self) -> float:
        self.timer.stop()
        return max(self.gaps) if self.gaps else float("nan")


def stall_during_analysis(app, window, in_process: bool) -> tuple[float, float, float]:
    """(longest stall s, 99th percentile gap s, analysis wall time s) for a fresh analysis."""
    window.session.in_process = in_process
    if in_process:   # let the spare child finish its imports, as it would after start-up
        _settle(app, SPARE_WARM_UP_S)
    outcome: list[str] = []
    shown: list[object] = []
    window.session.analysis_finished.connect(outcome.append)
    window.result_shown.connect(shown.append)
    beat = Heartbeat()
    beat.start()
    t0 = time.perf_counter()
    window.session.run_analysis(use_cache=False)
    _wait(app, lambda: bool(shown) or (bool(outcome) and outcome != ["done"]))
    wall = time.perf_counter() - t0
    worst = beat.stop()
    window.session.analysis_finished.disconnect(outcome.append)
    window.result_shown.disconnect(shown.append)
    gaps = sorted(beat.gaps)
    p99 = gaps[int(0.99 * (len(gaps) - 1))] if gaps else float("nan")
    if outcome != ["done"]:
        raise RuntimeError(f"analysis ended with {outcome}")
    return worst, p99, wall


def stall_during(app, start, finished, timeout_s: float = 900.0) -> tuple[float, float]:
    """(longest heartbeat gap s, wall time s) from ``start()`` until ``finished()`` is true."""
    beat = Heartbeat()
    beat.start()
    t0 = time.perf_counter()
    start()
    _wait(app, finished, timeout_s)
    _settle(app, 0.2)                      # the views' last event-loop turns count too
    return beat.stop(), time.perf_counter() - t0


def interaction_stalls(app, window, case: Path, packet_dir: Path) -> list[tuple[str, float, float]]:
    """Longest GUI stall of: open (cached result), threshold change, expansion, packet export."""
    out = []
    shown: list[object] = []
    window.result_shown.connect(shown.append)
    window.close_case()
    out.append(("open (cached result shown)",
                *stall_during(app, lambda: window.open_case_path(case), lambda: bool(shown))))
    panel = window.threshold_tools.panel
    _wait(app, lambda: panel.marks is not None)
    shown.clear()
    out.append(("threshold change (typed 1e-5, re-validated, shown)",
                *stall_during(app, lambda: panel.request("threshold", 1e-5), lambda: bool(shown))))
    top = window.views["suspects"].model.investor_at(0)
    grown: list[object] = []
    window.session.exploration_changed.connect(grown.append)
    out.append(("expansion of the top suspect",
                *stall_during(app, lambda: (window.selection.replace({top}, top, source="bench"), window.hub.expand(top)),
                              lambda: bool(grown))))
    from engine.packet.build import PacketRequest
    written: list[object] = []
    controller = window.exports.controller
    controller.packet_written.connect(written.append)
    controller.export_failed.connect(written.append)
    out.append(("packet export (top suspects and rings)",
                *stall_during(app, lambda: controller.start_packet(PacketRequest(), packet_dir / "bench-packet.pdf"),
                              lambda: bool(written) or not controller.busy())))
    return out


def _case_at_scale(scale: str) -> Path:
    """The user's demo case (default scale) or a reference-scale case in the data folder."""
    from ui.demo_case import build_demo_case, demo_case_path, demo_is_current
    if scale == "default":
        if not demo_is_current():
            build_demo_case()
        return demo_case_path()
    from engine.applog import data_dir
    from engine.demo.generate import demo_paths, write_demo_market
    from engine.ingest.importer import import_case
    out = data_dir() / f"bench-{scale}.itcase"
    if not out.exists():
        market = data_dir() / f"bench-{scale}-market"
        market.mkdir(parents=True, exist_ok=True)
        write_demo_market(market, seed=7, scale=scale)
        import_case(demo_paths(market), out)
    return out


def _selection_times(app, window, ids: list[str], what: str) -> None:
    """Replace the selection with each id in turn; time until every view has drawn it."""
    times = []
    for inv in ids:
        t0 = time.perf_counter()
        window.selection.replace({inv}, inv, source="bench")
        app.processEvents()
        times.append(time.perf_counter() - t0)
    visible = sum(view.isVisible() for view in window.views.values())
    print(f"selection propagation to {len(window.views)} views ({visible} visible, {what}) + notes: median "
          f"{statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms "
          f"over {len(times)} selections")


def _split_off(window, names: tuple[str, ...]) -> None:
    """Make the named docks visible beside the suspects table (tabbed docks do not draw)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication
    for name in names:
        window.splitDockWidget(window.docks["suspects"], window.docks[name], Qt.Orientation.Horizontal)
        window.docks[name].show()
    QApplication.processEvents()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-process", action="store_true", help="do not measure the child-process mode")
    parser.add_argument("--scale", default="default", choices=("default", "ima"),
                        help="demo market size: default (3,000 investors) or ima (27,000, the reference scale)")
    args = parser.parse_args()
    _private_dirs()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (the machine may be shared)")
    t0 = time.perf_counter()
    from ui.app import build_window, make_app
    app = make_app()
    window = build_window(in_process=False)
    window.show()
    app.processEvents()
    cold = time.perf_counter() - t0
    print(f"cold start to window shown: {cold:.2f} s")

    t0 = time.perf_counter()
    case = _case_at_scale(args.scale)
    print(f"demo case build ({args.scale} scale): {time.perf_counter() - t0:.2f} s")

    ready: list[object] = []
    window.result_shown.connect(ready.append)
    t0 = time.perf_counter()
    window.open_case_path(case)
    _wait(app, lambda: bool(ready))
    app.processEvents()
    print(f"demo open, first analysis, results shown: {time.perf_counter() - t0:.2f} s")

    window.close_case()
    ready.clear()
    t0 = time.perf_counter()
    window.open_case_path(case)
    _wait(app, lambda: bool(ready))
    app.processEvents()
    print(f"demo reopen, cached result shown: {time.perf_counter() - t0:.2f} s")

    suspects = window.views["suspects"]
    ids = [suspects.model.investor_at(r) for r in range(min(50, suspects.model.rowCount()))]
    _selection_times(app, window, ids, "default layout")
    _split_off(window, ("profile", "timeline"))
    _selection_times(app, window, ids, "profile and timeline docks shown too")

    for in_process in ((False,) if args.skip_process else (False, True)):
        worst, p99, wall = stall_during_analysis(app, window, in_process)
        mode = "child process" if in_process else "thread"
        print(f"analysis in a {mode}: {wall:.1f} s; longest GUI stall {worst * 1000:.0f} ms, "
              f"99th percentile heartbeat gap {p99 * 1000:.0f} ms")
    for what, worst, wall in interaction_stalls(app, window, case, Path(tempfile.mkdtemp(prefix="itwb-bench-packet-"))):
        print(f"{what}: {wall:.1f} s; longest GUI stall {worst * 1000:.0f} ms")
    window.close()
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
