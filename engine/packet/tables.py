"""Small helpers to lay out tables and figures in the case packet."""
from __future__ import annotations

import io
from typing import Any, Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, Table, TableStyle

from engine.packet.figures import ReportFigure
from engine.packet.case_state import escape
from engine.packet.doc import FONT_BOLD, ExhibitCaption, Styles
from engine.packet.numbers import number as fmt
from engine.packet.pdf_form import VectorDrawing

_HEADER_BG = colors.HexColor("#dfe6ef")
_GRID = colors.HexColor("#b8c2cc")


#: cells up to this many characters are plain strings (no wrapping needed, far cheaper to lay out)
SHORT_CELL = 14


def _cell(text: str, style: Any) -> Any:
    """A table cell: short text as a plain string, longer text as a wrapping paragraph."""
    return text if len(text) <= SHORT_CELL and "\n" not in text else Paragraph(escape(text), style)


#: printable width of the narrower paper (A4 less the margins), millimetres
TABLE_WIDTH = 174.0
_WIDEST_TEXT = 40
_NARROWEST_TEXT = 7


def _widths(header: Sequence[str], data: list[list[Any]]) -> list[float]:
    """Column widths sharing the page in proportion to each column's text (capped), so that no
    cell, however long (a 300-character id), can squeeze the others to a negative width."""
    lengths: list[int] = []
    for col, head in enumerate(header):
        cells = [row[col] for row in data[1:]]
        longest = max([len(head)] + [len(c if isinstance(c, str) else c.getPlainText()) for c in cells])
        lengths.append(min(max(longest, _NARROWEST_TEXT), _WIDEST_TEXT))
    total = float(sum(lengths))
    return [TABLE_WIDTH * n / total for n in lengths]


def data_table(styles: Styles, header: Sequence[str], rows: Sequence[Sequence[Any]],
               widths: Sequence[float] | None = None, repeat: bool = True) -> Table:
    """A grid table with a shaded header row; cells wrap."""
    cell = styles.cell
    data: list[list[Any]] = [[Paragraph(f"<b>{escape(h)}</b>", cell) for h in header]]
    data += [[_cell(fmt(v), cell) for v in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in (widths or _widths(header, data))],
                  repeatRows=1 if repeat else 0, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), _HEADER_BG),
        ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
        ("FONT", (0, 1), (-1, -1), cell.fontName, cell.fontSize, cell.leading),
        ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return table


def key_values(styles: Styles, pairs: Sequence[tuple[str, Any]], key_width: float = 45) -> Table:
    """A two-column table of labels and values (cover, scorecards)."""
    data = [[Paragraph(f"<b>{escape(k)}</b>", styles.cell), Paragraph(escape(fmt(v)), styles.cell)]
            for k, v in pairs]
    table = Table(data, colWidths=[key_width * mm, None], hAlign="LEFT")
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, _GRID), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (0, -1), _HEADER_BG)]))
    return table


def figure_flowable(fig: ReportFigure, max_width: float, max_height: float) -> Flowable:
    """The figure scaled to fit: its vector page when it has one, else its image."""
    if fig.pdf:
        return VectorDrawing(fig.pdf, max_width, max_height)
    reader = ImageReader(io.BytesIO(fig.png))
    w, h = reader.getSize()
    scale = min(max_width / w, max_height / h)
    image = Image(io.BytesIO(fig.png), width=w * scale, height=h * scale)
    image.hAlign = "LEFT"
    return image


def exhibit_caption(styles: Styles, number: str, title: str) -> ExhibitCaption:
    """The "Exhibit E3. Title" line that names an exhibit (a link target, listed on the contents page)."""
    return ExhibitCaption(f'<a name="{number}"/><b>Exhibit {number}.</b> {escape(title)}', styles.small,
                          number, title)


def figure(styles: Styles, fig: ReportFigure | None, max_width: float, max_height: float,
           missing: str, number: str = "") -> list[Any]:
    """A figure scaled to fit, with its exhibit number, title and caption; an honest note when missing."""
    if fig is None or fig.is_empty:
        return [Paragraph(f"<i>{escape(missing)}</i>", styles.small)]
    head = exhibit_caption(styles, number, fig.title) if number else Paragraph(f"<b>{escape(fig.title)}</b>",
                                                                                styles.small)
    parts: list[Any] = [head, figure_flowable(fig, max_width, max_height)]
    if fig.caption:
        parts.append(Paragraph(escape(fig.caption), styles.small))
    return [KeepTogether(parts)]
