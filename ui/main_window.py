"""The main window: one dock per registered view plus notes; menus, toolbar, status bar.

Wiring only: views talk to the ``SelectionModel``, the ``Session`` runs the analysis, the
window connects them and shows dialogs.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Mapping

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMenu, QToolBar, QWidget

from engine.errors import CaseFileError, UsageError
from engine.params import AnalysisParams
from engine.version import SOFTWARE_VERSION
from ui.actions import build_actions
from ui.dock_layout import build_docks, layout_version
from ui.dialogs.error_dialog import show_error
from ui.export_menu import install_exports
from ui.icons import app_icon
from ui.notes_panel import NotesPanel
from ui.selection import SelectionModel
from ui.session import CaseInfo, PreparedResult, Session
from ui.settings import Settings
from ui.status_bar import WorkbenchStatusBar
from ui.threshold_tools import install_threshold_tools
from ui.workers import Job, TaskRunner
from views.base import BaseView
from views.selection_types import Selection, SelectionRequest

log = logging.getLogger(__name__)

CASE_FILTER = "Case files (*.itcase)"
START_HINT = "Open a case (Ctrl+O), import data (Ctrl+I) or try File ▸ Open demo case"


class MainWindow(QMainWindow):
    """The workbench window."""

    #: every view shows the new result (emitted after the last view took its data)
    result_shown = Signal(object)

    def __init__(self, view_classes: Mapping[str, type[BaseView]], settings: Settings | None = None,
                 in_process: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        self.settings = settings or Settings()
        self.selection = SelectionModel(self)
        self.views: dict[str, BaseView] = {name: cls(self) for name, cls in view_classes.items()}
        self.session = Session(list(self.views), in_process=in_process, parent=self)
        self.tasks = TaskRunner(self)   # case preparation (demo build)
        self._pending_result: PreparedResult | None = None
        self._pending_views: list[str] = []
        self.notes = NotesPanel(self)
        self.status = WorkbenchStatusBar(self)
        self.setStatusBar(self.status)
        self.actions = build_actions(self)
        entries = [(name, view.title or name, view, type(view).default_area) for name, view in self.views.items()]
        entries.insert(1 if entries else 0, ("notes", "Notes", self.notes, "left"))
        self.docks: dict[str, QDockWidget] = build_docks(self, entries)
        self._layout_version = layout_version(self.docks)
        self._default_state = self.saveState(self._layout_version)
        self._build_menus()
        self.exports = install_exports(self)
        self.threshold_tools = install_threshold_tools(self)
        self._connect()
        self._update_enabled()
        self._restore_layout()
        self._update_title()
        self.status.set_state(START_HINT)

    # -- construction ---------------------------------------------------------------------
    def _build_menus(self) -> None:
        a = self.actions
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([a["open_case"]])
        self.recent_menu = QMenu("Open &recent", self)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addMenu(self.recent_menu)
        file_menu.addActions([a["import_case"], a["open_demo"]])
        file_menu.addSeparator()
        file_menu.addActions([a["close_case"], a["quit"]])
        analysis = bar.addMenu("&Analysis")
        analysis.addActions([a["choose_event"], a["analyse"], a["cancel"], a["parameters"]])
        sel = bar.addMenu("&Selection")
        sel.addActions([a["back"], a["forward"], a["clear_selection"]])
        sel.addSeparator()
        sel.addActions([a["expand_focus"], a["reset_exploration"]])
        view_menu = bar.addMenu("&View")
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addActions([a["focus_notes"], a["dark_theme"], a["reset_layout"]])
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([a["about"], a["copy_hash"]])
        tools = QToolBar("Main toolbar", self)
        tools.setObjectName("toolbar_main")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tools.addActions([a["open_case"], a["import_case"]])
        tools.addSeparator()
        tools.addActions([a["choose_event"], a["analyse"], a["cancel"], a["parameters"]])
        tools.addSeparator()
        tools.addActions([a["back"], a["forward"], a["clear_selection"]])
        self.addToolBar(tools)

    def _connect(self) -> None:
        a, s = self.actions, self.session
        a["open_case"].triggered.connect(self.choose_case_file)
        a["import_case"].triggered.connect(self.show_import)
        a["open_demo"].triggered.connect(self.open_demo)
        a["close_case"].triggered.connect(self.close_case)
        a["quit"].triggered.connect(self.close)
        a["choose_event"].triggered.connect(self.choose_event)
        a["analyse"].triggered.connect(lambda: self.run_analysis(use_cache=False))
        a["cancel"].triggered.connect(s.cancel_analysis)
        a["parameters"].triggered.connect(self.edit_parameters)
        a["back"].triggered.connect(self.selection.back)
        a["forward"].triggered.connect(self.selection.forward)
        a["clear_selection"].triggered.connect(lambda: self.selection.clear(source="menu"))
        a["focus_notes"].triggered.connect(self._focus_notes)
        a["dark_theme"].toggled.connect(self._set_dark)
        a["reset_layout"].triggered.connect(lambda: self.restoreState(self._default_state, self._layout_version))
        a["copy_hash"].triggered.connect(self.status.copy_hash)
        a["about"].triggered.connect(self.show_about)
        self.status.cancel_requested.connect(s.cancel_analysis)
        for view in self.views.values():
            view.selection_requested.connect(self._on_selection_requested)
            view.hover_requested.connect(self.selection.set_hover)
        self.selection.changed.connect(self._on_selection_changed)
        self.selection.hovered.connect(self._on_hovered)
        self.selection.history_changed.connect(self._update_enabled)
        self.notes.decision_recorded.connect(lambda _inv: self._show_decisions())
        s.case_opened.connect(self._on_case_opened)
        s.case_closed.connect(self._on_case_closed)
        s.event_changed.connect(self.status.set_event)
        s.analysis_started.connect(lambda: self._analysis_state(True))
        s.analysis_progress.connect(self.status.show_progress)
        s.analysis_finished.connect(self._on_analysis_finished)
        s.result_ready.connect(self._on_result)
        s.result_cleared.connect(self._on_result_cleared)
        s.task_failed.connect(lambda what, exc: show_error(self, what, exc))
        s.exploration_changed.connect(self._on_exploration_changed)
        a["expand_focus"].triggered.connect(self._expand_focus)
        a["reset_exploration"].triggered.connect(self.session.reset_exploration)
        self.tasks.progress.connect(lambda _g, stage, f: self.status.show_progress(stage, f))
        self.tasks.succeeded.connect(lambda _g, path: self.open_case_path(path))
        self.tasks.failed.connect(lambda _g, exc: show_error(self, "Could not build the demo case", exc))
        self.tasks.finished.connect(lambda _g: self.status.hide_progress())

    # -- layout and settings --------------------------------------------------------------
    def _restore_layout(self) -> None:
        geometry = self.settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            screen = self.screen().availableGeometry()
            self.resize(min(1600, int(screen.width() * 0.96)), min(1000, int(screen.height() * 0.92)))
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state, self._layout_version)

    def save_layout(self) -> None:
        self.settings.set_geometry(self.saveGeometry())
        self.settings.set_window_state(self.saveState(self._layout_version))
        self.settings.sync()

    def _update_title(self) -> None:
        info = self.session.info
        name = f"{info.name} — " if info else ""
        self.setWindowTitle(f"{name}Insider-trading workbench {SOFTWARE_VERSION}")

    def _update_enabled(self) -> None:
        a, s = self.actions, self.session
        has_case = s.info is not None
        running = s.runner.is_running()
        a["close_case"].setEnabled(has_case)
        a["choose_event"].setEnabled(has_case and len(s.info.events) > 1 if s.info else False)
        a["analyse"].setEnabled(has_case and s.event is not None and not running)
        a["cancel"].setEnabled(running)
        a["copy_hash"].setEnabled(has_case)
        a["back"].setEnabled(self.selection.can_go_back())
        a["forward"].setEnabled(self.selection.can_go_forward())
        a["clear_selection"].setEnabled(not self.selection.value.is_empty)
        can_explore = s.prepared is not None and s.prepared.networks is not None
        a["expand_focus"].setEnabled(can_explore and self.selection.value.focus is not None)
        a["reset_exploration"].setEnabled(can_explore)

    # -- cases ----------------------------------------------------------------------------
    def choose_case_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open case", self.settings.last_folder(), CASE_FILTER)
        if path:
            self.open_case_path(path)

    def open_case_path(self, path: str | Path) -> bool:
        """Open a case; once its tables are read, choose the event and show (or compute)
        its result. Returns False when the file is not a case (a dialog says why)."""
        self.notes.flush()
        try:
            self.session.open_case(path)
        except (CaseFileError, OSError) as exc:
            show_error(self, "Cannot open the case", exc if isinstance(exc, CaseFileError)
                       else CaseFileError(f"{path}: {exc.strerror or exc}"))
            self.settings.remove_recent_case(path)
            return False
        self.settings.add_recent_case(path)
        self.settings.set_last_folder(Path(path).resolve().parent)
        self.status.set_state(f"Opening {Path(path).name}…")
        return True

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
        wizard = ImportWizard(self.settings.last_folder(), self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        wizard.imported.connect(self.open_case_path)
        wizard.open()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_cases():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_case_path(p))
        self.recent_menu.setEnabled(True)
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(no recent cases)").setEnabled(False)

    # -- analysis -------------------------------------------------------------------------
    def choose_event(self) -> bool:
        """Pick the event in a dialog (blocking); returns whether one was chosen."""
        from ui.dialogs.event_picker import EventPicker
        info = self.session.info
        if info is None:
            return False
        picker = EventPicker(info.events, self.session.event.event_id if self.session.event else None, self)
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
        self._update_enabled()

    def edit_parameters(self) -> None:
        from ui.dialogs.params_dialog import ParametersDialog
        dialog = ParametersDialog(self.session.params, self)
        try:
            if dialog.exec() == ParametersDialog.DialogCode.Accepted and dialog.params() != self.session.params:
                self.run_analysis(use_cache=True, params=dialog.params())
        finally:
            dialog.deleteLater()

    def show_about(self) -> None:
        from ui.dialogs.about_dialog import AboutDialog
        dialog = AboutDialog(self.session.info, self.session.result, self.session.params, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()

    # -- session signals ------------------------------------------------------------------
    @Slot(object)
    def _on_case_opened(self, info: CaseInfo) -> None:
        self.selection.reset()
        for view in self.views.values():
            view.clear()
        self.notes.set_store(self.session.store)
        self.status.set_case(info.name, info.data_hash)
        self.status.set_state("")
        self._update_title()
        self._update_enabled()
        QTimer.singleShot(0, self._choose_event_and_analyse)

    @Slot()
    def _on_case_closed(self) -> None:
        self.selection.reset()
        self.notes.set_store(None)
        self.status.set_case(None)
        self.status.set_state(START_HINT)
        self._update_title()
        self._update_enabled()

    def _analysis_state(self, running: bool) -> None:
        self.status.set_state("Analysing…" if running else "")
        self._update_enabled()

    @Slot(str)
    def _on_analysis_finished(self, outcome: str) -> None:
        self.status.hide_progress()
        self.status.set_state({"done": "Analysis done", "cancelled": "Analysis cancelled",
                               "failed": "Analysis failed"}.get(outcome, outcome))
        self._update_enabled()

    @Slot(object)
    def _on_result(self, prepared: PreparedResult) -> None:
        """Hand the result to the views one per event-loop turn (visible views first), so
        the GUI never freezes for the sum of all views' set-up."""
        self._pending_result = prepared
        self._pending_views = sorted(self.views, key=lambda n: not self.views[n].isVisible())
        self._show_next_view()

    def _show_next_view(self) -> None:
        prepared = self._pending_result
        if prepared is None or prepared is not self.session.prepared:
            return                      # superseded or cleared meanwhile
        if not self._pending_views:
            self._pending_result = None
            self._show_decisions()
            self._update_enabled()
            if prepared.view_errors:
                names = ", ".join(sorted(prepared.view_errors))
                self.status.showMessage(f"Some views could not be prepared: {names} (see the log).", 10000)
            self.result_shown.emit(prepared)
            return
        name = self._pending_views.pop(0)
        view = self.views[name]
        if name in prepared.view_data:
            try:
                view.set_data(prepared.view_data[name])
                view.apply_selection(self.selection.value)
            except Exception as exc:
                show_error(self, f"The {view.title or name} view could not show the result", exc)
        else:
            view.clear()
        QTimer.singleShot(0, self._show_next_view)

    @Slot()
    def _on_result_cleared(self) -> None:
        for view in self.views.values():
            view.clear()

    def _show_decisions(self) -> None:
        store = self.session.store
        if store is None:
            return
        decisions = {inv: d.decision for inv, d in store.decisions().items()}
        for view in self.views.values():
            setter = getattr(view, "set_decisions", None)
            if setter is not None:
                setter(decisions)

    # -- selection ------------------------------------------------------------------------
    @Slot(object)
    def _on_selection_requested(self, request: SelectionRequest) -> None:
        self.selection.apply(request)
        target = request.focus or (next(iter(request.ids)) if len(request.ids) == 1 else None)
        if request.expand and target is not None:
            self.expand(target)

    def expand(self, investor_id: str) -> None:
        """Grow the network exploration from ``investor_id`` (case work: saved and logged)."""
        try:
            self.session.expand(investor_id)
        except UsageError as exc:
            self.status.showMessage(str(exc), 8000)

    def _expand_focus(self) -> None:
        focus = self.selection.value.focus
        if focus is not None:
            self.expand(focus)

    @Slot(object)
    def _on_exploration_changed(self, exploration: object) -> None:
        for name, view in self.views.items():
            try:
                view.apply_exploration(exploration)
            except Exception:
                log.error("view %s failed to show the exploration", name, exc_info=True)

    @Slot(object, object)
    def _on_selection_changed(self, new: Selection, old: Selection) -> None:
        for name, view in self.views.items():
            try:
                view.apply_selection(new)
            except Exception:
                log.error("view %s failed to apply the selection", name, exc_info=True)
        self.notes.set_focus(new.focus)
        self.status.set_selection_count(len(new.ids), new.focus)
        self._update_enabled()

    @Slot(object)
    def _on_hovered(self, investor_id: str | None) -> None:
        for view in self.views.values():
            view.apply_hover(investor_id)

    # -- misc -----------------------------------------------------------------------------
    def _focus_notes(self) -> None:
        self.docks["notes"].show()
        self.docks["notes"].raise_()
        self.notes.investor_note.edit.setFocus()

    def _set_dark(self, dark: bool) -> None:
        from ui.app import apply_theme
        self.settings.set_theme("dark" if dark else "light")
        apply_theme("dark" if dark else "light")
        from ui.actions import refresh_icons
        refresh_icons(self.actions)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(u.toLocalFile().endswith(".itcase") for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.toLocalFile().endswith(".itcase")]
        if paths:
            event.acceptProposedAction()
            self.open_case_path(paths[0])

    def closeEvent(self, event: QCloseEvent) -> None:
        self.notes.flush()
        self.save_layout()
        self.tasks.shutdown(5.0)
        self.session.shutdown(5.0)
        super().closeEvent(event)
