"""Exports from the GUI: packet dialog -> PDF with only the checked suspects and rings, file
exports logged once each, figures as PNG and SVG from any view, the audit trail dialog."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QDockWidget, QMainWindow, QPushButton, QWidget
from pypdf import PdfReader

from engine.case.audit import AuditEntry
from engine.exports.tables import rings_csv_bytes, suspects_csv_bytes
from engine.exports.notes import notes_markdown_bytes
from engine.packet.build import DEFAULT_TOP_RINGS, DEFAULT_TOP_SUSPECTS
from ui.audit_view import AuditDialog, AuditFilter, filter_entries
from ui.dialogs.error_dialog import ErrorDialog
from ui.export import FILE_EXPORTS, ExportController
from ui.figure_export import figure_svg, install_figure_export, save_figure
from ui.session import Session
from engine.viewdata.inputs import ViewInputs
from engine.viewdata.registry import view_data
from views.network_view import NetworkView
from views.raster_view import RasterView


def _wait_for(condition, message: str, timeout_s: float = 120.0) -> None:
    """Run the event loop until ``condition()`` holds (module fixtures cannot use qtbot)."""
    deadline = dt.datetime.now() + dt.timedelta(seconds=timeout_s)
    while not condition() and dt.datetime.now() < deadline:
        QTest.qWait(20)
    assert condition(), message


@pytest.fixture(scope="module")
def session(qapp, analysed_case_master: Path, tmp_path_factory: pytest.TempPathFactory):
    """A session on a private copy of the analysed demo case, its cached result loaded once."""
    path = tmp_path_factory.mktemp("ui_exports") / "demo.itcase"
    shutil.copy(analysed_case_master, path)
    s = Session((), in_process=False)
    s.open_case(path)
    _wait_for(lambda: s.info is not None, "the case did not open")   # tables may load on a worker
    s.set_event(s.info.events[0].event_id)
    done: list[object] = []
    s.result_ready.connect(done.append)
    s.run_analysis(use_cache=True)
    _wait_for(lambda: bool(done), "the cached analysis did not load")
    yield s
    s.shutdown(5.0)


@pytest.fixture
def host(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def _error_dialogs() -> list[ErrorDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog) and w.isVisible()]


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def _headings(path: Path) -> list[str]:
    """Every heading of the PDF's outline (bookmarks), depth first."""
    def walk(items) -> list[str]:
        out: list[str] = []
        for item in items:
            out.extend(walk(item) if isinstance(item, list) else [item.title])
        return out
    return walk(PdfReader(str(path)).outline)


def test_packet_dialog_exports_only_the_checked_suspects_and_rings(session, host, qtbot, tmp_path: Path) -> None:
    result = session.result
    suspects, rings = result.kmeans.suspects, result.svn.rings
    assert len(suspects) >= 3 and len(rings) >= 2
    controller = ExportController(session, host)
    controller.export_packet()
    dialog = controller.dialog
    checked = lambda w: [w.item(i).data(Qt.ItemDataRole.UserRole) for i in range(w.count())  # noqa: E731
                         if w.item(i).checkState() == Qt.CheckState.Checked]
    assert checked(dialog.suspects) == [s.investor_id for s in suspects[:DEFAULT_TOP_SUSPECTS]]
    assert checked(dialog.rings) == [g.cluster_id for g in rings[:DEFAULT_TOP_RINGS]]
    # the investigator keeps suspects 1 and 3 and the second ring only
    none = next(b for b in dialog.suspects.parentWidget().findChildren(QPushButton) if b.text() == "None")
    qtbot.mouseClick(none, Qt.MouseButton.LeftButton)
    assert checked(dialog.suspects) == []
    for i in (0, 2):
        dialog.suspects.item(i).setCheckState(Qt.CheckState.Checked)
    for i in range(dialog.rings.count()):
        dialog.rings.item(i).setCheckState(Qt.CheckState.Checked if i == 1 else Qt.CheckState.Unchecked)
    dialog.page_size.setCurrentText("Letter")
    out = tmp_path / "packet.pdf"
    dialog.path_edit.setText(str(out))
    before = len(session.store.audit_entries())
    with qtbot.waitSignal(controller.packet_written, timeout=120000):
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    text = _pdf_text(out)
    headings = _headings(out)
    detailed = [h for h in headings if h.startswith(("Suspect ", "Ring "))]
    assert detailed == [f"Suspect {s.investor_id} (rank {s.rank})" for s in (suspects[0], suspects[2])] + \
        [f"Ring {rings[1].cluster_id} (rank {rings[1].rank})"]
    for s in (suspects[0], suspects[2]):
        assert f"Suspect {s.investor_id} (rank {s.rank})" in text
    assert f"Suspect {suspects[1].investor_id} (rank {suspects[1].rank})" not in text
    assert f"Ring {rings[0].cluster_id} (rank {rings[0].rank})" not in text
    width, height = PdfReader(str(out)).pages[0].mediabox.upper_right
    assert (round(float(width)), round(float(height))) == (612, 792)   # Letter in points
    entries = session.store.audit_entries()
    assert len(entries) == before + 1
    details = entries[-1].details
    assert entries[-1].action == "export" and details["kind"] == "packet"
    assert details["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert details["suspects"] == [suspects[0].investor_id, suspects[2].investor_id]
    assert details["rings"] == [rings[1].cluster_id]
    assert controller.progress is None and not controller.busy()


def test_file_exports_write_the_engine_bytes_and_log_once(session, host, tmp_path: Path) -> None:
    controller = ExportController(session, host)
    store, result = session.store, session.result
    store.set_note(None, "<p>Case <b>note</b></p>")
    expected = {"suspects_csv": lambda: suspects_csv_bytes(result, store.decisions()),
                "rings_csv": lambda: rings_csv_bytes(result),
                "notes_md": lambda: notes_markdown_bytes(store.notes(), session.info.name)}
    for name in FILE_EXPORTS:
        path = tmp_path / f"out-{name}"
        before = len(store.audit_entries())
        want = expected[name]() if name in expected else None
        assert controller.export_file(name, path) == path
        entries = store.audit_entries()
        assert len(entries) == before + 1, name
        assert entries[-1].details["kind"] == name and entries[-1].details["file"] == path.name
        assert entries[-1].details["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        if want is not None:
            assert path.read_bytes() == want, name
    # a file that cannot be written: an error dialog, no audit entry
    before = len(store.audit_entries())
    failures: list[object] = []
    controller.export_failed.connect(failures.append)
    assert controller.export_file("rings_csv", tmp_path / "no-such-folder" / "r.csv") is None
    assert len(failures) == 1 and len(store.audit_entries()) == before
    dialogs = _error_dialogs()
    assert dialogs and "no-such-folder" in dialogs[0].message.text()
    for d in dialogs:
        d.close()


@pytest.fixture
def raster(session, qtbot):
    view = RasterView()
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.set_data(view_data("raster", ViewInputs(session.result, session.tables)))
    return view


def test_figure_export_writes_png_and_svg_and_logs_them(session, raster, tmp_path: Path) -> None:
    store = session.store
    before = len(store.audit_entries())
    png, svg = tmp_path / "raster.png", tmp_path / "raster.svg"
    save_figure(raster, png, "png", store)
    save_figure(raster, svg, "svg", store)
    image = QImage(str(png))
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and not image.isNull()
    assert (image.width(), image.height()) == (raster.width(), raster.height())
    root = ET.fromstring(svg.read_bytes())
    assert root.tag.endswith("svg")
    drawn = [el for el in root.iter() if el.tag.split("}")[-1] in ("path", "polyline", "rect", "image", "text")]
    assert len(drawn) > 10
    entries = store.audit_entries()[before:]
    assert [(e.details["kind"], e.details["format"], e.details["file"]) for e in entries] == \
        [("figure", "png", "raster.png"), ("figure", "svg", "raster.svg")]
    assert entries[1].details["sha256"] == hashlib.sha256(svg.read_bytes()).hexdigest()


def test_figure_actions_reach_every_view_dock(session, qtbot, tmp_path: Path, monkeypatch) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    views = {"raster": RasterView(), "network": NetworkView()}
    docks = {}
    for name, view in views.items():
        docks[name] = QDockWidget(name, window)
        docks[name].setWidget(view)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, docks[name])
        view.set_data(view_data(view.view_name, ViewInputs(session.result, session.tables)))
    exporter = install_figure_export(window, views, docks, lambda: session.store, lambda: str(tmp_path))
    for name in views:
        assert docks[name].contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    # an action saves the view it belongs to, through the file dialog (plots and tables offer
    # the same actions in their right-click menus: tests/ui/test_context_menus.py)
    target = tmp_path / "net.svg"
    monkeypatch.setattr("ui.figure_export.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), ""))
    actions = exporter.actions_for(views["network"], window)
    assert [a.text() for a in actions] == ["Save figure as PNG…", "Save figure as SVG…"]
    actions[1].trigger()
    assert ET.fromstring(target.read_bytes()).tag.endswith("svg")
    assert session.store.audit_entries()[-1].details["view"] == "network"
    assert figure_svg(QWidget())   # an empty widget still gives a document


def _entry(seq: int, time: str, action: str, details: dict) -> AuditEntry:
    return AuditEntry(seq, time, "ana", action, details, "p", "h")


def test_filter_entries_by_action_text_and_dates() -> None:
    entries = [_entry(1, "2026-01-01T10:00:00Z", "import", {"data_hash": "abc"}),
               _entry(2, "2026-01-02T23:59:59Z", "note", {"investor_id": "INV7"}),
               _entry(3, "2026-01-03T00:00:00Z", "export", {"kind": "packet", "file": "Inv7.pdf"}),
               _entry(4, "2026-01-05T08:00:00Z", "export", {"kind": "audit_csv"})]
    seqs = lambda f: [e.seq for e in filter_entries(entries, f)]  # noqa: E731
    assert seqs(AuditFilter()) == [1, 2, 3, 4]
    assert seqs(AuditFilter(action="export")) == [3, 4]
    assert seqs(AuditFilter(text="inv7")) == [2, 3]
    assert seqs(AuditFilter(text="  PACKET ")) == [3]
    assert seqs(AuditFilter(start=dt.date(2026, 1, 2), end=dt.date(2026, 1, 3))) == [2, 3]
    assert seqs(AuditFilter(action="export", start=dt.date(2026, 1, 4))) == [4]


def test_audit_dialog_lists_filters_verifies_and_exports(session, qtbot, tmp_path: Path) -> None:
    store = session.store
    store.set_note("INV-AUDIT", "looked at the filings")
    dialog = AuditDialog(store)
    qtbot.addWidget(dialog)
    entries = store.audit_entries()
    assert dialog.model.rowCount() == len(entries)
    dialog.action.setCurrentText("note")
    shown = dialog.model.entries
    assert shown and all(e.action == "note" for e in shown)
    assert len(shown) == sum(e.action == "note" for e in entries)
    dialog.text.setText("inv-audit")
    assert [e.details.get("investor_id") for e in dialog.model.entries] == ["INV-AUDIT"]
    dialog.action.setCurrentText("All actions")
    dialog.text.clear()
    dialog.use_dates.setChecked(True)
    first = dt.date.fromisoformat(entries[0].time[:10])
    dialog.start.setDate(first - dt.timedelta(days=30))
    dialog.end.setDate(first - dt.timedelta(days=1))
    assert dialog.model.rowCount() == 0
    dialog.use_dates.setChecked(False)
    assert dialog.verify() and "Intact" in dialog.verdict.text()
    out = tmp_path / "audit.csv"
    dialog.export_csv(out)
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(frame["seq"].astype(int)) == [e.seq for e in entries]
    assert dialog.model.rowCount() == len(entries) + 1   # the export itself is listed
    assert dialog.model.entries[-1].details["kind"] == "audit_csv"
    dialog.action.setCurrentText("export")
    assert all(e.action == "export" for e in dialog.model.entries) and dialog.model.rowCount() >= 1


def test_audit_dialog_reports_a_broken_chain(analysed_case: Path, qtbot) -> None:
    from engine.case.store import CaseStore
    conn = sqlite3.connect(analysed_case)   # a tamperer drops the append-only triggers first
    conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
    conn.execute("UPDATE audit SET user = 'someone else' WHERE seq = 1")
    conn.commit()
    conn.close()
    with CaseStore.open(analysed_case) as store:
        dialog = AuditDialog(store)
        qtbot.addWidget(dialog)
        assert not dialog.verify()
        assert "altered" in dialog.verdict.text()
        dialog.close()


def test_main_window_menus_run_the_exports(qtbot, analysed_case: Path, tmp_path: Path, monkeypatch) -> None:
    from ui.app import build_window
    from ui.export_menu import EXPORT_ACTIONS, FILE_ACTIONS
    window = build_window(in_process=False)
    qtbot.addWidget(window)
    a = window.actions
    assert not any(a[name].isEnabled() for name in EXPORT_ACTIONS)
    file_menu = next(act.menu() for act in window.menuBar().actions() if act.menu() and a["close_case"] in act.menu().actions())
    export_menu = next(act.menu() for act in file_menu.actions() if act.menu() and act.menu().objectName() == "menu_export")
    assert a["export_packet"] in file_menu.actions() and a["audit_trail"] in file_menu.actions()
    assert export_menu.actions() == [a[name] for name in FILE_ACTIONS]
    assert all(window.docks[name].contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
               for name in window.views)
    with qtbot.waitSignal(window.result_shown, timeout=120000):
        assert window.open_case_path(analysed_case)
    assert all(a[name].isEnabled() for name in EXPORT_ACTIONS)
    target = tmp_path / "from-menu.csv"
    monkeypatch.setattr("ui.export.QFileDialog.getSaveFileName", lambda *args, **kw: (str(target), ""))
    a["export_suspects_csv"].trigger()
    store = window.session.store
    assert target.read_bytes() == suspects_csv_bytes(window.session.result, store.decisions())
    a["audit_trail"].trigger()
    dialog = window.exports.audit_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.model.entries[-1].details["file"] == target.name
    window.close_case()
    assert window.exports.audit_dialog is None and not a["export_packet"].isEnabled()
    window.close()


def test_packet_shows_the_case_as_it_was_when_the_export_began(session, host, qtbot, tmp_path: Path) -> None:
    from engine.packet.build import PacketRequest
    controller = ExportController(session, host)
    store = session.store
    store.set_note(None, "EARLY NOTE before the export")
    out = tmp_path / "snap.pdf"
    with qtbot.waitSignal(controller.packet_written, timeout=120000):
        assert controller.start_packet(PacketRequest(suspects=(), rings=()), out) is not None
        store.set_note(None, "LATE NOTE typed while the packet is built")   # after the snapshot
    text = _pdf_text(out)
    assert "EARLY NOTE" in text and "LATE NOTE" not in text
    entries = store.audit_entries()
    assert entries[-1].details["kind"] == "packet"
    assert not [h for h in _headings(out) if h.startswith(("Suspect ", "Ring "))]


def test_gui_export_records_the_investigator_and_signs_with_a_chosen_key(session, host, qtbot, tmp_path: Path) -> None:
    from engine.packet.build import PacketRequest
    from engine.packet.case_state import investigator_of
    from engine.packet.sign import check_signature
    from tests.engine.test_packet_sign import PASSPHRASE, make_key
    from ui.dialogs.packet_dialog import PacketDialog
    key = make_key(tmp_path / "key.p12")
    controller = ExportController(session, host)
    dialog = PacketDialog(session.result, tmp_path / "x.pdf", host, ("Ana Ruiz", "analyst"))
    qtbot.addWidget(dialog)
    assert dialog.investigator() == ("Ana Ruiz", "analyst") and dialog.sign_key() is None
    dialog.key_edit.setText(str(key))
    dialog.passphrase_edit.setText("wrong")
    bad = tmp_path / "bad.pdf"
    with qtbot.waitSignal(controller.export_failed, timeout=10000):
        assert not controller.start_packet(PacketRequest(suspects=(), rings=()), bad, dialog.investigator(),
                                           dialog.sign_key())
    assert not bad.exists()
    for d in _error_dialogs():
        d.close()
    dialog.passphrase_edit.setText(PASSPHRASE.decode())
    out = tmp_path / "signed.pdf"
    with qtbot.waitSignal(controller.packet_written, timeout=120000):
        assert controller.start_packet(PacketRequest(suspects=(), rings=()), out, ("Ana Ruiz", "analyst"),
                                       dialog.sign_key())
    assert investigator_of(session.store) == ("Ana Ruiz", "analyst")
    assert check_signature(out).ok and "Ana Ruiz" in _pdf_text(out)
