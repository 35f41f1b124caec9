"""Exports from the workbench: the case packet (figures on the GUI thread, PDF in a worker)
and the file exports of ``engine.exports.tables`` / ``engine.exports.notes``.

Every export writes its file first and then appends one ``export`` audit entry (the engine
functions do both). The packet reads the case as it stood when the export began: its
investigator work and audit trail are read on the GUI thread into ``CaseSnapshot``; the
worker builds and writes the PDF and appends the export entry to the live store (whose
writes are serialised by its lock).
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable, Iterator

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from engine.case.annotations import annotations_key
from engine.errors import UsageError
from engine.exports.tables import export_audit_csv, export_graphml, export_rings_csv, export_suspects_csv
from engine.packet.figures import ReportFigure
from engine.exports.notes import export_notes_html, export_notes_markdown
from engine.packet.build import PacketRequest
from engine.case.annotations import annotations_key
from engine.packet.case_state import INVESTIGATOR_SETTING, investigator_of, set_investigator
from engine.packet.sign import PacketSigner, load_signer
from engine.packet.export import export_packet
from engine.progress import Reporter
from ui.dialogs.error_dialog import show_error
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


class CaseSnapshot:
    """The case's work as read on the GUI thread, for ``export_packet`` on a worker.

    Reads answer from the snapshot, so the packet shows the case as it was when the export
    began; the one write (the export's audit entry) goes to the live store.
    """

    def __init__(self, store: Any, event_id: str) -> None:
        self.path = store.path
        self._store = store
        self._entries = store.audit_entries()
        self._notes = store.notes()
        self._decisions = store.decisions()
        self._tags = store.tags()
        self._alerts = store.alert_states(event_id)
        self._hashes, self._names = store.file_hashes(), store.file_names()
        self._investor = store.get_setting(INVESTIGATOR_SETTING)
        self._annotations_key = annotations_key(event_id)
        self._annotations = store.document(self._annotations_key)
        self._event_id = event_id
        self._annotations_key = annotations_key(event_id)
        self._annotations = store.document(self._annotations_key)

    def audit_entries(self) -> list[Any]:
        return list(self._entries)

    def notes(self) -> list[Any]:
        return list(self._notes)

    def decisions(self) -> dict[str, Any]:
        return dict(self._decisions)

    def tags(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in self._tags.items()}

    def alert_states(self, event_id: str | None = None) -> list[Any]:
        if event_id not in (None, self._event_id):
            raise ValueError(f"the snapshot holds the alerts of event {self._event_id} only")
        return list(self._alerts)

    def document(self, key: str, default: Any = None) -> Any:
        if key != self._annotations_key:
            raise ValueError(f"the snapshot holds the annotations of event {self._event_id} only")
        return default if self._annotations is None else self._annotations

    def file_hashes(self) -> dict[str, str]:
        return dict(self._hashes)

    def document(self, key: str, default: Any = None) -> Any:
        if key != self._annotations_key:
            raise KeyError(f"the snapshot holds the document {self._annotations_key} only")
        return default if self._annotations is None else self._annotations

    def get_setting(self, key: str) -> str | None:
        if key != INVESTIGATOR_SETTING:
            raise KeyError(f"the snapshot holds the {INVESTIGATOR_SETTING} setting only")
        return self._investor

    def file_names(self) -> dict[str, str]:
        return dict(self._names)

    def append_audit(self, action: str, details: dict[str, Any]) -> Any:
        return self._store.append_audit(action, details)


def write_packet_job(case: CaseSnapshot, result: Any, path: Path, figures: dict[str, ReportFigure],
                     request: PacketRequest, case_name: str, tables: Any = None, signer: PacketSigner | None = None,
                     *, reporter: Reporter) -> Path:
    """Worker body: build (and sign) the PDF, write it atomically, log the export (``export_packet``)."""
    reporter.plan([("Building the packet", 1.0)])
    reporter.stage("Building the packet")
    export_packet(case, result, path, figures, request, case_name, tables, signer)
    reporter.advance(1.0)
    return path


def _user_error(exc: BaseException, path: Path) -> BaseException:
    """A file-system error as a message naming the file."""
    if isinstance(exc, OSError):
        return UsageError(f"{path}: {exc.strerror or exc}")
    return exc


class ExportController(QObject):
    """Runs the exports for the open case of a ``Session``; one packet build at a time."""

    packet_written = Signal(object)     # Path of the PDF
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
        self._figures: Iterator[tuple[str, ReportFigure]] | None = None   # figures still to render
        self._figure_total = 0
        #: () -> (suspect ids, ring ids) the investigator added to the packet (checked in the dialog)
        self.extra_picks: Callable[[], tuple[list[str], list[int]]] | None = None
        self.runner.progress.connect(self._on_progress)
        self.runner.succeeded.connect(self._on_packet_done)
        self.runner.failed.connect(lambda _g, exc: self._failed("The packet could not be exported",
                                                                _user_error(exc, self._packet_path)))
        self.runner.finished.connect(lambda _g: self._close_progress())

    # -- state ------------------------------------------------------------------------------
    def has_case(self) -> bool:
        return self.session.store is not None and self.session.info is not None

    def has_result(self) -> bool:
        return self.has_case() and self.session.result is not None

    def busy(self) -> bool:
        return self.runner.is_running() or self._figures is not None

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
        """Start an export: record the investigator, load the signing key (a bad key stops here),
        snapshot the case now, render the figures one per event-loop turn (the window keeps
        painting), then build, sign and write the PDF in the worker."""
        from ui.report_figures import figure_count, iter_figures
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
            case = CaseSnapshot(session.store, session.result.event.event_id)
        except Exception as exc:
            self._failed("The case could not be read for the packet", exc)
            return False
        self._packet_path = Path(path)
        self._figures = iter_figures(session.result, session.tables, request)
        self._figure_total = figure_count(session.result, request)
        done: dict = {}
        job_args = (case, session.result, Path(path), done, request, session.info.name, session.tables, signer)
        self._show_progress("Rendering the figures…")
        QTimer.singleShot(0, lambda: self._next_figure(done, job_args))
        return True

    def _next_figure(self, done: dict, job_args: tuple) -> None:
        """Render one figure; when all are done, hand the packet to the worker."""
        figures = self._figures
        if figures is None:
            return
        try:
            key, figure = next(figures)
        except StopIteration:
            self._figures = None
            self._show_progress("Building the packet…")
            self.runner.start(Job(write_packet_job, args=job_args, name="packet"))
            return
        except Exception as exc:
            self._figures = None
            self._close_progress()
            self._failed("The packet figures could not be rendered", exc)
            return
        done[key] = figure
        if self.progress is not None:
            self.progress.setLabelText(f"Rendering figure {len(done)} of {self._figure_total}…")
        QTimer.singleShot(0, lambda: self._next_figure(done, job_args))

    def _show_progress(self, text: str) -> None:
        if self.progress is None:
            self.progress = QProgressDialog(text, "", 0, 0, self.parent_widget)
            self.progress.setObjectName("export_progress")
            self.progress.setWindowTitle("Export packet")
            self.progress.setCancelButton(None)   # the packet is written in one step
            self.progress.setMinimumDuration(0)
            self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setLabelText(text)
        self.progress.show()
        QCoreApplication.processEvents()   # paint it before the figures hold the GUI thread (window-modal)

    def _on_progress(self, _generation: int, stage: str, fraction: float) -> None:
        if self.progress is not None:
            self.progress.setLabelText(f"{stage}… {fraction:.0%}")

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _on_packet_done(self, _generation: int, path: object) -> None:
        self.packet_written.emit(path)
        self._message(f"Packet written to {path}")

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
        """Wait (bounded) for a packet being written: it is never cancelled half-way."""
        return self.runner.wait(timeout_s)
