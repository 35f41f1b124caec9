"""GUI test fixtures: fail a test that leaves top-level widgets open; an analysed demo case."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

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


@pytest.fixture(scope="session")
def analysed_case_master(demo_case_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo case with its default analysis cached inside (computed once)."""
    from engine.case_store import CaseStore
    from engine.params import AnalysisParams
    from engine.pipeline import analyze
    out = tmp_path_factory.mktemp("analysed") / "demo.itcase"
    shutil.copy(demo_case_path, out)
    with CaseStore.open(out) as store:
        tables = store.tables()
        analyze(tables, tables.event(None), AnalysisParams(), store=store)
    return out


@pytest.fixture
def analysed_case(analysed_case_master: Path, tmp_path: Path) -> Path:
    """A private writable copy of the analysed demo case."""
    out = tmp_path / "case.itcase"
    shutil.copy(analysed_case_master, out)
    return out
