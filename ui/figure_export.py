"""Save any view as a figure: "Save figure as PNG…" / "Save figure as SVG…" in its context menu.

Installed once for every view by the main window (not per view): the actions appear when
right-clicking a view's dock (title bar, any area without a menu of its own) and in each
view's right-click menu (``ui.context_menu``). PNG is the view's ``snapshot()`` (what the packet
prints); SVG renders the view widget through ``QSvgGenerator``, so pyqtgraph plots come out
as vectors. Each save writes the file atomically, then logs a ``figure`` export.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMenu, QWidget

from engine.errors import UsageError
from engine.exports.tables import write_export
from ui.dialogs.error_dialog import show_error
from views._print import svg_bytes
from views.base import BaseView

FORMATS: dict[str, str] = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}


def figure_png(view: BaseView) -> bytes:
    """The view as PNG bytes: its packet snapshot."""
    return view.snapshot().png


def figure_svg(view: QWidget) -> bytes:
    """The view drawn into an SVG document (vector where the widgets paint vectors)."""
    return svg_bytes(view, getattr(view, "title", "") or view.objectName())


def save_figure(view: BaseView, path: Path, fmt: str, store: Any) -> bytes:
    """Write the view as ``fmt`` ("png" or "svg") to ``path``, then log the export when a case is open."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}")
    data = figure_png(view) if fmt == "png" else figure_svg(view)
    if not data:
        raise OSError(f"the {view.title or view.view_name} view has nothing to draw")
    return write_export(store, "figure", Path(path), data, view=view.view_name, format=fmt)


class FigureExporter:
    """Asks for a file name and saves a view; errors become dialogs."""

    def __init__(self, parent: QWidget, store_of: Callable[[], Any], folder_of: Callable[[], str]) -> None:
        self.parent, self.store_of, self.folder_of = parent, store_of, folder_of

    def ask_and_save(self, view: BaseView, fmt: str) -> Path | None:
        default = Path(self.folder_of() or ".") / f"{view.view_name or 'figure'}.{fmt}"
        chosen, _ = QFileDialog.getSaveFileName(self.parent, "Save figure", str(default), FORMATS[fmt])
        if not chosen:
            return None
        path = Path(chosen if chosen.lower().endswith("." + fmt) else f"{chosen}.{fmt}")
        try:
            save_figure(view, path, fmt, self.store_of())
        except Exception as exc:
            show_error(self.parent, "The figure could not be saved",
                       UsageError(f"{path}: {exc.strerror or exc}") if isinstance(exc, OSError) else exc)
            return None
        return path

    def actions_for(self, view: BaseView, parent: Any) -> list[QAction]:
        """The two save actions for ``view`` (children of ``parent``)."""
        actions = []
        for fmt in FORMATS:
            action = QAction(f"Save figure as {fmt.upper()}…", parent)
            action.setObjectName(f"save_figure_{fmt}")
            action.triggered.connect(lambda _checked=False, v=view, f=fmt: self.ask_and_save(v, f))
            actions.append(action)
        return actions

    def install(self, view: BaseView, dock: QDockWidget) -> None:
        """Right-click on the dock (title bar, any area without a menu of its own) shows the
        save actions; the views' plots and tables have the full verbs menu (ui.context_menu)."""
        dock.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        dock_actions = self.actions_for(view, dock)
        dock.customContextMenuRequested.connect(
            lambda pos, d=dock, acts=dock_actions: _popup(d, pos, acts))


def _popup(dock: QDockWidget, pos: QPoint, actions: list[QAction]) -> None:
    menu = QMenu(dock)
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    menu.addActions(actions)
    menu.popup(dock.mapToGlobal(pos))


def install_figure_export(parent: QWidget, views: Mapping[str, BaseView], docks: Mapping[str, QDockWidget],
                          store_of: Callable[[], Any], folder_of: Callable[[], str]) -> FigureExporter:
    """Give every view's dock the figure actions (one call from the main window's set-up)."""
    exporter = FigureExporter(parent, store_of, folder_of)
    for name, view in views.items():
        if name in docks:
            exporter.install(view, docks[name])
    return exporter
