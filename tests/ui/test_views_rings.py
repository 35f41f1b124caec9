"""Rings view: a row click asks for the ring's members; rings of selected investors shaded."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.view_probe import shown
from tests.ui.view_samples import sample_rings
from engine.viewdata.prepare import RingsData
from views.rings_view import RingsView
from views.selection_types import Selection


@pytest.fixture(scope="module")
def rings():
    return sample_rings()


@pytest.fixture
def view(qtbot, rings):
    return shown(qtbot, RingsView(), (600, 300), rings)


def _click_row(view, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    rect = view.table.visualRect(view.model.index(row, 0))
    QTest.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def test_rows_in_rank_order_planted_ring_first(view, rings):
    assert view.model.rowCount() == rings.cluster_id.size
    first = view.model.source_row(0)
    assert set(rings.members[first]) == {f"R{k:02d}" for k in range(8)}
    assert view.model.index(0, 5).data() == ("yes" if rings.suspicious[first] else "")


def test_row_click_requests_members(view, rings):
    got = []
    view.selection_requested.connect(got.append)
    _click_row(view, 0)
    assert len(got) == 1
    assert got[0].ids == frozenset(rings.members[view.model.source_row(0)]) and got[0].mode == "replace"
    assert got[0].source == "rings"


def test_selection_shades_ring_without_echo(view, rings):
    got = []
    view.selection_requested.connect(got.append)
    view.apply_selection(Selection(ids=frozenset({"R03", "nobody"}), focus="R03"))
    assert view.highlighted_ids() == frozenset({"R03"}) and got == []
    row = view.model.index(0, 0)
    assert row.data(Qt.ItemDataRole.BackgroundRole) is not None
    members = frozenset(rings.members[view.model.source_row(0)])
    view.apply_selection(Selection(ids=members))
    assert [i.row() for i in view.table.selectionModel().selectedRows()] == [0] and got == []


def test_sort_by_size(view, rings):
    view.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    sizes = [int(view.model.index(r, 2).data()) for r in range(view.model.rowCount())]
    assert sizes == sorted(sizes, reverse=True)


def _three_rings():
    """Three hand-made rings of 3, 2 and 4 members (the sample network has one)."""
    members = (np.array(["A1", "A2", "A3"], dtype=object), np.array(["B1", "B2"], dtype=object),
               np.array(["C1", "C2", "C3", "C4"], dtype=object))
    return RingsData(cluster_id=np.array([1, 2, 3], np.int32), rank=np.array([1, 2, 3], np.int32),
                     size=np.array([3, 2, 4], np.int32), directionality=np.array([0.9, np.nan, -0.2]),
                     expected_profit=np.array([1500.0, np.nan, 20.0]), suspicious=np.array([True, False, False]),
                     members=members, correction="bonferroni", sign=1)


def test_a_selection_repaints_only_the_rings_whose_shading_changed(qtbot):
    """Shading a ring tells the table about that ring's row only (it repainted every cell of
    every ring on each selection); the cell texts are those of the data."""
    view = shown(qtbot, RingsView(), (600, 300), _three_rings())
    changed: list[tuple[int, int]] = []
    view.model.dataChanged.connect(lambda tl, br, *_: changed.append((tl.row(), br.row())))
    view.apply_selection(Selection(ids=frozenset({"A2"})))
    assert changed == [(0, 0)]
    changed.clear()
    view.apply_selection(Selection(ids=frozenset({"C4", "B1"})))
    assert sorted(changed) == [(0, 0), (1, 1), (2, 2)]
    shaded = [view.model.index(r, 0).data(Qt.ItemDataRole.BackgroundRole) is not None for r in range(3)]
    assert shaded == [False, True, True]
    changed.clear()
    view.apply_selection(Selection(ids=frozenset({"C1", "B2"})))    # the same rings: nothing to repaint
    assert changed == []
    assert [[view.model.index(r, c).data() for c in range(6)] for r in range(3)] == [
        ["1", "1", "3", "+0.900", "1,500", "yes"], ["2", "2", "2", "n/a", "n/a", ""],
        ["3", "3", "4", "-0.200", "20", ""]]
