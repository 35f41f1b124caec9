"""Figures of the case packet, rendered offscreen from the same views the investigator uses.

Runs on the GUI thread (or in the headless ``report`` command with an offscreen
QApplication). The cube is drawn as its 2D projections: they print well and do not depend
on an OpenGL context, so the packet's bytes are the same on every machine.
"""
from __future__ import annotations

import dataclasses
from typing import Iterator

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from engine.packet.figures import ReportFigure
from engine.svn.neighbourhood import Exploration, Networks, expand
from engine.packet.build import PacketRequest, chosen_rings, chosen_suspects
from engine.market.panel import TargetPanel
from engine.results import AnalysisResult
from engine.tables import CaseTables
from views import _style
from views._style import CATEGORICAL
from engine.viewdata.inputs import ViewInputs
from engine.viewdata.registry import view_data
from views.base import BaseView, widget_png
from views.cube_view import CubeView
from views.network_view import NetworkView
from views.options_view import OptionsView
from views.raster_view import RasterView
from views.selection_types import Selection

FIGURE_SIZE = (1500, 950)
STRIP_SIZE = (1500, 420)
FEATURE_NAMES = ("signed turnover A", "magnitudo a", "maximum exposure E")


def _select(view: BaseView, ids: list[str], focus: str | None) -> None:
    view.apply_selection(Selection(ids=frozenset(ids), focus=focus, source="report"))


def _prepared(view: BaseView, data: object, size: tuple[int, int] = FIGURE_SIZE) -> BaseView:
    view.resize(*size)
    view.set_data(data)
    return view


_KEEP: list[QWidget] = []


def _new_plot() -> pg.PlotWidget:
    """A white plot kept alive until ``_release``: a parentless pyqtgraph widget collected by
    Python while another one paints crashes Qt, so figures free their widgets all at once."""
    plot = pg.PlotWidget(background="w")
    _KEEP.append(plot)
    return plot


def _release() -> None:
    while _KEEP:
        _KEEP.pop().deleteLater()


def _plot_png(plot: QWidget, size: tuple[int, int]) -> bytes:
    plot.resize(*size)
    return widget_png(plot)


def feature_path(result: AnalysisResult, investor_id: str) -> ReportFigure:
    """The investor's (A, a, E) across the k-means windows, with its cluster in each window."""
    km = result.kmeans
    pos = int(np.searchsorted(km.investor_ids, investor_id))
    plot = _new_plot()
    plot.addLegend(offset=(10, 10))
    plot.showGrid(x=True, y=True, alpha=0.3)
    x = np.arange(1, km.features.shape[0] + 1, dtype=float)
    path = km.features[:, pos, :].astype(float)
    for j, name in enumerate(FEATURE_NAMES):
        colour = CATEGORICAL[j % len(CATEGORICAL)]
        plot.plot(x, path[:, j], pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=6,
                  symbolBrush=colour, name=name, connect="finite")
    plot.setLabel("bottom", "window (the last ends the day before the PSE)")
    plot.setYRange(-1.05, 1.05)
    labels = km.labels[:, pos]
    history = ", ".join(f"w{w + 1}:{'–' if c < 0 else int(c)}" for w, c in enumerate(labels))
    return ReportFigure(title=f"Feature path of {investor_id}", png=_plot_png(plot, STRIP_SIZE),
                        caption=f"Rescaled features per window (missing where inactive). Cluster per window: {history}. "
                                f"Rewarding cluster: {km.clusters.rewarding_cluster}.")


def activity_strip(result: AnalysisResult, panel: TargetPanel, investor_id: str) -> ReportFigure:
    """Daily net shares bought (+) or sold (−) by the investor on the target stock."""
    plot = _new_plot()
    plot.showGrid(x=False, y=True, alpha=0.3)
    pos = panel.index.get_indexer([investor_id])[0]
    if pos >= 0:
        rows = panel.inv == pos
        net = panel.vb[rows] - panel.vs[rows]
        days = panel.day[rows].astype(float)
        plot.addItem(pg.BarGraphItem(x=days, height=net, width=0.9,
                                     brushes=[pg.mkBrush("#c0392b" if v > 0 else "#1e8449") for v in net]))
    lo, hi = result.kmeans.reference_days
    for day, colour in ((lo, "#2c3e50"), (hi, "#8e44ad")):
        plot.addItem(pg.InfiniteLine(pos=day, angle=90, pen=pg.mkPen(colour, width=1.5, style=pg.QtCore.Qt.PenStyle.DashLine)))
    plot.setLabel("bottom", f"trading day of {panel.stock} (0 = {panel.dates[0]})")
    plot.setLabel("left", "net shares")
    return ReportFigure(title=f"Activity of {investor_id} on {panel.stock}", png=_plot_png(plot, STRIP_SIZE),
                        caption="Red: net buying, green: net selling. Dashed lines: reference start and PSE.")


def render_figures(result: AnalysisResult, tables: CaseTables,
                   request: PacketRequest = PacketRequest()) -> dict[str, ReportFigure]:
    """Every figure the packet asks for, keyed as ``engine.packet.build`` expects."""
    return dict(iter_figures(result, tables, request))


def figure_count(result: AnalysisResult, request: PacketRequest) -> int:
    """How many figures ``iter_figures`` yields (for a progress bar)."""
    suspects = chosen_suspects(result, request)
    in_network = sum(result.svn.index_of(s.investor_id) >= 0 for s in suspects)
    return 1 + int(result.options.available) + 2 * len(suspects) + in_network + 2 * len(chosen_rings(result, request))


def iter_figures(result: AnalysisResult, tables: CaseTables,
                 request: PacketRequest = PacketRequest()) -> Iterator[tuple[str, ReportFigure]]:
    """The figures one at a time, so a GUI can keep painting between them. They are drawn in
    the light theme (white paper) whatever the screen uses; the theme is restored after."""
    was_dark = _style.theme() is _style.DARK
    _style.set_dark(False)
    try:
        yield from _render(result, tables, request)
    finally:
        _release()
        _style.set_dark(was_dark)


def _render(result: AnalysisResult, tables: CaseTables,
            request: PacketRequest) -> Iterator[tuple[str, ReportFigure]]:
    networks = Networks.build(result.svn)    # once for every suspect's and ring's figure
    panel = TargetPanel.build(tables, result.event.stock)
    inputs = ViewInputs(result=result, tables=tables, networks=networks, panel=panel)
    cube = _prepared(CubeView(force_2d=True), view_data("cube", inputs))
    _KEEP.append(cube)
    cube.show_window(result.kmeans.features.shape[0] - 1)
    suspects = chosen_suspects(result, request)
    _select(cube, [s.investor_id for s in suspects], None)
    yield "cube", cube.snapshot()
    if result.options.available:
        options = _prepared(OptionsView(), view_data("options", inputs))
        _KEEP.append(options)
        yield "options", options.snapshot()
    raster = _prepared(RasterView(), view_data("raster", inputs))
    network = NetworkView()
    _KEEP.extend((raster, network))
    network.resize(*FIGURE_SIZE)
    cap = result.params.svn.neighbourhood_cap
    for s in suspects:
        inv = s.investor_id
        yield f"suspect:{inv}:path", feature_path(result, inv)
        yield f"suspect:{inv}:activity", activity_strip(result, panel, inv)
        if result.svn.index_of(inv) >= 0:
            exploration = expand(Exploration(), inv, networks, cap)
            network.set_data(view_data("network", dataclasses.replace(inputs, exploration=exploration)))
            _select(network, [inv], inv)
            yield f"suspect:{inv}:network", network.snapshot()
    for ring in chosen_rings(result, request):
        members = [str(m) for m in ring.member_ids]
        _select(raster, members, members[0])
        yield f"ring:{ring.cluster_id}:raster", raster.snapshot()
        exploration = Exploration()
        for m in members[:50]:
            exploration = expand(exploration, m, networks, cap)
        network.set_data(view_data("network", dataclasses.replace(inputs, exploration=exploration)))
        _select(network, members, None)
        yield f"ring:{ring.cluster_id}:network", network.snapshot()
