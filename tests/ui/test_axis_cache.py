"""Axes keep their pixels on screen (an axis with a grid spans its plot, so every item that
changed under it replayed its ticks and grid), are redrawn when their range changes, and are
written as vectors, not pixels, when a figure is exported."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
from PySide6.QtWidgets import QGraphicsItem

from tests.ui.view_probe import shown
from views._plots import new_plot
from views._print import svg_bytes

CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache


def _texts(svg: bytes) -> list[str]:
    return ["".join(e.itertext()).strip() for e in ET.fromstring(svg).iter() if e.tag.endswith("text")]


def test_axes_are_cached_on_screen_and_vectors_in_an_export(qtbot):
    plot = new_plot(xlabel="days", ylabel="shares", grid=True)
    plot.plot(np.arange(10.0), np.arange(10.0) * 1000)
    plot.setXRange(0, 9, padding=0)
    plot.setYRange(0, 9000, padding=0)
    shown(qtbot, plot, (500, 300))
    axes = [plot.getAxis(side) for side in ("left", "bottom")]
    assert all(axis.cacheMode() == CACHED for axis in axes)
    texts = _texts(svg_bytes(plot, "test"))
    assert "8000" in texts and "shares" in texts          # tick labels and axis titles as SVG text
    assert all(axis.cacheMode() == CACHED for axis in axes)   # the cache is back after the export
    plot.setYRange(0, 90000, padding=0)                     # a new range redraws the cached axis
    qtbot.wait(1)
    assert "80000" in _texts(svg_bytes(plot, "test"))
