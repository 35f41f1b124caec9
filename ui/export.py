"""Exports from the workbench: the case packet (built in a child process, written and logged
here) and the file exports of ``engine.exports.tables`` / ``engine.exports.notes``.

Every export writes its file first and then appends one ``export`` audit entry (the engine
functions do both). The packet reads the case as it stood when the export began: the
investigator's work and audit trail are read on the GUI thread into a ``CaseState``; a child
process renders the figures and builds the PDF from it (``ui.packet_job``: the window keeps
painting and answering); the worker thread then writes the bytes atomically and appends the
export entry to the live store (whose writes are serialised by its lock). Cancelling ends the
child before anything is written.
"""
from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from engine.errors import UsageError
from engine.exports.notes import export_notes_html, export_notes_markdown
from engine.exports.tables import export_audit_csv, export_graphml, export_rings_csv, export_suspects_csv
from engine.packet.build import PacketRequest
from engine.packet.case_state import case_state, investigator_of, set_investigator
from engine.packet.export import record_packet
from engine.packet.sign import load_signer
from ui.dialogs.error_dialog import show_error
from ui.packet_job import PacketOrder, build_packet_job
from ui.workers import Job, TaskRunner

log = logging.getLogger(__name__)

#: export name -> (file suffix, file-dialog filter, needs an analysis result)
FILE_EXPORTS: dict[str, tuple[str, str, bool]] = {
    "suspects_csv": ("suspects.csv", "CSV (*.csv)", True),
    "rings_csv": ("rings.csv", "CSV (*.csv)", True),
    "graphml": ("network.graphml", "GraphML (*.graphml)", True),
    "notes_md": ("notes.md", "Markdown (*.md)", False),
    "notes_html": ("notes.html", "HTML (*.html)", False),
    "audit_csv": ("audit.csv", "CSV (*.csv)", False),
}


def _user_error(exc: BaseException, path: Path) -> BaseException:
    """A file-system error as a message naming the file."""
    if isinstance(exc, OSError):
        return UsageError(f"{path}: {exc.strerror or exc}")
    return exc


class ExportController(QObject):
    """Runs the exports for the open case of a ``Session``; one packet build at a time."""

    packet_written = Signal(object)     # Path of the PDF
    packet_cancelled = Signal()         # the export was cancelled: nothing was written
    file_written = Signal(str, object)  # export name, Path
    export_failed = Signal(object)      # exception

    def __init__(self, session: Any, parent: QWidget, before_export: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.parent_widget = parent
        self.before_export = before_export or (lambda: None)
        self.runner = TaskRunner(self)
        self.dialog: Any = None
        self._packet_path = Path()
        self.progress: QProgressDialog | None = None
        #: () -> (suspect ids, ring ids) the investigator added to the packet (checked in the dialog)
        self.extra_picks: Callable[[], tuple[list[str], list[int]]] | None = None
        #: () -> the shown result's placebo test once it ran, else None (its pages go in the packet)
        self.placebo_shown: Callable[[], Any] | None = None
        self.runner.progress.connect(self._on_progress)
        self.runner.succeeded.connect(self._on_packet_done)
        self.runner.failed.connect(lambda _g, exc: self._failed("The packet could not be exported",
                                                                _user_error(exc, self._packet_path)))
        self.runner.cancelled.connect(self._on_cancelled)
        self.runner.finished.connect(lambda _g: self._close_progress())

    # -- state ------------------------------------------------------------------------------
    def has_case(self) -> bool:
        return self.session.store is not None and self.session.info is not None

    def has_result(self) -> bool:
        return self.has_case() and self.session.result is not None

    def busy(self) -> bool:
        return self.runner.is_running()

    def default_path(self, suffix: str) -> Path:
        """``<case>-<event>-<suffix>`` beside the case file."""
        info, event = self.session.info, self.session.event
        stem = info.name if event is None else f"{info.name}-{event.event_id}"
        return Path(info.path).resolve().parent / f"{stem}-{suffix}"

    # -- packet -----------------------------------------------------------------------------
    def export_packet(self) -> None:
        """Open the packet dialog (non-blocking); OK starts the export."""
        from ui.dialogs.packet_dialog import PacketDialog
        if not self.has_result() or self.busy():
            return
        dialog = PacketDialog(self.session.result, self.default_path("packet.pdf"), self.parent_widget,
                              investigator_of(self.session.store))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        if self.extra_picks is not None:
            dialog.check_also(*self.extra_picks())
        dialog.accepted.connect(lambda: self.start_packet(dialog.request(), dialog.path(), dialog.investigator(),
                                                          dialog.sign_key()))
        self.dialog = dialog
        dialog.open()

    def start_packet(self, request: PacketRequest, path: Path, investigator: tuple[str, str] | None = None,
                     sign_key: tuple[Path, bytes | None] | None = None) -> bool:
        """Start an export: record the investigator, check the signing key (a bad key stops
        here), snapshot the case now, then build the PDF in a child process and write and log
        it on the worker thread. Returns whether the export started."""
        if not self.has_result() or self.busy():
            return False
        self.before_export()
        session = self.session
        try:
            signer = load_signer(sign_key[0], passphrase=sign_key[1]) if sign_key is not None else None
        except Exception as exc:
            self._failed("The packet cannot be signed with this key", exc)
            return False
        try:
            if investigator is not None and investigator != investigator_of(session.store):
                set_investigator(session.store, *investigator)
            state = case_state(session.store, session.info.name, session.result.event.event_id)
        except Exception as exc:
            self._failed("The case could not be read for the packet", exc)
            return False
        if request.placebo is None and self.placebo_shown is not None:
            request = dataclasses.replace(request, placebo=self.placebo_shown())
        store, result, target = session.store, session.result, Path(path)
        signed_by = signer.subject if signer is not None else ""

        def write_and_log(pdf: bytes) -> Path:   # on the worker thread, once the child built the PDF
            record_packet(store, result, target, pdf, state, request, signed_by)
            return target

        order = PacketOrder(str(session.info.path), state, result.event, result.params, request, sign_key)
        self._packet_path = target
        self.runner.start(Job(build_packet_job, args=(order,), in_process=True, name="packet",
                              then=write_and_log, keep_warm=False))
        self._show_progress()
        return True

    def cancel_packet(self) -> None:
        """Stop the packet being built: its child process ends and no file is written."""
        self.runner.cancel()

    def _show_progress(self) -> None:
        """A progress dialog with Cancel that leaves the window usable (the case was snapshot)."""
        if self.progress is None:
            self.progress = QProgressDialog("Starting the packet…", "Cancel", 0, 1000, self.parent_widget)
            self.progress.setObjectName("export_progress")
            self.progress.setWindowTitle("Export packet")
            self.progress.setAutoClose(False)
            self.progress.setAutoReset(False)
            self.progress.setMinimumDuration(0)
            self.progress.setWindowModality(Qt.WindowModality.NonModal)
            self.progress.canceled.connect(self.cancel_packet)
        self.progress.setValue(0)
        self.progress.show()
        self._message("Packet: starting…")

    def _on_progress(self, _generation: int, stage: str, fraction: float) -> None:
        text = f"{stage}… {fraction:.0%}"
        if self.progress is not None:
            self.progress.setLabelText(text)
            self.progress.setValue(int(round(fraction * 1000)))
        self._message(f"Packet: {text}")

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel_packet)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _on_packet_done(self, _generation: int, path: object) -> None:
        self.packet_written.emit(path)
        self._message(f"Packet written to {path}")

    def _on_cancelled(self, _generation: int) -> None:
        self.packet_cancelled.emit()
        self._message("Packet export cancelled: nothing was written.")

    # -- file exports -------------------------------------------------------------------------
    def export_file(self, name: str, path: Path | None = None) -> Path | None:
        """Run one file export (asking for the path when none is given); returns the path written."""
        suffix, file_filter, needs_result = FILE_EXPORTS[name]
        if not (self.has_result() if needs_result else self.has_case()):
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self.parent_widget, "Export", str(self.default_path(suffix)),
                                                    file_filter)
            if not chosen:
                return None
            path = Path(chosen)
        self.before_export()
        store, result = self.session.store, self.session.result
        writers: dict[str, Callable[[], object]] = {
            "suspects_csv": lambda: export_suspects_csv(store, result, path),
            "rings_csv": lambda: export_rings_csv(store, result, path),
            "graphml": lambda: export_graphml(store, result, path),
            "notes_md": lambda: export_notes_markdown(store, path, self.session.info.name),
            "notes_html": lambda: export_notes_html(store, path, self.session.info.name),
            "audit_csv": lambda: export_audit_csv(store, path),
        }
        try:
            writers[name]()
        except Exception as exc:
            self._failed("The export failed", _user_error(exc, path))
            return None
        self.file_written.emit(name, path)
        self._message(f"Exported to {path}")
        return path

    # -- feedback ---------------------------------------------------------------------------
    def _failed(self, title: str, exc: BaseException) -> None:
        self.export_failed.emit(exc)
        show_error(self.parent_widget, title, exc)

    def _message(self, text: str) -> None:
        status = getattr(self.parent_widget, "status", None)
        if status is not None:
            status.showMessage(text, 8000)

    def shutdown(self, timeout_s: float = 5.0) -> bool:
        """Cancel a packet being built (nothing is written) and wait (bounded) for one being
        written: the write and its audit entry are never cut half-way."""
        return self.runner.shutdown(timeout_s)
