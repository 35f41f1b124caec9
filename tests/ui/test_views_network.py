"""Network view: node clicks ask to expand, expansions keep old positions, pins hold, tooltips."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from engine.svn.neighbourhood import Exploration, expand
from tests.ui.view_probe import click, pixel, shown, widget_point
from tests.ui.view_samples import sample_network, with_correction
from views.network_view import NetworkView
from views.selection_types import Selection


@pytest.fixture(scope="module")
def prepared():
    return sample_network("R00")


@pytest.fixture
def view(qtbot, prepared):
    return shown(qtbot, NetworkView(), (700, 600), prepared)


def _node_point(view, investor: str):
    x, y = view.positions()[investor]
    return widget_point(view.plot, view.vb, x, y)


def test_shows_the_ring_around_the_seed(view, prepared):
    ring = set(prepared.context.svn.rings[0].member_ids)
    assert set(view._data.node_ids[view._visible]) == ring


def test_click_on_node_requests_expand(view):
    got = []
    view.selection_requested.connect(got.append)
    click(view.plot, _node_point(view, "R05"))
    assert len(got) == 1
    assert got[0].ids == frozenset({"R05"}) and got[0].focus == "R05"
    assert got[0].expand and got[0].source == "network" and got[0].mode == "replace"


def test_click_on_selected_node_still_one_request(view):
    view.apply_selection(Selection(ids=frozenset({"R02"}), focus="R02"))
    got = []
    view.selection_requested.connect(got.append)
    click(view.plot, _node_point(view, "R02"), Qt.KeyboardModifier.ControlModifier)
    assert len(got) == 1 and got[0].ids == frozenset({"R02"}) and got[0].mode == "toggle"


def test_expansion_keeps_old_positions(view, prepared):
    before = view.positions()
    grown = expand(prepared.exploration, "R03", prepared.context.networks)
    grown = expand(grown, "B10", prepared.context.networks) if prepared.context.svn.index_of("B10") >= 0 else grown
    view.apply_exploration(grown)
    after = view.positions()
    for node, p in before.items():
        assert after[node] == p


def test_focus_outside_shown_nodes_previews_its_neighbourhood(view, prepared, qtbot, monkeypatch):
    svn = prepared.context.svn
    outsider = next(str(i) for i in svn.investor_ids if not str(i).startswith("R"))
    rebuilt = []
    monkeypatch.setattr(view, "_show", rebuilt.append)
    drawn = view.graph.scatter.data.size
    view.apply_selection(Selection(ids=frozenset({outsider}), focus=outsider))
    assert outsider not in view.shown_ids()            # the slot only moved the marks
    qtbot.waitUntil(lambda: outsider in view.shown_ids())
    assert {"R00"} <= view.shown_ids() and rebuilt == []  # an overlay: the graph is not rebuilt
    assert view.graph.scatter.data.size == drawn
    assert view.highlighted_ids() == frozenset({outsider})
    rect = view.vb.viewRect()  # the previewed focus is brought on screen
    x, y = view.positions()[outsider]
    assert rect.left() <= x <= rect.right() and rect.top() <= y <= rect.bottom()


def test_expansion_rebuilds_the_graph_once(view, prepared, monkeypatch):
    shows = []
    real_show = view._show
    monkeypatch.setattr(view, "_show", lambda data: (shows.append(data), real_show(data)))
    view.apply_selection(Selection(ids=frozenset({"R03"}), focus="R03"))
    view.apply_exploration(expand(prepared.exploration, "R03", prepared.context.networks))
    view._update_preview()                              # the pending preview turn
    assert len(shows) == 1 and "R03" in view.shown_ids()


def test_selection_ring_drawn_and_no_echo(view):
    got = []
    view.selection_requested.connect(got.append)
    view.apply_selection(Selection(ids=frozenset({"R04", "R06"}), focus="R04"))
    assert view.highlighted_ids() == frozenset({"R04", "R06"}) and got == []
    view._update_preview()     # the pending preview turn draws the marks (once, with the preview)
    x, y = view.positions()["R06"]
    px = view.vb.viewPixelSize()
    # the selection ring passes ~ (node radius + 4) pixels right of the node centre
    ring = widget_point(view.plot, view.vb, x + px[0] * 8.5, y)
    c = pixel(view.plot, ring)
    assert c.red() > 150 and c.blue() < 90  # vermillion ring


def test_pinned_nodes_never_move_on_tidy(view):
    view.apply_selection(Selection(ids=frozenset({"R01", "R02"}), focus="R01"))
    view.toggle_pin_selected()
    assert view.pinned_ids() == frozenset({"R01", "R02"})
    before = view.positions()
    view.tidy()
    after = view.positions()
    assert after["R01"] == before["R01"] and after["R02"] == before["R02"]
    assert any(after[n] != before[n] for n in before if n not in {"R01", "R02"})
    view.lock_box.setChecked(True)
    locked = view.positions()
    view.tidy()
    assert view.positions() == locked


def test_edge_tooltip_names_types_days_and_correction(view):
    data = view._data
    k = view._edges[0]
    a, b = data.node_ids[data.edge_a[k]], data.node_ids[data.edge_b[k]]
    pa, pb = np.array(view.positions()[a]), np.array(view.positions()[b])
    mid = (pa + pb) / 2
    scene = view.vb.mapViewToScene(QPointF(*mid))
    text = view.describe_at(scene)
    assert f"{min(a, b)} – {max(a, b)}" in text
    assert "bb:" in text and "days" in text and "bonferroni" in text


def test_network_follows_the_correction_in_use(view, prepared):
    """One control: the toolbar's correction decides the network drawn (no switch of its own)."""
    assert view.network_bits() == 1 and "Bonferroni" in view.shown_label.text()
    bonferroni_edges = view._edges.size
    for correction, bits in (("fdr", 2), ("threshold", 3)):
        view.set_data(with_correction(prepared, correction))
        assert view.network_bits() == bits and view._edges.size >= bonferroni_edges
    assert "typed threshold" in view.shown_label.text()


def test_clear(view):
    view.clear()
    assert view.highlighted_ids() == frozenset() and view._visible.size == 0


def test_capped_expansion_shows_the_cap_message(qtbot):
    from engine.viewdata.prepare import NetworkPrepared
    from engine.viewdata.network import network_context, network_data
    from tests.ui.view_samples import sample_svn
    context = network_context(sample_svn(), [], cap=3)
    exploration = expand(Exploration(), "R00", context.networks, cap=3)
    v = NetworkView()
    qtbot.addWidget(v)
    v.show()
    v.set_data(NetworkPrepared(context=context, data=network_data(context, exploration), exploration=exploration))
    assert v.message.isVisibleTo(v)
    assert "R00" in v.message.text() and "3" in v.message.text()
    assert {n for n in v._data.node_ids if n != "R00"} <= {f"R{k:02d}" for k in range(1, 8)}
    assert v._data.n_nodes == 4  # the seed and its 3 strongest neighbours


def _drag(view, start, end) -> None:
    """Press, move in steps with the button held, release (sendEvent: buttons are carried)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication
    target = view.plot.viewport()
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton

    def send(kind, pos, button, buttons):
        local = QPointF(pos)
        QApplication.sendEvent(target, QMouseEvent(kind, local, target.mapToGlobal(local), button, buttons,
                                                   Qt.KeyboardModifier.NoModifier))
    send(QEvent.Type.MouseButtonPress, start, left, left)
    for t in (0.25, 0.5, 0.75, 1.0):
        p = start + (end - start) * t
        send(QEvent.Type.MouseMove, p, none, left)
    send(QEvent.Type.MouseButtonRelease, end, left, none)


def test_dragging_a_node_moves_and_pins_it_unless_locked(view):
    start = _node_point(view, "R05")
    before = view.positions()["R05"]
    _drag(view, start, start + type(start)(60, 40))
    after = view.positions()["R05"]
    assert after != before and "R05" in view.pinned_ids()
    view.lock_box.setChecked(True)
    start = _node_point(view, "R06")
    before = view.positions()["R06"]
    _drag(view, start, start + type(start)(60, 40))
    assert view.positions()["R06"] == before and "R06" not in view.pinned_ids()


def _counting(calls: list[str], name: str, method):
    def wrapped(*args, **kwargs):
        calls.append(name)
        return method(*args, **kwargs)
    return wrapped


@pytest.mark.parametrize("focus", ["R05", "B40"])    # a drawn node; a background investor
def test_a_selection_places_labels_and_marks_once(qtbot, view, focus):
    """A new focus is previewed on the next turn; the labels and the marks are placed once in
    that turn (they were placed on the selection, with the preview and again after a fit)."""
    qtbot.wait(20)
    calls: list[str] = []
    view.labels.show = _counting(calls, "labels", view.labels.show)
    view.selected_marks.setData = _counting(calls, "marks", view.selected_marks.setData)
    view.apply_selection(Selection(ids=frozenset({focus}), focus=focus))
    qtbot.wait(20)
    assert calls.count("labels") == 1 and calls.count("marks") == 1
    assert (focus in view.highlighted_ids()) == (focus in view.shown_ids()) == (focus in view.labelled_ids())


def test_previewed_foci_reuse_the_label_items(view, prepared, qtbot):
    """Each previewed focus's label was a new text item added to the plot (the last one
    removed): the labels of ids no longer labelled now serve the next ones."""
    import pyqtgraph as pg
    svn = prepared.context.svn
    outsiders = [str(i) for i in svn.investor_ids if not str(i).startswith("R")][:4]
    seen: list[list] = []
    for outsider in outsiders:
        view.apply_selection(Selection(ids=frozenset({outsider}), focus=outsider))
        qtbot.waitUntil(lambda o=outsider: o in view.labelled_ids())
        seen.append([item for item in view.plot.getPlotItem().items if isinstance(item, pg.TextItem)])
    first = {id(item) for item in seen[0]}
    assert all({id(item) for item in items} <= first for items in seen[1:])
