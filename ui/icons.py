"""Logical icon name -> QIcon from resources/icons/*.svg, drawn in the palette's text colour.

The SVGs use ``currentColor``; it is replaced by the colour of the current palette, so
icons stay readable on light and dark themes. Icons are cached per (name, colour).
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

ICON_SIZES = (16, 24, 32, 48)


def icon_names() -> list[str]:
    """Every icon shipped in resources/icons."""
    folder = resources.files("resources") / "icons"
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".svg"))


@lru_cache(maxsize=None)
def _svg_text(name: str) -> str:
    path = resources.files("resources") / "icons" / f"{name}.svg"
    if not path.is_file():
        raise KeyError(f"no icon named {name!r}")
    return path.read_text(encoding="utf-8")


def _text_colour() -> str:
    app = QGuiApplication.instance()
    if app is None:
        return "#202020"
    return QGuiApplication.palette().color(QPalette.ColorRole.WindowText).name()


@lru_cache(maxsize=None)
def _icon(name: str, colour: str) -> QIcon:
    renderer = QSvgRenderer(QByteArray(_svg_text(name).replace("currentColor", colour).encode("utf-8")))
    icon = QIcon()
    for size in ICON_SIZES:
        pixmap = QPixmap(QSize(size, size))
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def icon(name: str) -> QIcon:
    """The icon ``name`` in the current palette's text colour (raises KeyError if unknown)."""
    return _icon(name, _text_colour())


def app_icon() -> QIcon:
    """The application icon (fixed brand colour, whatever the palette)."""
    return _icon("app", "#0072B2")
