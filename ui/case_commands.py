"""The File and Analysis commands: open, import, demo, close, choose the event, run the
analysis, edit the parameters, about. Each asks the session and shows a dialog when needed;
the window only connects its actions to them.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from engine.errors import CaseFileError
from engine.params import AnalysisParams
from ui.dialogs.error_dialog import show_error
from ui.notes_panel import NotesPanel
from ui.session import CaseInfo, Session
from ui.settings import Settings
from ui.status_bar import WorkbenchStatusBar
from ui.workers import Job, TaskRunner

CASE_FILTER = "Case files (*.itcase)"


class CaseCommands(QObject):
    """Case and analysis commands on behalf of ``parent`` (the window, for dialogs)."""

    def __init__(self, session: Session, settings: Settings, status: WorkbenchStatusBar, notes: NotesPanel,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.widget = parent
        self.session = session
        self.settings = settings
        self.status = status
        self.notes = notes
        self.tasks = TaskRunner(self)   # case preparation (demo build)
        self.tasks.progress.connect(lambda _g, stage, f: status.show_progress(stage, f))
        self.tasks.succeeded.connect(lambda _g, path: self.open_case_path(path))
        self.tasks.failed.connect(lambda _g, exc: show_error(parent, "Could not build the demo case", exc))
        self.tasks.finished.connect(lambda _g: status.hide_progress())
        session.case_opened.connect(self._on_case_opened)

    # -- cases ----------------------------------------------------------------------------
    def choose_case_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.widget, "Open case", self.settings.last_folder(), CASE_FILTER)
        if path:
            self.open_case_path(path)

    def open_case_path(self, path: str | Path) -> bool:
        """Open a case; once its tables are read, choose the event and show (or compute)
        its result. Returns False when the file is not a case (a dialog says why)."""
        self.notes.flush()
        try:
            self.session.open_case(path)
        except (CaseFileError, OSError) as exc:
            show_error(self.widget, "Cannot open the case", exc if isinstance(exc, CaseFileError)
                       else CaseFileError(f"{path}: {exc.strerror or exc}"))
            self.settings.remove_recent_case(path)
            return False
        self.settings.add_recent_case(path)
        self.settings.set_last_folder(Path(path).resolve().parent)
        self.status.set_state(f"Opening {Path(path).name}…")
        return True

    @Slot(object)
    def _on_case_opened(self, _info: CaseInfo) -> None:
        QTimer.singleShot(0, self._choose_event_and_analyse)

    def _choose_event_and_analyse(self) -> None:
        info = self.session.info
        if info is None:
            return
        if len(info.events) == 1:
            self.session.set_event(info.events[0].event_id)
            self.run_analysis(use_cache=True)
        else:
            self.choose_event()

    def close_case(self) -> None:
        self.notes.flush()
        self.session.close_case()

    def open_demo(self) -> None:
        """Open the demo case, building it first (in the background) when needed."""
        from ui.demo_case import build_demo_case, demo_case_path, demo_is_current
        if demo_is_current():
            self.open_case_path(demo_case_path())
            return
        self.status.set_state("Building the demo case (first use)…")
        self.tasks.start(Job(build_demo_case, name="demo"))

    def show_import(self) -> None:
        from ui.dialogs.import_wizard import ImportWizard
        wizard = ImportWizard(self.settings.last_folder(), self.widget)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        wizard.imported.connect(self.open_case_path)
        wizard.open()

    def fill_recent(self, menu: QMenu) -> None:
        """List the recent cases in ``menu`` (File ▸ Open recent, filled as it opens)."""
        menu.clear()
        for path in self.settings.recent_cases():
            action = menu.addAction(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_case_path(p))
        menu.setEnabled(True)
        if menu.isEmpty():
            menu.addAction("(no recent cases)").setEnabled(False)

    # -- analysis -------------------------------------------------------------------------
    def choose_event(self) -> bool:
        """Pick the event in a dialog (blocking); returns whether one was chosen."""
        from ui.dialogs.event_picker import EventPicker
        info = self.session.info
        if info is None:
            return False
        picker = EventPicker(info.events, self.session.event.event_id if self.session.event else None, self.widget)
        try:
            if picker.exec() != EventPicker.DialogCode.Accepted or picker.chosen() is None:
                return False
            self.session.set_event(picker.chosen())
        finally:
            picker.deleteLater()
        self.run_analysis(use_cache=True)
        return True

    def run_analysis(self, use_cache: bool = True, params: AnalysisParams | None = None) -> None:
        """Analyse the current event (new ``params`` are remembered in the case)."""
        if self.session.event is not None:
            self.session.run_analysis(params, use_cache=use_cache)

    def edit_parameters(self) -> None:
        from ui.dialogs.params_dialog import ParametersDialog
        dialog = ParametersDialog(self.session.params, self.widget)
        try:
            if dialog.exec() == ParametersDialog.DialogCode.Accepted and dialog.params() != self.session.params:
                self.run_analysis(use_cache=True, params=dialog.params())
        finally:
            dialog.deleteLater()

    def show_about(self) -> None:
        from ui.dialogs.about_dialog import AboutDialog
        dialog = AboutDialog(self.session.info, self.session.result, self.session.params, self.widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()
