"""Trading-state raster: investors x trading days, rows grouped by validated-network ring.

Each cell is the investor's state on the target stock that day in the workbench's colour
language, which is the paper's (b red, s green, bs white, no trade black), so a ring trading
in lockstep shows as a coloured band just before the PSE. Selected rows get translucent bands, the focus row an outline, and the
focus is scrolled into view. Hover names the investor, day and volumes; a click on a row
asks for that investor.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QGraphicsRectItem, QWidget

from engine.packet.figures import PrintSubject, ReportFigure
from engine.viewdata.raster import CODE_NAMES, NO_CLUSTER, RasterData
from views import _style
from views.raster_print import print_raster
from views._axes import LINE_PX, LabelAxis
from views._context import enable_context
from views._hover import HoverOnChange
from views._layout import stack, status_line
from views._plots import new_plot
from views.base import BaseView, Selection, widget_png

STATE_RGBA = _style.rgba_table(_style.RASTER_COLOURS)   # indexed by state code
#: the same colours as one 32-bit word each: indexing by 4-byte words is ~6x faster than by
#: RGBA rows (10 vs 65 ms for the 4,848 x 541 raster of the reference scale on the GUI thread)
_STATE_WORDS = np.ascontiguousarray(STATE_RGBA).view(np.uint32).ravel()
BAND_RGBA = _style.qcolor(_style.SELECTED, 90).getRgb()   # selected rows: translucent amber
REFERENCE_LINE = "#56B4E9"
PSE_LINE = "#F0E442"
AXIS_TEXT = "#C8C8C8"
LABEL_FILL = (0, 0, 0, 170)       # guide-line labels stay readable over coloured cells
LEFT_AXIS_PX = 72                 # room for an investor id or "isolated"; fixed so zooming never resizes
#: room above the rows for half a label: the top ring's name (or the first id) is centred on its
#: rows, a few pixels under the plot's top edge, and its upper half was cut off
LABEL_HEADROOM = int(LINE_PX / 2)


def _state_rgba(codes: np.ndarray) -> np.ndarray:
    """(rows, days, 4) RGBA pixels of a (rows, days) array of state codes."""
    return _STATE_WORDS[codes].view(np.uint8).reshape(*codes.shape, 4)


class RasterView(HoverOnChange, BaseView):
    """ImageItem raster with row bands for the selection and an outline for the focus."""

    view_name = "raster"
    title = "Trading states"
    default_area = "center"
    print_scopes = ("ring",)
    _data: RasterData | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pending_rows: np.ndarray | None = None     # a selection's rows not drawn yet (off screen)
        self._bottom = LabelAxis("bottom", offset=0.5)
        self._left = LabelAxis("left", offset=0.5, max_labels=60)
        self._left.setWidth(LEFT_AXIS_PX)   # pyqtgraph widens an axis for long labels, never narrows it
        self.plot = new_plot(axis_items={"bottom": self._bottom, "left": self._left})
        self.plot.setBackground("k")
        self.plot.setProperty(_style.FIXED_COLOURS, True)
        for axis in (self._bottom, self._left):  # the raster is black whatever the theme
            axis.setTextPen(AXIS_TEXT)
            axis.setPen(AXIS_TEXT)
        item = self.plot.getPlotItem()
        item.invertY(True)
        item.layout.setContentsMargins(1, LABEL_HEADROOM, 1, 1)
        self.vb = item.getViewBox()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(_style.Z_BASE)
        self.bands = pg.ImageItem(axisOrder="row-major")
        self.bands.setZValue(_style.Z_SELECTED)
        self.separators = pg.PlotCurveItem(pen=_style.pen(_style.RING, 1.0), connect="pairs")
        self.separators.setZValue(_style.Z_SELECTED - 1)
        self.focus_box = QGraphicsRectItem()
        self.focus_box.setPen(_style.pen(_style.FOCUS, 2.0))
        self.focus_box.setZValue(_style.Z_FOCUS)
        self.hover_box = QGraphicsRectItem()
        self.hover_box.setPen(_style.pen(_style.HOVER, 1.0))
        self.hover_box.setZValue(_style.Z_HOVER)
        # labels at the bottom (the rings' rows at the top stay clear), outside the period so
        # the two never overlap: reference start left of its line, PSE right of its line
        self.ref_line = pg.InfiniteLine(angle=90, pen=_style.pen(REFERENCE_LINE, 1.5), label="reference start",
                                        labelOpts={"position": 0.98, "color": REFERENCE_LINE, "anchors": [(1, 1), (1, 1)],
                                                   "fill": LABEL_FILL})
        self.pse_line = pg.InfiniteLine(angle=90, pen=_style.pen(PSE_LINE, 1.5), label="PSE",
                                        labelOpts={"position": 0.98, "color": PSE_LINE, "anchors": [(0, 1), (0, 1)],
                                                   "fill": LABEL_FILL})
        for it in (self.image, self.bands, self.separators, self.focus_box, self.hover_box,
                   self.ref_line, self.pse_line):
            self.vb.addItem(it)
        self.status = status_line()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        stack(self, (self.plot, 1), self.status)
        self.plot.scene().sigMouseClicked.connect(self._on_click)
        self.plot.scene().sigMouseMoved.connect(self._on_move)
        enable_context(self, self.plot, self._context_at)
        self.clear()

    # -- data ---------------------------------------------------------------------------
    def set_data(self, viewdata: RasterData) -> None:
        self._data = viewdata
        self._index = pd.Index(viewdata.row_ids, dtype=object)
        n_rows, n_days = viewdata.shape
        rect = QRectF(0, 0, max(n_days, 1), max(n_rows, 1))
        self.image.setImage(_state_rgba(viewdata.codes), autoLevels=False, levels=(0, 255))
        self.image.setRect(rect)
        self.bands.setImage(np.zeros((max(n_rows, 1), 1, 4), dtype=np.uint8), autoLevels=False, levels=(0, 255))
        self.bands.setRect(rect)
        starts = viewdata.group_starts[viewdata.group_starts > 0].astype(np.float64)
        self.separators.setData(np.tile([0.0, float(n_days)], starts.size), np.repeat(starts, 2))
        self._bottom.set_labels([str(d) for d in viewdata.dates])
        self._left.set_labels(viewdata.row_ids.astype(str).tolist(), self._group_ticks(viewdata))
        for line, day in ((self.ref_line, viewdata.reference_day), (self.pse_line, viewdata.event_day)):
            line.setVisible(day >= 0)
            line.setValue(float(max(day, 0)))
        self.vb.setLimits(xMin=0, xMax=max(n_days, 1), yMin=0, yMax=max(n_rows, 1))
        self.vb.setRange(xRange=(0, max(n_days, 1)), yRange=(0, max(n_rows, 1)), padding=0)
        self.apply_selection(self._selection)

    @staticmethod
    def _group_ticks(data: RasterData) -> list[tuple[float, str]]:
        """Axis labels at the middle of each ring, in row order (rings by rank, the suspicious
        first): the axis shows as many as fit, top ring first, so small rings get named too."""
        n_rows = data.shape[0]
        ends = np.r_[data.group_starts[1:], n_rows]
        return [((start + end) / 2.0, "isolated" if cid == NO_CLUSTER else f"ring {cid}")
                for start, end, cid in zip(data.group_starts, ends, data.group_cluster)]

    def clear(self) -> None:
        self._data = None
        self._pending_rows = None
        self._forget_ids()
        self.image.clear()
        self.bands.clear()
        self.separators.setData([], [])
        self._bottom.set_labels([])
        self._left.set_labels([])
        self.focus_box.setVisible(False)
        self.hover_box.setVisible(False)
        self.ref_line.setVisible(False)
        self.pse_line.setVisible(False)
        self.status.setText(" ")

    # -- selection and hover ------------------------------------------------------------
    def apply_selection(self, selection: Selection) -> None:
        if not self._take_selection(selection):
            return
        rows = self._id_positions(selection.ids)
        self._highlighted = frozenset(self._data.row_ids[rows[rows >= 0]].tolist())
        self._pending_rows = rows
        if self.on_screen():
            self.catch_up()

    def catch_up(self) -> None:
        """Draw the selection's row bands and focus outline, scrolled or zoomed to them; a raster
        behind another dock's tab waits until shown (its band image alone is a pixel per row:
        27,000 at the reference scale, each selection)."""
        data, rows = self._data, self._pending_rows
        if data is None or rows is None:
            return
        self._pending_rows = None
        selection = self._selection
        found = rows >= 0
        n_rows, n_days = data.shape
        band = np.zeros((max(n_rows, 1), 1, 4), dtype=np.uint8)
        band[rows[found], 0] = BAND_RGBA
        self.bands.setImage(band, autoLevels=False, levels=(0, 255))
        self.bands.setRect(QRectF(0, 0, max(n_days, 1), max(n_rows, 1)))
        focus_row = self._row_of(selection.focus)
        self.focus_box.setVisible(focus_row >= 0)
        if focus_row >= 0:
            self.focus_box.setRect(QRectF(0, focus_row, n_days, 1))
            self._scroll_to(focus_row)
        elif found.sum() >= 2:
            self._zoom_to(rows[found])

    def _row_of(self, investor_id: str | None) -> int:
        if investor_id is None or self._data is None:
            return -1
        return int(self._id_positions([investor_id])[0])

    def _zoom_to(self, rows: np.ndarray) -> None:
        """Fit the view's rows to a selected group (a ring's rows are adjacent), with a margin."""
        lo, hi = float(rows.min()), float(rows.max()) + 1.0
        margin = max(2.0, 0.25 * (hi - lo))
        self.vb.setYRange(max(lo - margin, 0.0), min(hi + margin, float(self._data.shape[0])), padding=0)

    def _scroll_to(self, row: int) -> None:
        """Bring ``row`` into view, keeping the zoom, if it is outside the visible rows."""
        (y0, y1) = self.vb.viewRange()[1]
        if y0 <= row and row + 1 <= y1:
            return
        half = (y1 - y0) / 2.0
        self.vb.setYRange(row + 0.5 - half, row + 0.5 + half, padding=0)

    def apply_hover(self, investor_id: str | None) -> None:
        row = self._row_of(investor_id)
        self.hover_box.setVisible(row >= 0)
        if row >= 0 and self._data is not None:
            self.hover_box.setRect(QRectF(0, row, self._data.shape[1], 1))

    # -- mouse --------------------------------------------------------------------------
    def _cell_at(self, scene_pos) -> tuple[int, int] | None:
        """(row, day) under a scene position, or None outside the raster."""
        if self._data is None or not self.vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = self.vb.mapSceneToView(scene_pos)
        row, day = int(np.floor(p.y())), int(np.floor(p.x()))
        n_rows, n_days = self._data.shape
        return (row, day) if 0 <= row < n_rows and 0 <= day < n_days else None

    def _context_at(self, pos) -> tuple[str | None, None, tuple[str, ...]]:
        cell = self._cell_at(self.plot.mapToScene(pos))
        return (None if cell is None else str(self._data.row_ids[cell[0]])), None, ()

    def _on_click(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or ev.double():
            return
        cell = self._cell_at(ev.scenePos())
        if cell is None:
            return
        investor = str(self._data.row_ids[cell[0]])
        ev.accept()
        self._request_click(investor, ev.modifiers())

    def _on_move(self, scene_pos) -> None:
        cell = self._cell_at(scene_pos)
        if cell is None:
            self.status.setText(" ")
            self.emit_hover(None)
            return
        row, day = cell
        data = self._data
        investor = str(data.row_ids[row])
        bought, sold = data.volumes_at(row, day)
        ring = int(data.row_cluster[row])
        self.status.setText(
            f"{investor}  ·  {data.dates[day]}  ·  {CODE_NAMES[int(data.codes[row, day])]}  ·  "
            f"bought {bought:,.0f}  sold {sold:,.0f}  ·  {'ring ' + str(ring) if ring else 'no ring'}")
        self.emit_hover(investor)

    def status_text(self) -> str:
        """The hover line as shown (used by tests and screen readers)."""
        return self.status.text()

    def print_figure(self, prepared: RasterData | None, subject: PrintSubject) -> ReportFigure | None:
        """A ring's members' states, or a suspect's daily net trading, for paper."""
        return print_raster(prepared, subject)

    def snapshot(self) -> ReportFigure:
        n_rows, n_days = self._data.shape if self._data is not None else (0, 0)
        return ReportFigure(
            title="Trading states by ring",
            png=widget_png(self),
            caption=(f"{n_rows:,} investors x {n_days} trading days; b red, s green, bs white, "
                     "no trade black; rows grouped by validated-network ring, selected rows banded."))
