"""Triage across investors: score heatmap, outlier chart and the focus investor's scorecard.

Heatmap: one cell per investor, best mean episode score top-left; colour = mean score
(viridis, 200-800), size = number of episodes. Outlier chart: share of high-risk episodes
against episode count, with the high-risk threshold settable (default from the analysis,
650). Clicking either chart asks for the investor; the scorecard follows the focus.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from engine.figures import ReportFigure
from engine.viewdata_triage import TriageData, high_risk_share
from views import _style
from views._weak import weak_callable
from views.base import BaseView, Selection, ViewInputs, widget_png
from views.selection_types import mode_for_modifiers
from views.triage_scorecard import Scorecard, score_colour

COLOUR_BANDS = 12          # the heatmap draws one scatter per colour band (fast at 27k)
SIZE_MIN, SIZE_MAX = 4.0, 14.0


def _sizes(counts: np.ndarray) -> np.ndarray:
    """Marker size from episode count (square-root scale)."""
    root = np.sqrt(np.asarray(counts, dtype=np.float64))
    top = max(float(root.max()), 1.0) if root.size else 1.0
    return SIZE_MIN + (SIZE_MAX - SIZE_MIN) * (root - 1.0).clip(0) / max(top - 1.0, 1e-9)


class TriageView(BaseView):
    """Heatmap and outlier chart of all investors, plus the focus investor's scorecard."""

    view_name = "triage"
    title = "Triage"
    default_area = "bottom"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data: TriageData | None = None
        self._index = pd.Index([], dtype=object)
        self._share = np.zeros(0)
        self._highlighted: frozenset[str] = frozenset()
        self.heatmap = self._plot("Investors by mean episode score", None, None)
        self.heatmap.getPlotItem().invertY(True)
        self.heatmap.setAspectLocked(True)  # square cells
        self.heatmap.hideAxis("left")
        self.heatmap.hideAxis("bottom")
        self.outliers = self._plot("Share of high-risk episodes", "episodes", "high-risk share")
        self._bands: list[pg.ScatterPlotItem] = []
        self.outlier_points = self._scatter(self.outliers, _style.Z_BASE, brush=_style.base_brush())
        self.overlays = {name: (self._scatter(plot, _style.Z_SELECTED, brush=_style.selected_brush()),
                                self._scatter(plot, _style.Z_FOCUS, pen=_style.focus_pen(), brush=pg.mkBrush(None)))
                         for name, plot in (("heatmap", self.heatmap), ("outliers", self.outliers))}
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(200.0, 800.0)
        self.threshold.setDecimals(0)
        self.threshold.setSingleStep(25.0)
        self.threshold.setValue(650.0)
        self.threshold.valueChanged.connect(self._update_outliers)
        self.scorecard = Scorecard()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("High risk from score"))
        bar.addWidget(self.threshold)
        bar.addStretch(1)
        charts = QSplitter(Qt.Orientation.Horizontal)
        charts.addWidget(self.heatmap)
        charts.addWidget(self.outliers)
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(charts)
        main.addWidget(self.scorecard)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(main, 1)

    def _plot(self, title: str, xlabel: str | None, ylabel: str | None) -> pg.PlotWidget:
        plot = pg.PlotWidget(title=title)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        if xlabel:
            plot.setLabel("bottom", xlabel)
            plot.setLabel("left", ylabel)
            plot.showGrid(x=True, y=True, alpha=_style.theme().grid_alpha)
        return plot

    def _scatter(self, plot: pg.PlotWidget, z: float, **kwargs) -> pg.ScatterPlotItem:
        item = pg.ScatterPlotItem(pen=kwargs.pop("pen", pg.mkPen(None)), hoverable=True,
                                  tip=weak_callable(self._tip), **kwargs)
        item.setZValue(z)
        item.sigClicked.connect(self._on_clicked)
        plot.addItem(item)
        return item

    @staticmethod
    def prepare(inputs: ViewInputs) -> TriageData:
        from engine.viewdata import for_triage
        return for_triage(inputs.result)

    # -- data ---------------------------------------------------------------------------
    def set_data(self, viewdata: TriageData) -> None:
        self._data = viewdata
        self._index = pd.Index(viewdata.ids, dtype=object)
        for item in self._bands:
            self.heatmap.removeItem(item)
        self._bands = []
        sizes = _sizes(viewdata.n_episodes)
        band = np.minimum(((viewdata.mean_score - 200.0) / 600.0 * COLOUR_BANDS).astype(int), COLOUR_BANDS - 1)
        for b in range(COLOUR_BANDS):
            members = np.flatnonzero(band == b)
            if members.size == 0:
                continue
            rgba = score_colour([200.0 + 600.0 * (b + 0.5) / COLOUR_BANDS])[0]
            item = self._scatter(self.heatmap, _style.Z_BASE, brush=pg.mkBrush(*rgba), symbol="s")
            item.setData(x=viewdata.grid_x[members], y=viewdata.grid_y[members], size=sizes[members], data=members)
            self._bands.append(item)
        self.threshold.blockSignals(True)
        self.threshold.setValue(viewdata.high_risk_default)
        self.threshold.blockSignals(False)
        self._update_outliers()
        self.heatmap.autoRange()

    def _update_outliers(self) -> None:
        data = self._data
        if data is None:
            return
        self._share = high_risk_share(data, self.threshold.value())
        self.outlier_points.setData(x=data.n_episodes.astype(np.float64), y=self._share,
                                    size=5.0, data=np.arange(data.ids.size))
        self.apply_selection(self._selection)

    def clear(self) -> None:
        self._data = None
        self._index = pd.Index([], dtype=object)
        self._share = np.zeros(0)
        self._highlighted = frozenset()
        for item in self._bands:
            self.heatmap.removeItem(item)
        self._bands = []
        self.outlier_points.setData(x=[], y=[])
        for sel, foc in self.overlays.values():
            sel.setData(x=[], y=[])
            foc.setData(x=[], y=[])
        self.scorecard.show_investor(None, None)

    # -- selection ----------------------------------------------------------------------
    def _xy(self, name: str, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        data = self._data
        if name == "heatmap":
            return data.grid_x[k], data.grid_y[k]
        return data.n_episodes[k].astype(np.float64), self._share[k]

    def apply_selection(self, selection: Selection) -> None:
        self._selection = selection
        data = self._data
        if data is None:
            self._highlighted = frozenset()
            return
        ids = sorted(selection.ids)
        k = self._index.get_indexer(pd.Index(ids, dtype=object)) if ids else np.zeros(0, np.int64)
        k = k[k >= 0]
        self._highlighted = frozenset(data.ids[k].tolist())
        focus = self._index.get_indexer(pd.Index([selection.focus], dtype=object)) if selection.focus else np.array([-1])
        focus = focus[focus >= 0]
        sizes = _sizes(data.n_episodes)
        for name, (sel, foc) in self.overlays.items():
            x, y = self._xy(name, k)
            sel.setData(x=x, y=y, size=(sizes[k] + 3 if name == "heatmap" else 8.0), data=k)
            fx, fy = self._xy(name, focus)
            foc.setData(x=fx, y=fy, size=(sizes[focus] + 8 if name == "heatmap" else 14.0), data=focus)
        single = next(iter(selection.ids)) if len(selection.ids) == 1 else None
        self.scorecard.show_investor(data, selection.focus or single)

    def highlighted_ids(self) -> frozenset[str]:
        return self._highlighted

    def _tip(self, x: float, y: float, data: int) -> str:
        d = self._data
        if d is None:
            return ""
        k = int(data)
        return (f"{d.ids[k]}\nmean score {d.mean_score[k]:.0f}, {d.n_episodes[k]} episodes, "
                f"{self._share[k]:.0%} high-risk")

    def _on_clicked(self, _item, points, ev) -> None:
        if self._data is None or len(points) == 0:
            return
        ev.accept()
        investor = str(self._data.ids[int(points[0].data())])
        mods = ev.modifiers()
        mode = mode_for_modifiers(bool(mods & Qt.KeyboardModifier.ControlModifier),
                                  bool(mods & Qt.KeyboardModifier.ShiftModifier),
                                  bool(mods & Qt.KeyboardModifier.AltModifier))
        self._request({investor}, focus=None if mode == "remove" else investor, mode=mode)

    def snapshot(self) -> ReportFigure:
        n = 0 if self._data is None else self._data.ids.size
        return ReportFigure(title="Triage of investors by episode score", png=widget_png(self),
                            caption=(f"{n:,} investors; heatmap colour = mean episode score (200-800), "
                                     f"size = episodes; outliers: share of episodes scoring at least "
                                     f"{self.threshold.value():.0f}."))
