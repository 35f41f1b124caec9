"""GUI test fixtures: fail a test that leaves top-level widgets open; an analysed demo case."""
from __future__ import annotations

import sys

import pytest


@pytest.fixture(autouse=True)
def _no_leftover_windows(request: pytest.FixtureRequest, qapp):
    """Fail a test that leaves a visible top-level widget behind (napari's leak check).

    Set up before ``qtbot`` so it is torn down after qtbot closed its registered widgets.
    The excepthook is restored in case pyqtgraph or the app replaced it.
    """
    hook = sys.excepthook
    before = {id(w) for w in qapp.topLevelWidgets() if w.isVisible()}
    yield
    sys.excepthook = hook
    from PySide6.QtCore import QCoreApplication, QEvent
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()
    left = [w for w in qapp.topLevelWidgets() if w.isVisible() and id(w) not in before]
    for w in left:
        w.close()
        w.deleteLater()
    assert not left, f"test left top-level widgets open: {[type(w).__name__ + ':' + w.objectName() for w in left]}"


@pytest.fixture
def window(qtbot):
    """The real main window with every registered view (analysis in a thread), shown."""
    from ui.app import build_window
    w = build_window(in_process=False)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()



@pytest.fixture(scope="session")
def demo_result(demo_tables):
    """The default analysis of the demo market, run once for the view tests."""
    from engine.params import AnalysisParams
    from engine.pipeline import run_stages
    return run_stages(demo_tables, demo_tables.event_list()[0], AnalysisParams(), "views")
