"""Triage across investors: score heatmap, outlier chart and the focus investor's scorecard.

Heatmap: one cell per investor, best mean episode score top-left; colour = mean score
(viridis, 200-800), size = number of episodes. Outlier chart: share of high-risk episodes
against episode count, with the high-risk threshold settable (default from the analysis,
650). Clicking either chart asks for the investor; the scorecard follows the focus.
"""
from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QSplitter, QToolTip, QWidget

from engine.packet.figures import ReportFigure
from engine.viewdata.triage import TriageData, high_risk_share
from views import _style
from views._context import enable_context
from views._layout import stack
from views._plots import new_plot, set_range
from views._weak import weak_callable
from views.base import BaseView, Selection, widget_png
from views.point_cloud import PointCloudItem, pick_nearest
from views.triage_scorecard import Scorecard, score_colour

COLOUR_BANDS = 12          # heatmap colour bins of the 200-800 mean score
SIZE_MIN, SIZE_MAX = 4, 14  # heatmap marker sizes (whole pixels: one sprite per size and band)
SIZE_LEVELS = SIZE_MAX - SIZE_MIN + 1
OUTLIER_SIZE = 5.0
SELECTED_OUTLIER_SIZE = 8.0
PICK_RADIUS_PX = SIZE_MAX / 2 + 1
DEFAULT_HIGH_RISK = 650.0   # METHOD.md default, shown until an analysis gives its own


def _sizes(counts: np.ndarray) -> np.ndarray:
    """Marker size in whole pixels from episode count (square-root scale)."""
    root = np.sqrt(np.asarray(counts, dtype=np.float64))
    top = max(float(root.max()), 1.0) if root.size else 1.0
    return np.rint(SIZE_MIN + (SIZE_MAX - SIZE_MIN) * (root - 1.0).clip(0) / max(top - 1.0, 1e-9))


def heatmap_groups(mean_score: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Sprite group of each heatmap cell: colour band x size level."""
    band = np.clip(((mean_score - 200.0) / 600.0 * COLOUR_BANDS).astype(int), 0, COLOUR_BANDS - 1)
    return band * SIZE_LEVELS + (sizes.astype(int) - SIZE_MIN)


def heatmap_legend() -> str:
    """Rich text naming the heatmap's colour scale (one swatch per colour band) and sizes."""
    mids = 200.0 + 600.0 * (np.arange(COLOUR_BANDS) + 0.5) / COLOUR_BANDS
    swatches = "".join(f'<span style="color:#{r:02X}{g:02X}{b:02X}">&#9632;</span>'
                       for r, g, b, _a in score_colour(mids))
    return f"mean score 200 {swatches} 800 · larger = more episodes"


def _heatmap_sprites() -> tuple[list, list[float]]:
    """Colour and size of every heatmap sprite group (band-major, as ``heatmap_groups``)."""
    mids = 200.0 + 600.0 * (np.arange(COLOUR_BANDS) + 0.5) / COLOUR_BANDS
    colours = [pg.mkColor(*rgba) for rgba in score_colour(mids)]
    return ([c for c in colours for _ in range(SIZE_LEVELS)],
            [float(SIZE_MIN + k) for _ in range(COLOUR_BANDS) for k in range(SIZE_LEVELS)])


class TriageView(BaseView):
    """Heatmap and outlier chart of all investors, plus the focus investor's scorecard.

    Base points are ``PointCloudItem``s (one draw for 27,000 investors) picked by the
    nearest point in pixels; selection and focus are small overlay scatters.
    """

    view_name = "triage"
    title = "Triage"
    default_area = "bottom"
    _data: TriageData | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._share = np.zeros(0)
        self._size = np.zeros(0)
        self._pending = False      # a selection not drawn yet (the dock was off screen)
        self.heatmap = new_plot("Investors by mean episode score", hide_axes=True)
        self.heatmap.getPlotItem().invertY(True)
        self.heatmap.setAspectLocked(True)  # square cells
        self.outliers = new_plot("Share of high-risk episodes", xlabel="episodes", ylabel="high-risk share", grid=True)
        self.plots = {"heatmap": self.heatmap, "outliers": self.outliers}
        self.heat_points = PointCloudItem(SIZE_MAX, symbol="s", cached=True)
        self.outlier_points = PointCloudItem(OUTLIER_SIZE, cached=True)
        self.overlays: dict[str, tuple[PointCloudItem, pg.ScatterPlotItem]] = {}
        for name, plot in self.plots.items():
            base = self.heat_points if name == "heatmap" else self.outlier_points
            selected = PointCloudItem(SELECTED_OUTLIER_SIZE, symbol="s" if name == "heatmap" else "o")
            focus = pg.ScatterPlotItem(pen=_style.focus_pen(), brush=pg.mkBrush(None))
            focus.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # picking is the view's job
            for item, z in ((base, _style.Z_BASE), (selected, _style.Z_SELECTED), (focus, _style.Z_FOCUS)):
                item.setZValue(z)
                plot.addItem(item)
            self.overlays[name] = (selected, focus)
            # weak: a scene connection holding the view would keep it alive (views/_weak.py)
            plot.scene().sigMouseClicked.connect(partial(weak_callable(self._on_click, None), name))
            plot.scene().sigMouseMoved.connect(partial(weak_callable(self._on_move, None), name))
            enable_context(self, plot, partial(weak_callable(self._context_at, (None, None, ())), name))
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(200.0, 800.0)
        self.threshold.setDecimals(0)
        self.threshold.setSingleStep(25.0)
        self.threshold.setValue(DEFAULT_HIGH_RISK)
        self.threshold.valueChanged.connect(self._on_threshold)
        self.scorecard = Scorecard()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("High risk from score"))
        bar.addWidget(self.threshold)
        bar.addSpacing(12)
        self.legend = QLabel(heatmap_legend())
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setToolTip("Heatmap: colour = mean episode score (200-800, viridis), size = episode count")
        bar.addWidget(self.legend)
        bar.addSpacing(12)
        bar.addWidget(self.scorecard.title, 1)
        charts = QSplitter(Qt.Orientation.Horizontal)
        charts.addWidget(self.heatmap)
        charts.addWidget(self.outliers)
        main = QSplitter(Qt.Orientation.Vertical)  # the charts get most of a short dock
        main.addWidget(charts)
        main.addWidget(self.scorecard)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 2)
        main.setCollapsible(0, False)
        stack(self, bar, (main, 1))

    def restyle(self) -> None:
        # base points and the scorecard in the new theme's colours; the investigator's zoom stays
        self._update_outliers(rerange=False)

    # -- data ---------------------------------------------------------------------------
    def set_data(self, viewdata: TriageData) -> None:
        self._data = viewdata
        self._index = pd.Index(viewdata.ids, dtype=object)
        self._size = _sizes(viewdata.n_episodes)
        colours, sizes = _heatmap_sprites()
        self.heat_points.set_points(viewdata.grid_x, viewdata.grid_y,
                                    heatmap_groups(viewdata.mean_score, self._size), colours, sizes)
        self.threshold.blockSignals(True)
        self.threshold.setValue(viewdata.high_risk_default)
        self.threshold.blockSignals(False)
        self._update_outliers()
        self.heatmap.autoRange()

    def _on_threshold(self, _value: float) -> None:
        """A new high-risk threshold: the shares and the plot's range follow it (a bound method,
        not a lambda holding the view, so a dropped view is freed)."""
        self._update_outliers()

    def _update_outliers(self, rerange: bool = True) -> None:
        """Each investor's high-risk share at the threshold; ``rerange`` fits the plot to them."""
        data = self._data
        if data is None:
            return
        self._share = high_risk_share(data, self.threshold.value())
        self.outlier_points.set_points(data.n_episodes.astype(np.float64), self._share,
                                       np.zeros(data.ids.size, np.int64),
                                       [_style.qcolor(_style.theme().base_point, 200)])
        # ranged on its points once per data or threshold: left auto-ranging, every selection's
        # overlay re-ranged the plot in its next paint, redrawing the 27,000 cached points
        x, y = (self.outlier_points.dataBounds(axis) for axis in (0, 1))
        if rerange and x is not None and y is not None:
            set_range(self.outliers, x=x, y=y)
        self.apply_selection(self._selection)

    def clear(self) -> None:
        self._data = None
        self._pending = False
        self._forget_ids()
        self.threshold.blockSignals(True)
        self.threshold.setValue(DEFAULT_HIGH_RISK)   # the next case starts from the default
        self.threshold.blockSignals(False)
        self._share = np.zeros(0)
        self._size = np.zeros(0)
        self.heat_points.clear()
        self.outlier_points.clear()
        for sel, foc in self.overlays.values():
            sel.clear()
            foc.setData(x=[], y=[])
        self.scorecard.show_investor(None, None)

    # -- selection ----------------------------------------------------------------------
    def _xy(self, name: str, k: np.ndarray | slice) -> tuple[np.ndarray, np.ndarray]:
        """Chart coordinates of investor positions ``k`` on chart ``name``."""
        data = self._data
        if name == "heatmap":
            return data.grid_x[k], data.grid_y[k]
        return data.n_episodes[k].astype(np.float64), self._share[k]

    def apply_selection(self, selection: Selection) -> None:
        if not self._take_selection(selection):
            return
        k = self._id_positions(selection.ids)
        self._highlighted = frozenset(self._data.ids[k[k >= 0]].tolist())
        self._pending = True
        if self.on_screen():
            self.catch_up()

    def catch_up(self) -> None:
        """Draw the selection's overlays and the focus's scorecard (off-screen docks wait)."""
        data, selection = self._data, self._selection
        if data is None or not self._pending:
            return
        self._pending = False
        k = self._id_positions(selection.ids)
        k = k[k >= 0]
        focus = self._id_positions([selection.focus])
        focus = focus[focus >= 0]
        selected = _style.qcolor(_style.SELECTED, 230)
        for name, (sel, foc) in self.overlays.items():
            x, y = self._xy(name, k)
            if name == "heatmap":  # one sprite per size level, 3 px larger than the cell
                sel.set_points(x, y, self._size[k].astype(np.int64) - SIZE_MIN, [selected] * SIZE_LEVELS,
                               [float(SIZE_MIN + 3 + j) for j in range(SIZE_LEVELS)])
            else:
                sel.set_points(x, y, np.zeros(k.size, np.int64), [selected])
            fx, fy = self._xy(name, focus)
            foc.setData(x=fx, y=fy, size=(self._size[focus] + 8 if name == "heatmap" else 14.0))
        single = next(iter(selection.ids)) if len(selection.ids) == 1 else None
        self.scorecard.show_investor(data, selection.focus or single)

    def _pick(self, name: str, scene_pos) -> int:
        """Investor position under a scene position of chart ``name``, or -1."""
        if self._data is None:
            return -1
        x, y = self._xy(name, slice(None))
        return pick_nearest(self.plots[name].getPlotItem().getViewBox(), scene_pos,
                            np.asarray(x, np.float64), np.asarray(y, np.float64), PICK_RADIUS_PX)

    def _context_at(self, name: str, pos) -> tuple[str | None, None, tuple[str, ...]]:
        k = self._pick(name, self.plots[name].mapToScene(pos))
        return (str(self._data.ids[k]) if k >= 0 else None), None, ()

    def describe(self, k: int) -> str:
        """Tooltip text of the investor at position ``k``."""
        d = self._data
        return (f"{d.ids[k]}\nmean score {d.mean_score[k]:.0f}, {d.n_episodes[k]} episodes, "
                f"{self._share[k]:.0%} high-risk")

    def _on_click(self, name: str, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or ev.double():
            return
        k = self._pick(name, ev.scenePos())
        if k < 0:
            return
        ev.accept()
        self._request_click(str(self._data.ids[k]), ev.modifiers())

    def _on_move(self, name: str, scene_pos) -> None:
        k = self._pick(name, scene_pos)
        if k >= 0:
            plot = self.plots[name]
            QToolTip.showText(plot.mapToGlobal(plot.mapFromScene(scene_pos)), self.describe(k), plot)

    def snapshot(self) -> ReportFigure:
        n = 0 if self._data is None else self._data.ids.size
        return ReportFigure(title="Triage of investors by episode score", png=widget_png(self),
                            caption=(f"{n:,} investors; heatmap colour = mean episode score (200-800), "
                                     f"size = episodes; outliers: share of episodes scoring at least "
                                     f"{self.threshold.value():.0f}."))
