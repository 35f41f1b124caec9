"""The GL cube's camera stands farther back on a wide, low canvas so the box's top is not cut
(seen on a 1366 x 768 screen); on a canvas tall enough it stays where it was."""
from __future__ import annotations

import pytest

from views.cube_gl import FIT_ASPECT, distance_factor


@pytest.mark.parametrize("width,height", [(500, 320), (400, 400), (300, 600)])
def test_a_canvas_tall_enough_keeps_the_camera(width, height):
    assert height / width >= FIT_ASPECT and distance_factor(width, height) == 1.0


@pytest.mark.parametrize("width,height", [(435, 190), (1000, 200), (800, 479)])
def test_a_low_canvas_moves_the_camera_back_to_the_same_vertical_extent(width, height):
    # the horizontal field of view shows `distance` units across, so height / width of that
    # is seen vertically: moving back by the factor shows what a FIT_ASPECT canvas shows
    factor = distance_factor(width, height)
    assert factor > 1.0
    assert factor * height / width == pytest.approx(FIT_ASPECT)


def test_an_empty_canvas_does_not_divide_by_zero():
    assert distance_factor(100, 0) == pytest.approx(FIT_ASPECT * 100)
