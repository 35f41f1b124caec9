"""Re-validation from the threshold control: wall time from the request to every view showing
the new network, and the longest GUI-thread stall meanwhile (thread and child-process modes);
then node expansions as a click on a network node asks for them: wall time until the event
loop is idle again and how many times the network view drew its graph.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_threshold.py [--scale ima]
Target: longest stall <= 100 ms.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_gui import SPARE_WARM_UP_S, Heartbeat, _case_at_scale, _private_dirs, _settle, _wait  # noqa: E402

REQUESTS: tuple[tuple[str, float | None], ...] = (("fdr", None), ("threshold", 1e-6), ("bonferroni", None))


def revalidate_once(app, window, correction: str, threshold: float | None) -> tuple[float, float]:
    """(wall s, longest stall s) of one re-validation shown in every view."""
    shown: list[object] = []
    window.result_shown.connect(shown.append)
    beat = Heartbeat()
    beat.start()
    t0 = time.perf_counter()
    window.threshold_tools.panel.request(correction, threshold)
    _wait(app, lambda: bool(shown))
    wall = time.perf_counter() - t0
    worst = beat.stop()
    window.result_shown.disconnect(shown.append)
    if window.session.result.svn.correction != correction:
        raise RuntimeError("the shown network is not the requested one")
    return wall, worst


def expand_once(app, window, investor: str) -> tuple[float, int]:
    """(wall s, graph draws) of one expansion requested as a click on a network node does."""
    from views.selection_types import SelectionRequest
    view = window.views["network"]
    draws: list[object] = []
    view.graph.setData = _counting(view.graph.setData, draws)
    t0 = time.perf_counter()
    view.selection_requested.emit(SelectionRequest(ids=frozenset({investor}), focus=investor,
                                                   source="network", expand=True))
    for _ in range(5):          # deferred work (a preview on the next turn) included
        app.processEvents()
    wall = time.perf_counter() - t0
    del view.graph.setData
    if investor not in window.session.exploration.expanded:
        raise RuntimeError("the expansion did not happen")
    return wall, len(draws)


def _counting(fn, calls: list[object]):
    def wrapper(*args, **kwargs):
        calls.append(None)
        return fn(*args, **kwargs)
    return wrapper


def expansion_targets(window, count: int = 3) -> list[str]:
    """The ``count`` eligible investors with the most neighbours in the shown network."""
    import numpy as np
    nets = window.session.prepared.networks
    net = nets.by_correction[window.session.result.svn.correction]
    degree = np.diff(net.indptr)
    order = np.lexsort((nets.result.investor_ids, -degree))
    return [str(nets.result.investor_ids[k]) for k in order[:count]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="default", choices=("default", "ima"))
    parser.add_argument("--skip-thread", action="store_true", help="measure the child-process mode only")
    args = parser.parse_args()
    _private_dirs()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    from ui.app import build_window, make_app
    app = make_app()
    window = build_window(in_process=False)
    window.show()
    case = _case_at_scale(args.scale)
    ready: list[object] = []
    window.result_shown.connect(ready.append)
    window.open_case_path(case)
    _wait(app, lambda: bool(ready))
    _wait(app, lambda: window.threshold_tools.panel.marks is not None)
    svn = window.session.result.svn
    print(f"{args.scale} scale: {svn.n_investors} eligible investors, {svn.candidates.a.size} kept tests")
    for in_process in ((True,) if args.skip_thread else (False, True)):
        window.session.in_process = in_process
        if in_process:
            _settle(app, SPARE_WARM_UP_S)
        for correction, threshold in REQUESTS:
            wall, worst = revalidate_once(app, window, correction, threshold)
            mode = "child process" if in_process else "thread"
            label = correction if threshold is None else f"{threshold:g}"
            print(f"re-validate to {label} in a {mode}: {wall:.2f} s to all views; longest GUI stall "
                  f"{worst * 1000:.0f} ms")
            if in_process:
                _settle(app, SPARE_WARM_UP_S)   # the next spare child imports meanwhile
    window.session.in_process = False
    window.session.reset_exploration()
    for investor in expansion_targets(window):
        wall, draws = expand_once(app, window, investor)
        print(f"expand {investor}: {wall * 1000:.0f} ms until idle; the network drew its graph {draws} time(s)")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
