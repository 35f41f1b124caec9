"""The placebo figure (METHOD §5): the values on the ordinary days as bars, the event's as a line.

It shows the event's excess discontinuous share; when the focus investor was tested, that
investor's own score; when the selection is exactly a ring's members, that ring's d·R_C. The
plain-words reading is printed under the plot. Empty until the placebo test of the shown
result ran (the hub clears it with every new result). The packet draws the same figures from
the same data (``engine.packet.placebo_section``), so this view has no print path of its own.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QWidget

from engine.packet.figures import ReportFigure
from engine.viewdata.placebo import PlaceboFigure, PlaceboViewData, histogram
from views import _style
from views._layout import stack
from views._plots import new_plot
from views.base import BaseView, Selection, widget_png

EMPTY_TEXT = "No placebo test yet: Analysis ▸ Run placebo test compares the event with ordinary days of the stock."


class PlaceboView(BaseView):
    """Distribution of a statistic over the ordinary days with the event's value marked."""

    view_name = "placebo"
    title = "Placebo test"
    default_area = "bottom"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = new_plot("", xlabel="value on the ordinary days", ylabel="days")
        self.bars: pg.BarGraphItem | None = None
        self.line = pg.InfiniteLine(angle=90, movable=False, pen=_style.pen(_style.HARD, 2.0))
        self.plot.addItem(self.line)
        self.line.hide()
        self.summary = QLabel(EMPTY_TEXT, self)
        self.summary.setWordWrap(True)
        stack(self, (self.plot, 1), self.summary)
        self.figure: PlaceboFigure | None = None

    def set_data(self, viewdata: PlaceboViewData | None) -> None:
        self._data = viewdata
        self.apply_selection(self._selection)

    def clear(self) -> None:
        self._data = None
        self._forget_ids()
        self._draw(None, EMPTY_TEXT)

    def apply_selection(self, selection: Selection) -> None:
        if not self._take_selection(selection):
            self._draw(None, EMPTY_TEXT)
            return
        data: PlaceboViewData = self._data
        if not data.available:
            self._highlighted = frozenset()
            self._draw(None, f"The placebo test is not available: {data.reason}.")
            return
        figure, shown = self._chosen(data, selection)
        self._highlighted = shown
        note = ""
        if selection.focus is not None and not shown:
            note = (f"  (Investor {selection.focus} has no placebo value: it was not in the rewarding "
                    "cluster of the event's comparison run.)")
        self._draw(figure, (figure.sentence if figure is not None else "") + note)

    @staticmethod
    def _chosen(data: PlaceboViewData, selection: Selection) -> tuple[PlaceboFigure | None, frozenset[str]]:
        """The focused investor's figure, else the selected ring's, else the event's; and the
        ids that figure is about."""
        focus = selection.focus
        if focus is not None and focus in data.investors:
            return data.investors[focus], frozenset({focus})
        for members, figure in data.rings:
            if selection.ids and members == selection.ids:
                return figure, members
        return data.event, frozenset()

    def _draw(self, figure: PlaceboFigure | None, text: str) -> None:
        if self.bars is not None:
            self.plot.removeItem(self.bars)
            self.bars = None
        self.line.hide()
        self.figure = figure
        self.summary.setText(text)
        for side in ("left", "bottom"):     # no 0 … 1 ticks of nothing: the hint under it says why
            self.plot.showAxis(side, figure is not None)
        if figure is None:
            self.plot.setTitle("")
            return
        counts, edges = histogram(figure)
        if counts.size:
            self.bars = pg.BarGraphItem(x0=edges[:-1], x1=edges[1:], height=counts,
                                        brush=_style.brush(_style.theme().base_point))
            self.plot.addItem(self.bars)
        if figure.observed is not None:
            self.line.setValue(figure.observed)
            self.line.show()
        self.plot.setTitle(figure.title, size="9pt")
        self.plot.setLabel("bottom", figure.x_label)

    def restyle(self) -> None:
        self.apply_selection(self._selection)

    def snapshot(self) -> ReportFigure:
        return ReportFigure(title="Placebo test", png=widget_png(self), caption=self.summary.text())


__all__ = ["PlaceboView"]
