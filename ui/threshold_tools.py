"""Wires the validation-threshold control and the opt-in network studies into the window.

A "Validation threshold" toolbar holds the ``ThresholdPanel``; moving it asks the session to
re-validate and re-cluster in its worker, and the new result reaches every view through the
normal result path. Analysis ▸ Threshold sweep… and Compare with BiCM… open their dialogs.
The panel's Bonferroni/FDR marks come with the result (computed once in the analysis job:
sorting every candidate p-value is too slow for the GUI thread at the reference scale, and
a re-validation keeps its base's cuts).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QToolBar

from engine.errors import UsageError
from ui.dialogs.bicm_dialog import BicmDialog
from ui.dialogs.study_dialog import StudyDialog
from ui.dialogs.sweep_dialog import SweepDialog
from ui.session import PreparedResult
from ui.threshold_panel import ThresholdPanel
from ui.window_parts import WindowParts

STUDY_ACTIONS: tuple[str, ...] = ("threshold_sweep", "compare_bicm")


class ThresholdTools(QObject):
    """The threshold toolbar, the study actions and their dialogs (``window.threshold_tools``)."""

    def __init__(self, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self.parts = parts
        self.session = parts.session
        window = parts.window
        self.panel = ThresholdPanel()
        self.toolbar = QToolBar("Validation threshold", window)
        self.toolbar.setObjectName("toolbar_threshold")
        self.toolbar.addWidget(self.panel)
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.dialogs: dict[str, StudyDialog] = {}

    # -- results --------------------------------------------------------------------------
    def on_result(self, prepared: PreparedResult) -> None:
        """A result is on screen: place its Bonferroni/FDR marks (computed with the result)."""
        if prepared.marks is not None:
            self.panel.set_marks(prepared.marks)
        else:
            self.panel.clear()
        self.update_enabled()

    def on_cleared(self) -> None:
        self.panel.clear()
        self.update_enabled()

    def on_finished(self, outcome: str) -> None:
        """A failed or cancelled re-validation leaves the shown network: put the panel back
        (next turn, so a request that superseded it is not undone)."""
        if outcome != "done":
            QTimer.singleShot(0, self._restore)

    def _restore(self) -> None:
        if not self.session.runner.is_running() and self.panel.marks is not None:
            self.panel.set_marks(self.panel.marks)

    def revalidate(self, correction: str, threshold: float | None) -> None:
        try:
            self.session.revalidate(correction, threshold)
        except UsageError as exc:
            self.parts.status.showMessage(str(exc), 8000)
            self._restore()

    def update_enabled(self) -> None:
        has = self.session.result is not None
        for name in STUDY_ACTIONS:
            self.parts.actions[name].setEnabled(has)

    # -- studies --------------------------------------------------------------------------
    def open_study(self, name: str) -> StudyDialog | None:
        """Open (or replace) the sweep or BiCM dialog for the shown result."""
        result = self.session.result
        if result is None:
            return None
        self.close_studies(name)
        s = self.session
        if name == "threshold_sweep":
            dialog: StudyDialog = SweepDialog(result.svn, result.params.svn, s.in_process, s.store,
                                              self.parts.case_folder(), self.parts.window)
        else:
            dialog = BicmDialog(result.svn, s.in_process, s.store, self.parts.case_folder(), self.parts.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.destroyed.connect(lambda _obj=None, n=name: self.dialogs.pop(n, None))
        self.dialogs[name] = dialog
        dialog.show()
        return dialog

    def close_studies(self, *names: str) -> None:
        for name in names or tuple(self.dialogs):
            dialog = self.dialogs.pop(name, None)
            if dialog is not None:
                dialog.close()


def install_threshold_tools(parts: WindowParts) -> ThresholdTools:
    """Add the threshold toolbar and the study actions to the window and connect them."""
    tools = ThresholdTools(parts)
    a, s = parts.actions, parts.session
    menu = parts.menus["analysis"]
    menu.addSeparator()
    menu.addActions([a[name] for name in STUDY_ACTIONS])
    for name in STUDY_ACTIONS:
        a[name].triggered.connect(lambda _checked=False, n=name: tools.open_study(n))
    tools.panel.revalidate_requested.connect(tools.revalidate)
    parts.hub.result_shown.connect(tools.on_result)
    s.result_cleared.connect(tools.on_cleared)
    s.case_closed.connect(tools.on_cleared)
    s.case_closed.connect(tools.close_studies)
    s.analysis_finished.connect(tools.on_finished)
    tools.update_enabled()
    return tools
