"""What a selection's lookups and marks keep between selections stays right: a kept bounding
rectangle follows new points, spot sizes and view ranges; a few ids are found one by one as the
pandas indexer finds them; a layout asked for nodes it holds is kept as it is."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg

from tests.ui.view_probe import shown
from views._marks import Marks
from views.base import FEW_IDS, index_positions
from views.graph_layout import empty_layout, extend_layout


def _fresh(item: Marks) -> pg.QtCore.QRectF:
    """The rectangle pyqtgraph's own scatter works out now."""
    return pg.ScatterPlotItem.boundingRect(item)


def test_kept_bounding_rect_follows_points_sizes_and_range(qtbot):
    plot = shown(qtbot, pg.PlotWidget(), (300, 200))
    marks = Marks(size=10, pxMode=True)
    plot.addItem(marks)
    plot.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    marks.setData(x=[1.0], y=[1.0])
    first = marks.boundingRect()
    assert first == _fresh(marks)
    marks.setData(x=[2.0, 8.0], y=[3.0, 9.0])         # new points
    assert marks.boundingRect() == _fresh(marks) != first
    marks.setSize(30)                                   # bigger spots: more padding
    assert marks.boundingRect() == _fresh(marks)
    before = marks.boundingRect()
    plot.setRange(xRange=(0, 100), yRange=(0, 100), padding=0)   # a pixel spans more data
    plot.getPlotItem().getViewBox().updateMatrix()
    assert marks.boundingRect() == _fresh(marks) != before
    marks.setData(x=[], y=[])
    assert marks.boundingRect() == _fresh(marks)


def test_few_and_many_ids_found_as_the_indexer_finds_them():
    index = pd.Index([f"I{k:04d}" for k in range(500)], dtype=object)
    for ids in (["I0003", "nobody", "I0499"], [], [f"I{k:04d}" for k in range(0, 500, 7)] + ["nobody"]):
        expected = index.get_indexer(pd.Index(ids, dtype=object))
        assert np.array_equal(index_positions(index, ids), expected)
    assert len(range(0, 500, 7)) > FEW_IDS          # the last case takes the indexer's path


def test_layout_asked_for_known_nodes_is_kept():
    lay = extend_layout(empty_layout(), ["z", "a", "b"], {"a": "z", "b": "z"})
    assert extend_layout(lay, ["a", "z"], {}) is lay
    grown = extend_layout(lay, ["a", "c"], {"c": "a"})
    assert list(grown.ids) == ["a", "b", "c", "z"]
    assert grown.position_map()["a"] == lay.position_map()["a"]
