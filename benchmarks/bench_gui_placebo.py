"""The placebo test from the window: wall time and the longest GUI-thread stall while it runs on
the window's worker processes, then again from the case's cache; and that closing the window
leaves none of those processes.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui_placebo.py --case CASE.itcase
     [--placebo N] [--workers W]   (on a copy of CASE, e.g. /tmp/itwb_bench/ima/case.itcase)
Target: the longest stall of each phase <= 100 ms (the test itself runs in the worker processes).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks._gui_phases import phase  # noqa: E402
from benchmarks.bench_gui import _private_dirs  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", type=Path, required=True)
    parser.add_argument("--placebo", type=int, default=40, help="pseudo-events (default 40)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: the cores)")
    args = parser.parse_args()
    _private_dirs()
    from engine.case.store import CaseStore
    from engine.params import AnalysisParams
    from ui.app import build_window, freeze_startup_objects, make_app
    from ui.pool_work import WorkerPool
    from ui.session import PARAMS_SETTING
    work = Path(tempfile.mkdtemp(prefix="itwb-bench-placebo-"))
    case = work / args.case.name
    shutil.copy(args.case, case)
    with CaseStore.open(case) as store:
        store.set_setting(PARAMS_SETTING, AnalysisParams().replace("placebo", n=args.placebo).to_json())
    app = make_app()
    window = build_window(in_process=True)
    if args.workers is not None:
        window.screening.work.pool = WorkerPool(args.workers)
    window.show()
    freeze_startup_objects()   # as ui.app.run_gui does
    shown: list[object] = []
    done: list[object] = []
    window.result_shown.connect(shown.append)
    window.screening.placebo.done.connect(done.append)
    print(f"placebo test from the window, {args.placebo} pseudo-events, "
          f"{window.screening.work.pool.workers} worker processes, case {args.case}:", flush=True)
    phase(app, "open (cached)", lambda: window.open_case_path(case), lambda: bool(shown))
    phase(app, "placebo test", window.actions["run_placebo"].trigger, lambda: bool(done))
    placebo = window.screening.placebo.current()
    print(f"  available {placebo.available}, {placebo.n_used} days used, K = {placebo.k}; "
          f"{window.status.state_label.text()}", flush=True)
    done.clear()
    phase(app, "placebo (cached)", window.actions["run_placebo"].trigger, lambda: bool(done))
    procs = window.screening.work.pool.processes()
    window.close()
    print(f"worker processes before close {len(procs)}, alive after {sum(p.is_alive() for p in procs)}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
