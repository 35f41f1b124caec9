"""Triage view: heatmap and outlier clicks ask for the investor, threshold, scorecard follows focus."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from tests.ui.view_probe import click, pixel, placed_for_range, shown, widget_point
from tests.ui.view_samples import sample_triage
from views.selection_types import Selection
from views.triage_view import TriageView


@pytest.fixture
def view(qtbot):
    return shown(qtbot, TriageView(), (1000, 800), sample_triage())


def _heat_point(view, investor: str):
    k = int(np.flatnonzero(view._data.ids == investor)[0])
    vb = view.heatmap.getPlotItem().getViewBox()
    return widget_point(view.heatmap, vb, view._data.grid_x[k], view._data.grid_y[k])


def test_best_investor_top_left_and_clickable(view):
    data = view._data
    assert (data.grid_x[0], data.grid_y[0]) == (0.0, 0.0)  # T000 has the best mean score
    got = []
    view.selection_requested.connect(got.append)
    click(view.heatmap, _heat_point(view, "T000"))
    assert len(got) == 1 and got[0].ids == frozenset({"T000"}) and got[0].source == "triage"


def test_outlier_click_and_threshold(view):
    data = view._data
    assert view._share[0] == 1.0  # all six episodes at 780 >= 650
    view.threshold.setValue(790.0)
    assert view._share[0] == 0.0
    view.threshold.setValue(650.0)
    # an investor alone at its (count, share) spot
    xy = np.column_stack((data.n_episodes, view._share))
    _, first, counts = np.unique(xy, axis=0, return_index=True, return_counts=True)
    k = int(first[np.flatnonzero(counts == 1)[0]])
    vb = view.outliers.getPlotItem().getViewBox()
    got = []
    view.selection_requested.connect(got.append)
    click(view.outliers, widget_point(view.outliers, vb, float(data.n_episodes[k]), float(view._share[k])))
    assert len(got) == 1 and got[0].ids == frozenset({str(data.ids[k])})


def test_selection_overlay_and_scorecard(view):
    got = []
    view.selection_requested.connect(got.append)
    before = pixel(view.heatmap, _heat_point(view, "T005"))
    view.apply_selection(Selection(ids=frozenset({"T005", "T007", "X"}), focus="T005"))
    assert view.highlighted_ids() == frozenset({"T005", "T007"}) and got == []
    after = pixel(view.heatmap, _heat_point(view, "T005"))
    assert (after.red(), after.green(), after.blue()) != (before.red(), before.green(), before.blue())
    assert after.red() > 150 and after.blue() < 100  # vermillion selection / dark-red focus
    sl = view._data.episodes_of("T005")
    assert view.scorecard.table.rowCount() == sl.stop - sl.start
    assert view.scorecard.title.text().startswith("T005:")


def test_scorecard_ranges_set_with_the_selection(view):
    """The card's chart holds every bar and the net position, its range applied with the
    selection (auto-range applied it in the next paint, which moved every item and asked for a
    second paint); another investor's card re-ranges it."""
    card = view.scorecard
    for investor in ("T005", "T000", "T007"):
        view.apply_selection(Selection(ids=frozenset({investor}), focus=investor))
        sl = view._data.episodes_of(investor)
        (xlo, xhi), (ylo, yhi) = card.chart.viewRange()
        position = np.cumsum(view._data.ep_net[sl])
        assert ylo <= min(0.0, position.min()) and yhi >= max(view._data.ep_volume[sl].max(), position.max())
        x0, _ = card.line.getData()
        assert xlo <= x0.min() and xhi >= x0.max()
        assert not any(card.chart.getViewBox().autoRangeEnabled())
        assert placed_for_range(card.chart.getPlotItem())


def test_outliers_range_holds_the_points_and_stays_with_the_selection(view):
    """The outliers plot is ranged on its points per data and threshold, never by a selection's
    marks (auto-ranging redrew every cached point in the paint after each selection)."""
    box = view.outliers.getPlotItem().getViewBox()
    data = view._data

    def holds_every_point() -> bool:
        (xlo, xhi), (ylo, yhi) = box.viewRange()
        return (xlo <= data.n_episodes.min() and xhi >= data.n_episodes.max()
                and ylo <= view._share.min() and yhi >= view._share.max())
    before = box.viewRange()
    assert holds_every_point() and not any(box.autoRangeEnabled())
    for investor in ("T000", "T005", "T007"):
        view.apply_selection(Selection(ids=frozenset({investor}), focus=investor))
        assert box.viewRange() == before and placed_for_range(view.outliers.getPlotItem())
    view.threshold.setValue(700.0)
    assert holds_every_point() and placed_for_range(view.outliers.getPlotItem())


def test_a_theme_switch_keeps_the_investigators_zoom_on_the_outliers(view):
    box = view.outliers.getPlotItem().getViewBox()
    box.scaleBy((0.5, 0.5))          # the investigator zooms in
    zoomed = box.viewRange()
    view.restyle()
    assert box.viewRange() == zoomed


def test_clear(view):
    view.clear()
    assert view.highlighted_ids() == frozenset() and view.scorecard.table.rowCount() == 0


def test_heatmap_groups_oracle():
    """Band x size level per cell, against a per-cell loop on hand-picked scores and sizes."""
    from views.triage_view import COLOUR_BANDS, SIZE_LEVELS, SIZE_MAX, SIZE_MIN, heatmap_groups
    scores = np.array([200.0, 249.9, 250.0, 500.0, 799.9, 800.0])
    sizes = np.array([SIZE_MIN, SIZE_MAX, 7, 9, SIZE_MIN, SIZE_MAX], dtype=float)
    expected = [min(int((s - 200.0) // 50.0), COLOUR_BANDS - 1) * SIZE_LEVELS + int(z) - SIZE_MIN
                for s, z in zip(scores, sizes)]
    assert heatmap_groups(scores, sizes).tolist() == expected


def test_heatmap_colour_follows_score(view):
    """Viridis: the best investor (score 780) is drawn yellow, a ~300 one dark blue-purple."""
    top = pixel(view.heatmap, _heat_point(view, "T000"))
    assert top.red() > 180 and top.green() > 180 and top.blue() < 100, top.getRgb()
    data = view._data
    low = str(data.ids[np.argmin(np.abs(data.mean_score - 300.0) + 1000.0 * (data.n_episodes < 4))])
    dark = pixel(view.heatmap, _heat_point(view, low))
    assert dark.blue() > dark.green() and dark.red() < 120, dark.getRgb()


def test_hover_describes_the_investor_under_the_pointer(view):
    vb = view.heatmap.getPlotItem().getViewBox()
    k = int(np.flatnonzero(view._data.ids == "T000")[0])
    scene = vb.mapViewToScene(pg.Point(view._data.grid_x[k], view._data.grid_y[k]))
    assert view._pick("heatmap", scene) == k
    assert view.describe(k).startswith("T000\nmean score 780, 6 episodes, 100% high-risk")
