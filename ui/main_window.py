"""The main window: one dock per registered view plus notes; menus, toolbar, status bar.

The window only builds and enables: the ``Hub`` routes selection, results, exploration and
decisions between the ``SelectionModel``, the ``Session`` and the views; ``CaseCommands``
carries out the File and Analysis commands; the exports and threshold tools install
themselves from the typed ``WindowParts``; so do the placebo test and the screening, whose
figure and Events docks the window lays out with the others.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QToolBar, QWidget

from engine.params import AnalysisParams
from engine.version import SOFTWARE_VERSION
from ui.actions import build_actions, refresh_icons
from ui.case_commands import CaseCommands
from ui.dialogs.error_dialog import show_error
from ui.dock_layout import build_docks, fit_docks, layout_version
from ui.case_memory import install_case_memory
from ui.context_menu import install_context_menus
from ui.events_dock import EventsPanel
from ui.export_menu import install_exports
from ui.hub import Hub
from ui.icons import app_icon
from ui.investigation import install_investigation
from ui.notes_panel import NotesPanel
from ui.selection import SelectionModel
from ui.session import CaseInfo, PreparedResult, Session
from ui.screening import install_screening
from ui.settings import Settings
from ui.status_bar import WorkbenchStatusBar
from ui.theme import apply_theme
from ui.threshold_tools import install_threshold_tools
from ui.window_parts import WindowParts
from views.base import BaseView
from views.placebo_view import PlaceboView
from views.selection_types import Selection

START_HINT = "Open a case (Ctrl+O), import data (Ctrl+I) or try File ▸ Open demo case"


class MainWindow(QMainWindow):
    """The workbench window."""

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
        self.hub = Hub(self.session, self.selection, self)
        for view in self.views.values():
            self.hub.subscribe(view)
        #: every view shows the new result (emitted after the last view took its data)
        self.result_shown = self.hub.result_shown
        self.notes = NotesPanel(self)
        self.status = WorkbenchStatusBar(self)
        self.setStatusBar(self.status)
        self.commands = CaseCommands(self.session, self.settings, self.status, self.notes, self)
        self.actions = build_actions(self)
        entries = [(name, view.title or name, view, type(view).default_area) for name, view in self.views.items()]
        entries.insert(1 if entries else 0, ("notes", "Notes", self.notes, "left"))
        placebo_view, events_panel = PlaceboView(self), EventsPanel(self)
        entries += [("placebo", PlaceboView.title, placebo_view, "bottom"), ("events", "Events", events_panel, "bottom")]
        self.docks: dict[str, QDockWidget] = build_docks(self, entries)
        self._layout_version = layout_version(self.docks)
        self._default_state = self.saveState(self._layout_version)
        parts = WindowParts(window=self, actions=self.actions, menus=self._build_menus(), session=self.session,
                            hub=self.hub, settings=self.settings, status=self.status, notes=self.notes,
                            docks=self.docks)
        self.exports = install_exports(parts)
        self.context_menus = install_context_menus(self)
        self.threshold_tools = install_threshold_tools(parts)
        self.investigation = install_investigation(parts)
        self.case_memory = install_case_memory(self)
        self.screening = install_screening(parts, placebo_view, events_panel)
        self.exports.controller.placebo_shown = self.screening.placebo.current
        self._connect()
        self._update_enabled()
        self._restore_layout()
        self._update_title()
        self.status.set_state(START_HINT)

    # -- construction ---------------------------------------------------------------------
    def _build_menus(self) -> dict[str, QMenu]:
        a = self.actions
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([a["open_case"]])
        self.recent_menu = QMenu("Open &recent", self)
        self.recent_menu.aboutToShow.connect(lambda: self.commands.fill_recent(self.recent_menu))
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
        return {"file": file_menu, "analysis": analysis, "selection": sel, "view": view_menu, "help": help_menu}

    def _connect(self) -> None:
        a, s, c, hub = self.actions, self.session, self.commands, self.hub
        a["open_case"].triggered.connect(c.choose_case_file)
        a["import_case"].triggered.connect(c.show_import)
        a["open_demo"].triggered.connect(c.open_demo)
        a["close_case"].triggered.connect(c.close_case)
        a["quit"].triggered.connect(self.close)
        a["choose_event"].triggered.connect(c.choose_event)
        a["analyse"].triggered.connect(lambda: self.run_analysis(use_cache=False))
        a["cancel"].triggered.connect(s.cancel_analysis)
        a["parameters"].triggered.connect(c.edit_parameters)
        a["back"].triggered.connect(self.selection.back)
        a["forward"].triggered.connect(self.selection.forward)
        a["clear_selection"].triggered.connect(lambda: self.selection.clear(source="menu"))
        a["expand_focus"].triggered.connect(hub.expand_focus)
        a["reset_exploration"].triggered.connect(s.reset_exploration)
        a["focus_notes"].triggered.connect(self._focus_notes)
        a["dark_theme"].toggled.connect(self._set_dark)
        a["reset_layout"].triggered.connect(self.reset_layout)
        a["copy_hash"].triggered.connect(self.status.copy_hash)
        a["about"].triggered.connect(c.show_about)
        self.status.cancel_requested.connect(s.cancel_analysis)
        self.selection.changed.connect(self._on_selection_changed)
        self.selection.history_changed.connect(self._update_enabled)
        self.notes.decision_recorded.connect(lambda _inv: hub.show_decisions())
        hub.result_shown.connect(self._on_result_shown)
        hub.view_failed.connect(lambda what, exc: show_error(self, what, exc))
        hub.message.connect(lambda text: self.status.showMessage(text, 8000))
        s.case_opened.connect(self._on_case_opened)
        s.case_closed.connect(self._on_case_closed)
        s.event_changed.connect(self.status.set_event)
        s.analysis_started.connect(lambda: self._analysis_state(True))
        s.analysis_progress.connect(self.status.show_progress)
        s.analysis_finished.connect(self._on_analysis_finished)
        s.task_failed.connect(lambda what, exc: show_error(self, what, exc))

    # -- layout and settings --------------------------------------------------------------
    def _restore_layout(self) -> None:
        geometry = self.settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            screen = self.screen().availableGeometry()
            self.resize(min(1600, int(screen.width() * 0.96)), min(1000, int(screen.height() * 0.92)))
        state = self.settings.window_state()
        if state is None or not self.restoreState(state, self._layout_version):
            fit_docks(self, when_shown=True)

    def reset_layout(self) -> None:
        """Every panel back in its place, at its default share of the window."""
        self.restoreState(self._default_state, self._layout_version)
        fit_docks(self)

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

    # -- commands kept on the window (scripts and tests call them) --------------------------
    def open_case_path(self, path: str | Path) -> bool:
        return self.commands.open_case_path(path)

    def open_demo(self) -> None:
        self.commands.open_demo()

    def close_case(self) -> None:
        self.commands.close_case()

    def run_analysis(self, use_cache: bool = True, params: AnalysisParams | None = None) -> None:
        self.commands.run_analysis(use_cache, params)
        self._update_enabled()

    # -- session and hub signals ----------------------------------------------------------
    @Slot(object)
    def _on_case_opened(self, info: CaseInfo) -> None:
        self.notes.set_store(self.session.store)
        self.status.set_case(info.name, info.data_hash)
        self.status.set_state("")
        self._update_title()
        self._update_enabled()

    @Slot()
    def _on_case_closed(self) -> None:
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
    def _on_result_shown(self, prepared: PreparedResult) -> None:
        self._update_enabled()
        errors = prepared.view_errors
        if errors:
            self.status.showMessage(f"Some views could not be prepared: {', '.join(sorted(errors))} "
                                    "(see the log).", 10000)

    @Slot(object, object)
    def _on_selection_changed(self, new: Selection, _old: Selection) -> None:
        self.notes.set_focus(new.focus)
        self.status.set_selection_count(len(new.ids), new.focus)
        self._update_enabled()

    # -- misc -----------------------------------------------------------------------------
    def _focus_notes(self) -> None:
        self.docks["notes"].show()
        self.docks["notes"].raise_()
        self.notes.investor_note.edit.setFocus()

    def _set_dark(self, dark: bool) -> None:
        self.settings.set_theme("dark" if dark else "light")
        apply_theme("dark" if dark else "light")
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
        self.commands.tasks.shutdown(5.0)
        self.screening.shutdown()
        self.session.shutdown(5.0)
        super().closeEvent(event)
