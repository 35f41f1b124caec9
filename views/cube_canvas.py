"""What the cube view needs from a drawing surface, shared by the GL and the 2D canvases.

The cube view owns the ids, the window slider and the selection; a canvas only draws the
active points of one window (positions into the view's id array), the overlay layers and
the rewarding corner, and reports clicks as a position plus the keyboard modifiers.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication, QOffscreenSurface, QOpenGLContext

from views import _style


@dataclass(frozen=True)
class WindowPoints:
    """The points of one window: positions into the view's ids, (A, a, E) and labels."""

    pos: np.ndarray        # int64 (m,)
    xyz: np.ndarray        # float32 (m, 3)
    labels: np.ndarray     # int16 (m,)
    n_clusters: int
    rewarding: int
    corner: np.ndarray     # float64 (3,)


@dataclass(frozen=True)
class Overlay:
    """Overlay layers, as indices into the current WindowPoints (not view positions)."""

    selected: np.ndarray   # int64
    focus: int             # -1 if none
    hover: int             # -1 if none


class CanvasSignals(QObject):
    """``clicked(position into the view's ids, Qt.KeyboardModifiers)``; position -1 = empty."""

    clicked = Signal(int, object)
    hovered = Signal(int)


def cluster_rgba(labels: np.ndarray, n_clusters: int, rewarding: int, alpha: float = 0.75) -> np.ndarray:
    """(m, 4) float RGBA per point from the cluster palette (``_style.cluster_colours``)."""
    labels = np.asarray(labels, dtype=np.int64)
    n = max(n_clusters, int(labels.max()) + 1 if labels.size else 0, 1)
    palette = np.array([[int(c[i:i + 2], 16) / 255.0 for i in (1, 3, 5)] + [alpha]
                        for c in _style.cluster_colours(n, rewarding)], dtype=np.float32)
    return palette[labels]


def cluster_name(label: int, rewarding: int) -> str:
    """Display name of a cluster label."""
    return f"cluster {label}" + (" (rewarding)" if label == rewarding else "")


@lru_cache(maxsize=1)
def gl_available() -> bool:
    """True when an OpenGL context can be created and made current on this platform.

    Never on the offscreen platform (ARCHITECTURE.md, "Checked on our machines").
    """
    if QGuiApplication.platformName() in ("offscreen", "minimal", "vnc"):
        return False
    try:
        import pyqtgraph.opengl  # noqa: F401  (needs PyOpenGL)
    except Exception:
        return False
    context = QOpenGLContext()
    if not context.create():
        return False
    surface = QOffscreenSurface()
    surface.create()
    ok = context.makeCurrent(surface)
    if ok:
        context.doneCurrent()
    return bool(ok)
