"""The case packet built in a child process, as the ``report`` command builds it.

Rendering the print figures (pyqtgraph, seconds per figure at the reference scale) and laying
out the PDF hold the interpreter lock, so on the workbench's GUI thread or one of its threads
they froze the window for seconds. The child starts its own offscreen QApplication, reads the
case tables from the case file itself (pickling them to it would hold the lock longer than a
stall may last), renders the figures and builds (and signs) the PDF from the case snapshot the
GUI took when the export began. It writes nothing: the parent writes the bytes atomically and
logs the export (``engine.packet.export.record_packet``), so a cancelled export (the child
terminated) leaves no file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from engine.packet.build import PacketRequest
from engine.packet.case_state import CaseState
from engine.progress import Reporter
from engine.results import AnalysisResult

STAGES = (("Reading the case tables", 1.0), ("Rendering the figures", 6.0), ("Building the PDF", 3.0))


@dataclass(frozen=True)
class PacketOrder:
    """What the child needs, all picklable: the case file (for its tables), the case snapshot,
    the result shown, the packet's contents and the signing key (file, passphrase) if any."""

    case_path: str
    state: CaseState
    result: AnalysisResult
    request: PacketRequest
    sign_key: tuple[Path, bytes | None] | None = None


def build_packet_job(order: PacketOrder, reporter: Reporter) -> bytes:
    """Child-process body: the packet's PDF bytes for ``order``."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"   # a packet never depends on the screen
    from PySide6.QtWidgets import QApplication

    from engine.case.store import CaseStore
    from engine.packet.export import packet_pdf
    from engine.packet.sign import load_signer
    from ui.report_figures import figure_count, iter_figures

    app = QApplication.instance() or QApplication(["workbench-packet"])
    reporter.plan(STAGES)
    reporter.stage(STAGES[0][0])
    signer = load_signer(order.sign_key[0], passphrase=order.sign_key[1]) if order.sign_key is not None else None
    with CaseStore.open(order.case_path, read_only=True) as store:
        tables = store.tables()
    reporter.stage(STAGES[1][0])
    total = max(1, figure_count(order.result, order.request))
    figures = {}
    for key, figure in iter_figures(order.result, tables, order.request, order.state.annotations):
        figures[key] = figure
        reporter.advance(len(figures) / total)
    reporter.stage(STAGES[2][0])
    pdf = packet_pdf(order.state, order.result, figures, order.request, tables, signer)
    app.processEvents()
    return pdf
