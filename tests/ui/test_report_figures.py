"""Packet figures: drawn for paper by every registered view's print path, keyed as the packet
expects, on white paper as vector pages, the screen theme left as it was."""
from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from PySide6.QtGui import QImage
from pypdf import PdfReader

from engine.case.store import CaseStore
from engine.market.panel import TargetPanel
from engine.packet.build import PacketRequest, build_packet
from engine.packet.case_state import case_state
from engine.packet.figures import PrintSubject, ReportFigure
from engine.params import AnalysisParams
from engine.pipeline import analyze
from ui.report_figures import figure_count, iter_figures
from views import VIEW_REGISTRY, _style
from views._print import PAGE_WIDTH, PDF_DPI, paper_figure, paper_plot
from views.base import BaseView

PDFTOPPM = shutil.which("pdftoppm")


def _analysed(path):
    with CaseStore.open(path) as store:
        tables = store.tables()
        return tables, analyze(tables, tables.event(None), AnalysisParams(), store=store)


def test_figures_are_light_keyed_vector_and_keep_the_screen_theme(qapp, analysed_case, tmp_path) -> None:
    tables, result = _analysed(analysed_case)
    suspect = next(s.investor_id for s in result.kmeans.suspects if result.svn.index_of(s.investor_id) >= 0)
    ring = result.svn.rings[0]
    request = PacketRequest(suspects=(suspect,), rings=(ring.cluster_id,))
    _style.set_dark(True)
    try:
        figures = dict(iter_figures(result, tables, request))
        assert _style.theme() is _style.DARK
    finally:
        _style.set_dark(False)
    assert len(figures) <= figure_count(result, request)
    assert {"overview:kmeans:cube", f"suspect:{suspect}:cube", f"suspect:{suspect}:network", f"suspect:{suspect}:profile", f"suspect:{suspect}:timeline",
            f"ring:{ring.cluster_id}:raster", f"ring:{ring.cluster_id}:network",
            f"ring:{ring.cluster_id}:timeline"} <= set(figures)
    for key, figure in figures.items():       # one vector page at print width: paths and text, no PNG
        page = PdfReader(io.BytesIO(figure.pdf)).pages[0]
        assert float(page.mediabox.width) == pytest.approx(PAGE_WIDTH * 72 / PDF_DPI, abs=1), key
        ops = _operators(page.get_contents().get_data())
        assert {"m", "l"} <= ops and {"BT", "Tj"} <= ops, key
        assert not figure.png, key
    images = _images(PdfReader(io.BytesIO(figures[f"ring:{ring.cluster_id}:raster"].pdf)).pages[0])
    days = TargetPanel.build(tables, result.event.stock).dates.size
    assert images == [(days, len(ring.member_ids), "/FlateDecode")]   # the raster's own cells, losslessly
    if PDFTOPPM:                                # drawn on white paper
        png = tmp_path / "cube"
        subprocess.run([PDFTOPPM, "-r", "40", "-png", "-singlefile", "-", str(png)],
                       input=figures["overview:kmeans:cube"].pdf, check=True)
        image = QImage(str(png) + ".png")
        assert image.pixelColor(image.width() - 3, image.height() // 2).lightness() > 200


def _operators(content: bytes) -> set[str]:
    """The PDF operators of a content stream (paths m/l/c/re, text BT/Tj …)."""
    return {op.decode() for op in re.findall(rb"(?<=\s)([A-Za-z]{1,2}\*?)(?=\s)", b" " + content + b" ")}


def _images(page) -> list[tuple[int, int, str]]:
    """(width, height, filter) of the image XObjects a page draws, forms included."""
    out = []
    for obj in page["/Resources"].get("/XObject", {}).values():
        obj = obj.get_object()
        if obj["/Subtype"] == "/Image":
            out.append((int(obj["/Width"]), int(obj["/Height"]), str(obj.get("/Filter"))))
    return out


class _MarginView(BaseView):
    """A view added to the registry for the test only: one print figure per ring."""

    view_name = "margin_test"
    title = "Margin"
    print_scopes = ("ring",)

    def set_data(self, viewdata) -> None:
        self._data = viewdata

    def apply_selection(self, selection) -> None:
        self._selection = selection

    def clear(self) -> None:
        self._data = None

    def print_figure(self, prepared, subject: PrintSubject) -> ReportFigure | None:
        plot = paper_plot(f"Margin of {subject.label}", "day", "value")
        plot.plot([0, 1], [0, len(subject.ids)], name="members")
        return paper_figure(plot, f"Margin figure of {subject.label}", "A test figure.")


def test_a_new_registered_view_reaches_the_ring_pages_without_editing_a_list(qapp, analysed_case, monkeypatch) -> None:
    tables, result = _analysed(analysed_case)
    ring = result.svn.rings[0]
    monkeypatch.setitem(VIEW_REGISTRY, _MarginView.view_name, _MarginView)
    request = PacketRequest(suspects=(), rings=(ring.cluster_id,))
    figures = dict(iter_figures(result, tables, request))
    assert f"ring:{ring.cluster_id}:margin_test" in figures
    with CaseStore.open(analysed_case) as store:
        pdf = build_packet(result, case_state(store, "case", result.event.event_id), figures, request, tables)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert f"Margin figure of ring {ring.cluster_id}" in text
