"""The packet as a court document: numbers a reader knows, exhibits that resolve, ring pages of
members only, "no validated link" in words, a readable audit trail, a sign-off, honest metadata."""
from __future__ import annotations

import dataclasses
import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from engine.case.store import CaseStore
from engine.packet.audit_text import audit_rows, describe
from engine.packet.build import PacketRequest, build_packet
from engine.packet.case_state import case_state
from engine.packet.numbers import Locale, date, money, number, p_value
from engine.params import AnalysisParams
from engine.pipeline import analyze
from engine.svn.neighbourhood import Exploration, Networks, expand


def test_numbers_read_as_a_person_writes_them() -> None:
    assert p_value(3.2e-23) == "3.2 × 10⁻²³"
    assert p_value(log10=-22.75) == "1.8 × 10⁻²³"          # 10^-22.75 = 1.778e-23
    assert p_value(log10=-2.0) == "0.01" and p_value(0.032) == "0.032"
    assert p_value(log10=-350.25) == "< 10⁻³⁰⁰ (log₁₀ p = -350.2)"
    assert p_value(0.0) == "< 10⁻³⁰⁰" and p_value(None) == "unavailable"
    assert p_value(log10=-9.9999) == "1.0 × 10⁻¹⁰"           # the mantissa never rounds up to 10
    assert number(1234567) == "1,234,567" and number(443947.0) == "443,947" and number(9.47e-11) == "9.47 × 10⁻¹¹"
    assert money(443947.4, Locale(currency="EUR")) == "EUR 443,947" and money(5.0, Locale()) == "5"
    assert money(64.391, Locale(currency="EUR"), 2) == "EUR 64.39"
    assert date("2019-10-10", Locale("dmy")) == "10/10/2019" and date("2019-10-10T08:00:00Z", Locale()) == "2019-10-10"
    with pytest.raises(ValueError, match="unknown date format"):
        Locale("xyz")


def test_audit_entries_read_as_sentences_and_note_saves_fold() -> None:
    Entry = type("Entry", (), {})

    def entry(action: str, details: dict, user: str = "ana", time: str = "2026-01-01T10:00:00Z") -> object:
        e = Entry()
        e.action, e.details, e.user, e.time = action, details, user, time
        return e

    entries = [entry("exploration", {"correction": "bonferroni", "expanded": ["0123"], "sha256": "ab" * 32}),
               *[entry("note", {"investor_id": "0123", "sha256": "cd" * 32, "length": n}) for n in range(4)],
               entry("note", {"investor_id": "0456", "sha256": "ef" * 32}),
               entry("decision", {"investor_id": "0123", "decision": "refer", "reason": "pattern"}),
               entry("mystery_action", {"files": {"trades": {"name": "t.csv"}}, "n": [1, 2]})]
    rows = audit_rows(entries)
    assert [r.what for r in rows] == ["expanded investor 0123 (Bonferroni)", "edited the note on investor 0123",
                                      "edited the note on investor 0456", "decided “refer” for investor 0123: pattern",
                                      "mystery action (files trades name t.csv; n 1, 2)"]
    assert [r.count for r in rows] == [1, 4, 1, 1, 1]
    assert not any(ch in r.what for r in rows for ch in "{}[]\"")
    assert describe("exploration", {"correction": "fdr", "reset": True}) == "reset the network exploration (FDR)"


@pytest.fixture(scope="module")
def court_packet(analysed_case_master: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A packet (figures drawn by the views) of a case with typed notes, an expansion, an investigator."""
    from main import main
    folder = tmp_path_factory.mktemp("court")
    case = folder / "case.itcase"
    shutil.copy(analysed_case_master, case)
    with CaseStore.open(case) as store:
        tables = store.tables()
        result = analyze(tables, tables.event(None), AnalysisParams(), store=store)
        linked = next(s.investor_id for s in result.kmeans.suspects if result.svn.index_of(s.investor_id) >= 0
                      and Networks.build(result.svn).by_correction[result.svn.correction].of(
                          result.svn.index_of(s.investor_id)).size)
        unlinked = next(s.investor_id for s in result.kmeans.suspects if result.svn.index_of(s.investor_id) < 0)
        for text in ("B", "Bought", "Bought early"):
            store.set_note(linked, text)
        store.save_exploration(result.event.event_id, result.svn.correction,
                               expand(Exploration(), linked, Networks.build(result.svn)).to_json())
        ring = next(g for g in result.svn.rings if g.size >= 3)
    pdf = folder / "p.pdf"
    assert main(["report", str(case), "--pdf", str(pdf), "--suspects", linked, unlinked, "--rings",
                 str(ring.cluster_id), "--investigator", "Jane Roe", "--role", "Senior investigator",
                 "--quiet"]) == 0
    reader = PdfReader(str(pdf))
    with CaseStore.open(case, read_only=True) as store:
        state_time = [e for e in store.audit_entries() if e.action != "export"][-1].time
    return {"pages": [p.extract_text() for p in reader.pages], "meta": reader.metadata, "linked": linked,
            "unlinked": unlinked, "ring": ring, "state_time": state_time, "result": result}


def _section(pages: list[str], start: str, end: str | None = None) -> str:
    """The body text from heading ``start`` to ``end`` (the contents' entries, followed by dot
    leaders, are skipped)."""
    text = "\n".join(pages)
    begin = next(m.start() for m in re.finditer(re.escape(start), text)
                 if ".  ." not in text[m.end():m.end() + 60])
    return text[begin:text.index(end, begin + len(start)) if end else None]


def test_no_p_value_in_exponent_form_and_every_exhibit_reference_resolves(court_packet: dict) -> None:
    text = "\n".join(court_packet["pages"])
    assert not re.search(r"1e-?\d+\.\d+", text)
    assert "× 10⁻" in text
    placed = [int(n) for n in re.findall(r"Exhibit E(\d+)\.", text)]
    assert placed == list(range(1, len(placed) + 1)) and len(placed) >= 6
    cited = {int(n) for group in re.findall(r"\(Exhibits? (E\d+(?:, E\d+)*)\)", text) for n in re.findall(r"E(\d+)", group)}
    cited |= {int(n) for n in re.findall(r"\(Exhibit E(\d+);", text)}
    assert cited and cited <= set(placed)
    front = "\n".join(court_packet["pages"][1:5])
    assert front.index("Contents") < front.index("Sign-off") < front.index("Exhibits") < front.index("E1 ")


def test_ring_page_lists_exactly_its_members_and_the_unlinked_suspect_says_so(court_packet: dict) -> None:
    ring = court_packet["ring"]
    page = _section(court_packet["pages"], f"Ring {ring.cluster_id} (rank {ring.rank})", "Options flow")
    listed = re.search(r"Members \((\d+)\): ([^\n]+(?:\n[0-9, ]+)*)", page)
    members = {m.strip() for m in listed.group(2).replace("\n", " ").split(",")}
    assert int(listed.group(1)) == ring.size and members == {str(m) for m in ring.member_ids}
    assert f"members of ring {ring.cluster_id}" in page
    unlinked = court_packet["unlinked"]
    suspect = _section(court_packet["pages"], f"Suspect {unlinked} (rank", "Validated network: insider rings")
    assert "No validated link" in suspect and f"neighbourhood of investor {unlinked}" not in suspect
    linked = _section(court_packet["pages"], f"Suspect {court_packet['linked']} (rank", "Suspect ")
    assert f"Validated neighbourhood of investor {court_packet['linked']}" in linked


def test_audit_table_is_words_sign_off_names_the_investigator_and_metadata_is_the_case_time(court_packet: dict) -> None:
    pages = court_packet["pages"]
    audit = _section(pages, "Audit trail\n", "Appendix: definitions")
    assert "{" not in audit and '":' not in audit and "sha256" not in audit
    assert f"edited the note on investor {court_packet['linked']} (3 saves)" in audit.replace("\n", " ")
    assert f"expanded investor {court_packet['linked']} (Bonferroni)" in audit.replace("\n", " ")
    signoff = pages[-1]
    assert "Sign-off" in signoff and "Jane Roe" in signoff and "Senior investigator" in signoff
    assert "Signature" in signoff and court_packet["state_time"][:10] in signoff
    assert "Jane Roe, Senior investigator" in pages[0]
    digits = re.sub(r"\D", "", court_packet["state_time"])[:14]
    assert court_packet["meta"]["/CreationDate"].startswith(f"D:{digits}")
    assert court_packet["meta"]["/Author"] == "Jane Roe"


def test_alert_reasons_are_printed_once(court_packet: dict) -> None:
    result = court_packet["result"]
    assert result.options.alerts
    found = 0
    for alert in result.options.alerts:
        text = _section(court_packet["pages"], f"Alert {alert.date.isoformat()}:", "\nAlert ").replace("\n", " ") \
            if alert is not result.options.alerts[-1] else \
            _section(court_packet["pages"], f"Alert {alert.date.isoformat()}:", "Notes\n").replace("\n", " ")
        squeezed = re.sub(r"\s+", "", text)
        for reason in alert.reasons:   # (a reason split by a page break is not found: at most once)
            count = squeezed.count(re.sub(r"\s+", "", reason))
            assert count <= 1, reason
            found += count
    assert found >= len(result.options.alerts)


def test_a_300_character_investor_id_prints(analysed_case: Path) -> None:
    with CaseStore.open(analysed_case) as store:
        result = analyze(store.tables(), store.tables().event(None), AnalysisParams(), store=store)
        long_id = "7" * 320
        first = dataclasses.replace(result.kmeans.suspects[0], investor_id=long_id)
        result = dataclasses.replace(result, kmeans=dataclasses.replace(result.kmeans, suspects=[first]))
        store.set_note(long_id, "x")
        pdf = build_packet(result, case_state(store, "case", result.event.event_id), {},
                           PacketRequest(suspects=(long_id,), rings=()))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert long_id[:60] in text


def test_a_long_note_prints_whole(analysed_case: Path) -> None:
    lines = [f"line {i:05d} of the note" for i in range(3000)]
    with CaseStore.open(analysed_case) as store:
        result = analyze(store.tables(), store.tables().event(None), AnalysisParams(), store=store)
        store.set_note(None, "\n".join(lines))
        pdf = build_packet(result, case_state(store, "case", result.event.event_id), {},
                           PacketRequest(suspects=(), rings=()))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert all(line in text for line in (lines[0], lines[1499], lines[-1]))
