"""Cube presentation arrays: suspects keyed by id, corner by direction, active investors."""
from __future__ import annotations

import numpy as np
import pytest

from engine.viewdata.cube import build_cube, rewarding_corner


def test_corner_follows_direction():
    assert rewarding_corner(+1).tolist() == [1, 1, 1]
    assert rewarding_corner(-1).tolist() == [-1, 1, -1]


def test_build_cube_keys_suspects_by_id_and_lists_active():
    ids = np.array(["a", "b", "c"], dtype=object)
    labels = np.array([[0, -1, 1], [1, 0, -1]], dtype=np.int16)
    feats = np.full((2, 3, 3), np.nan)
    feats[labels >= 0] = 0.5
    cube = build_cube(ids, np.array(["2023-01-02", "2023-01-09"], dtype="datetime64[D]"),
                      np.array(["2023-01-27", "2023-02-03"], dtype="datetime64[D]"),
                      feats, labels, 1, np.array(["c", "zz"], dtype=object), -1)
    assert cube.suspect.tolist() == [False, False, True]
    assert cube.n_clusters == 2 and cube.n_windows == 2
    assert cube.active(0).tolist() == [0, 2] and cube.active(1).tolist() == [0, 1]
    assert cube.corner.tolist() == [-1, 1, -1]
    assert cube.coords.dtype == np.float32


def test_shape_mismatch_refused():
    with pytest.raises(ValueError):
        build_cube(np.array(["a"], dtype=object), np.zeros(1, "datetime64[D]"), np.zeros(1, "datetime64[D]"),
                   np.zeros((1, 2, 3)), np.zeros((1, 1), np.int16), 0, np.array([], dtype=object), 1)
