"""Cube picking maths against hand-computed projections and Qt's own matrix maths."""
from __future__ import annotations

import numpy as np
import pytest

from views.cube_projection import matrix_from_column_major, nearest_within, project_points


def _perspective(fov_deg: float, aspect: float, near: float, far: float) -> np.ndarray:
    """The OpenGL perspective matrix, written out by hand."""
    f = 1.0 / np.tan(np.radians(fov_deg) / 2)
    return np.array([[f / aspect, 0, 0, 0],
                     [0, f, 0, 0],
                     [0, 0, (far + near) / (near - far), 2 * far * near / (near - far)],
                     [0, 0, -1, 0]])


def test_column_major_translation_lands_in_last_column():
    # column-major: the translation (5, 6, 7) is stored in entries 12..14
    values = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 5, 6, 7, 1]
    m = matrix_from_column_major(values)
    assert m[:3, 3].tolist() == [5, 6, 7]
    assert m @ np.array([1, 1, 1, 1]) == pytest.approx([6, 7, 8, 1])


def test_column_major_needs_sixteen_values():
    with pytest.raises(ValueError):
        matrix_from_column_major(range(15))


def test_identity_maps_ndc_to_pixels_with_y_flipped():
    pts = np.array([[0, 0, 0], [0.5, 0.5, 0], [-1, -1, 0]])
    screen, visible = project_points(pts, np.eye(4), 200, 100)
    assert visible.all()
    assert screen.tolist() == [[100, 50], [150, 25], [0, 100]]


def test_perspective_hand_computed():
    mvp = _perspective(90, 1.0, 1.0, 10.0)
    # (1, 1, -2): clip = (1, 1, ., 2) -> ndc (0.5, 0.5) -> pixels (150, 50) on 200 x 200
    pts = np.array([[1.0, 1.0, -2.0], [0.0, 0.0, 2.0], [0.0, 0.0, -50.0]])
    screen, visible = project_points(pts, mvp, 200, 200)
    assert screen[0] == pytest.approx([150, 50])
    assert visible.tolist() == [True, False, False]  # behind the camera; beyond the far plane
    assert np.isnan(screen[1]).all()


def test_nearest_within_radius_and_ties():
    screen = np.array([[10, 10], [13, 10], [np.nan, np.nan], [10, 10]])
    assert nearest_within(screen, 11, 10, 3) == 0
    assert nearest_within(screen, 12.9, 10, 3) == 1
    assert nearest_within(screen, 10, 10, 0.5) == 0  # tie with index 3: lowest wins
    assert nearest_within(screen, 50, 50, 5) == -1
    assert nearest_within(np.zeros((0, 2)), 0, 0, 5) == -1


def test_pick_matches_brute_force_on_random_points():
    rng = np.random.default_rng(3)
    pts = rng.uniform(-1, 1, size=(300, 3))
    view = np.eye(4)
    view[2, 3] = -5.0  # camera 5 units back
    mvp = _perspective(60, 4 / 3, 0.1, 100) @ view
    for _ in range(20):
        x, y = rng.uniform(0, 400), rng.uniform(0, 300)
        got = nearest_within(project_points(pts, mvp, 400, 300)[0], x, y, 15)
        best, best_d = -1, np.inf
        for k, p in enumerate(pts):  # brute force, one point at a time
            c = mvp @ np.append(p, 1.0)
            sx = (c[0] / c[3] + 1) / 2 * 400
            sy = (1 - c[1] / c[3]) / 2 * 300
            d = np.hypot(sx - x, sy - y)
            if d <= 15 and d < best_d:
                best, best_d = k, d
        assert got == best


def test_agrees_with_qt_matrix_maths():
    QtGui = pytest.importorskip("PySide6.QtGui")
    proj = QtGui.QMatrix4x4()
    proj.perspective(60.0, 1.5, 0.1, 100.0)
    view = QtGui.QMatrix4x4()
    view.translate(0.0, 0.0, -6.0)
    view.rotate(30.0, 1.0, 0.0, 0.0)
    view.rotate(-40.0, 0.0, 0.0, 1.0)
    mvp_qt = proj * view
    mvp = matrix_from_column_major(mvp_qt.data())
    pts = np.array([[0.3, -0.2, 0.5], [1.0, 1.0, 1.0], [-1.0, 0.0, -1.0]])
    screen, visible = project_points(pts, mvp, 300, 200)
    assert visible.all()
    for p, s in zip(pts, screen):
        ndc = mvp_qt.map(QtGui.QVector3D(*p))  # Qt divides by w itself
        assert s == pytest.approx([(ndc.x() + 1) / 2 * 300, (1 - ndc.y()) / 2 * 200])
