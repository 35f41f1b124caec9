"""The case packet built in a child process, as the ``report`` command builds it.

Rendering the print figures (pyqtgraph, seconds per figure at the reference scale) and laying
out the PDF hold the interpreter lock, so on the workbench's GUI thread or one of its threads
they froze the window for seconds. The child starts its own offscreen QApplication, reads the
case tables and the shown result (cached in the case under its parameters, as ``report`` reads
it) from the case file itself: pickling them to it would hold the GUI process's interpreter
lock for hundreds of milliseconds. It renders the figures and builds (and signs) the PDF from
the case snapshot the GUI took when the export began. It writes nothing: the parent writes the bytes atomically and
logs the export (``engine.packet.export.record_packet``), so a cancelled export (the child
terminated) leaves no file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from engine.packet.build import PacketRequest
from engine.packet.case_state import CaseState
from engine.params import AnalysisParams
from engine.progress import Reporter
from engine.tables import Event

STAGES = (("Reading the case", 1.0), ("Rendering the figures", 6.0), ("Building the PDF", 3.0))


@dataclass(frozen=True)
class PacketOrder:
    """What the child needs, all small and picklable: the case file (tables and cached result),
    the case snapshot, the shown result's event and parameters, the packet's contents and the
    signing key (file, passphrase) if any."""

    case_path: str
    state: CaseState
    event: Event
    params: AnalysisParams
    request: PacketRequest
    sign_key: tuple[Path, bytes | None] | None = None


def build_packet_job(order: PacketOrder, reporter: Reporter) -> bytes:
    """Child-process body: the packet's PDF bytes for ``order``."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"   # a packet never depends on the screen
    from PySide6.QtWidgets import QApplication

    from engine.case.store import CaseStore
    from engine.packet.export import packet_pdf
    from engine.packet.sign import load_signer
    from engine.pipeline import analyze
    from ui.report_figures import figure_count, iter_figures

    app = QApplication.instance() or QApplication(["workbench-packet"])
    reporter.plan(STAGES)
    reporter.stage(STAGES[0][0])
    signer = load_signer(order.sign_key[0], passphrase=order.sign_key[1]) if order.sign_key is not None else None
    with CaseStore.open(order.case_path, read_only=True) as store:   # the cache hit; a miss is recomputed
        tables = store.tables()
        result = analyze(tables, order.event, order.params, store=store, use_cache=True)
    reporter.stage(STAGES[1][0])
    total = max(1, figure_count(result, order.request))
    figures = {}
    for key, figure in iter_figures(result, tables, order.request, order.state.annotations):
        figures[key] = figure
        reporter.advance(len(figures) / total)
    reporter.stage(STAGES[2][0])
    pdf = packet_pdf(order.state, result, figures, order.request, tables, signer)
    app.processEvents()
    return pdf
