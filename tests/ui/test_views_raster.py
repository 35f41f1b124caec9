"""Raster view: clicks ask for the row's investor, selection bands, focus scrolled into view."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from engine.viewdata.raster import CODE_NAMES, CODE_NONE
from tests.ui.view_probe import click, pixel, shown, widget_point
from tests.ui.view_samples import sample_raster
from views.raster_view import RasterView
from views.selection_types import Selection


@pytest.fixture
def view(qtbot):
    return shown(qtbot, RasterView(), (900, 600), sample_raster())


def _cell_point(view, row: int, day: int):
    return widget_point(view.plot, view.vb, day + 0.5, row + 0.5)


def test_click_on_row_requests_its_investor(view, qtbot):
    data = view._data
    row = 25
    got = []
    view.selection_requested.connect(got.append)
    click(view.plot, _cell_point(view, row, 40))
    assert len(got) == 1
    req = got[0]
    assert req.ids == frozenset({str(data.row_ids[row])}) and req.focus == str(data.row_ids[row])
    assert req.mode == "replace" and req.source == "raster" and not req.expand
    click(view.plot, _cell_point(view, row, 40), Qt.KeyboardModifier.ControlModifier)
    assert len(got) == 2 and got[1].mode == "toggle"


def test_ring_rows_come_first_and_lockstep_is_red(view):
    data = view._data
    assert [str(i) for i in data.row_ids[:10]] == [f"R{k:02d}" for k in range(10)]
    colour = pixel(view.plot, _cell_point(view, 3, data.shape[1] - 2))  # R03 buys: red
    assert colour.red() > 150 and colour.green() < 80 and colour.blue() < 80


# the convention, as (R, G, B) bounds: b red, s green, bs white, no trade black
STATE_LOOKS = {"b": lambda c: c.red() > 150 and c.green() < 80 and c.blue() < 80,
               "s": lambda c: c.green() > 150 and c.red() < 80 and c.blue() < 100,
               "bs": lambda c: min(c.red(), c.green(), c.blue()) > 220,
               "no trade": lambda c: max(c.red(), c.green(), c.blue()) < 30}


def test_every_state_drawn_in_its_colour(view):
    """One probe per state code, away from ring separators and guide lines."""
    data = view._data
    for code, name in enumerate(CODE_NAMES):
        rows, days = np.nonzero(data.codes[12:, 5:60] == code)
        assert rows.size, f"sample raster has no {name!r} cell"
        colour = pixel(view.plot, _cell_point(view, int(rows[0]) + 12, int(days[0]) + 5))
        assert STATE_LOOKS[name](colour), (name, colour.getRgb())


def test_selection_band_and_no_echo(view):
    data = view._data
    rows, days = np.nonzero(data.codes[12:, 20:60] == CODE_NONE)
    row, day = int(rows[0]) + 12, int(days[0]) + 20
    before = pixel(view.plot, _cell_point(view, row, day))
    assert before.red() < 30 and before.green() < 30  # black: no trade
    investor = str(data.row_ids[row])
    got = []
    view.selection_requested.connect(got.append)
    view.apply_selection(Selection(ids=frozenset({investor, "not-in-raster"}), focus=investor))
    assert view.highlighted_ids() == frozenset({investor})
    after = pixel(view.plot, _cell_point(view, row, day))
    assert after.red() > 50 and after.green() > 40 and after.blue() < 30  # gold band over black
    assert got == []  # applying a selection never asks for one


def test_focus_scrolled_into_view(view):
    view.vb.setYRange(0, 10, padding=0)
    last = view._data.shape[0] - 1
    investor = str(view._data.row_ids[last])
    view.apply_selection(Selection(ids=frozenset({investor}), focus=investor))
    y0, y1 = view.vb.viewRange()[1]
    assert y0 <= last and last + 1 <= y1
    assert y1 - y0 == pytest.approx(10, rel=0.05)  # zoom kept


def test_hover_names_investor_day_and_volumes(view, qtbot):
    data = view._data
    day = data.shape[1] - 1
    hovered = []
    view.hover_requested.connect(hovered.append)
    QTest.mouseMove(view.plot.viewport(), _cell_point(view, 0, day))
    qtbot.waitUntil(lambda: "R00" in view.status_text())
    text = view.status_text()
    assert str(data.dates[day]) in text and "bought 100" in text and "sold 0" in text
    assert hovered[-1] == "R00"


def test_clear_forgets_everything(view):
    investor = str(view._data.row_ids[0])
    view.apply_selection(Selection(ids=frozenset({investor}), focus=investor))
    view.clear()
    assert view.highlighted_ids() == frozenset()
    view.apply_selection(Selection(ids=frozenset({investor}), focus=investor))
    assert view.highlighted_ids() == frozenset()


def test_hover_reported_once_per_investor_and_none_on_leaving(view):
    from PySide6.QtCore import QPointF
    hovered = []
    view.hover_requested.connect(hovered.append)
    for row, day in ((4, 10), (4, 11), (4, 12), (5, 12)):  # pointer moves as the scene reports it
        view._on_move(view.vb.mapViewToScene(QPointF(day + 0.5, row + 0.5)))
    assert hovered == [str(view._data.row_ids[4]), str(view._data.row_ids[5])]
    view._on_move(view.vb.mapViewToScene(QPointF(-50.0, -50.0)))  # off the raster
    view._on_move(view.vb.mapViewToScene(QPointF(-60.0, -50.0)))
    assert hovered[2:] == [None]


def test_behind_a_tab_the_band_waits_until_shown(view):
    data = view._data
    rows, days = np.nonzero(data.codes[12:, 20:60] == CODE_NONE)
    row, day = int(rows[0]) + 12, int(days[0]) + 20
    investor = str(data.row_ids[row])
    view.set_on_screen(False)      # its dock's tab went behind another
    view.apply_selection(Selection(ids=frozenset({investor}), focus=None))
    assert view.highlighted_ids() == frozenset({investor})      # known at once, drawn later
    assert not view.bands.image[row].any()
    view.set_on_screen(True)
    after = pixel(view.plot, _cell_point(view, row, day))
    assert after.red() > 50 and after.green() > 40 and after.blue() < 30  # gold band over black
