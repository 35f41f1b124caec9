"""The packet's print figures on paper: vector drawings placed as PDF forms (paths and text, no
page-sized images), the profile and timeline of each suspect and ring as numbered exhibits,
link-chart annotations drawn where their investor or link is, and the same bytes every time."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from engine.case.annotations import Annotation, annotations_document, annotations_key
from engine.case.store import CaseStore
from engine.market.panel import TargetPanel
from engine.packet.build import PacketRequest, build_packet
from engine.packet.case_state import case_state
from engine.params import AnalysisParams
from engine.pipeline import analyze
from ui.report_figures import render_figures

PDFTOPPM = shutil.which("pdftoppm")
PATH_OPS = {"m", "l", "c", "re"}


def _words(text: str) -> str:
    return " ".join(text.split())


def _operators(content: bytes) -> set[str]:
    return {op.decode() for op in re.findall(rb"(?<=\s)([A-Za-z]{1,2}\*?)(?=\s)", b" " + content + b" ")}


def _forms_and_images(reader: PdfReader) -> tuple[list[bytes], list[tuple[int, int]]]:
    """Content of every form XObject the pages draw, and (width, height) of every image, forms included."""
    forms, images, seen = [], [], set()

    def visit(resources) -> None:
        for ref in resources.get("/XObject", {}).values():
            if ref.idnum in seen:
                continue
            seen.add(ref.idnum)
            obj = ref.get_object()
            if obj["/Subtype"] == "/Form":
                forms.append(obj.get_data())
                visit(obj.get("/Resources", {}))
            else:
                images.append((int(obj["/Width"]), int(obj["/Height"])))

    for page in reader.pages:
        visit(page.get("/Resources", {}))
    return forms, images


@pytest.fixture()
def analysed(analysed_case: Path):
    with CaseStore.open(analysed_case) as store:
        tables = store.tables()
        result = analyze(tables, tables.event(None), AnalysisParams(), store=store)
    suspect = next(s.investor_id for s in result.kmeans.suspects if result.svn.index_of(s.investor_id) >= 0)
    return analysed_case, tables, result, suspect, result.svn.rings[0]


def test_figures_are_vector_forms_with_profile_and_timeline_exhibits_and_repeatable_bytes(qapp, analysed,
                                                                                          tmp_path) -> None:
    path, tables, result, suspect, ring = analysed
    request = PacketRequest(suspects=(suspect,), rings=(ring.cluster_id,))
    with CaseStore.open(path) as store:
        state = case_state(store, "case", result.event.event_id)
    first = build_packet(result, state, render_figures(result, tables, request), request, tables)
    second = build_packet(result, state, render_figures(result, tables, request), request, tables)
    assert first == second                               # figures drawn twice, the same bytes
    reader = PdfReader(io.BytesIO(first))
    text = _words("\n".join(p.extract_text() for p in reader.pages))
    for title in (f"Profile of investor {suspect}", f"Timeline of investor {suspect}",
                  f"Timeline of ring {ring.cluster_id}"):
        assert re.search(rf"Exhibit E\d+\. {re.escape(title)}", text), title
    numbers = [int(n) for n in re.findall(r"Exhibit E(\d+)\.", text)]
    assert numbers == sorted(set(numbers))              # numbered once each, in order
    forms, images = _forms_and_images(reader)
    assert len(forms) >= 9                               # cube x2, raster x2, network x2, profile, timeline x2, …
    assert all(PATH_OPS & _operators(f) and {"BT", "Tj"} <= _operators(f) for f in forms)
    days = TargetPanel.build(tables, result.event.stock).dates.size
    assert images and all(w <= days and h <= len(ring.member_ids) for w, h in images)   # only the raster's cells
    if PDFTOPPM:
        out = subprocess.run([PDFTOPPM, "-r", "30", "-png", "-", str(tmp_path / "page")], input=first,
                             capture_output=True, check=True)
        assert not out.stderr and len(list(tmp_path.glob("page-*.png"))) == len(reader.pages)


def test_annotations_are_drawn_on_the_network_figures_showing_their_investor_or_link(qapp, analysed) -> None:
    path, tables, result, suspect, ring = analysed
    a, b = sorted(str(m) for m in ring.member_ids)[:2]
    outsider = next(str(i) for i in result.svn.investor_ids
                    if str(i) not in {str(m) for m in ring.member_ids} and str(i) != suspect)
    notes = (Annotation("node", (a,), "Met the CFO in May"), Annotation("edge", (b, a), "Same broker branch"),
             Annotation("node", (outsider,), "Not on this chart"))
    with CaseStore.open(path) as store:           # saved in the case, read back as the packet reads it
        store.put_document(annotations_key(result.event.event_id), annotations_document(notes), "annotations", {})
    request = PacketRequest(suspects=(), rings=(ring.cluster_id,))
    with CaseStore.open(path) as store:
        state = case_state(store, "case", result.event.event_id)
    figures = render_figures(result, tables, request, state.annotations)
    network = figures[f"ring:{ring.cluster_id}:network"]
    drawn = _words(PdfReader(io.BytesIO(network.pdf)).pages[0].extract_text())
    assert "Met the CFO in May" in drawn and "Same broker branch" in drawn
    assert "Not on this chart" not in drawn
    assert "2 link-chart annotation(s)" in network.caption
    timeline = _words(PdfReader(io.BytesIO(figures[f"ring:{ring.cluster_id}:timeline"].pdf)).pages[0].extract_text())
    assert "Met the CFO" not in timeline                 # only the link chart carries them
    pdf = build_packet(result, state, figures, request, tables)
    pages = [_words(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]
    assert any("Met the CFO in May" in p and f"Validated links among the members of ring {ring.cluster_id}" in p
               for p in pages)                           # on the ring's page, inside its network exhibit


def test_a_figure_drawn_after_others_is_the_figure_drawn_alone(qapp, analysed) -> None:
    """Print modules refill one canvas per kind: nothing of one suspect leaks into the next."""
    _path, tables, result, _suspect, _ring = analysed
    first, second = (s.investor_id for s in result.kmeans.suspects[:2])
    alone = render_figures(result, tables, PacketRequest(suspects=(second,), rings=()))
    after = render_figures(result, tables, PacketRequest(suspects=(first, second), rings=()))
    keys = [k for k in alone if k.startswith(f"suspect:{second}:")]
    assert f"suspect:{second}:profile" in keys
    for key in keys:
        pages = [PdfReader(io.BytesIO(f[key].pdf)).pages[0] for f in (alone, after)]
        assert pages[0].get_contents().get_data() == pages[1].get_contents().get_data(), key
