"""Wires the exports into the main window with one call: File ▸ Export packet…, File ▸ Export
(suspects CSV, rings CSV, network GraphML, notes Markdown/HTML, audit CSV), File ▸ Audit
trail…, and "Save figure as PNG/SVG…" on every view's dock (the views' own right-click menus
are ``ui.context_menu``'s).

The actions themselves are declared in ``ui.actions.SPECS`` (names in ``EXPORT_ACTIONS``).
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QMenu

from ui.audit_view import AuditDialog
from ui.export import ExportController
from ui.figure_export import install_figure_export
from ui.window_parts import WindowParts

#: action name -> file export of ``ExportController.export_file``
FILE_ACTIONS: dict[str, str] = {
    "export_suspects_csv": "suspects_csv", "export_rings_csv": "rings_csv", "export_graphml": "graphml",
    "export_notes_md": "notes_md", "export_notes_html": "notes_html", "export_audit_csv": "audit_csv",
}
EXPORT_ACTIONS: tuple[str, ...] = ("export_packet", *FILE_ACTIONS, "audit_trail")


class _WaitOnClose(QObject):
    """Before the window closes the case: cancels a packet being built, lets one being written
    finish (bounded)."""

    def __init__(self, controller: ExportController) -> None:
        super().__init__(controller)
        self.controller = controller

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self.controller.shutdown(10.0)
        return False


class ExportsInstalled:
    """What ``install_exports`` set up, kept on the window as ``window.exports``."""

    def __init__(self, parts: WindowParts) -> None:
        self.parts = parts
        self.controller = ExportController(parts.session, parts.window, parts.notes.flush)
        self.audit_dialog: AuditDialog | None = None
        self.figures = install_figure_export(parts.window, parts.hub.views, parts.docks,
                                             lambda: parts.session.store, parts.case_folder)

    def show_audit(self) -> AuditDialog | None:
        """Open (or raise) the audit trail of the open case."""
        store = self.parts.session.store
        if store is None:
            return None
        if self.audit_dialog is not None and self.audit_dialog.store is store:
            self.audit_dialog.refresh()
        else:
            self._drop_audit_dialog()
            self.audit_dialog = AuditDialog(store, self.parts.window)
            self.audit_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            self.audit_dialog.destroyed.connect(self._forget_audit_dialog)
        self.audit_dialog.show()
        self.audit_dialog.raise_()
        return self.audit_dialog

    def _forget_audit_dialog(self) -> None:
        self.audit_dialog = None

    def _drop_audit_dialog(self) -> None:
        if self.audit_dialog is not None:
            self.audit_dialog.close()
            self.audit_dialog = None

    def update_enabled(self) -> None:
        a, c = self.parts.actions, self.controller
        a["export_packet"].setEnabled(c.has_result() and not c.busy())
        for name, export in FILE_ACTIONS.items():
            a[name].setEnabled(c.has_result() if export in ("suspects_csv", "rings_csv", "graphml") else c.has_case())
        a["audit_trail"].setEnabled(c.has_case())

    def on_result(self, *_args: Any) -> None:
        self.update_enabled()


def install_exports(parts: WindowParts) -> ExportsInstalled:
    """Add the export actions to the File menu, connect them, and equip every view's dock."""
    installed = ExportsInstalled(parts)
    a, c = parts.actions, installed.controller
    file_menu = parts.menus["file"]
    before = a["close_case"]
    file_menu.insertAction(before, a["export_packet"])
    export_menu = QMenu("E&xport", parts.window)
    export_menu.setObjectName("menu_export")
    export_menu.addActions([a[name] for name in FILE_ACTIONS])
    file_menu.insertMenu(before, export_menu)
    file_menu.insertAction(before, a["audit_trail"])
    file_menu.insertSeparator(before)
    a["export_packet"].triggered.connect(c.export_packet)
    for name, export in FILE_ACTIONS.items():
        a[name].triggered.connect(lambda _checked=False, e=export: c.export_file(e))
    a["audit_trail"].triggered.connect(installed.show_audit)
    s = parts.session
    for signal in (s.case_opened, s.case_closed, s.result_cleared):
        signal.connect(lambda *_args: installed.update_enabled())
    s.case_closed.connect(installed._drop_audit_dialog)
    parts.hub.result_shown.connect(installed.on_result)
    c.runner.started.connect(lambda _g: installed.update_enabled())
    c.runner.finished.connect(lambda _g: installed.update_enabled())
    c.file_written.connect(lambda *_args: installed.audit_dialog.refresh() if installed.audit_dialog else None)
    c.packet_written.connect(lambda _p: installed.audit_dialog.refresh() if installed.audit_dialog else None)
    parts.window.installEventFilter(_WaitOnClose(c))
    installed.update_enabled()
    return installed
