"""Pure numpy picking maths for the 3D cube: project points to screen pixels, pick the nearest.

OpenGL cannot render on the offscreen test platform, so the cube view picks investors
without GL read-back: it projects every point with the camera's projection * view matrix
and takes the nearest projected point within a few pixels of the click. Keeping the maths
here makes it testable with numpy against hand-computed projections.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np


def matrix_from_column_major(values: Sequence[float]) -> np.ndarray:
    """A 4x4 row-major matrix from 16 column-major values (``QMatrix4x4.data()`` order)."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.size != 16:
        raise ValueError(f"a 4x4 matrix needs 16 values, got {arr.size}")
    return arr.reshape(4, 4).T.copy()


def project_points(points: np.ndarray, mvp: np.ndarray, width: float,
                   height: float) -> tuple[np.ndarray, np.ndarray]:
    """Screen pixels (x right, y down) of 3D points and a mask of those in front of the camera.

    ``mvp`` is the row-major projection * view matrix; points are (n, 3). NDC x, y in
    [-1, 1] map to [0, width] and [height, 0] (y flipped, as on screen). Points behind the
    camera or outside the depth range get NaN pixels and ``False`` in the mask.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    homo = np.empty((pts.shape[0], 4), dtype=np.float64)
    homo[:, :3] = pts
    homo[:, 3] = 1.0
    clip = homo @ np.asarray(mvp, dtype=np.float64).T
    w = clip[:, 3]
    with np.errstate(divide="ignore", invalid="ignore"):
        ndc = clip[:, :3] / w[:, None]
    visible = (w > 0) & np.all(np.isfinite(ndc), axis=1) & (np.abs(ndc[:, 2]) <= 1.0)
    screen = np.full((pts.shape[0], 2), np.nan)
    screen[visible, 0] = (ndc[visible, 0] + 1.0) * 0.5 * width
    screen[visible, 1] = (1.0 - ndc[visible, 1]) * 0.5 * height
    return screen, visible


def nearest_within(screen: np.ndarray, x: float, y: float, radius: float) -> int:
    """Index of the projected point nearest (x, y) within ``radius`` pixels, or -1.

    NaN rows (hidden or off-camera points) never match; ties go to the lowest index,
    so a pick is deterministic.
    """
    xy = np.asarray(screen, dtype=np.float64).reshape(-1, 2)
    if xy.shape[0] == 0:
        return -1
    d2 = (xy[:, 0] - x) ** 2 + (xy[:, 1] - y) ** 2
    d2 = np.where(np.isfinite(d2), d2, np.inf)
    best = int(np.argmin(d2))
    return best if d2[best] <= radius * radius else -1

