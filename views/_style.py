"""Colours, sizes and z-values shared by all views, named once.

Selection is drawn as an overlay lifted in z-order: base < dimmed < selected < focus <
hover. Categorical colours follow the Okabe-Ito palette (readable with colour-vision
deficiencies). The ui layer calls ``set_dark`` when the palette changes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

# z-values of overlay layers
Z_DIMMED = -10.0
Z_BASE = 0.0
Z_SELECTED = 10.0
Z_FOCUS = 20.0
Z_HOVER = 30.0

# point sizes (pixels)
SIZE_BASE = 5.0
SIZE_SELECTED = 9.0
SIZE_FOCUS = 13.0

# Okabe-Ito categorical palette
CATEGORICAL: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                "#56B4E9", "#D55E00", "#F0E442", "#000000")

SELECTED = "#D55E00"      # vermillion: selected investors everywhere
FOCUS = "#C00000"         # dark red ring: the focus investor
HOVER = "#E69F00"         # orange outline: the investor under the pointer
HARD = "#C00000"          # hard discontinuity
SOFT = "#E69F00"          # soft discontinuity

# the nine SVN link types (METHOD.md §2); diagonal ones first
LINK_TYPES: tuple[str, ...] = ("bb", "ss", "bsbs", "bs", "sb", "bbs", "bsb", "sbs", "bss")
LINK_COLOURS: dict[str, str] = {
    "bb": "#009E73", "ss": "#D55E00", "bsbs": "#0072B2",
    "bs": "#CC79A7", "sb": "#CC79A7", "bbs": "#56B4E9",
    "bsb": "#56B4E9", "sbs": "#E69F00", "bss": "#E69F00",
}

# options-alert priorities
PRIORITY_COLOURS: dict[str, str] = {"HIGH": "#C00000", "MEDIUM": "#E69F00", "LOW": "#56B4E9"}

# raster states by code (engine.viewdata.raster CODE_NAMES: no trade, b, s, bs), the paper's
# convention on black: no trade black, b red, s green, bs white
RASTER_COLOURS: tuple[str, ...] = ("#000000", "#DC1E1E", "#1EBE3C", "#FFFFFF")


@dataclass(frozen=True, slots=True)
class Theme:
    """Colours that depend on the light or dark palette."""

    background: str
    foreground: str
    base_point: str
    dimmed_point: str
    grid_alpha: float
    selected_row: str


LIGHT = Theme(background="#FFFFFF", foreground="#202020", base_point="#7F8C99",
              dimmed_point="#D5D9DE", grid_alpha=0.25, selected_row="#FBE3D3")
DARK = Theme(background="#1E1F22", foreground="#E6E6E6", base_point="#8FA3B5",
             dimmed_point="#3A3F45", grid_alpha=0.3, selected_row="#5A3322")

_theme: Theme = LIGHT


def set_dark(dark: bool) -> None:
    """Switch the views' theme (pyqtgraph defaults too); views built later pick it up."""
    global _theme
    _theme = DARK if dark else LIGHT
    pg.setConfigOptions(background=_theme.background, foreground=_theme.foreground, antialias=True)


def theme() -> Theme:
    """The current theme."""
    return _theme


def qcolor(hex_colour: str, alpha: int | None = None) -> QColor:
    """A QColor from '#RRGGBB' or '#RRGGBBAA' text, with an optional alpha override."""
    text = hex_colour.lstrip("#")
    r, g, b = int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
    a = int(text[6:8], 16) if len(text) == 8 else 255
    return QColor(r, g, b, a if alpha is None else alpha)


def rgba_table(hex_colours: tuple[str, ...]) -> np.ndarray:
    """(n, 4) uint8 RGBA rows of hex colours, for indexing an image by state code."""
    return np.array([qcolor(c).getRgb() for c in hex_colours], dtype=np.uint8)


def category_colour(index: int) -> str:
    """The categorical colour of a cluster or group number (cycles)."""
    return CATEGORICAL[index % len(CATEGORICAL)]


def pen(hex_colour: str, width: float = 1.0, alpha: int | None = None) -> "pg.QtGui.QPen":
    """A cosmetic pen (width in pixels whatever the zoom)."""
    p = pg.mkPen(qcolor(hex_colour, alpha), width=width)
    p.setCosmetic(True)
    return p


def brush(hex_colour: str, alpha: int | None = None) -> "pg.QtGui.QBrush":
    """A solid brush."""
    return pg.mkBrush(qcolor(hex_colour, alpha))


def selected_pen() -> "pg.QtGui.QPen":
    return pen(SELECTED, 2.0)


def focus_pen() -> "pg.QtGui.QPen":
    return pen(FOCUS, 3.0)


def hover_pen() -> "pg.QtGui.QPen":
    return pen(HOVER, 2.0)


def base_brush() -> "pg.QtGui.QBrush":
    return brush(_theme.base_point, 200)


def dimmed_brush() -> "pg.QtGui.QBrush":
    return brush(_theme.dimmed_point, 160)


def selected_brush() -> "pg.QtGui.QBrush":
    return brush(SELECTED, 230)
