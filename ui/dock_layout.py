"""Where the docks go: suspects over notes on the left, centre views tabbed on the right
with 'right' views beside them, bottom views tabbed; and when a saved layout still fits."""
from __future__ import annotations

import zlib
from typing import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

AREAS = {"left": Qt.DockWidgetArea.LeftDockWidgetArea, "right": Qt.DockWidgetArea.RightDockWidgetArea,
         "bottom": Qt.DockWidgetArea.BottomDockWidgetArea, "center": Qt.DockWidgetArea.RightDockWidgetArea}
NOTES = "notes"


def layout_version(docks: Mapping[str, QDockWidget]) -> int:
    """A saved dock layout is only restored for the same set of docks (a layout saved
    before a view was added would hide the new view)."""
    return zlib.crc32(",".join(sorted(docks)).encode("utf-8")) & 0x7FFFFFFF


def build_docks(window: QMainWindow, entries: Sequence[tuple[str, str, QWidget, str]]) -> dict[str, QDockWidget]:
    """One dock per (name, title, widget, area). Splits are made before tabifying: Qt
    loses docks that are split from a tabbed one."""
    window.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
    docks: dict[str, QDockWidget] = {}
    groups: dict[str, list[QDockWidget]] = {}
    for name, title, widget, area in entries:
        dock = QDockWidget(title, window)
        dock.setObjectName(f"dock_{name}")
        dock.setWidget(widget)
        docks[name] = dock
        groups.setdefault(area, []).append(dock)
    heads = {area: group[0] for area, group in groups.items()}
    for area in ("left", "center", "bottom"):
        if area in heads:
            window.addDockWidget(AREAS[area], heads[area])
    if "right" in heads:
        window.addDockWidget(AREAS["right"], heads["right"])
        if "center" in heads:
            window.splitDockWidget(heads["center"], heads["right"], Qt.Orientation.Horizontal)
    notes = docks.get(NOTES)
    if notes is not None and heads.get("left") not in (None, notes):
        window.splitDockWidget(heads["left"], notes, Qt.Orientation.Vertical)
    for area, group in groups.items():
        for dock in group[1:]:
            if dock is not notes:
                window.tabifyDockWidget(heads[area], dock)
        heads[area].raise_()
    _size(window, heads, notes)
    return docks


def _size(window: QMainWindow, heads: dict[str, QDockWidget], notes: QDockWidget | None) -> None:
    """Give the plots most of the space: a narrow left column, the table over the notes."""
    if "left" in heads:
        window.resizeDocks([heads["left"]], [440], Qt.Orientation.Horizontal)
        if notes is not None and heads["left"] is not notes:
            window.resizeDocks([heads["left"], notes], [620, 380], Qt.Orientation.Vertical)
    if "center" in heads and "bottom" in heads:
        window.resizeDocks([heads["center"], heads["bottom"]], [560, 440], Qt.Orientation.Vertical)
