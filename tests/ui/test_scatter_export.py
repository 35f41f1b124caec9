"""A 27k-point pyqtgraph scatter exports to PNG (PITFALLS.md: PySide6 6.12.0 on Python 3.11
dies after tens of thousands of void calls during exactly this)."""
from __future__ import annotations

import sys

import numpy as np
import pyqtgraph as pg
import PySide6
from PySide6.QtGui import QImage

from views.base import widget_png

N_POINTS = 27_000


def test_large_scatter_grab_and_export_to_png(qtbot, tmp_path):
    assert not (sys.version_info[:2] == (3, 11) and PySide6.__version__.startswith("6.12.0")), \
        "PySide6 6.12.0 on Python 3.11 crashes on large exports (PITFALLS.md)"
    rng = np.random.default_rng(0)
    plot = pg.PlotWidget(background="w")
    qtbot.addWidget(plot)
    plot.resize(600, 400)
    xy = rng.normal(size=(N_POINTS, 2))
    xy[np.hypot(xy[:, 0], xy[:, 1]) < 1.0] *= 3.0     # keep the centre clear of grey points
    scatter = pg.ScatterPlotItem(pos=xy, size=4, pen=None, brush=pg.mkBrush(120, 120, 120, 200),
                                 data=np.arange(N_POINTS))
    focus = pg.ScatterPlotItem(pos=[(0.0, 0.0)], size=30, pen=None, brush=pg.mkBrush(220, 0, 0))
    focus.setZValue(10)
    plot.addItem(scatter)
    plot.addItem(focus)
    plot.setXRange(-4, 4, padding=0)
    plot.setYRange(-4, 4, padding=0)
    plot.show()
    qtbot.waitExposed(plot)

    png = widget_png(plot)
    image = QImage.fromData(png, "PNG")
    assert png.startswith(b"\x89PNG") and not image.isNull()
    centre = plot.mapFromScene(plot.getPlotItem().vb.mapViewToScene(pg.Point(0.0, 0.0)))
    dpr = image.devicePixelRatio()
    colour = image.pixelColor(int(centre.x() * dpr), int(centre.y() * dpr))
    assert colour.red() > 180 and colour.green() < 60 and colour.blue() < 60

    from pyqtgraph.exporters import ImageExporter
    exporter = ImageExporter(plot.getPlotItem())
    exporter.parameters()["width"] = 1200
    out = tmp_path / "scatter.png"
    exporter.export(str(out))
    exported = QImage(str(out))
    assert exported.width() == 1200 and len(scatter.data) == N_POINTS
