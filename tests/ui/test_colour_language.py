"""One colour language: the colours read from the rendered items of each view agree.

Oracle: ``views._style`` names each meaning once (buy, sell, selected, focus, hover,
suspect, rewarding); these tests read pixels and item pens/brushes from the network, raster,
cube, triage and options views and from a packet figure, and check every view draws a
meaning in the same colour and no two meanings share one.
"""
from __future__ import annotations


import shutil
import subprocess

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from tests.ui.view_probe import pixel, shown, widget_point
from tests.ui.view_samples import sample_cube, sample_network, sample_options, sample_raster, sample_triage
from views import _style
from views.cube_view import CubeView
from views.network_view import NetworkView
from views.options_view import OptionsView
from views.raster_view import RasterView
from views.selection_types import Selection
from views.triage_view import TriageView


def _rgb(colour: QColor | str) -> tuple[int, int, int]:
    c = QColor(colour) if isinstance(colour, str) else colour
    return c.red(), c.green(), c.blue()


def _near(got: QColor, want: str, tol: int = 40) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(_rgb(got), _rgb(want)))


def _pen_rgb(item) -> tuple[int, int, int]:
    return _rgb(item.opts["pen"].color())


def test_buying_is_one_colour_in_network_raster_and_packet(qtbot):
    network = shown(qtbot, NetworkView(), (700, 600), sample_network("R00"))
    x, y = network.positions()["R02"]          # R00..R07 buy together: directionality +1
    assert _near(pixel(network.plot.viewport(), widget_point(network.plot, network.vb, x, y)), _style.BUY)
    raster = shown(qtbot, RasterView(), (700, 500), sample_raster())
    data = raster._data
    row, day = 3, data.shape[1] - 2            # R03's lockstep buying
    assert data.codes[row, day] == 1
    point = widget_point(raster.plot, raster.vb, day + 0.5, row + 0.5)
    assert _near(pixel(raster.plot.viewport(), point), _style.BUY)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler's pdftoppm renders the print figure")
def test_the_packet_draws_a_suspects_buying_in_the_buy_colour(qapp, demo_result, demo_tables, tmp_path):
    """The timeline print figure carries a suspect's day-by-day trading in the packet."""
    from engine.viewdata.timeline import timeline_source, timeline_trades
    from views._print import release
    from views.timeline_print import timeline_figure
    source = timeline_source(demo_result, demo_tables)
    suspect = demo_result.kmeans.suspects[0].investor_id
    assert (timeline_trades(source, [suspect]).net_shares > 0).any()      # it bought on some day
    try:
        figure = timeline_figure(source, [suspect], f"investor {suspect}")
    finally:
        release()
    rgb = _rendered(figure.pdf, tmp_path)
    assert _count(rgb, _style.BUY) > 20                           # its buying squares (and the legend sample)


def _rendered(pdf: bytes, tmp_path) -> np.ndarray:
    """RGB pixels of a one-page print figure rendered by poppler at 100 dpi."""
    (tmp_path / "f.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(tmp_path / "f.pdf"), str(tmp_path / "f")],
                   check=True)
    image = QImage(str(tmp_path / "f.png")).convertToFormat(QImage.Format.Format_RGB888)
    rgb = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())[:, :image.width() * 3]
    return rgb.reshape(image.height(), image.width(), 3).astype(int)


def _count(rgb: np.ndarray, colour: str, tol: int = 16) -> int:
    return int((np.abs(rgb - np.array(_rgb(colour))).max(axis=2) <= tol).sum())


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler's pdftoppm renders the print figure")
def test_the_printed_network_colours_buyers_as_the_screen_does(qapp, tmp_path):
    """R00..R07 buy together: on paper their nodes are BUY red, never another green or the SELL colour."""
    from engine.packet.figures import PrintSubject
    from views._print import release
    from views.network_print import print_network
    try:
        figure = print_network(sample_network("R00"), PrintSubject("suspect", ("R00",), "investor R00", None))
    finally:
        release()
    rgb = _rendered(figure.pdf, tmp_path)
    assert _count(rgb, _style.BUY) > 8 * 100            # eight filled buyer nodes (and their bb links)
    assert _count(rgb, "#009E73") == 0                  # no buying in a colour outside the language


def test_selected_focus_and_hover_agree_across_views(qtbot):
    cube_data = sample_cube()
    network = shown(qtbot, NetworkView(), (600, 500), sample_network("R00"))
    raster = shown(qtbot, RasterView(), (600, 400), sample_raster())
    cube = shown(qtbot, CubeView(force_2d=True), (900, 400), cube_data)
    triage = shown(qtbot, TriageView(), (900, 500), sample_triage())
    options = shown(qtbot, OptionsView(), (700, 500), sample_options())
    for view, ids in ((network, ("R01", "R02")), (raster, ("R01", "R02")), (cube, ("S000", "S001")),
                      (triage, ("T000", "T001")), (options, ("P2", "P3"))):
        view.apply_selection(Selection(ids=frozenset(ids), focus=ids[0]))
        view.apply_hover(ids[1])
    selected, focus, hover = _rgb(_style.SELECTED), _rgb(_style.FOCUS), _rgb(_style.HOVER)
    sel2d, foc2d, hov2d = cube.canvas._overlays[0]
    tri_sel, tri_foc = triage.overlays["heatmap"]
    # selected: overlay pens/brushes, the raster's row band, the triage sprites, the options ring
    assert _pen_rgb(network.selected_marks) == selected
    assert _rgb(sel2d.opts["brush"].color()) == selected
    band = raster.bands.image[1, 0]
    assert tuple(int(v) for v in band[:3]) == selected and band[3] > 0
    assert _rgb(tri_sel._colours[0]) == selected
    assert _pen_rgb(options.marks_selected) == selected
    # focus and hover
    assert _pen_rgb(network.focus_mark) == focus == _pen_rgb(foc2d) == _pen_rgb(tri_foc)
    assert _rgb(raster.focus_box.pen().color()) == focus
    assert _pen_rgb(network.hover_mark) == hover == _pen_rgb(hov2d) == _rgb(raster.hover_box.pen().color())
    assert len({selected, focus, hover}) == 3


def test_cube_rewarding_cluster_corner_focus_and_clusters_are_distinct(qtbot):
    data = sample_cube()
    cube = shown(qtbot, CubeView(force_2d=True), (900, 400), data)
    suspect = str(data.ids[0])
    cube.apply_selection(Selection(ids=frozenset({suspect}), focus=suspect))
    cloud = cube.canvas._clouds[0]
    colours = [_rgb(c) for c in cloud._colours]
    assert len(set(colours)) == len(colours) == data.n_clusters       # one colour per cluster
    assert colours[-1] == _rgb(_style.REWARDING)                      # rewarding cluster drawn last
    corner = cube.canvas._corners[0]
    _sel, foc, hov = cube.canvas._overlays[0]
    assert _pen_rgb(corner) == _rgb(_style.REWARDING)
    assert _pen_rgb(foc) != _pen_rgb(corner)
    assert _pen_rgb(hov) not in colours and _pen_rgb(foc) not in colours
    assert f'color:{_style.REWARDING}' in cube.legend.text()


def test_network_suspect_outline_differs_from_focus_and_follows_theme(qtbot):
    prepared = sample_network("R00")
    network = shown(qtbot, NetworkView(), (600, 500), prepared)
    data = network._data
    suspects = np.flatnonzero(data.node_suspect[network._visible])
    others = np.flatnonzero(~data.node_suspect[network._visible])
    assert suspects.size and others.size       # R03 is the sample's k-means suspect
    pens = network.graph.scatter.data["pen"]
    outline = _rgb(pens[suspects[0]].color())
    assert outline == _rgb(_style.theme().suspect)
    assert outline not in {_rgb(_style.FOCUS), _rgb(_style.REWARDING), _rgb(_style.BUY), _rgb(_style.SELECTED)}
    assert pens[others[0]].widthF() < pens[suspects[0]].widthF()


@pytest.mark.parametrize("n", [1, 8, 12, 20, 21, 45])
def test_cluster_palette_has_as_many_colours_as_clusters(n):
    for rewarding in (-1, 0, n - 1):
        colours = _style.cluster_colours(n, rewarding)
        assert len(colours) == n and len({c.upper() for c in colours}) == n
        meanings = {c.upper() for c in _style.SEMANTIC.values()}
        for k, c in enumerate(colours):
            assert (c.upper() in meanings) == (k == rewarding), (k, c)
