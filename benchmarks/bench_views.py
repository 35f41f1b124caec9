"""View rebuild speed at the reference scale: cube (27,000 investors x 27 windows), raster
(4,844 investors x 541 days) and triage (27,000 investors with episodes): set_data, window
change, selecting a 1,662-investor ring, one render, and a PNG snapshot (the large-scatter
export of PITFALLS.md). Target: set_data <= ~60 ms.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_views.py [--real DIR]
     (or under xvfb-run with QT_QPA_PLATFORM=xcb to time the OpenGL cube)
With --real, the views are also built from a real analysis of the reference market
(generated in DIR once): prepare() time and set_data() time of every registered view.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REPEATS = 5


def _time(app, fn, repeats: int = REPEATS) -> tuple[float, float]:
    """Median and max wall time of ``fn`` (events processed after each call), in ms."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        app.processEvents()
        samples.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(samples), max(samples)


def real_analysis(directory: Path) -> None:
    """Time prepare and set_data of every registered view on the reference market's analysis."""
    from PySide6.QtWidgets import QApplication
    from benchmarks._common import timed
    from engine.demo.generate import demo_paths
    from engine.ingest.load import read_case_tables
    from engine.params import AnalysisParams
    from engine.pipeline import run_stages
    from benchmarks._common import reference_market
    from views import VIEW_REGISTRY
    from engine.viewdata.inputs import ViewInputs
    from engine.viewdata.registry import view_data
    app = QApplication.instance()
    tables = timed("read reference market", lambda: read_case_tables(demo_paths(reference_market(directory))).tables)
    result = timed("analyse (run_stages)", run_stages, tables, tables.event_list()[0], AnalysisParams(), "bench")
    inputs = ViewInputs(result=result, tables=tables)
    for name, cls in VIEW_REGISTRY.items():
        view = cls()
        view.resize(1280, 900)
        view.show()
        app.processEvents()
        start = time.perf_counter()
        data = view_data(name, inputs)
        prepared = time.perf_counter() - start
        start = time.perf_counter()
        view.set_data(data)
        app.processEvents()
        shown = time.perf_counter() - start
        size = (f"{data.shape[0]:,} x {data.shape[1]} cells" if name == "raster" else
                f"{int((data.labels[-1] >= 0).sum()):,} points in the last window" if name == "cube" else "")
        print(f"  {name:9s} prepare {1000 * prepared:8.1f} ms   set_data+render {1000 * shown:8.1f} ms  {size}")
        view.close()


def main() -> int:
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication([])
    from tests.ui.view_samples import reference_cube, reference_raster, reference_triage
    from views import _style
    from views.cube_view import CubeView
    from views.raster_view import RasterView
    from views.selection_types import Selection
    from views.triage_view import TriageView
    _style.set_dark(False)
    from benchmarks._common import load
    print(f"platform {app.platformName()}; load average {load()}")
    cube_data, raster_data = reference_cube(), reference_raster()
    views = (("cube", CubeView(), cube_data), ("raster", RasterView(), raster_data),
             ("triage", TriageView(), reference_triage()))
    for name, view, data in views:
        view.resize(1280, 900)
        view.show()
        app.processEvents()
        ring = frozenset(str(i) for i in (data.row_ids if name == "raster" else data.ids)[1000:2662])
        ring_sel = Selection(ids=ring, focus=min(ring))
        rows = [("set_data", lambda: view.set_data(data)),
                ("apply_selection (1,662 ids)", lambda: view.apply_selection(ring_sel)),
                ("render (grab)", lambda: view.grab())]
        if name == "cube":
            rows.insert(1, ("window change", lambda: view.show_window((view._window + 1) % data.n_windows)))
            print(f"cube: {'3D OpenGL' if view.is_3d else '2D projections'}; "
                  f"{int((data.labels[-1] >= 0).sum()):,} points in the last window")
        elif name == "raster":
            print(f"raster: {data.shape[0]:,} x {data.shape[1]} cells")
        else:
            print(f"triage: {data.ids.size:,} investors, {data.ep_score.size:,} episodes")
        for label, fn in rows:
            med, worst = _time(app, fn)
            print(f"  {name:6s} {label:30s} median {med:8.1f} ms   max {worst:8.1f} ms")
        start = time.perf_counter()
        png = view.snapshot().png
        print(f"  {name:6s} {'snapshot PNG':30s} {1000 * (time.perf_counter() - start):8.1f} ms  ({len(png):,} bytes)")
        view.close()
    if "--real" in sys.argv:
        real_analysis(Path(sys.argv[sys.argv.index("--real") + 1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
