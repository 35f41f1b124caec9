"""Options view: linked panels, alert click shows reasons, alerts of selected accounts ringed."""
from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from tests.ui.view_probe import click, pixel, placed_for_range, shown
from tests.ui.view_samples import sample_options
from views.options_view import SECONDS_PER_DAY, OptionsView
from views.selection_types import Selection


@pytest.fixture
def view(qtbot):
    return shown(qtbot, OptionsView(), (900, 800), sample_options())


def _marker_point(view, k: int):
    data = view._data
    day = data.alert_day[k]
    plot = view.plots["risk"]
    scene = plot.getViewBox().mapViewToScene(QPointF(data.x[day] * SECONDS_PER_DAY, data.risk[day]))
    return view.canvas.mapFromScene(scene)


def test_panels_share_the_date_axis(view):
    view.plots["volume"].setXRange(view._data.x[20] * SECONDS_PER_DAY, view._data.x[40] * SECONDS_PER_DAY, padding=0)
    lo, hi = view.plots["risk"].getViewBox().viewRange()[0]
    assert lo == pytest.approx(view._data.x[20] * SECONDS_PER_DAY)
    assert hi == pytest.approx(view._data.x[40] * SECONDS_PER_DAY)


def test_click_on_alert_shows_reasons_and_accounts(view):
    got = []
    view.selection_requested.connect(got.append)
    click(view.canvas, _marker_point(view, 2))
    text = view.shown_alert_text()
    assert "HIGH" in text and "- calls 95%" in text and "p 0.011 (n = 90)" in text
    assert "◇ Context (not part of the risk): PSE 3 days ahead" in text and "- PSE" not in text
    assert "P3 [ring member]" in text and "no buy/sell side" in text
    assert view.shown_contracts() == [["●", "call", "25", "2023-06-02", "5,200", "0", "no OI", "45.0%", "+12.0"],
                                      ["", "call", "22.5", "2023-06-16", "300", "400", "0.8", "31.0%", ""]]
    assert "p 0.011" in view.day_label.text()
    assert got == []  # an alert click is a time focus, not an investor selection
    view.accounts_button.click()
    assert len(got) == 1 and got[0].ids == frozenset({"P2", "P3"}) and got[0].focus == "P2"


def test_alert_without_accounts_cannot_select(view):
    click(view.canvas, _marker_point(view, 1))
    assert "vol/OI 5.5" in view.shown_alert_text()
    assert not view.accounts_button.isEnabled()


def test_selected_account_rings_its_alerts(view):
    view.apply_selection(Selection(ids=frozenset({"P2", "Z9"}), focus="P2"))
    assert view.highlighted_ids() == frozenset({"P2"})
    x, _y = view.marks_selected.getData()
    assert sorted(x) == sorted(view._data.x[view._data.alert_day[[0, 2]]] * SECONDS_PER_DAY)
    view.apply_selection(Selection(ids=frozenset({"P3"}), focus="P3"))
    x, _y = view.marks_selected.getData()
    assert list(x) == [view._data.x[view._data.alert_day[2]] * SECONDS_PER_DAY]


def test_context_markers_differ_from_evidence_markers(view):
    spots = view.context_marks.points()
    assert len(spots) == 7 and all(sp.symbol() == "d" for sp in spots)
    assert view.context_marks.opts["brush"].style() == Qt.BrushStyle.NoBrush   # hollow
    assert {sp.symbol() for sp in view.markers.points()} == {"t1"}
    assert min(sp.pos().y() for sp in spots) > 1.0                              # above every risk
    assert "not part of the risk" in view._context_tip(0, 0, 0)


def test_click_on_the_risk_panel_lists_that_days_contracts(view):
    data = view._data
    plot = view.plots["risk"]
    scene = plot.getViewBox().mapViewToScene(QPointF(data.x[50] * SECONDS_PER_DAY, 0.6))
    click(view.canvas, view.canvas.mapFromScene(scene))
    assert view.day_label.text().startswith(f"Contracts on {data.dates[50]}  risk")
    assert view.shown_contracts() == []                                        # no contract data that day


def test_marker_colour_by_priority(view):
    c = pixel(view.canvas, _marker_point(view, 0))
    assert c.red() > 150 and c.green() < 60  # HIGH: dark red


def test_no_options_data(view):
    view.set_data(None)
    assert "No options data" in view.summary.text() and view.highlighted_ids() == frozenset()


def test_compact_at_a_short_dock(qtbot, view):
    """At 1366x768 the dock is ~300 px tall: the plots get the height, every panel is named
    in its own corner and shows at least one tick value, and the alert text is one line."""
    view.resize(730, 300)
    qtbot.wait_until(lambda: view.canvas.height() > 0)
    view.canvas.ci.layout.activate()
    assert view.canvas.height() >= 0.75 * view.height()
    assert not view.detail.isVisible()
    boxes = []
    for name, plot in view.plots.items():
        label = view.panel_names[name]
        panel = plot.getViewBox().sceneBoundingRect()
        box = label.sceneBoundingRect()
        assert panel.contains(box.topLeft()), name
        boxes.append(box)
        image = QImage(10, 10, QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        texts = plot.getAxis("left").generateDrawSpecs(painter)[2]
        painter.end()
        assert texts, f"no tick value on the {name} panel"
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    view.show_alert(2)
    assert "\n" not in view.alert_line.text() and "calls 95%" in view.alert_line.text()
    view.details_button.click()
    assert view.detail.isVisible() and view.detail.toPlainText().count("\n") >= 2
    view.details_button.click()
    assert not view.detail.isVisible()


def test_a_result_is_ranged_before_its_first_paint(qtbot):
    """pyqtgraph works out auto ranges when a panel starts painting; the new ranges then
    painted every panel a second time when a result arrived (40 ms of the GUI thread at the
    reference scale). The ranges are applied with the data and the first paint keeps them."""
    view = shown(qtbot, OptionsView(), (900, 800))
    view.set_data(sample_options())
    ranges = {name: plot.getViewBox().viewRange() for name, plot in view.plots.items()}
    assert all(placed_for_range(plot) for plot in view.plots.values())
    view.canvas.viewport().repaint()
    assert {name: plot.getViewBox().viewRange() for name, plot in view.plots.items()} == ranges


def _image(view) -> QImage:
    view.canvas.viewport().repaint()
    return view.canvas.grab().toImage()


def test_a_result_drawn_the_same_keeps_its_panels(qtbot):
    """A re-validation re-runs the options stage for its alert accounts; the series rarely
    change, and redrawing the five panels plus their first paint held the GUI thread ~100 ms
    in one turn at the reference scale. Panels that would draw the same are kept (the same
    items), a changed series redraws its own panel only, and the view then looks exactly
    like a fresh one given the new data."""
    first = sample_options()
    view = shown(qtbot, OptionsView(), (900, 800), first)
    items = {name: list(plot.items) for name, plot in view.plots.items()}
    fewer = dataclasses.replace(sample_options(), alerts=first.alerts[:1], alert_day=first.alert_day[:1],
                                alert_priority=first.alert_priority[:1])
    view.set_data(fewer)
    assert {name: list(plot.items) for name, plot in view.plots.items()} == items
    assert len(view.markers.points()) == 1 and "1 alerts" in view.summary.text()
    risk = fewer.risk.copy()
    risk[20] = 0.6
    moved = dataclasses.replace(fewer, risk=risk)
    view.set_data(moved)
    kept = [name for name, plot in view.plots.items() if list(plot.items) == items[name]]
    assert kept == [name for name in view.plots if name != "risk"]
    fresh = shown(qtbot, OptionsView(), (900, 800), moved)
    assert _image(view) == _image(fresh)


def test_a_result_in_parts_draws_a_panel_a_part_and_ends_as_drawn_at_once(qtbot):
    """The hub runs a view's data parts in turns of their own, each painted in its turn: the
    five panels drawn and painted in one turn held the GUI thread 85-100 ms at the reference
    scale. Each part after the first draws one panel; the result looks exactly as drawn at once."""
    data = sample_options()
    view = shown(qtbot, OptionsView(), (900, 800))
    first, *panels = view.data_parts(data)
    assert len(panels) == len(view.plots)
    first()
    _image(view)
    for part, name in zip(panels, view.plots):
        before = {n: list(plot.items) for n, plot in view.plots.items()}
        part()
        assert [n for n, plot in view.plots.items() if list(plot.items) != before[n]] == [name]
        _image(view)
    fresh = shown(qtbot, OptionsView(), (900, 800), data)
    assert _image(view) == _image(fresh)


def test_the_date_axis_has_its_height_before_its_first_paint(qtbot):
    """Sized by the ticks it last drew, the date axis measured 20 px before its first paint,
    2 px with no ticks and 13 px with them: each change laid out and painted the risk panel
    again (22 ms of the GUI thread at the reference scale). It has the height it ended with
    (an empty paint, then a result's) from the start."""
    view = shown(qtbot, OptionsView(), (900, 800))
    sized_by_ticks = shown(qtbot, OptionsView(), (900, 800))
    sized_by_ticks.plots["risk"].getAxis("bottom").setHeight(None)
    heights = []
    for data in (None, sample_options()):
        for v in (view, sized_by_ticks):
            if data is not None:
                v.set_data(data)
            QApplication.processEvents()     # layout
            v.canvas.viewport().repaint()
            QApplication.processEvents()     # a new height laid out and painted
        heights.append([v.plots["risk"].getAxis("bottom").maximumHeight() for v in (view, sized_by_ticks)])
    (fixed_empty, free_empty), (fixed, free) = heights
    assert fixed_empty == fixed == pytest.approx(free) and free_empty < free
