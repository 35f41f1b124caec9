"""The PDF machinery of the case packet: shipped fonts, styles, page furniture, outline.

ReportLab in invariant mode gives repeatable bytes: no creation time, a fixed document
id, deterministic font subsets. Fonts come from ``resources/fonts`` and are embedded, so
text stays searchable and looks the same on every machine.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from importlib import resources
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Frame, KeepTogether, Paragraph, PageTemplate
from reportlab.platypus.tableofcontents import TableOfContents

FONT, FONT_BOLD, FONT_ITALIC, FONT_MONO = "WBSans", "WBSans-Bold", "WBSans-Oblique", "WBMono"
_FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf",
               FONT_ITALIC: "DejaVuSans-Oblique.ttf", FONT_MONO: "DejaVuSansMono.ttf"}
PAGE_SIZES = {"A4": A4, "Letter": LETTER}


def register_fonts() -> None:
    """Register the shipped TrueType fonts once per process."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    base = resources.files("resources") / "fonts"
    for name, filename in _FONT_FILES.items():
        with resources.as_file(base / filename) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD)


@dataclass(frozen=True)
class Styles:
    """Paragraph styles of the packet."""

    title: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    mono: ParagraphStyle
    cell: ParagraphStyle


def make_styles() -> Styles:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, alignment=TA_LEFT, spaceAfter=4)
    return Styles(
        title=ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=20, leading=25, spaceAfter=10),
        h1=ParagraphStyle("h1", parent=body, fontName=FONT_BOLD, fontSize=15, leading=19, spaceBefore=6,
                          spaceAfter=8, textColor=colors.HexColor("#1f3a5f")),
        h2=ParagraphStyle("h2", parent=body, fontName=FONT_BOLD, fontSize=11.5, leading=15, spaceBefore=8,
                          spaceAfter=4, textColor=colors.HexColor("#1f3a5f")),
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10.5, textColor=colors.HexColor("#444444")),
        mono=ParagraphStyle("mono", parent=body, fontName=FONT_MONO, fontSize=7.5, leading=10),
        cell=ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9.5, spaceAfter=0),
    )


class Heading(Paragraph):
    """A paragraph that also becomes an entry of the PDF outline (bookmarks)."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, key: str) -> None:
        super().__init__(text, style)
        self.outline_level = level
        self.outline_key = key


class ExhibitCaption(Paragraph):
    """The caption line of a numbered exhibit: a link target and an entry of the exhibit list."""

    def __init__(self, text: str, style: ParagraphStyle, number: str, title: str) -> None:
        super().__init__(text, style)
        self.exhibit = number
        self.exhibit_title = title


class ExhibitList(TableOfContents):
    """The list of exhibits on the contents page (filled from ``ExhibitCaption`` entries)."""

    def notify(self, kind: str, stuff: Any) -> None:
        if kind == "ExhibitEntry":
            self.addEntry(*stuff)


def expected_entries(story: list[Any]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The entries the contents and the exhibit list will get (``afterFlowable``), pages unknown (0)."""
    contents: list[tuple[Any, ...]] = []
    exhibits: list[tuple[Any, ...]] = []

    def walk(flowables: list[Any]) -> None:
        for f in flowables:
            if isinstance(f, Heading) and f.outline_level <= 1:
                contents.append((f.outline_level, f.getPlainText(), 0, f.outline_key))
            elif isinstance(f, ExhibitCaption):
                exhibits.append((1, f"{f.exhibit}  {f.exhibit_title}", 0, f.exhibit))
            elif isinstance(f, KeepTogether):
                walk(f._content)

    walk(story)
    return contents, exhibits


def contents_styles(body: ParagraphStyle) -> list[ParagraphStyle]:
    """Styles of the contents' levels (sections, then suspects/rings)."""
    return [ParagraphStyle("toc0", parent=body, fontName=FONT_BOLD, fontSize=9.5, leading=12.5, leftIndent=0),
            ParagraphStyle("toc1", parent=body, fontSize=8.5, leading=11, leftIndent=12, spaceAfter=0)]


def pdf_date(timestamp: str) -> str:
    """A stored ISO UTC time as a PDF date string ``D:YYYYMMDDHHmmSS+00'00'`` (2000-01-01 when none)."""
    digits = "".join(ch for ch in timestamp[:19] if ch.isdigit()) if timestamp else ""
    return f"D:{(digits or '20000101000000').ljust(14, '0')}+00'00'"


def _no_drawing(*_args: Any, **_kwargs: Any) -> None:
    """Stands in for a flowable's ``drawOn`` while the contents are laid out."""


class _PacketFrame(Frame):
    """The body frame: on the draft passes (``PacketTemplate.draft``) flowables are measured,
    split and placed but not drawn, as only their pages matter there."""

    def _add(self, flowable: Any, canv: Any, trySplit: int = 0) -> int:
        if not getattr(getattr(canv, "_doctemplate", None), "draft", False):
            return super()._add(flowable, canv, trySplit)
        own = vars(flowable)    # not setattr: a graphics Drawing refuses attributes it does not know
        own["drawOn"] = _no_drawing
        try:
            return super()._add(flowable, canv, trySplit)
        finally:
            del own["drawOn"]

    add = _add      # ReportLab's documents call ``add``, bound to the base ``_add`` by name


class PacketTemplate(BaseDocTemplate):
    """A4/Letter pages with a header line, page numbers, outline entries for headings, a
    contents page and exhibit list (two passes), and the case state's time as creation date."""

    def __init__(self, buffer: io.BytesIO, page_size: str, title: str, subject: str,
                 keywords: str, header: str, author: str = "Investigation workbench", created: str = "") -> None:
        size = PAGE_SIZES[page_size]
        super().__init__(buffer, pagesize=size, invariant=1, title=title, author=author,
                         subject=subject, keywords=keywords, creator="itworkbench",
                         leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm, bottomMargin=18 * mm)
        self._header = header
        self._created = pdf_date(created)
        self.draft = False          # True while the contents are laid out: nothing is drawn or saved
        frame = _PacketFrame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._furniture)])

    def build_with_contents(self, story: list[Any], out: io.BytesIO, max_passes: int = 10) -> None:
        """Lay out the story until the contents page and exhibit list are settled (draft passes:
        nothing drawn, nothing saved), then write the final document once to ``out``.

        ReportLab's ``multiBuild`` cannot tell its last pass in advance, so every pass would draw
        every table, paragraph and figure and format the whole PDF; here only the final one does.
        """
        indexing = [f for f in story if f.isIndexing()]
        self._indexingFlowables = indexing
        contents, exhibits = expected_entries(story)
        for flowable in indexing:      # sized as they will be from the first pass: one pass fewer
            flowable._entries = list(exhibits if isinstance(flowable, ExhibitList) else contents)
        edits: list[Any] = []
        self._multiBuildEdits = edits.append     # ReportLab's hook to undo per-pass marks

        def one_pass(target: io.BytesIO) -> None:
            for flowable in indexing:
                flowable.beforeBuild()
            self.build(story[:], filename=target)
            for flowable in indexing:
                flowable.afterBuild()
            while edits:
                edit = edits.pop(0)
                edit[0](*edit[1:])

        try:
            self.draft, self._doSave = True, 0        # _doSave: ReportLab's switch for canvas.save()
            for _ in range(max_passes):
                one_pass(io.BytesIO())
                if self._allSatisfied():
                    break
            self.draft, self._doSave = False, 1
            one_pass(out)
        finally:
            self.draft, self._doSave = False, 1
            del self._multiBuildEdits

    def _furniture(self, canvas: Any, doc: Any) -> None:
        width, height = self.pagesize
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(self.leftMargin, height - 12 * mm, self._header)
        canvas.drawRightString(width - self.rightMargin, 10 * mm, f"page {doc.page}")
        canvas.setStrokeColor(colors.HexColor("#bbbbbb"))
        canvas.line(self.leftMargin, height - 13.5 * mm, width - self.rightMargin, height - 13.5 * mm)
        canvas.restoreState()

    def beforeDocument(self) -> None:
        created = self._created
        self.canv.setDateFormatter(lambda *_ymdhms: created)

    def afterFlowable(self, flowable: Any) -> None:
        if isinstance(flowable, Heading):
            self.canv.bookmarkPage(flowable.outline_key)
            self.canv.addOutlineEntry(flowable.getPlainText(), flowable.outline_key,
                                      level=flowable.outline_level, closed=flowable.outline_level > 0)
            if flowable.outline_level <= 1:
                self.notify("TOCEntry", (flowable.outline_level, flowable.getPlainText(), self.page,
                                         flowable.outline_key))
        elif isinstance(flowable, ExhibitCaption):
            self.canv.bookmarkPage(flowable.exhibit)
            self.notify("ExhibitEntry", (1, f"{flowable.exhibit}  {flowable.exhibit_title}", self.page,
                                         flowable.exhibit))     # as ``expected_entries`` expects
