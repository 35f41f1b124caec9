"""What the network view writes beside its graph: node labels that never overlap, the legend
of node and edge colours, and which validated network is drawn.

Labels go to the most telling nodes first (focus, selected, seeds, expanded, suspects, then
the rest) and a label is skipped when its box would cover one already placed, so a 45-member
ring stays readable instead of a smear of ids. Label items are reused while their node keeps
its label (a selection moves few of them; re-creating text items was half its cost).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF, QGuiApplication

from views import _style

TEXT_MARGIN_PX = 4.0      # a text item's document margin, on each side of its text
LABEL_GAP_PX = 2.0
LABEL_CANDIDATES = 300    # only the most telling nodes compete for a label

#: network bits drawn for the correction in use (engine.viewdata.network.NETWORK_BITS); a typed
#: threshold's own network is not among the explored ones: both are drawn, FDR-only links faint
BITS_FOR_CORRECTION = {"bonferroni": 1, "fdr": 2, "threshold": 3}
NETWORK_NAMES = {1: "Bonferroni", 2: "FDR", 3: "Bonferroni and FDR"}

#: label modes of the link chart's label box: the highest priority rank (label_order) labelled
RANK_LIMIT = {"seeds": 2, "all": 4, "selected": 1}


def label_ranks(ids: np.ndarray, role: np.ndarray, suspect: np.ndarray, focus: str | None,
                selected: frozenset[str], neighbour_role: int) -> np.ndarray:
    """Labelling priority per node: 0 focus, 1 selected, 2 seeds/expanded, 3 suspects, 4 others."""
    rank = np.full(ids.size, 4, dtype=np.int64)
    rank[suspect.astype(bool)] = 3
    rank[role != neighbour_role] = 2
    rank[np.isin(ids, list(selected))] = 1
    if focus is not None:
        rank[ids == focus] = 0
    return rank


def label_order(rank: np.ndarray, ids: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the nodes ranked at most ``limit``, most telling first (ties by id)."""
    order = np.lexsort((ids.astype(str), rank))
    return order[rank[order] <= limit][:LABEL_CANDIDATES]


def label_box_px(text: str) -> tuple[float, float]:
    """Width and height in pixels of the box a label is drawn in (its text in the application
    font plus the text item's margins): a guess of 7 x 16 px a character took a 7-digit id's
    61 x 22 px box for 55 x 16, and neighbouring labels overlapped."""
    metrics = QFontMetricsF(QGuiApplication.font())
    return metrics.horizontalAdvance(text) + 2 * TEXT_MARGIN_PX, metrics.height() + 2 * TEXT_MARGIN_PX


def place_labels(xy_px: np.ndarray, texts: list[str], order: np.ndarray,
                 node_px: np.ndarray) -> list[int]:
    """Indices (in ``order``) whose label box, centred above its node, overlaps no box placed
    before it; ``xy_px`` are node centres in pixels (y down), ``node_px`` node diameters."""
    kept: list[int] = []
    boxes: list[tuple[float, float, float, float]] = []
    for k in order:
        w, h = label_box_px(texts[k])
        x, y = float(xy_px[k, 0]), float(xy_px[k, 1]) - node_px[k] / 2.0 - LABEL_GAP_PX - h
        box = (x - w / 2.0, y, x + w / 2.0, y + h)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
            continue
        boxes.append(box)
        kept.append(int(k))
    return kept


class LabelLayer:
    """The id labels drawn on a plot, one text item per labelled id, reused across updates."""

    def __init__(self, plot: pg.PlotWidget) -> None:
        self.plot = plot
        self.items: dict[str, pg.TextItem] = {}
        self._spare: list[pg.TextItem] = []   # hidden, for the next new id: a selection's new
        # label was a new text item added to the plot (and the old one removed), ~2 ms a selection

    def show(self, wanted: dict[str, tuple[float, float]]) -> None:
        """Label exactly the ids of ``wanted`` at their (x, y) positions."""
        for gone in [i for i in self.items if i not in wanted]:
            label = self.items.pop(gone)
            label.hide()
            self._spare.append(label)
        for investor, (x, y) in wanted.items():
            label = self.items.get(investor)
            if label is None:
                label = self._spare.pop() if self._spare else self._new_label()
                label.setText(investor)
                label.show()
                self.items[investor] = label
            label.setPos(x, y)

    def _new_label(self) -> pg.TextItem:
        label = pg.TextItem("", color=_style.theme().foreground, anchor=(0.5, 1.0),
                            fill=_style.brush(_style.theme().background, 190))  # readable over edges
        label.setZValue(_style.Z_FOCUS)
        self.plot.addItem(label)
        return label

    def clear(self) -> None:
        """Remove every label (the next are made in the current theme's colours)."""
        self.show({})
        for label in self._spare:
            self.plot.removeItem(label)
        self._spare = []


def legend_html() -> str:
    """Rich text naming the colours and shapes of nodes and edges (the view's one legend),
    short enough for two or three lines in a 400 px dock."""
    def dot(colour: str, text: str, glyph: str = "&#9679;") -> str:
        return f'<span style="color:{colour}">{glyph}</span>&nbsp;{text}'

    def line(colour: str, text: str) -> str:
        return f'<span style="color:{colour}">&#9473;</span>{text}'

    links = _style.LINK_COLOURS
    return " ".join((
        dot(_style.BUY, "buys"), dot(_style.theme().foreground, "mixed", "&#9675;"), dot(_style.SELL, "sells"),
        dot("#9A9A9A", "inactive"), "· thick outline: k-means suspect · large: seed or ring · &#9632; pinned"
        " · dashed: not expanded yet · links", line(links["bb"], "bb"), line(links["ss"], "ss"),
        line(links["bsbs"], "bsbs"), line(links["bs"], "bs/sb"), line(links["bbs"], "bbs/bsb"),
        line(links["sbs"], "sbs/bss"), "· faint: FDR only"))


def shown_network_text(correction: str, threshold: float) -> tuple[str, str]:
    """(one line, tooltip): which validated network the graph draws (the toolbar's Validation
    control decides)."""
    why = "Set by Validation in the toolbar."
    if correction == "fdr":
        return "FDR network", f"The FDR-validated network. {why}"
    if correction == "threshold":
        return (f"Both networks; rings at typed threshold p < {threshold:.2g}",
                "A typed threshold has no explored network of its own: both validated networks are drawn, "
                f"links validated only by FDR faint; the rings come from p < {threshold:.2g}. {why}")
    return "Bonferroni network", f"The Bonferroni-validated network. {why}"
