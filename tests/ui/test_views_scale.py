"""Cube, raster and triage at the reference scale: 27,000 points, 4,844 x 541 cells, 27,000
investors with episodes, and a 1,662-member ring.

Also the large-scatter PNG export that crashed PySide6 6.12 on Python 3.11 (PITFALLS.md).
Timings are reported by benchmarks/bench_views.py, not asserted here.
"""
from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from tests.ui.view_probe import shown
from tests.ui.view_samples import reference_cube, reference_raster, reference_triage
from views.cube_view import CubeView
from views.raster_view import RasterView
from views.selection_types import Selection
from views.triage_view import TriageView

pytestmark = pytest.mark.slow


BUILD = {"cube": (reference_cube, lambda: CubeView(force_2d=True)),
         "raster": (reference_raster, RasterView), "triage": (reference_triage, TriageView)}


@pytest.mark.parametrize("kind", list(BUILD))
def test_reference_scale_select_and_export(qtbot, kind):
    data = BUILD[kind][0]()
    view = shown(qtbot, BUILD[kind][1](), (1280, 900), data)
    ids = data.row_ids if kind == "raster" else data.ids
    ring = frozenset(str(i) for i in ids[1000:2662])
    view.apply_selection(Selection(ids=ring, focus=min(ring)))
    if kind == "cube":
        active = {str(i) for i in data.ids[data.labels[-1] >= 0]}
        assert view.highlighted_ids() == ring & active
    else:
        assert view.highlighted_ids() == ring
    image = QImage.fromData(view.snapshot().png)
    assert image.width() >= 1000 and image.height() >= 700
