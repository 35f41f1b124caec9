"""The packet's story under construction: headings, paragraphs, numbered exhibits.

Exhibits (figures and evidence tables) are numbered E1, E2 … in the order they appear; the
narrative refers to them by number, and every number given out is placed (``exhibit`` both
reserves and places), so every reference resolves.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph

from engine.packet.case_state import CaseState, escape
from engine.packet.doc import Heading, Styles, make_styles
from engine.packet.figures import ReportFigure
from engine.packet.numbers import Locale
from engine.packet.tables import data_table, exhibit_caption, figure

#: split long text into paragraphs of at most this many lines, so that laying out a note is
#: linear in its length (one paragraph spanning many pages is re-wrapped on every page)
LINES_PER_PARAGRAPH = 30


class Builder:
    """Accumulates the flowables of the packet and numbers its exhibits."""

    def __init__(self, result: Any, state: CaseState, figures: Mapping[str, ReportFigure], locale: Locale,
                 width: float) -> None:
        self.r, self.state, self.figs, self.locale = result, state, figures, locale
        self.s: Styles = make_styles()
        self.width = width
        self.story: list[Any] = []
        self._keys = 0
        self._exhibits = 0

    # -- text ------------------------------------------------------------------------------
    def heading(self, text: str, level: int) -> Heading:
        self._keys += 1
        return Heading(escape(text), self.s.h1 if level == 0 else self.s.h2, level, f"k{self._keys}")

    def h(self, text: str, level: int) -> None:
        self.story.append(self.heading(text, level))

    def p(self, text: str, style: str = "body") -> None:
        self.story.append(Paragraph(escape(text), getattr(self.s, style)))

    def long_text(self, text: str, style: str = "body") -> None:
        """Text of any length, laid out in time linear in its length."""
        lines = text.split("\n")
        for start in range(0, len(lines), LINES_PER_PARAGRAPH):
            self.p("\n".join(lines[start:start + LINES_PER_PARAGRAPH]), style)

    def page_break(self) -> None:
        self.story.append(PageBreak())

    # -- exhibits ----------------------------------------------------------------------------
    def next_exhibit(self) -> str:
        """Reserve the next exhibit number (place it with ``place_figure`` or ``table_exhibit``)."""
        self._exhibits += 1
        return f"E{self._exhibits}"

    def figure_ref(self, key: str) -> str:
        """Reserve a number for figure ``key`` when it was rendered ("" when it was not)."""
        fig = self.figs.get(key)
        return self.next_exhibit() if fig is not None and not fig.is_empty else ""

    def place_figure(self, key: str, number: str, missing: str, height: float = 95) -> None:
        """Place figure ``key`` as exhibit ``number`` (reserved by ``figure_ref``)."""
        self.story.extend(figure(self.s, self.figs.get(key), self.width, height * mm, missing, number))

    def fig(self, key: str, missing: str, height: float = 95) -> str:
        """Reserve and place figure ``key``; its exhibit number ("" when not rendered)."""
        number = self.figure_ref(key)
        self.place_figure(key, number, missing, height)
        return number

    def table_exhibit(self, number: str, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]],
                      widths: Sequence[float] | None = None) -> None:
        """An evidence table as exhibit ``number``."""
        table = data_table(self.s, header, rows, widths)
        self.story.append(KeepTogether([exhibit_caption(self.s, number, title), table])
                          if len(rows) < 25 else exhibit_caption(self.s, number, title))
        if len(rows) >= 25:
            self.story.append(table)

    def cite(self, *numbers: str) -> str:
        """" (Exhibit E3, E4)" for the numbers given ("" when none), linked to the exhibits."""
        shown = [n for n in numbers if n]
        if not shown:
            return ""
        return f" (Exhibit{'s' if len(shown) > 1 else ''} {', '.join(shown)})"
