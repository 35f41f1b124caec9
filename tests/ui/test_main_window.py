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


@pytest.fixture
def window(qtbot):
    w = build_window(in_process=False)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def _open(window, qtbot, path: Path):
    with qtbot.waitSignal(window.session.result_ready, timeout=120000) as blocker:
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
    assert table.model.rowCount() > 0
    changes: list[object] = []
    window.selection.changed.connect(lambda new, old: changes.append(new))
    rect = table.table.visualRect(table.model.index(0, 1))
    QTest.mouseClick(table.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     rect.center())
    investor = table.model.investor_at(0)
    assert len(changes) == 1 and changes[0].ids == {investor} and changes[0].focus == investor
    missing = {name: sorted(view.highlighted_ids()) for name, view in window.views.items()
               if investor not in view.highlighted_ids()}
    assert missing == {}
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
    assert progress == []                       # served from the case file's cache
    assert window.settings.recent_cases()[0] == str(analysed_case.resolve())


def test_layout_and_geometry_are_remembered(qtbot):
    w = build_window(in_process=False)
    qtbot.addWidget(w)
    w.show()
    w.resize(700, 500)
    w.docks["notes"].hide()
    w.close()
    w2 = build_window(in_process=False)
    qtbot.addWidget(w2)
    w2.show()
    assert (w2.width(), w2.height()) == (700, 500)
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
    with qtbot.waitSignal(window.session.result_ready, timeout=120000):
        window.dropEvent(event)
    assert window.session.info.path == analysed_case


@pytest.mark.slow
def test_demo_is_built_once_then_reused_and_rebuilt_on_new_version(window, qtbot, monkeypatch):
    from ui import demo_case
    assert not demo_case.demo_is_current()
    with qtbot.waitSignal(window.session.result_ready, timeout=300000):
        window.open_demo()
    path = demo_case.demo_case_path()
    assert demo_case.demo_is_current() and window.session.info.path == path
    assert window.views["suspects"].model.rowCount() > 0
    monkeypatch.setattr(demo_case, "SOFTWARE_VERSION", "99.0.0")
    assert not demo_case.demo_is_current()
