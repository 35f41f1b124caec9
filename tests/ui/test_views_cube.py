"""Cube view: 2D fallback offscreen, window slider, clicks ask for the point's investor."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.ui.view_probe import click, pixel, shown, widget_point
from tests.ui.view_samples import sample_cube
from views.cube_canvas import gl_available
from views.cube_view import CubeView
from views.selection_types import Selection


@pytest.fixture
def view(qtbot):
    return shown(qtbot, CubeView(force_2d=True), (1100, 420), sample_cube())


def _screen_of(view, panel: int, investor: str):
    """Viewport pixel of an investor's point in 2D panel ``panel`` of the current window."""
    from views.cube_2d import PAIRS
    data = view._data
    pos = int(np.flatnonzero(data.ids == investor)[0])
    i, j = PAIRS[panel]
    x, y = data.coords[view._window, pos, [i, j]]
    plot = view.canvas.panels[panel]
    vb = plot.getPlotItem().getViewBox()
    return plot, widget_point(plot, vb, float(x), float(y))


def test_falls_back_to_projections_without_gl(view, qtbot):
    from PySide6.QtGui import QGuiApplication
    if QGuiApplication.platformName() == "offscreen":
        assert not gl_available()
    auto = CubeView()
    qtbot.addWidget(auto)
    assert auto.is_3d == gl_available()
    assert not view.is_3d and len(view.canvas.panels) == 3


def test_opens_on_last_window_with_active_points(view):
    data = view._data
    assert view.slider.value() == data.n_windows - 1
    assert view._points.pos.size == int((data.labels[-1] >= 0).sum())
    view.slider.setValue(0)
    assert view._points.pos.size == int((data.labels[0] >= 0).sum())


def test_click_on_point_requests_that_investor(view):
    # S003 sits alone near the rewarding corner: a click on it must name it and nothing else
    got = []
    view.selection_requested.connect(got.append)
    for panel in range(3):
        plot, point = _screen_of(view, panel, "S003")
        before = len(got)
        click(plot, point)
        assert len(got) == before + 1
        assert got[-1].ids <= {f"S{k:03d}" for k in range(5)}  # the suspects' points overlap
        assert got[-1].source == "cube" and got[-1].mode == "replace"


def _loner(view, panel: int) -> str:
    """The active investor farthest from any other point in 2D panel ``panel``."""
    from views.cube_2d import PAIRS
    i, j = PAIRS[panel]
    pos = view._points.pos
    xy = view._data.coords[view._window, pos][:, [i, j]]
    d = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    return str(view._data.ids[pos[np.argmax(d.min(axis=1))]])


def test_click_names_exactly_the_point(view):
    loner = _loner(view, 1)
    got = []
    view.selection_requested.connect(got.append)
    plot, point = _screen_of(view, 1, loner)
    click(plot, point, Qt.KeyboardModifier.ShiftModifier)
    assert len(got) == 1
    assert got[0].ids == frozenset({loner}) and got[0].focus == loner and got[0].mode == "add"


def test_selected_point_drawn_on_top(view):
    loner = _loner(view, 0)
    plot, point = _screen_of(view, 0, loner)
    base = pixel(plot, point)
    from views import _style
    label = int(view._data.labels[view._window, view._data.ids == loner][0])
    want = _style.qcolor(_style.cluster_colours(view._data.n_clusters, view._data.rewarding_cluster)[label])
    # the base sprite sits at the point's position, in its cluster's colour (drawn with alpha 200)
    assert abs(base.red() - want.red()) < 60 and abs(base.green() - want.green()) < 60 \
        and abs(base.blue() - want.blue()) < 60
    got = []
    view.selection_requested.connect(got.append)
    view.apply_selection(Selection(ids=frozenset({loner}), focus=None))
    assert view.highlighted_ids() == frozenset({loner}) and got == []
    c = pixel(plot, point)
    sel = _style.qcolor(_style.SELECTED)
    assert (c.red(), c.green(), c.blue()) == pytest.approx((sel.red(), sel.green(), sel.blue()), abs=40)
    assert (c.red(), c.green(), c.blue()) != (base.red(), base.green(), base.blue())


def test_selection_of_inactive_investor_not_drawn(view):
    data = view._data
    inactive = str(data.ids[np.flatnonzero(data.labels[-1] < 0)[0]])
    view.apply_selection(Selection(ids=frozenset({inactive, "unknown"}), focus=inactive))
    assert view.highlighted_ids() == frozenset()
    view.slider.setValue(int(np.flatnonzero(data.labels[:, data.ids == inactive][:, 0] >= 0)[0]))
    assert view.highlighted_ids() == frozenset({inactive})


def test_a_selection_redraws_only_the_layers_it_changes(view, monkeypatch):
    """Every selection set each panel's selected, focus and hover scatters, the empty hover
    layer again too (a setData and a repaint each)."""
    active = [str(i) for i in view._data.ids[view._points.pos[:2]]]
    view.apply_selection(Selection(ids=frozenset({active[0]}), focus=active[0]))
    calls = []
    for panel in view.canvas._overlays:
        for layer, item in zip(("selected", "focus", "hover"), panel):
            monkeypatch.setattr(item, "setData", lambda *a, layer=layer, **k: calls.append(layer))
    view.apply_selection(Selection(ids=frozenset({active[1]}), focus=active[1]))
    assert sorted(set(calls)) == ["focus", "selected"] and len(calls) == 6
    calls.clear()
    view.apply_selection(Selection(ids=frozenset({active[1]}), focus=active[1]))
    assert calls == []

@pytest.mark.gl
def test_gl_cube_renders_and_picks(qtbot):
    if not gl_available():
        pytest.skip("no OpenGL context on this platform")
    v = CubeView()
    qtbot.addWidget(v)
    v.resize(700, 600)
    v.show()
    qtbot.waitExposed(v)
    v.set_data(sample_cube())
    qtbot.wait(50)  # let the legend's word wrap settle the GL widget's size
    assert v.is_3d
    canvas = v.canvas
    image = canvas.gl.grabFramebuffer()
    assert not image.isNull()
    screen = canvas.screen_positions()
    k = int(np.flatnonzero(np.isfinite(screen[:, 0]))[0])
    got = []
    v.selection_requested.connect(got.append)
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest
    QTest.mouseClick(canvas.gl, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(int(round(screen[k, 0])), int(round(screen[k, 1]))))
    assert len(got) == 1
    picked = next(iter(got[0].ids))
    p = int(np.flatnonzero(v._data.ids == picked)[0])
    kk = int(np.flatnonzero(v._points.pos == p)[0])
    assert np.hypot(*(screen[kk] - screen[k])) <= 6.0
    # the projection agrees with what GL drew: the focus dot sits where we computed it
    v.apply_selection(Selection(ids=frozenset({picked}), focus=picked))
    qtbot.wait(50)
    screen = canvas.screen_positions()  # after any relayout: the camera aspect may have changed
    from PySide6.QtGui import QImage
    frame = canvas.gl.grabFramebuffer().convertToFormat(QImage.Format.Format_RGBA8888)
    scale = frame.width() / canvas.gl.width()
    c = frame.pixelColor(int(round(screen[kk, 0] * scale)), int(round(screen[kk, 1] * scale)))
    assert (c.red(), c.green(), c.blue()) == pytest.approx((0xC0, 0x00, 0x00), abs=40)


def test_the_legend_is_a_part_of_its_own_before_the_points(qtbot):
    """The legend's new lines shrink the canvas: laid out and painted again at their new size
    with their points, the three panels held one turn ~60 ms of the GUI thread at the
    reference scale (13 ms at a steady size). The legend comes first; the parts end as
    ``set_data`` does."""
    data = sample_cube()
    view = shown(qtbot, CubeView(force_2d=True), (1100, 420))
    first, *rest = view.data_parts(data)
    first()
    assert view.legend.text() == CubeView._legend_text(data) and view._data is None
    for part in rest:
        part()
    at_once = shown(qtbot, CubeView(force_2d=True), (1100, 420), data)
    assert view.legend.text() == at_once.legend.text() and view.window_label.text() == at_once.window_label.text()
    assert np.array_equal(view._points.pos, at_once._points.pos)
