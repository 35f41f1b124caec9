"""The light and dark themes: the application palette and the views' plot colours."""
from __future__ import annotations

import gc
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

_DARK = {
    QPalette.ColorRole.Window: "#2B2D31", QPalette.ColorRole.WindowText: "#E6E6E6",
    QPalette.ColorRole.Base: "#1E1F22", QPalette.ColorRole.AlternateBase: "#26282C",
    QPalette.ColorRole.ToolTipBase: "#2B2D31", QPalette.ColorRole.ToolTipText: "#E6E6E6",
    QPalette.ColorRole.Text: "#E6E6E6", QPalette.ColorRole.Button: "#33363B",
    QPalette.ColorRole.ButtonText: "#E6E6E6", QPalette.ColorRole.BrightText: "#FF6B6B",
    QPalette.ColorRole.Highlight: "#3D6FB4", QPalette.ColorRole.HighlightedText: "#FFFFFF",
    QPalette.ColorRole.Link: "#6FA8FF", QPalette.ColorRole.PlaceholderText: "#8A8F98",
}


def dark_palette() -> QPalette:
    """A readable dark palette (disabled text dimmed)."""
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7A7F87"))
    return palette


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def all_widgets(app: QApplication) -> list[QWidget]:
    """Every widget of ``app``, with the garbage collector held while PySide wraps Qt's list: a
    collection in between freed a dropped view (Python-owned, kept by a reference cycle) whose
    widgets were still in the list, and wrapping them crashed (a segfault in apply_theme seen
    in the GUI tests; once listed, every widget is held by the list)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return app.allWidgets()
    finally:
        if was_enabled:
            gc.enable()


def apply_theme(theme: str) -> bool:
    """Apply 'light', 'dark' or 'system' to the app and the views; returns whether dark."""
    from views import _style
    app = QApplication.instance()
    dark = theme == "dark" or (theme == "system" and system_is_dark())
    assert isinstance(app, QApplication)
    app.setPalette(dark_palette() if dark else app.style().standardPalette())
    _style.set_dark(dark)
    _restyle_plots(app)
    from views.base import BaseView
    for widget in all_widgets(app):
        if isinstance(widget, BaseView):
            widget.restyle()
    return dark


def _restyle_plots(app: QApplication) -> None:
    """Recolour existing pyqtgraph backgrounds, axes and titles for the current theme (plots
    marked ``FIXED_COLOURS``, like the always-black raster, keep theirs)."""
    import pyqtgraph as pg
    from views import _style
    colours = _style.theme()
    gl = sys.modules.get("pyqtgraph.opengl")   # only when a GL view was built
    for widget in all_widgets(app):
        if isinstance(widget, pg.GraphicsView) and not widget.property(_style.FIXED_COLOURS):
            widget.setBackground(colours.background)
            for item in widget.scene().items():
                if isinstance(item, pg.AxisItem):
                    item.setPen(colours.foreground)
                    item.setTextPen(colours.foreground)
                elif isinstance(item, pg.LabelItem) and item.opts.get("color") is None:
                    item.setText(item.text)   # titles take the new default foreground
        elif gl is not None and isinstance(widget, gl.GLViewWidget):
            widget.setBackgroundColor(colours.background)
