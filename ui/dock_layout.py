"""Where the docks go: suspects over notes on the left, centre views tabbed on the right
with 'right' views beside them, bottom views tabbed; and when a saved layout still fits.

Default sizes are shares of the window as shown (Qt forgets sizes given to docks before the
window has its size: the cube and raster got ~300 px of a 1920 px screen), and they stay
shares when the window is resized (maximised) until the investigator moves a dock edge."""
from __future__ import annotations

import zlib
from typing import Mapping, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar, QWidget

from views.base import BaseView

AREAS = {"left": Qt.DockWidgetArea.LeftDockWidgetArea, "right": Qt.DockWidgetArea.RightDockWidgetArea,
         "bottom": Qt.DockWidgetArea.BottomDockWidgetArea, "center": Qt.DockWidgetArea.RightDockWidgetArea}
NOTES = "notes"
LEFT_SHARE = 0.27          # of the window width: suspects and notes
CENTRE_SHARE = 0.5         # of what is left: the cube/raster column (the network gets the rest)
TOP_SHARE = 0.58           # of the height: cube/raster/network over options/triage
TABLE_SHARE = 0.62         # of the left column: suspects over notes


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
        if isinstance(widget, BaseView):     # a tab behind another is off screen: its view waits
            dock.visibilityChanged.connect(widget.set_on_screen)
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
    DockSizer(window, heads, notes)
    return docks


class DockSizer(QObject):
    """Gives the docks their default shares of the window (``fit``), once shown when asked
    with ``fit_when_shown``."""

    def __init__(self, window: QMainWindow, heads: dict[str, QDockWidget], notes: QDockWidget | None) -> None:
        super().__init__(window)
        self.window, self.heads, self.notes = window, heads, notes
        self._pending = False
        self._default = False    # the docks have their default shares (no dock edge moved since)
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self.fit)
        self._sweep = QTimer(self)              # stale tab bars are looked for after each relayout
        self._sweep.setSingleShot(True)
        self._sweep.setInterval(0)
        self._sweep.timeout.connect(lambda: hide_stale_tab_bars(self.window))
        window.installEventFilter(self)

    def fit(self) -> None:
        """Plots get most of the space: a narrow left column, the table over the notes, the
        cube/raster column as wide as the network, the plots over the bottom views."""
        w, h, heads = self.window.width(), self.window.height(), self.heads
        left = int(w * LEFT_SHARE) if "left" in heads else 0
        if "left" in heads:
            self.window.resizeDocks([heads["left"]], [left], Qt.Orientation.Horizontal)
            if self.notes is not None and heads["left"] is not self.notes:
                self.window.resizeDocks([heads["left"], self.notes], [int(h * TABLE_SHARE), int(h * (1 - TABLE_SHARE))],
                                        Qt.Orientation.Vertical)
        if "center" in heads and "right" in heads:
            rest = w - left
            self.window.resizeDocks([heads["center"], heads["right"]],
                                    [int(rest * CENTRE_SHARE), int(rest * (1 - CENTRE_SHARE))], Qt.Orientation.Horizontal)
        if "center" in heads and "bottom" in heads:
            self.window.resizeDocks([heads["center"], heads["bottom"]], [int(h * TOP_SHARE), int(h * (1 - TOP_SHARE))],
                                    Qt.Orientation.Vertical)
        self._default = True

    def fit_when_shown(self) -> None:
        """``fit`` now if the window is on screen, else right after it is first shown."""
        if self.window.isVisible():
            self.fit()
        else:
            self._pending = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.window:
            kind = event.type()
            if kind == QEvent.Type.Show and self._pending:
                self._pending = False
                QTimer.singleShot(0, self.fit)   # after the first layout pass gave the window its size
            if kind == QEvent.Type.MouseButtonPress:
                self._default = False               # a press on the window itself: a dock edge dragged
            if kind == QEvent.Type.Resize and self._default:
                self._refit.start()                 # still the default layout: keep its shares
            if kind in (QEvent.Type.Show, QEvent.Type.Resize, QEvent.Type.LayoutRequest):
                self._sweep.start()
        return False


def hide_stale_tab_bars(window: QMainWindow) -> list[QTabBar]:
    """Hide dock tab bars Qt left on screen from an earlier layout pass (Qt 6 keeps the tab bar
    of a tab group laid out before the window had its size visible, over the suspects table);
    the live one sits right under the docks of its tabs. Returns the bars hidden."""
    direct = Qt.FindChildOption.FindDirectChildrenOnly    # docks and their tab bars are the window's
    docks = window.findChildren(QDockWidget, options=direct)  # own children (a recursive search walked
    hidden = []                                               # every widget after each relayout)
    for bar in window.findChildren(QTabBar, options=direct):
        if not bar.isVisible() or bar.count() == 0:
            continue
        titles = {bar.tabText(i) for i in range(bar.count())}
        live = any(d.windowTitle() in titles and d.isVisible() and abs(d.geometry().bottom() + 1 - bar.y()) <= 4
                   and d.geometry().left() <= bar.geometry().center().x() <= d.geometry().right() for d in docks)
        if not live:
            bar.hide()
            hidden.append(bar)
    return hidden


def fit_docks(window: QMainWindow, when_shown: bool = False) -> None:
    """Default dock sizes for ``window`` (built by ``build_docks``)."""
    sizer = window.findChild(DockSizer)
    if sizer is not None:
        sizer.fit_when_shown() if when_shown else sizer.fit()
