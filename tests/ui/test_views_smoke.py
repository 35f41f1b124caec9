"""Every registered view on a real analysis of the demo market: build, show, select, snapshot.

The investor used is one the analysis ties together (a k-means suspect, a member of a
suspicious ring and a top account of an options alert), so every view can show it.
"""
from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from engine.params import AnalysisParams
from tests.ui.view_probe import shown
from views import VIEW_REGISTRY
from engine.viewdata.inputs import ViewInputs
from engine.viewdata.registry import view_data
from views.selection_types import Selection

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def linked_id(demo_result) -> str:
    suspects = {s.investor_id for s in demo_result.kmeans.suspects}
    rings = set(demo_result.svn.suspicious_members())
    accounts = {acc.investor_id for a in demo_result.options.alerts for acc in a.top_accounts}
    common = suspects & rings & accounts
    assert common, "the demo market plants ring insiders who also trade the informed options"
    return min(common)


@pytest.fixture(scope="module")
def prepared(demo_result, demo_tables):
    inputs = ViewInputs(result=demo_result, tables=demo_tables)
    return {name: view_data(name, inputs) for name in VIEW_REGISTRY}


@pytest.mark.parametrize("name", list(VIEW_REGISTRY))
def test_view_smoke(qtbot, name, prepared, linked_id):
    view = shown(qtbot, VIEW_REGISTRY[name](), (900, 650))
    assert view.view_name == name and view.title
    view.set_data(prepared[name])
    got = []
    view.selection_requested.connect(got.append)
    view.apply_selection(Selection(ids=frozenset({linked_id}), focus=linked_id, source="test"))
    qtbot.waitUntil(lambda: linked_id in view.highlighted_ids())  # the network previews a turn later
    assert got == []  # applying a selection never echoes a request
    figure = view.snapshot()
    assert figure.title and figure.png.startswith(b"\x89PNG")
    image = QImage.fromData(figure.png)
    assert image.width() >= 600 and image.height() >= 400
    view.clear()
    assert view.highlighted_ids() == frozenset()


@pytest.mark.parametrize("name", list(VIEW_REGISTRY))
def test_view_released_cleanly(qapp, name, prepared, linked_id):
    """A used view, once dropped, is freed by the garbage collector without crashing."""
    import gc
    import weakref
    view = VIEW_REGISTRY[name]()
    view.resize(600, 400)
    view.show()
    view.set_data(prepared[name])
    view.apply_selection(Selection(ids=frozenset({linked_id}), focus=linked_id))
    qapp.processEvents()
    view.close()
    ref = weakref.ref(view)
    del view
    gc.collect()
    qapp.processEvents()
    assert ref() is None


def test_suspects_and_cube_say_which_k_and_the_sensitivity_is_one_click_away(qtbot, prepared, demo_result):
    km = demo_result.kmeans
    table = shown(qtbot, VIEW_REGISTRY["suspects"](), (900, 650))
    table.set_data(prepared["suspects"])
    assert table.summary.text().startswith(f"K = {km.k} (stable across K)")
    assert "pooled Fisher p" in table.summary.text() and km.selection.reason in table.summary.toolTip()
    assert table.sensitivity_button.isEnabled()
    table.sensitivity_button.click()
    dialog = table.sensitivity_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.table.rowCount() == len(km.sensitivity) == 5
    assert [dialog.table.item(r, 0).text() for r in range(5)] == [str(r.k) for r in km.sensitivity]
    assert dialog.table.item(2, 0).font().bold() and not dialog.table.item(0, 0).font().bold()
    dialog.close()
    cube = shown(qtbot, VIEW_REGISTRY["cube"](), (900, 650))
    cube.set_data(prepared["cube"])
    assert f"K = {km.k} (stable across K)" in cube.legend.text()
