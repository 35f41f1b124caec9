"""Axis items that label integer positions with text (dates of a trading calendar, ids).

Trading calendars have gaps (weekends, holidays), so the raster's X axis is the day index
and this axis prints the date of each tick; the Y axis prints investor ids once the user
has zoomed in far enough for them to be legible.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF


TEXT_PX = 90.0   # room for one horizontal label ("2019-05-23" and a gap)
LINE_PX = 14.0   # room for one vertical label (a text line)


class LabelAxis(pg.AxisItem):
    """Ticks at integer positions labelled from ``labels``; coarse ticks when zoomed out.

    The label of position k is drawn at ``k + offset`` (0.5 centres it on a cell).
    With ``max_labels`` set, labels show only when fewer positions than that are visible;
    otherwise ``coarse`` (position, text) pairs are shown instead.
    """

    def __init__(self, orientation: str, offset: float = 0.5, max_labels: int | None = None,
                 **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self._labels: Sequence[str] = ()
        self._offset = offset
        self._max_labels = max_labels
        self._coarse: list[tuple[float, str]] = []

    def set_labels(self, labels: Sequence[str], coarse: list[tuple[float, str]] | None = None) -> None:
        """Replace the labels (and the coarse ticks shown when zoomed out)."""
        self._labels = labels
        self._coarse = coarse or []
        self.picture = None
        self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float):  # noqa: N802 (Qt API)
        n = len(self._labels)
        if n == 0:
            return []
        lo = max(int(np.floor(min(minVal, maxVal) - self._offset)), 0)
        hi = min(int(np.ceil(max(minVal, maxVal) - self._offset)), n - 1)
        if hi < lo:
            return []
        visible = hi - lo + 1
        if self._max_labels is not None and visible > self._max_labels:
            return [(1.0, self._coarse_fitting(minVal, maxVal, size))] if self._coarse else []
        room = max(int(size / TEXT_PX), 1) if self.orientation in ("top", "bottom") else max(int(size / LINE_PX), 1)
        step = max(int(np.ceil(visible / room)), 1)
        first = (lo + step - 1) // step * step
        return [(float(step), [k + self._offset for k in range(first, hi + 1, step)])]

    def _coarse_fitting(self, lo: float, hi: float, size: float) -> list[float]:
        """Coarse positions in view, in their given (priority) order, each kept only when at
        least one text line clear of those kept before: the first ones always show."""
        lo, hi = min(lo, hi), max(lo, hi)
        px_per_unit = size / max(hi - lo, 1e-9)
        room = LINE_PX if self.orientation in ("left", "right") else TEXT_PX
        kept: list[float] = []
        for p, _text in self._coarse:
            if lo <= p <= hi and all(abs(p - q) * px_per_unit >= room for q in kept):
                kept.append(p)
        return kept

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (Qt API)
        coarse = dict(self._coarse)
        out = []
        for v in values:
            if v in coarse:
                out.append(coarse[v])
                continue
            k = int(round(v - self._offset))
            out.append(str(self._labels[k]) if 0 <= k < len(self._labels) else "")
        return out


class SparseAxis(pg.AxisItem):
    """Value axis for short panels: two or three labelled ticks, kept clear of the edges.

    pyqtgraph labels several major and minor ticks and drops labels that cross the axis
    ends; on a stacked panel 40 px tall that left no label at all, or labels overlapping.
    """

    def __init__(self, orientation: str, min_gap_px: float = 12.0, edge_px: float = 7.0, **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self._min_gap = float(min_gap_px)
        self._edge = float(edge_px)

    def tickValues(self, minVal: float, maxVal: float, size: float):  # noqa: N802 (pyqtgraph API)
        step, ticks = sparse_ticks(minVal, maxVal, size, self._min_gap, self._edge)
        return [(step, ticks)] if ticks else []


def sparse_ticks(lo: float, hi: float, size_px: float, min_gap_px: float,
                 edge_px: float) -> tuple[float, list[float]]:
    """(step, ticks): the coarsest 1/2/5 x 10^k step putting two ticks or more between
    ``edge_px`` from either end, at least ``min_gap_px`` apart; else the coarsest putting one
    there; (0, []) if none fits."""
    lo, hi = min(lo, hi), max(lo, hi)
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo or size_px <= 2 * edge_px:
        return 0.0, []
    per_px = (hi - lo) / size_px
    inner_lo, inner_hi = lo + edge_px * per_px, hi - edge_px * per_px
    top = 10.0 ** np.ceil(np.log10(hi - lo))
    best: tuple[float, list[float]] = (0.0, [])
    for step in (top * m / 10.0 ** e for e in range(0, 4) for m in (1.0, 0.5, 0.2)):
        if step / per_px < min_gap_px:
            break
        ticks = np.arange(np.ceil(inner_lo / step) * step, inner_hi + step * 1e-9, step)
        ticks = [float(t) + 0.0 for t in np.round(ticks / step) * step]   # + 0.0: no "-0"
        if len(ticks) >= 2:
            return float(step), ticks
        if ticks and not best[1]:
            best = (float(step), ticks)
    return best


SECONDS_PER_DAY = 86400.0


class DayAxis(pg.DateAxisItem):
    """Date axis for daily data (x in seconds): ticks on days, months or years, never hours;
    no ticks at all on a span shorter than a day (an empty plot printed "00.100")."""

    def __init__(self, orientation: str = "bottom", **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self.zoomLevels = type(self.zoomLevels)(
            (spacing, level) for spacing, level in self.zoomLevels.items() if spacing >= 5 * SECONDS_PER_DAY)

    def tickValues(self, minVal: float, maxVal: float, size: float):  # noqa: N802 (pyqtgraph API)
        if abs(maxVal - minVal) < SECONDS_PER_DAY:
            return []
        return super().tickValues(minVal, maxVal, size)


def text_height_from_font(axis: pg.AxisItem, font: QFont) -> None:
    """Give a horizontal axis that shows tick values the height pyqtgraph gives it once it has
    drawn them (a text line as it measures one, the text offset, outward ticks) from the
    start. Sized by the ticks it last drew, the options flow's date axis was 20 px before its
    first paint, 2 px while it had no ticks and 13 px with them: each change laid out and
    painted its plot again."""
    line = QFontMetricsF(font).boundingRect(QRectF(0, 0, 100, 100), Qt.AlignmentFlag.AlignCenter, "0").height()
    axis.setHeight(0.8 * line + axis.style["tickTextOffset"][1] + max(0, axis.style["tickLength"]))
