"""Rings view: a row click asks for the ring's members; rings of selected investors shaded."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.view_probe import shown
from tests.ui.view_samples import sample_rings
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
