"""Nothing is cut off or drawn under a control on the 1366 x 768 screen.

Each view is shown at the size its dock gets in a 1366 x 768 window (the bottom docks about
876 px wide and as short as their minimum height); oracle: widget and scene geometry (what
is drawn lies inside what shows it) and the header's own size hints. Found by looking at the
workbench under Xvfb at 1366 x 768 and 1920 x 1080.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from tests.ui.view_probe import shown
from tests.ui.view_samples import sample_options, sample_raster
from ui.events_dock import EventsPanel
from views._layout import status_line
from views.options_view import OptionsView
from views.profile_view import ProfileView
from views.raster_view import RasterView

DOCK_WIDTH_1366 = 876   # the bottom docks beside the suspects/notes column at 1366 px


def _texts(axis) -> list[tuple[QRectF, str]]:
    """(rect in axis coordinates, text) of each tick label the axis draws."""
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [] if specs is None else [(rect, text) for rect, _flags, text in specs[2]]


def _in_viewport(canvas, item) -> QRectF:
    """``item``'s scene rect in the canvas's viewport pixels."""
    return QRectF(canvas.mapFromScene(item.sceneBoundingRect()).boundingRect())


def _short(qtbot, view):
    """``view`` at the 1366 dock width and its own minimum height, laid out."""
    shown(qtbot, view, (DOCK_WIDTH_1366, 100))
    view.resize(DOCK_WIDTH_1366, view.minimumSizeHint().height())
    qtbot.wait(1)
    return view


def test_options_date_ticks_show_in_a_short_dock(qtbot):
    """The month ticks under the risk panel were cut at the bottom at 1366 x 768: the canvas'
    minimum left out the layout's margins and spacing, so the panels overflowed it by 16 px."""
    view = _short(qtbot, OptionsView())
    view.set_data(sample_options())
    qtbot.wait(1)
    viewport = QRectF(view.canvas.viewport().rect())
    axis = view.plots["risk"].getAxis("bottom")
    assert viewport.contains(_in_viewport(view.canvas, axis))
    texts = _texts(axis)
    assert texts, "no month tick"
    for rect, text in texts:
        assert rect.height() <= axis.height(), text
        assert viewport.contains(QRectF(view.canvas.mapFromScene(axis.mapRectToScene(rect)).boundingRect())), text


def test_options_guide_names_inside_the_top_panel(qtbot):
    """'reference start' and 'PSE' were centred a few pixels under the top panel's edge: their
    upper half was cut off."""
    view = _short(qtbot, OptionsView())
    view.set_data(sample_options())
    qtbot.wait(1)
    panel = view.plots["volume"].getViewBox().sceneBoundingRect()
    labels = [item.label for item in view.plots["volume"].items if getattr(item, "label", None) is not None]
    assert sorted(label.toPlainText() for label in labels) == ["PSE", "reference start"]
    for label in labels:
        assert panel.contains(label.sceneBoundingRect()), label.toPlainText()


def test_options_alert_line_ends_before_its_buttons(qtbot):
    """The hint ran to the Details button and was cut mid-word there, reading as text going
    under it: it now ends in an ellipsis inside its own rect."""
    view = _short(qtbot, OptionsView())
    view.set_data(sample_options())
    view.show_alert(2)
    qtbot.wait(1)
    line = view.alert_line
    for button in (view.details_button, view.accounts_button):
        assert not line.geometry().intersects(button.geometry())
    painted = getattr(line, "shown_text", line.text)()
    assert painted.endswith("…") and len(painted) < len(line.text())
    assert line.fontMetrics().horizontalAdvance(painted) <= line.contentsRect().width()


def test_elided_status_line_offers_the_full_text(qtbot):
    label = status_line("a hover text far longer than the few pixels its label gets on a narrow dock")
    shown(qtbot, label, (120, 20))
    assert label.shown_text().endswith("…")
    assert label.fontMetrics().horizontalAdvance(label.shown_text()) <= label.contentsRect().width()
    label.resize(2000, 20)
    assert label.shown_text() == label.text()


def test_profile_charts_keep_their_height_in_a_short_dock(qtbot):
    """At 1366 x 768 the profile's three title rows and date axes took the whole canvas: the
    price and position charts were 0 px tall and the k-means path fell below the canvas."""
    view = _short(qtbot, ProfileView())
    viewport = QRectF(view.canvas.viewport().rect())
    for plot in (view.price, view.position, view.path):
        box = plot.getViewBox()
        assert box.height() >= 24
        assert viewport.contains(_in_viewport(view.canvas, plot))


def test_raster_top_ring_name_is_not_cut(qtbot):
    """The top ring's name is centred on its first rows, a few pixels under the plot's edge:
    its upper half was cut off ('ring 3' at both sizes)."""
    view = shown(qtbot, RasterView(), (430, 280), sample_raster())
    qtbot.wait(1)
    axis = view._left
    texts = _texts(axis)
    assert texts
    top = min(QRectF(view.plot.mapFromScene(axis.mapRectToScene(rect)).boundingRect()).top() for rect, _ in texts)
    assert top >= 0


def test_events_headers_show_in_full_before_a_screening(qtbot):
    """'HIGH options days' read 'IGH options day' in the empty table."""
    panel = shown(qtbot, EventsPanel(), (DOCK_WIDTH_1366, 200))
    header = panel.table.horizontalHeader()
    for k in range(header.count() - 1):        # the last section stretches
        assert header.sectionSize(k) >= header.sectionSizeHint(k), panel.table.horizontalHeaderItem(k).text()


def test_dated_views_never_tick_hours(qtbot):
    """Zoomed in on a few days, the timeline and the profile ticked '06:00', '12:00', … on
    daily data; like the options and the scorecard, they tick days at the finest."""
    from views.time_axis import days_to_x
    from views.timeline_view import TimelineView
    timeline = shown(qtbot, TimelineView(), (DOCK_WIDTH_1366, 240))
    profile = shown(qtbot, ProfileView(), (DOCK_WIDTH_1366, 300))
    lo, hi = days_to_x(["2019-10-07", "2019-10-10"])
    for plot in (timeline.plot.getPlotItem(), profile.position, profile.path):
        plot.setXRange(lo, hi, padding=0)
        axis = plot.getAxis("bottom")
        # an axis that had no tick text (an empty plot) grows to its texts' height in the
        # turn after the paint that measured them (pyqtgraph); wait for that, not 1 ms
        qtbot.waitUntil(lambda: bool(_texts(axis)))
        texts = [text for _rect, text in _texts(axis)]
        assert not any(":" in text for text in texts), texts


def test_review_queue_says_what_fills_it(qtbot):
    """The empty review queue was a bare header row: its title now says how it fills."""
    from engine.case.review import CaseWorkSnapshot, ReviewEntry
    from views.worklist_view import WorklistView
    view = shown(qtbot, WorklistView(), (480, 400))
    assert "no decision or tag recorded yet" in view.queue_title.text()
    assert view.queue_title.geometry().bottom() < view.queue.geometry().top()
    entry = ReviewEntry(1, "2026-01-05T10:00:00", "ana", "decision", "P1", "refer", "lockstep buys")
    view.set_case_work(CaseWorkSnapshot(history=(entry, entry)))
    assert view.queue_title.text() == "Review queue: 2 decisions and tags, newest first"


def test_placebo_plot_without_a_test_shows_no_ticks(qtbot):
    """Before a placebo test the plot ticked 0 … 1 on both axes around nothing."""
    from views.placebo_view import EMPTY_TEXT, PlaceboView
    view = shown(qtbot, PlaceboView(), (DOCK_WIDTH_1366, 220))
    view.clear()
    assert view.summary.text() == EMPTY_TEXT
    item = view.plot.getPlotItem()
    assert not any(item.getAxis(side).isVisible() for side in ("left", "bottom"))


def test_profile_value_ticks_never_overlap_in_a_short_dock(qtbot):
    """With the charts 30 px tall, the position chart's axis printed 0.2, 0.4, 0.6, 0.8 over
    one another (no investor yet): two or three values, apart, like the options panels."""
    view = _short(qtbot, ProfileView())
    for plot in (view.price, view.position, view.path):
        axis = plot.getAxis("left")
        rects = [rect for rect, _text in _texts(axis)]
        assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:]), [t for _r, t in _texts(axis)]


def test_network_labels_never_overlap_as_drawn(qtbot):
    """Labels were placed by a guess of 7 x 16 px a character, but a 7-digit id is drawn in a
    61 x 22 px box: in a 45-member ring, neighbouring ids overlapped. Nodes on a tight grid;
    oracle: the boxes of the text items the view draws for the labels kept."""
    import numpy as np
    import pyqtgraph as pg
    from views.network_labels import LABEL_GAP_PX, place_labels
    cols, rows = 6, 6
    ids = [f"{1000000 + 7919 * k}" for k in range(cols * rows)]
    xy = np.array([(60.0 * (k % cols), 20.0 * (k // cols)) for k in range(len(ids))])
    node = np.full(len(ids), 8.0)
    kept = place_labels(xy, ids, np.arange(len(ids)), node)
    boxes = []
    for k in kept:          # as LabelLayer draws them: bottom centre just above the node
        item = pg.TextItem(ids[k], anchor=(0.5, 1.0))
        size = item.textItem.boundingRect()
        bottom = xy[k, 1] - node[k] / 2.0 - LABEL_GAP_PX
        boxes.append(QRectF(xy[k, 0] - size.width() / 2.0, bottom - size.height(), size.width(), size.height()))
    assert len(kept) >= cols
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            cut = a.intersected(b)
            assert cut.width() * cut.height() < 1.0
