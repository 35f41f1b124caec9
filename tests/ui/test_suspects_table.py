"""Suspects table: sort permutation against a Python-sorted oracle, lazy display text,
selection synced both ways without echo."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from views.selection_types import Selection
from views._table import sort_permutation
from engine.viewdata.suspects import suspect_rows
from views.suspects_table import COLUMNS, UNAVAILABLE, SuspectsTable


def _suspects(n: int = 40, seed: int = 3):
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        out.append(SimpleNamespace(
            investor_id=f"{rng.integers(0, 10**6):07d}", rank=k + 1,
            score=float(np.round(rng.random(), 1)),                 # many ties
            discontinuity="hard" if rng.random() < 0.4 else "soft",
            shares=float(rng.integers(0, 5) * 1000),
            directionality=float(rng.choice([1.0, 0.5, -0.2])),
            expected_profit=None if rng.random() < 0.3 else float(rng.integers(-5, 50) * 1000),
            point=None))
    return out


@pytest.fixture
def table(qtbot):
    view = SuspectsTable()
    qtbot.addWidget(view)
    sus = _suspects()
    view.set_data(suspect_rows(sus, ring_members=frozenset({sus[0].investor_id}),
                               options_flagged=frozenset({sus[1].investor_id})))
    view.resize(900, 500)
    view.show()
    return view, sus


@pytest.mark.parametrize("attr", ["score", "shares", "expected_profit", "discontinuity", "rank"])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_permutation_matches_python_sort(attr, descending):
    sus = _suspects(60, seed=11)
    rows = suspect_rows(sus)
    order = sort_permutation(getattr(rows, attr), rows.investor_id, descending)

    def key(s):
        v = getattr(s, attr)
        missing = v is None
        if isinstance(v, str):
            return (missing, v, s.investor_id)
        v = 0.0 if missing else (-v if descending else v)
        return (missing, v, s.investor_id)

    if attr == "discontinuity" and descending:
        expected = sorted(sus, key=lambda s: (tuple(-ord(c) for c in s.discontinuity), s.investor_id))
    else:
        expected = sorted(sus, key=key)
    assert [s.investor_id for s in expected] == list(rows.investor_id[order])


def test_model_sorts_by_permutation_and_keeps_selection(table, qtbot):
    view, sus = table
    target = sus[5].investor_id
    view.apply_selection(Selection(frozenset({target}), target))
    score_col = [c[1] for c in COLUMNS].index("score")
    view.table.sortByColumn(score_col, Qt.SortOrder.DescendingOrder)
    model = view.model
    shown = [float(model.data(model.index(r, score_col))) for r in range(model.rowCount())]
    assert shown == sorted(shown, reverse=True)
    assert view.highlighted_ids() == {target}
    row = model.row_of(target)
    assert model.investor_at(row) == target


def test_display_text(table):
    view, sus = table
    model = view.model
    col = {c[1]: i for i, c in enumerate(COLUMNS)}
    for r in range(model.rowCount()):
        inv = model.investor_at(r)
        s = next(x for x in sus if x.investor_id == inv)
        text = model.data(model.index(r, col["expected_profit"]))
        assert text == (UNAVAILABLE if s.expected_profit is None else f"{s.expected_profit:,.0f}")
        assert model.data(model.index(r, col["in_ring"])) == ("yes" if inv == sus[0].investor_id else "")
        assert model.data(model.index(r, col["options_flag"])) == ("yes" if inv == sus[1].investor_id else "")
    view.apply_decisions({sus[2].investor_id: "watch"})
    assert model.data(model.index(model.row_of(sus[2].investor_id), col["decision"])) == "watch"
    assert model.data(model.index(10**6, 0)) is None     # out-of-range rows are guarded


def test_click_requests_replace_and_ctrl_click_extends(table, qtbot):
    view, sus = table
    got = []
    view.selection_requested.connect(got.append)
    rect = view.table.visualRect(view.model.index(2, 1))
    QTest.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    first = view.model.investor_at(2)
    assert len(got) == 1
    assert got[0].ids == {first} and got[0].focus == first and got[0].mode == "replace"
    assert got[0].source == "suspects" and not got[0].expand
    rect = view.table.visualRect(view.model.index(4, 1))
    QTest.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, rect.center())
    second = view.model.investor_at(4)
    assert got[-1].ids == {first, second} and got[-1].focus == second


def test_apply_selection_does_not_echo(table):
    view, sus = table
    got = []
    view.selection_requested.connect(got.append)
    ids = frozenset(s.investor_id for s in sus[3:9])
    view.apply_selection(Selection(ids, sus[4].investor_id))
    assert got == []
    assert view.highlighted_ids() == ids
    view.apply_selection(Selection())
    assert got == [] and view.highlighted_ids() == frozenset()


def test_double_click_asks_to_expand(table):
    view, _ = table
    got = []
    view.selection_requested.connect(got.append)
    rect = view.table.visualRect(view.model.index(0, 1))
    QTest.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    QTest.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    assert got[-1].expand and got[-1].ids == {view.model.investor_at(0)}


def test_clear_and_snapshot(table):
    view, _ = table
    fig = view.snapshot()
    assert fig.title == "Suspects" and fig.png.startswith(b"\x89PNG")
    view.clear()
    assert view.model.rowCount() == 0 and view.highlighted_ids() == frozenset()


def test_header_tooltips_follow_method(table):
    """The header tooltips carry METHOD.md §1's definitions (not the old 'held at the event')."""
    view, _ = table
    tips = {view.model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole):
            view.model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
            for c in range(len(COLUMNS))}
    hard, soft = tips["Discontinuity"].split("soft:")
    assert "never active in the stock before the last window" in hard and "first date of the data" in hard
    assert "never in the rewarding cluster" in soft and "does not overlap the last one" in soft
    assert "reference period" in tips["Shares"] and "d·Σ(Vb − Vs)" in tips["Shares"]
    assert "held" not in tips["Shares"] and "at the event" not in tips["Shares"]
    assert tips["Score"].startswith("exp(−distance to the rewarding corner")
    assert "(ΣVb − ΣVs) / (ΣVb + ΣVs)" in tips["Directionality"] and "reference period" in tips["Directionality"]
    assert "p_TB · Σ(Vb − Vs) − Σ(Ab − As)" in tips["Expected profit"]
    assert all(tips.values())


def test_new_rows_paint_once_with_their_columns_fitted(qtbot):
    """Told of each column resized to its contents, the table repainted them on a zero timer
    after its first paint: the table painted twice (10-15 ms of the GUI thread each at the
    reference scale), the second in the next view's turn (whether the timer fires before the
    first paint here depends on the event order). Columns still fit their contents."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    class Paints(QObject):
        count = 0

        def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
            Paints.count += event.type() == QEvent.Type.Paint
            return False

    view = SuspectsTable()
    qtbot.addWidget(view)
    view.resize(500, 500)
    view.show()
    qtbot.waitExposed(view)
    paints = Paints()
    view.table.viewport().installEventFilter(paints)
    view.set_data(suspect_rows(_suspects(400), ring_members=frozenset(), options_flagged=frozenset()))
    assert view.table.verticalScrollBar().maximum() > 0     # laid out before any event
    widths = [view.table.columnWidth(c) for c in range(len(COLUMNS))]
    for _ in range(4):
        QApplication.processEvents()
    view.table.viewport().removeEventFilter(paints)
    assert Paints.count == 1
    view.table.resizeColumnsToContents()   # the last column stretches to the table's edge
    assert [view.table.columnWidth(c) for c in range(len(COLUMNS) - 1)] == widths[:-1]
