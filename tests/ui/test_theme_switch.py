"""Switching to the dark theme while views show data recolours them (no stale light colours).

Sequence: views get data and a selection in the light theme, then the theme switches to
dark; oracle: the dark theme's colours in ``views._style.DARK`` and the WCAG contrast ratio.
"""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from tests.ui.view_probe import shown
from tests.ui.view_samples import sample_network, sample_options, sample_raster, sample_rings, sample_triage
from views import _style
from views.network_view import NetworkView
from views.options_view import OptionsView
from views.raster_view import RasterView
from views.rings_view import RingsView
from views.selection_types import Selection
from views.triage_view import TriageView

ROOT = Path(__file__).resolve().parents[2]


def _luminance(c: QColor) -> float:
    def lin(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two colours (1 .. 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.fixture
def light_then_restore(qapp):
    from ui.theme import apply_theme
    apply_theme("light")
    yield apply_theme
    apply_theme("light")


def test_dark_switch_recolours_titles_labels_tables_and_lines(qtbot, light_then_restore):
    apply_theme = light_then_restore
    network = shown(qtbot, NetworkView(), (600, 500), sample_network("R00"))
    triage = shown(qtbot, TriageView(), (900, 500), sample_triage())
    options = shown(qtbot, OptionsView(), (700, 500), sample_options())
    ring_data = sample_rings()
    rings = shown(qtbot, RingsView(), (500, 300),
                  dataclasses.replace(ring_data, suspicious=np.ones_like(ring_data.suspicious)))
    raster = shown(qtbot, RasterView(), (500, 300), sample_raster())
    members = frozenset(str(m) for m in rings.model.rings.members[0])
    for view in (network, triage, options, rings, raster):
        view.apply_selection(Selection(ids=members | {"T000"}, focus="T000"))
    apply_theme("dark")
    dark = _style.DARK
    title = triage.heatmap.getPlotItem().titleLabel
    assert dark.foreground.lower()[1:] in title.item.toHtml().lower()       # title readable on dark
    assert network.labels.items, "the seed's label"
    for label in network.labels.items.values():
        assert label.color.name().upper() == dark.foreground.upper()
        assert label.fill.color().name().upper() == dark.background.upper()
    for name in options.panel_names.values():
        assert name.color.name().upper() == dark.foreground.upper()
    card_line = triage.scorecard.chart.getPlotItem().listDataItems()[-1]
    assert card_line.opts["pen"].color().name().upper() == dark.foreground.upper()
    # the suspicious mark on a shaded ring row stays readable
    model = rings.model
    row = model.view_row(0)
    assert 0 in model.shaded                     # ring 1 (marked suspicious) holds the selection
    col = [c[1] for c in model.columns].index("suspicious")
    fg = model.data(model.index(row, col), Qt.ItemDataRole.ForegroundRole)
    bg = model.data(model.index(row, col), Qt.ItemDataRole.BackgroundRole)
    assert contrast(fg, bg) >= 3.0
    assert raster.plot.backgroundBrush().color().name() == "#000000"       # the raster stays black
    apply_theme("light")
    assert QColor(_style.LIGHT.foreground).name()[1:] in title.item.toHtml().lower()


@pytest.mark.parametrize("theme", [_style.LIGHT, _style.DARK])
def test_warning_text_readable_on_shaded_rows(theme):
    assert contrast(QColor(theme.warning_text), QColor(theme.selected_row)) >= 3.0
    assert contrast(QColor(theme.warning_text), QColor(theme.background)) >= 3.0


def test_dark_switch_recolours_the_preview_and_the_profile(qtbot, light_then_restore):
    """After a switch to dark, the seed's dashed edges to its not-yet-expanded neighbours kept
    the light theme's near-black (invisible on the dark background); so did the profile's
    close curve."""
    from views.profile_view import ProfileView
    apply_theme = light_then_restore
    network = shown(qtbot, NetworkView(), (600, 500), sample_network("R00"))
    profile = shown(qtbot, ProfileView(), (900, 400))
    network.apply_selection(Selection(ids=frozenset({"R00"}), focus="R00"))
    apply_theme("dark")
    dark = QColor(_style.DARK.foreground).name()
    assert network.preview_edges.opts["pen"].color().name() == dark
    assert network.preview_nodes.opts["pen"].color().name() == dark
    assert profile.close_curve.opts["pen"].color().name() == dark
    assert all(title.color.name() == dark for title in profile.titles)


@pytest.mark.parametrize("dark", [False, True])
def test_guide_names_readable_in_either_theme(qtbot, light_then_restore, dark):
    """'reference start' (light blue, 2.3:1 on white) and 'PSE' (dark red, 2.5:1 on the dark
    background) were drawn in their lines' colours; text needs 4.5:1."""
    apply_theme = light_then_restore
    apply_theme("dark" if dark else "light")
    view = shown(qtbot, OptionsView(), (700, 500), sample_options())
    background = QColor((_style.DARK if dark else _style.LIGHT).background)
    labels = [item.label for item in view.plots["volume"].items if getattr(item, "label", None) is not None]
    assert len(labels) == 2
    for label in labels:
        assert contrast(label.color, background) >= 4.5, label.toPlainText()


#: a dropped widget kept by a reference cycle, then every widget listed with collections at
#: each allocation: a collection while PySide wrapped the list freed widgets still in it
_GC_WHILE_LISTING = """
import gc
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from ui.theme import all_widgets
app = QApplication([])
for _ in range(20):
    dropped = QWidget()
    for _ in range(30):
        QLabel("x", dropped)
    dropped.cycle = dropped
    del dropped
    gc.set_threshold(1, 1, 1)
    listed = all_widgets(app)
    gc.set_threshold(700, 10, 10)
    assert all(w.objectName() is not None for w in listed)
    del listed
    gc.collect()
print("listed")
"""


def test_listing_the_widgets_survives_a_collection_of_a_dropped_view():
    """apply_theme lists every widget; a garbage collection inside QApplication.allWidgets()
    crashed the process (a segfault in the GUI tests, when a dropped view was freed then)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", _GC_WHILE_LISTING], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "listed", out.stderr[-2000:]
