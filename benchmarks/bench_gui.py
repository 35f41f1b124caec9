"""GUI speed: cold start, case open, selection propagation (per view and in total), and the
longest GUI-thread stall (event-loop heartbeat gaps) per phase.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui.py [--skip-process]
     (demo case: open, selection, analysis in a thread and in a child process), or
     QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui.py --case CASE.itcase
     (on a copy of CASE, e.g. the reference scale imported from /tmp/itwb_bench/ima: stalls
     during open, analysis, threshold change, expansion and packet export; selection per view
     in the default layout, with profile and timeline shown, and with every dock shown).
Targets: selection to all views <= 50 ms; the longest stall of every phase <= 100 ms.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks._common import load  # noqa: E402
from benchmarks._gui_phases import (Heartbeat, run_phases, selection_times, settle, show_all_docks, untab,  # noqa: E402
                                     wait)
SPARE_WARM_UP_S = 8.0


def _private_dirs() -> None:
    base = Path(tempfile.mkdtemp(prefix="itwb-bench-"))
    for name, sub in (("ITWB_DATA_DIR", "data"), ("ITWB_SETTINGS_DIR", "settings"), ("ITWB_LOG_DIR", "log")):
        os.environ.setdefault(name, str(base / sub))


def stall_during_analysis(app, window, in_process: bool) -> tuple[float, float, float]:
    """(longest stall s, 99th percentile gap s, analysis wall time s) for a fresh analysis."""
    window.session.in_process = in_process
    if in_process:   # let the spare child finish its imports, as it would after start-up
        settle(app, SPARE_WARM_UP_S)
    outcome: list[str] = []
    shown: list[object] = []
    window.session.analysis_finished.connect(outcome.append)
    window.result_shown.connect(shown.append)
    beat = Heartbeat()
    beat.start()
    t0 = time.perf_counter()
    window.session.run_analysis(use_cache=False)
    wait(app, lambda: bool(shown) or (bool(outcome) and outcome != ["done"]))
    wall = time.perf_counter() - t0
    worst, p99 = beat.stop()
    window.session.analysis_finished.disconnect(outcome.append)
    window.result_shown.disconnect(shown.append)
    if outcome != ["done"]:
        raise RuntimeError(f"analysis ended with {outcome}")
    return worst, p99, wall


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-process", action="store_true", help="do not measure the child-process mode")
    parser.add_argument("--scale", default="default", choices=("default", "ima"),
                        help="demo market size: default (3,000 investors) or ima (27,000, the reference scale)")
    parser.add_argument("--case", metavar="CASE.itcase", type=Path,
                        help="measure on a copy of this case instead: stalls per phase (open, analysis, "
                             "threshold change, expansion, packet export) and selection per view")
    parser.add_argument("--selections", type=int, default=30, help="investors selected in turn (default 30)")
    parser.add_argument("--selection-only", action="store_true",
                        help="with --case: open the case and time selections only (no other phase)")
    args = parser.parse_args()
    _private_dirs()
    print(f"load average at start: {load()} on {os.cpu_count()} cores (the machine may be shared)")
    t0 = time.perf_counter()
    from ui.app import build_window, freeze_startup_objects, make_app
    app = make_app()
    window = build_window(in_process=args.case is not None)
    window.resize(1920, 1080)
    window.show()
    freeze_startup_objects()   # as ui.app.run_gui does
    app.processEvents()
    cold = time.perf_counter() - t0
    print(f"cold start to window shown: {cold:.2f} s")
    if args.case is not None:
        return _case_run(app, window, args.case, args.selections, args.selection_only)

    t0 = time.perf_counter()
    case = _case_at_scale(args.scale)
    print(f"demo case build ({args.scale} scale): {time.perf_counter() - t0:.2f} s")

    ready: list[object] = []
    window.result_shown.connect(ready.append)
    t0 = time.perf_counter()
    window.open_case_path(case)
    wait(app, lambda: bool(ready))
    app.processEvents()
    print(f"demo open, first analysis, results shown: {time.perf_counter() - t0:.2f} s")

    window.close_case()
    ready.clear()
    t0 = time.perf_counter()
    window.open_case_path(case)
    wait(app, lambda: bool(ready))
    app.processEvents()
    print(f"demo reopen, cached result shown: {time.perf_counter() - t0:.2f} s")

    ids = _top_ids(window, args.selections)
    selection_times(app, window, ids, "default layout")
    untab(window, ("profile", "timeline"))
    selection_times(app, window, ids, "profile and timeline docks shown too")

    for in_process in ((False,) if args.skip_process else (False, True)):
        worst, p99, wall = stall_during_analysis(app, window, in_process)
        mode = "child process" if in_process else "thread"
        print(f"analysis in a {mode}: {wall:.1f} s; longest GUI stall {worst * 1000:.0f} ms, "
              f"99th percentile heartbeat gap {p99 * 1000:.0f} ms")
    window.close_case()
    run_phases(app, window, case, Path(tempfile.mkdtemp(prefix="itwb-bench-packet-")))
    window.close()
    print(f"load average at end: {load()}")
    return 0


def _top_ids(window, n: int) -> list[str]:
    suspects = window.views["suspects"]
    return [suspects.model.investor_at(r) for r in range(min(n, suspects.model.rowCount()))]


def _case_run(app, window, case: Path, n_selections: int, selection_only: bool) -> int:
    """Stalls per phase and selection per view on a private copy of ``case``."""
    work = Path(tempfile.mkdtemp(prefix="itwb-bench-case-"))
    copy = work / case.name
    shutil.copy(case, copy)
    if selection_only:
        shown: list[object] = []
        window.result_shown.connect(shown.append)
        window.open_case_path(copy)
        wait(app, lambda: bool(shown))
        stalls: dict[str, float] = {}
    else:
        settle(app, SPARE_WARM_UP_S)   # the analysis spare child imports, as after start-up
        stalls = run_phases(app, window, copy, work)
    ids = _top_ids(window, n_selections)
    selection_times(app, window, ids, "default layout")
    untab(window, ("profile", "timeline"))
    selection_times(app, window, ids, "profile and timeline docks shown too")
    show_all_docks(window)
    selection_times(app, window, ids, "every dock shown")
    over = {k: v for k, v in stalls.items() if v > 0.1}
    print("stalls over 100 ms: " + (", ".join(f"{k} {v * 1000:.0f} ms" for k, v in over.items()) or "none"))
    window.close()
    print(f"load average at end: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
