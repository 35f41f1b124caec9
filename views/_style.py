"""Colours, sizes and z-values shared by all views, named once.

Selection is drawn as an overlay lifted in z-order: base < dimmed < selected < focus <
hover. Each colour of the "colour language" below has one meaning in every view and in the
packet (buy, sell, both, selected, focus, hover, suspect, rewarding, ring); clusters get
distinct colours none of those meanings uses. The ui layer calls ``set_dark`` when the
palette changes, then each view's ``restyle``.
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

# -- the colour language: one meaning per colour, the same in every view and in the packet --
# buy red and sell green as in the paper's raster (the convention investigators know from it)
BUY = "#DC1E1E"           # red: buying (raster b cells, network buyers, bb links, packet bars)
SELL = "#1EBE3C"          # green: selling
BOTH = "#F0F0F0"          # near white: bought and sold the same day / mixed direction
NO_TRADE = "#000000"      # raster background: no trade that day
SELECTED = "#FFB000"      # amber: selected investors everywhere (fill, row band, ring)
FOCUS = "#E6007E"         # magenta ring: the focus investor
HOVER = "#00B4D8"         # cyan outline: the investor under the pointer
REWARDING = "#8E44AD"     # purple: the rewarding cluster and its corner of the cube
RING = "#0072B2"          # blue: validated-network rings (raster separators and labels)
HARD = "#C00000"          # hard discontinuity (text)
SOFT = "#E69F00"          # soft discontinuity (text)
# a k-means suspect is outlined in the theme's foreground (black on light, white on dark):
# every hue above already has a meaning; see ``Theme.suspect``

SEMANTIC: dict[str, str] = {"buy": BUY, "sell": SELL, "both": BOTH, "selected": SELECTED, "focus": FOCUS,
                            "hover": HOVER, "rewarding": REWARDING, "ring": RING}

# Series colours for line plots with a few named curves (Okabe-Ito)
CATEGORICAL: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                "#56B4E9", "#D55E00", "#F0E442", "#000000")

# Cluster palette: distinct colours that none of the meanings above uses (the rewarding
# cluster is drawn in REWARDING instead); more clusters than this get generated hues.
CLUSTER_BASE: tuple[str, ...] = (
    "#56B4E9", "#CC79A7", "#F0E442", "#8C564B", "#7F7F7F", "#393B79", "#AEC7E8", "#DBDB8D",
    "#C5B0D5", "#C49C94", "#F7B6D2", "#9EDAE5", "#8C6D31", "#5254A3", "#E7CB94", "#6B6ECF",
    "#BCBD22", "#E377C2", "#CEDB9C", "#636363")

# the nine SVN link types (METHOD.md §2); diagonal ones first
LINK_TYPES: tuple[str, ...] = ("bb", "ss", "bsbs", "bs", "sb", "bbs", "bsb", "sbs", "bss")
LINK_COLOURS: dict[str, str] = {
    "bb": BUY, "ss": SELL, "bsbs": RING,
    "bs": "#CC79A7", "sb": "#CC79A7", "bbs": "#56B4E9",
    "bsb": "#56B4E9", "sbs": "#E69F00", "bss": "#E69F00",
}

# options-alert priorities
PRIORITY_COLOURS: dict[str, str] = {"HIGH": "#C00000", "MEDIUM": "#E69F00", "LOW": "#56B4E9"}

# raster states by code (engine.viewdata.raster CODE_NAMES: no trade, b, s, bs)
RASTER_COLOURS: tuple[str, ...] = (NO_TRADE, BUY, SELL, BOTH)


@dataclass(frozen=True, slots=True)
class Theme:
    """Colours that depend on the light or dark palette."""

    background: str
    foreground: str
    base_point: str
    dimmed_point: str
    grid_alpha: float
    selected_row: str
    warning_text: str     # hard-discontinuity / suspicious text on the table background
    suspect: str          # outline of a k-means suspect
    reference_text: str   # the reference start's and the PSE's names beside their lines: their
    pse_text: str         # hues, readable on the background (4.5:1; the lines' own were 2.3 and 2.5)


LIGHT = Theme(background="#FFFFFF", foreground="#202020", base_point="#7F8C99",
              dimmed_point="#D5D9DE", grid_alpha=0.25, selected_row="#FFE9B3", warning_text=HARD,
              suspect="#000000", reference_text="#0072B2", pse_text="#C00000")
DARK = Theme(background="#1E1F22", foreground="#E6E6E6", base_point="#8FA3B5",
             dimmed_point="#3A3F45", grid_alpha=0.3, selected_row="#4D3F14", warning_text="#FF7A7A",
             suspect="#FFFFFF", reference_text="#56B4E9", pse_text="#FF6B6B")

_theme: Theme = LIGHT

#: Qt property set on a plot widget that keeps its own colours whatever the theme (the raster)
FIXED_COLOURS = "itwb_fixed_colours"


def set_dark(dark: bool) -> None:
    """Switch the views' theme (pyqtgraph defaults too); views built later pick it up and
    the ui layer asks the views on screen to ``restyle``."""
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


def cluster_colours(n: int, rewarding: int = -1) -> list[str]:
    """``n`` distinct cluster colours, none of them a meaning colour; cluster ``rewarding``
    (if in range) gets REWARDING. Beyond the base palette, hues step by the golden angle."""
    out: list[str] = []
    base = iter(CLUSTER_BASE)
    reserved = {c.upper() for c in SEMANTIC.values()}
    k = 0
    for index in range(n):
        if index == rewarding:
            out.append(REWARDING)
            continue
        colour = next(base, None)
        while colour is None or colour.upper() in reserved or colour in out:
            hue = (k * 0.381966) % 1.0
            k += 1
            colour = QColor.fromHsvF(hue, 0.55 + 0.35 * (k % 2), 0.65 + 0.3 * ((k // 2) % 2)).name().upper()
        out.append(colour)
    return out


def direction_colour(r: float) -> QColor:
    """Colour of a directionality in [-1, 1]: SELL at -1, BOTH at 0, BUY at +1 (linear)."""
    t = min(max((float(r) + 1.0) / 2.0, 0.0), 1.0)
    lo, hi = (qcolor(SELL), qcolor(BOTH)) if t < 0.5 else (qcolor(BOTH), qcolor(BUY))
    u = t * 2.0 if t < 0.5 else t * 2.0 - 1.0
    return QColor(*(round(a + (b - a) * u) for a, b in zip(lo.getRgb()[:3], hi.getRgb()[:3])))


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
