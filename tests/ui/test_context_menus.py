"""Right-click menus: the investigator's verbs in the network, options plots and tables, and a
right-click on a table that leaves the selection alone.

Sequence on the analysed demo case: select a suspect, right-click another table row (the
selection stays), then run each verb from its menu (copy, pin, expand, decision, packet,
figure) and check its effect on the clipboard, the network view, the exploration, the notes
panel and the packet dialog.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from tests.ui.view_probe import widget_point
from views._context import ContextRequest


def _open(window, qtbot, path: Path):
    with qtbot.waitSignal(window.result_shown, timeout=120000):
        assert window.open_case_path(path)


def _action(menu, name: str):
    for action in menu.findChildren(type(menu.menuAction())):
        if action.objectName() == name:
            return action
    raise AssertionError(f"no {name} in {[a.text() for a in menu.actions()]}")


def _requests(view):
    got = []
    view.context_requested.connect(got.append)
    return got


def test_table_right_click_keeps_selection_and_offers_verbs(window, qtbot, analysed_case):
    _open(window, qtbot, analysed_case)
    table = window.views["suspects"]
    first, second = table.model.investor_at(0), table.model.investor_at(1)
    window.selection.replace({first}, first, source="test")
    got = _requests(table)
    rect = table.table.visualRect(table.model.index(1, 1))
    QTest.mouseClick(table.table.viewport(), Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, rect.center())
    assert window.selection.value.ids == frozenset({first})              # unchanged by the right-click
    assert table.highlighted_ids() == frozenset({first})
    located = table._context_at(rect.center())
    assert located[0] == second
    table.table.customContextMenuRequested.emit(rect.center())
    assert got and got[-1].investor == second and got[-1].source == "suspects"
    menu = window.context_menus.menu_for(got[-1])
    texts = [a.text() for a in menu.actions()]
    assert f"Copy id {second}" in texts and "Save figure as PNG…" in texts
    _action(menu, "ctx_copy").trigger()
    assert QGuiApplication.clipboard().text() == second
    _action(menu, "ctx_pin").trigger()
    assert second in window.views["network"].pinned_ids()
    _action(menu, "ctx_expand").trigger()
    assert second in window.session.exploration.expanded or second in window.session.exploration.seeds
    _action(menu, "ctx_decision_watch").trigger()
    assert window.selection.value.focus == second and window.notes.decision.currentText() == "watch"
    _action(menu, "ctx_packet").trigger()
    assert window.context_menus.picks.suspects == [second]
    menu.close()
    # the packet dialog checks the added suspect on top of its defaults
    late = table.model.investor_at(table.model.rowCount() - 1)
    window.context_menus.picks.add_suspect(late)
    window.exports.controller.export_packet()
    dialog = window.exports.controller.dialog
    try:
        assert late in dialog.request().suspects and second in dialog.request().suspects
    finally:
        dialog.reject()


def test_ring_row_and_network_node_and_options_plot_have_menus(window, qtbot, analysed_case):
    _open(window, qtbot, analysed_case)
    rings = window.views["rings"]
    index = rings.model.index(0, 0)
    got = _requests(rings)
    rings.table.customContextMenuRequested.emit(rings.table.visualRect(index).center())
    request = got[-1]
    members = tuple(str(m) for m in rings.model.rings.members[rings.model.source_row(0)])
    assert request.ring == int(rings.model.rings.cluster_id[rings.model.source_row(0)]) and request.members == members
    menu = window.context_menus.menu_for(request)
    _action(menu, "ctx_ring_select").trigger()
    assert window.selection.value.ids == frozenset(members)
    menu.close()
    # a node of the network (the focus's neighbourhood is drawn) names its investor
    focus = members[0]
    window.selection.replace({focus}, focus, source="test")
    network = window.views["network"]
    network.resize(700, 600)
    qtbot.wait(10)
    x, y = network.positions()[focus]
    point = widget_point(network.plot, network.vb, x, y)
    assert network._context_at(point)[0] == focus
    got = _requests(network)
    network.plot.customContextMenuRequested.emit(point)
    assert got[-1].investor == focus and got[-1].source == "network"
    assert network.plot.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    # options plots: figure verbs at least
    options = window.views["options"]
    assert options.canvas.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    menu = window.context_menus.menu_for(ContextRequest(source="options", global_pos=QPoint(0, 0)))
    assert [a.text() for a in menu.actions() if a.text()] == ["Save figure as PNG…", "Save figure as SVG…"]
    menu.close()
