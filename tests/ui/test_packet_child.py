"""The packet exported from the GUI is built in a child process: the same bytes as the
``report`` command for the same case and options, progress in the status bar, and a
cancelled export leaves no file and no audit entry."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QPushButton, QStatusBar

from engine.packet.build import PacketRequest
from ui.export import ExportController
from tests.ui.session_helper import analysed_session


@pytest.fixture
def host(qtbot):
    """A window with a status bar, as the export controller's parent finds it in the workbench."""
    window = QMainWindow()
    window.status = QStatusBar(window)
    window.setStatusBar(window.status)
    qtbot.addWidget(window)
    return window


def test_gui_packet_has_the_bytes_of_the_report_command(analysed_case_master: Path, host, qtbot,
                                                        tmp_path: Path) -> None:
    from main import main
    cli_case, gui_case = tmp_path / "cli" / "case.itcase", tmp_path / "gui" / "case.itcase"
    for case in (cli_case, gui_case):   # the same case (same name) twice: each export is logged in its own
        case.parent.mkdir()
        shutil.copy(analysed_case_master, case)
    cli_pdf, gui_pdf = tmp_path / "cli.pdf", tmp_path / "gui.pdf"
    with analysed_session(qtbot, gui_case, in_process=False, views=False) as (session, _prepared):
        second = session.result.kmeans.suspects[1].investor_id   # one suspect, one ring: a short packet
        assert main(["report", str(cli_case), "--quiet", "--pdf", str(cli_pdf), "--page-size", "Letter",
                     "--suspects", second, "--rings", "1"]) == 0
        controller = ExportController(session, host)
        messages: list[str] = []
        host.status.messageChanged.connect(messages.append)
        with qtbot.waitSignal(controller.packet_written, timeout=180000):
            assert controller.start_packet(PacketRequest(suspects=(second,), rings=(1,), page_size="Letter"), gui_pdf)
        assert gui_pdf.read_bytes() == cli_pdf.read_bytes()
        assert session.store.audit_entries()[-1].details["file"] == "gui.pdf"
        # the child's progress reached the status bar, stage by stage, then the outcome
        stages = [m for m in messages if m.startswith("Packet: ")]
        assert any(m.startswith("Packet: Rendering the figures… ") for m in stages), messages
        assert any(m.startswith("Packet: Building the PDF… ") for m in stages), messages
        assert messages[-1] == f"Packet written to {gui_pdf}"
        assert controller.progress is None and not controller.busy()


def test_cancelled_packet_leaves_no_file_and_no_audit_entry(analysed_case: Path, host, qtbot, tmp_path: Path) -> None:
    with analysed_session(qtbot, analysed_case, in_process=False, views=False) as (session, _prepared):
        controller = ExportController(session, host)
        out = tmp_path / "out" / "packet.pdf"
        out.parent.mkdir()
        before = len(session.store.audit_entries())
        stages: list[str] = []
        controller.runner.progress.connect(lambda _g, stage, _f: stages.append(stage))
        assert controller.start_packet(PacketRequest(), out)
        assert controller.progress is not None and controller.progress.isVisible()
        qtbot.waitUntil(lambda: "Rendering the figures" in stages, timeout=60000)   # the child is at work
        with qtbot.waitSignal(controller.packet_cancelled, timeout=10000):
            qtbot.mouseClick(controller.progress.findChild(QPushButton), Qt.MouseButton.LeftButton)
        assert controller.runner.wait(30.0)
        assert not controller.busy() and controller.progress is None
        assert list(out.parent.iterdir()) == []          # no packet, no temporary file, no receipt
        assert len(session.store.audit_entries()) == before
        assert host.status.currentMessage() == "Packet export cancelled: nothing was written."
        # the next export starts afresh and completes
        with qtbot.waitSignal(controller.packet_written, timeout=180000):
            assert controller.start_packet(PacketRequest(suspects=(), rings=()), out)
        assert out.read_bytes().startswith(b"%PDF")
        assert session.store.audit_entries()[-1].details["file"] == "packet.pdf"
