"""The packet's placebo pages (METHOD §5): each figure drawn from the same data as the view,
with the plain-words reading ("on 40 ordinary days of this stock, a picture this strong
appeared once") beside it. Vector drawing, no clock: same result, same bytes."""
from __future__ import annotations

from typing import Any, Callable, Sequence

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph

from engine.packet.case_state import escape
from engine.packet.doc import FONT, Styles
from engine.placebo.stage import PlaceboResult
from engine.viewdata.placebo import PlaceboFigure, event_figure, histogram, investor_figure, ring_figure

BAR = colors.HexColor("#8da0b6")
OBSERVED = colors.HexColor("#c0392b")
HEIGHT = 45 * mm


def drawing(fig: PlaceboFigure, width: float) -> Drawing:
    """Bars of the ordinary days' values and a red line at the event's value."""
    d = Drawing(width, HEIGHT)
    counts, edges = histogram(fig)
    if counts.size == 0:
        return d
    left, bottom, w, h = 10 * mm, 8 * mm, width - 14 * mm, HEIGHT - 12 * mm
    top = max(int(counts.max()), 1)
    span = float(edges[-1] - edges[0])

    def x(v: float) -> float:
        return left + w * (v - float(edges[0])) / span

    for c, lo, hi in zip(counts.tolist(), edges[:-1].tolist(), edges[1:].tolist()):
        if c:
            d.add(Rect(x(lo), bottom, max(x(hi) - x(lo) - 0.5, 0.5), h * c / top, fillColor=BAR, strokeColor=None))
    d.add(Line(left, bottom, left + w, bottom, strokeColor=colors.black, strokeWidth=0.5))
    for v in (float(edges[0]), float(edges[-1])):
        d.add(String(x(v), 2 * mm, f"{v:.3g}", fontName=FONT, fontSize=7, textAnchor="middle"))
    d.add(String(left - 2, bottom + h - 6, str(top), fontName=FONT, fontSize=7, textAnchor="end"))
    if fig.observed is not None:
        xo = x(fig.observed)
        d.add(Line(xo, bottom, xo, bottom + h, strokeColor=OBSERVED, strokeWidth=1.5))
        d.add(String(xo, bottom + h + 1, f"event {fig.observed:.3g}", fontName=FONT, fontSize=7,
                     fillColor=OBSERVED, textAnchor="middle"))
    return d


def _block(styles: Styles, fig: PlaceboFigure, width: float) -> Any:
    return KeepTogether([Paragraph(escape(fig.title), styles.h2), drawing(fig, width),
                         Paragraph(escape(f"{fig.x_label}. {fig.sentence}"), styles.body)])


def placebo_pages(styles: Styles, result: PlaceboResult | None, suspect_ids: Sequence[str],
                  ring_ids: Sequence[int], width: float,
                  heading: Callable[[str, int], Any]) -> list[Any]:
    """The placebo section: the event's figure, then each chosen suspect's and ring's."""
    if result is None:
        return []
    story: list[Any] = [heading("Ordinary days: the placebo test", 0)]
    if not result.available:
        story += [Paragraph(escape(f"The placebo test is not available: {result.reason}."), styles.body), PageBreak()]
        return story
    story.append(Paragraph(escape(
        f"The analysis was repeated on {result.n_used} ordinary days of this stock (pseudo-events at least "
        f"60 trading days from any price-sensitive event, {result.windows} k-means windows, K = {result.k}, "
        f"the same reference length and direction). Each figure shows the values of those days as bars and "
        f"the event's value as a red line; the empirical p-value is (1 + days at least as strong) / "
        f"(1 + {result.n_used})."), styles.body))
    figures = [event_figure(result)]
    figures += [investor_figure(result, i) for i in suspect_ids]
    figures += [ring_figure(result, c) for c in ring_ids]
    story += [_block(styles, f, width) for f in figures if f is not None]
    story.append(PageBreak())
    return story
