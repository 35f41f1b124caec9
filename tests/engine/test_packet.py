"""The case packet: honest content, provenance, repeatable bytes, verifiable against the case."""
from __future__ import annotations

import dataclasses
import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from engine.case.store import CaseStore
from engine.packet.build import PacketRequest, build_packet
from engine.packet.case_state import case_state, note_plain_text
from engine.packet.export import export_packet
from engine.packet.verify import check_packet, packet_hashes
from engine.params import AnalysisParams
from engine.pipeline import analyze


@pytest.fixture()
def case(analysed_case: Path) -> Path:
    return analysed_case


def _result(store: CaseStore):
    tables = store.tables()
    return analyze(tables, tables.event(None), AnalysisParams(), store=store)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_packet_holds_hashes_suspects_parameters_and_notes(case: Path, tmp_path: Path) -> None:
    with CaseStore.open(case) as store:
        result = _result(store)
        chosen = [s.investor_id for s in result.kmeans.suspects[:3]]
        store.set_note(None, "<p>Case opened after the <b>takeover</b> bid.</p>")
        store.set_note(chosen[0], "Bought three days before the bid.")
        request = PacketRequest(suspects=tuple(chosen), rings=())
        pdf = export_packet(store, result, tmp_path / "p.pdf", {}, request)
        text = _text(pdf)
        assert result.data_hash in text.replace("\n", "")
        for digest in store.file_hashes().values():
            assert digest[:40] in text.replace("\n", "")
        for inv in chosen:
            assert f"Suspect {inv}" in text
        assert "window_length" in text and "bonferroni" in text and result.params.hash() in text.replace("\n", "")
        assert "Case opened after the takeover bid." in text
        assert "Bought three days before the bid." in text
        data_hash, chain_hash = packet_hashes(tmp_path / "p.pdf")
        assert data_hash == store.compute_data_hash()
        assert chain_hash == [e for e in store.audit_entries() if e.action != "export"][-1].hash


def test_page_count_grows_with_included_suspects(case: Path) -> None:
    with CaseStore.open(case) as store:
        result = _result(store)
        state = case_state(store, "case", result.event.event_id)
        pages = [len(PdfReader(io.BytesIO(build_packet(result, state, {}, PacketRequest(
            suspects=tuple(s.investor_id for s in result.kmeans.suspects[:n]), rings=())))).pages)
            for n in (0, 4, 12)]
    assert pages[0] < pages[1] < pages[2]


def test_no_suspects_gives_an_honest_packet(case: Path) -> None:
    with CaseStore.open(case) as store:
        result = _result(store)
        empty = dataclasses.replace(result, kmeans=dataclasses.replace(result.kmeans, suspects=[]))
        pdf = build_packet(empty, case_state(store, "case", result.event.event_id), {}, PacketRequest())
    text = _text(pdf)
    assert "no discontinuous investors found" in text.lower()
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 5


def test_two_exports_are_identical_and_a_note_changes_packet_and_chain(case: Path, tmp_path: Path) -> None:
    with CaseStore.open(case) as store:
        result = _result(store)
        request = PacketRequest(suspects=(result.kmeans.suspects[0].investor_id,), rings=())
        first = export_packet(store, result, tmp_path / "a.pdf", {}, request)
        second = export_packet(store, result, tmp_path / "b.pdf", {}, request)
        assert first == second
        assert [e.action for e in store.audit_entries()][-2:] == ["export", "export"]
        store.set_note(None, "A new finding.")
        third = export_packet(store, result, tmp_path / "c.pdf", {}, request)
    assert third != first
    assert packet_hashes(tmp_path / "c.pdf")[1] != packet_hashes(tmp_path / "a.pdf")[1]
    assert "A new finding." in _text(third)


def test_verify_packet_finds_its_place_in_the_chain_and_detects_another_case(case: Path, tmp_path: Path) -> None:
    with CaseStore.open(case) as store:
        result = _result(store)
        export_packet(store, result, tmp_path / "p.pdf", {}, PacketRequest(suspects=(), rings=()))
        store.set_decision(result.kmeans.suspects[0].investor_id, "refer", "pattern and ring")
        check = check_packet(store, tmp_path / "p.pdf", store.verify().ok)
        assert check.ok, check.problems
        assert [line.split()[-1] for line in check.later_entries] == ["export", "decision"]
    other = tmp_path / "other.itcase"
    shutil.copy(case, other)
    with CaseStore.open(other) as store:
        store.set_note(None, "diverged")
        tampered = store.audit_entries()[-1].hash
    assert tampered
    # a packet whose chain hash is not an entry of the case is refused
    with CaseStore.open(case) as store:
        state = case_state(store, "case", result.event.event_id)
        fake = build_packet(result, dataclasses.replace(state, chain_hash="0" * 64), {}, PacketRequest(suspects=(), rings=()))
        (tmp_path / "fake.pdf").write_bytes(fake)
        check = check_packet(store, tmp_path / "fake.pdf", True)
    assert not check.ok and any("not an entry" in p for p in check.problems)


def test_rich_text_notes_become_plain_text() -> None:
    html = ("<html><head><style>p {margin:0}</style></head><body><p>First &amp; <b>bold</b></p>"
            "<ul><li>one</li><li>two</li></ul></body></html>")
    assert note_plain_text(html) == "First & bold\n• one\n• two"
    assert note_plain_text("plain text") == "plain text"


def test_verify_command_with_packet(case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from main import main
    with CaseStore.open(case) as store:
        result = _result(store)
        pdf = export_packet(store, result, tmp_path / "p.pdf", {}, PacketRequest(suspects=(), rings=()))
    assert main(["verify", str(case), "--packet", str(tmp_path / "p.pdf")]) == 0
    assert "the packet matches this case; 1 audit entries came after it" in capsys.readouterr().out
    # the same packet claiming other data (one hex digit of its recorded data hash changed)
    digit = result.data_hash[0]
    forged = pdf.replace(f"data_hash={result.data_hash}".encode(),
                         f"data_hash={'0' if digit != '0' else '1'}{result.data_hash[1:]}".encode())
    assert forged != pdf
    (tmp_path / "forged.pdf").write_bytes(forged)
    assert main(["verify", str(case), "--packet", str(tmp_path / "forged.pdf")]) == 1
    assert "differs from the case's" in capsys.readouterr().out
    (tmp_path / "not.pdf").write_text("hello")
    assert main(["verify", str(case), "--packet", str(tmp_path / "not.pdf")]) == 2


def test_link_chart_annotations_are_printed(case: Path, tmp_path: Path) -> None:
    from engine.case.annotations import Annotation, annotations_document, annotations_key
    with CaseStore.open(case) as store:
        result = _result(store)
        a, b = sorted(s.investor_id for s in result.kmeans.suspects[:2])
        notes = (Annotation("node", (a,), "called the broker"), Annotation("edge", (a, b), "same office"))
        store.put_document(annotations_key(result.event.event_id), annotations_document(notes), "annotation", {})
        text = _text(export_packet(store, result, tmp_path / "p.pdf", {}, PacketRequest(suspects=(), rings=())))
    flat = " ".join(text.split())
    assert "Link-chart annotations" in flat
    assert f"Investor {a}: called the broker" in flat and f"Link {a} – {b}: same office" in flat
