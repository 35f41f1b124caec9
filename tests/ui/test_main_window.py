"""The main window: opening cases (cached result at once), linking across every registered
view, layout and recent cases remembered, drag and drop, errors without tracebacks."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ui.actions import SPECS
from ui.app import build_window
from ui.dialogs.error_dialog import ErrorDialog
from ui.icons import icon_names
from ui.session import EXPLORATION_SLOT


def _open(window, qtbot, path: Path):
    with qtbot.waitSignal(window.result_shown, timeout=120000) as blocker:
        assert window.open_case_path(path)
    return blocker.args[0]


def _error_dialogs() -> list[ErrorDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog) and w.isVisible()]


def test_actions_have_unique_shortcuts_and_shipped_icons(window):
    shortcuts = [a.shortcut().toString() for a in window.actions.values() if not a.shortcut().isEmpty()]
    assert len(shortcuts) == len(set(shortcuts))
    shipped = set(icon_names())
    assert {s.icon for s in SPECS if s.icon} <= shipped
    assert set(window.actions) == {s.name for s in SPECS}


@pytest.mark.slow
def test_table_click_highlights_the_investor_in_every_view(window, qtbot, analysed_case):
    prepared = _open(window, qtbot, analysed_case)
    assert prepared.view_errors == {}
    assert window.status.data_hash == window.session.info.data_hash
    assert set(prepared.view_data) == set(window.views)
    table = window.views["suspects"]
    # the demo plants ring members who also bought the informed calls: such a suspect can be
    # shown by every view (options trades, ring, network, raster, cube, triage)
    rows = prepared.view_data["suspects"]
    both = [str(i) for i, ring, opt in zip(rows.investor_id, rows.in_ring, rows.options_flag) if ring and opt]
    assert both, "planted ring members with options trades are missing from the suspects"
    investor = sorted(both)[0]
    row = table.model.row_of(investor)
    changes: list[object] = []
    window.selection.changed.connect(lambda new, old: changes.append(new))
    table.table.scrollTo(table.model.index(row, 1))
    rect = table.table.visualRect(table.model.index(row, 1))
    QTest.mouseClick(table.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     rect.center())
    assert len(changes) == 1 and changes[0].ids == {investor} and changes[0].focus == investor
    qtbot.waitUntil(lambda: all(investor in v.highlighted_ids() for v in window.views.values()))
    assert window.notes.focus_id == investor
    assert investor in window.status.selection_label.text()
    # back restores the empty selection in every view
    window.actions["back"].trigger()
    assert all(investor not in v.highlighted_ids() for v in window.views.values())


@pytest.mark.slow
def test_reopen_shows_the_cached_result_and_remembers_recent(window, qtbot, analysed_case):
    first = _open(window, qtbot, analysed_case)
    window.close_case()
    assert window.session.result is None and window.views["suspects"].model.rowCount() == 0
    progress: list[str] = []
    window.session.analysis_progress.connect(lambda stage, f: progress.append(stage))
    second = _open(window, qtbot, analysed_case)
    assert second.result.kmeans.suspects == first.result.kmeans.suspects
    from engine.pipeline import STAGES
    assert not set(progress) & {name for name, _ in STAGES}   # served from the case file's cache
    assert window.settings.recent_cases()[0] == str(analysed_case.resolve())


def test_layout_and_geometry_are_remembered(qtbot):
    w = build_window(in_process=False)
    qtbot.addWidget(w)
    w.show()
    floor = w.minimumSizeHint()
    size = (max(floor.width(), 1000) + 37, max(floor.height(), 560) + 23)
    assert size[0] <= 1366 and size[1] <= 768      # usable on a 1366x768 screen
    w.resize(*size)
    w.docks["notes"].hide()
    saved = w.saveGeometry()
    w.close()
    from ui.settings import Settings
    assert Settings().geometry() == saved
    w2 = build_window(in_process=False)
    qtbot.addWidget(w2)
    w2.show()
    # the offscreen screen is narrower than the window's minimum width, so Qt clamps the
    # width on restore; the height is restored exactly
    assert w2.height() == size[1]
    assert not w2.docks["notes"].isVisible()
    w2.actions["reset_layout"].trigger()
    assert w2.docks["notes"].isVisible()
    w2.close()


def test_bad_case_file_shows_a_message_not_a_traceback(window, tmp_path):
    bad = tmp_path / "broken.itcase"
    bad.write_bytes(b"this is not a database")
    assert not window.open_case_path(bad)
    dialogs = _error_dialogs()
    assert len(dialogs) == 1
    text = dialogs[0].message.text()
    assert "Traceback" not in text and text
    dialogs[0].close()
    assert window.session.info is None


def test_excepthook_logs_traceback_and_shows_short_message(window, qapp):
    from engine.applog import configure_logging, log_file
    from ui.app import _excepthook
    configure_logging()
    try:
        raise RuntimeError("planted failure")
    except RuntimeError as exc:
        _excepthook(type(exc), exc, exc.__traceback__)
    dialogs = _error_dialogs()
    assert len(dialogs) == 1
    assert "planted failure" in dialogs[0].message.text() and "Traceback" not in dialogs[0].message.text()
    dialogs[0].close()
    for handler in __import__("logging").getLogger().handlers:
        handler.flush()
    logged = log_file().read_text(encoding="utf-8")
    assert "Traceback" in logged and "planted failure" in logged


@pytest.mark.slow
def test_drop_of_a_case_file_opens_it(window, qtbot, analysed_case):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(analysed_case))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.result_shown, timeout=120000):
        window.dropEvent(event)
    assert window.session.info.path == analysed_case


@pytest.mark.slow
def test_demo_is_built_once_then_reused_and_rebuilt_on_new_version(window, qtbot, monkeypatch):
    from ui import demo_case
    assert not demo_case.demo_is_current()
    with qtbot.waitSignal(window.result_shown, timeout=300000):
        window.open_demo()
    path = demo_case.demo_case_path()
    assert demo_case.demo_is_current() and window.session.info.path == path
    assert window.views["suspects"].model.rowCount() > 0
    monkeypatch.setattr(demo_case, "SOFTWARE_VERSION", "99.0.0")
    assert not demo_case.demo_is_current()


@pytest.mark.slow
def test_expand_grows_the_exploration_by_exactly_the_networkx_neighbours(window, qtbot, analysed_case):
    import networkx as nx
    import numpy as np

    from engine.case.store import CaseStore
    from engine.svn.neighbourhood import Exploration
    prepared = _open(window, qtbot, analysed_case)
    svn = prepared.result.svn
    assert svn.correction == "bonferroni"
    links = svn.links()
    diagonal = np.isin(links.link_type, (0, 1, 2))              # bb, ss, bsbs
    graph = nx.Graph()
    ids = svn.investor_ids
    graph.add_edges_from(zip(ids[links.a[diagonal]], ids[links.b[diagonal]]))
    table = window.views["suspects"]
    in_net = [table.model.investor_at(r) for r in range(table.model.rowCount())
              if table.model.investor_at(r) in graph]
    assert in_net, "the demo plants rings: some suspects must be in the validated network"
    seed = in_net[0]
    row = table.model.row_of(seed)
    changes: list[object] = []
    grown: list[Exploration] = []
    window.selection.changed.connect(lambda new, old: changes.append(new))
    window.session.exploration_changed.connect(grown.append)
    table.table.scrollTo(table.model.index(row, 1))
    rect = table.table.visualRect(table.model.index(row, 1))
    QTest.mouseClick(table.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    QTest.mouseDClick(table.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    assert len(changes) == 1 and changes[0].focus == seed
    assert len(grown) == 1
    expected = {seed} | set(graph.neighbors(seed))
    assert set(grown[0].nodes["bonferroni"]) == expected
    assert grown[0].seeds == (seed,) and grown[0].expanded == (seed,)
    # expanding the same node again changes nothing; the state is in the case file
    window.actions["expand_focus"].trigger()
    assert len(grown) == 1
    window.close_case()
    with CaseStore.open(analysed_case) as store:
        saved = Exploration.from_json(store.load_exploration(prepared.result.event.event_id, EXPLORATION_SLOT))
        assert saved == grown[0]
        assert any(e.action == "exploration" for e in store.audit_entries())


@pytest.mark.slow
def test_parameters_are_remembered_per_case(window, qtbot, analysed_case):
    from engine.params import AnalysisParams
    _open(window, qtbot, analysed_case)
    assert window.session.params == AnalysisParams()
    fdr = AnalysisParams().replace("svn", correction="fdr")
    with qtbot.waitSignal(window.result_shown, timeout=120000) as blocker:
        window.run_analysis(use_cache=True, params=fdr)
    assert blocker.args[0].result.params == fdr
    window.close_case()
    reopened = _open(window, qtbot, analysed_case)
    assert window.session.params == fdr and reopened.result.params == fdr


@pytest.mark.slow
def test_a_failing_analysis_shows_a_dialog_without_traceback(window, qtbot, analysed_case, monkeypatch):
    import ui.analysis_job
    from engine.errors import InputError

    def bad_analyze(*args, **kwargs):
        raise InputError.single("prices.csv", 3, "close", "not a number: 'n/a'")

    monkeypatch.setattr(ui.analysis_job, "analyze", bad_analyze)
    with qtbot.waitSignal(window.session.task_failed, timeout=60000):
        window.open_case_path(analysed_case)
    qtbot.wait_until(lambda: bool(_error_dialogs()), timeout=5000)
    dialog = _error_dialogs()[0]
    assert "Traceback" not in dialog.message.text()
    cells = [dialog.problems.item(0, c).text() for c in range(4)]
    assert cells == ["prices.csv", "3", "close", "not a number: 'n/a'"]
    assert window.status.state_label.text() == "Analysis failed"
    dialog.close()
