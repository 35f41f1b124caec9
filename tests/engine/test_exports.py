"""File exports: content read back equals the analysis, repeatable bytes, one audit entry per
export written after the file, sanitised HTML notes."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.errors import UsageError

from engine.case.store import CaseStore
from engine.exports.tables import (audit_csv_bytes, export_audit_csv, export_graphml, export_rings_csv,
                            export_suspects_csv, rings_csv_bytes, suspects_csv_bytes)
from engine.exports.note_html import sanitise_note_html
from engine.exports.notes import export_notes_html, export_notes_markdown, notes_html_bytes, notes_markdown_bytes
from engine.params import AnalysisParams
from engine.pipeline import analyze


@pytest.fixture()
def store(analysed_case: Path):
    with CaseStore.open(analysed_case) as s:
        yield s


def _result(store: CaseStore):
    tables = store.tables()
    return analyze(tables, tables.event(None), AnalysisParams(), store=store)


def _exports(store: CaseStore) -> list:
    return [e for e in store.audit_entries() if e.action == "export"]


def test_suspects_csv_reads_back_as_the_result(store: CaseStore, tmp_path: Path) -> None:
    result = _result(store)
    suspects = result.kmeans.suspects
    assert len(suspects) >= 3
    store.set_decision(suspects[1].investor_id, "refer", "bought, with a comma, before the bid")
    path = tmp_path / "suspects.csv"
    export_suspects_csv(store, result, path)
    frame = pd.read_csv(path, dtype={"investor_id": str, "decision": str, "decision_reason": str,
                                     "expected_profit": str, "directionality": str}, keep_default_na=False)
    assert list(frame["investor_id"]) == [s.investor_id for s in suspects]
    assert list(frame["rank"]) == [s.rank for s in suspects]
    assert np.array_equal(frame["score"].to_numpy(float), [s.score for s in suspects])
    assert np.array_equal(frame["shares"].to_numpy(float), [s.shares for s in suspects])
    for column in ("expected_profit", "directionality"):
        assert [None if v == "" else float(v) for v in frame[column]] == [getattr(s, column) for s in suspects]
    # in_ring: independent computation from the rings' members
    ringed = {str(m) for g in result.svn.rings if g.suspicious for m in g.member_ids}
    assert list(frame["in_ring"].astype(str).str.lower() == "true") == [s.investor_id in ringed for s in suspects]
    row = frame.set_index("investor_id").loc[suspects[1].investor_id]
    assert (row["decision"], row["decision_reason"]) == ("refer", "bought, with a comma, before the bid")
    assert set(frame["decision"]) == {"", "refer"}


def test_rings_csv_reads_back_as_the_result(store: CaseStore, tmp_path: Path) -> None:
    result = _result(store)
    rings = result.svn.rings
    assert rings, "the demo plants rings"
    path = tmp_path / "rings.csv"
    export_rings_csv(store, result, path)
    frame = pd.read_csv(path, dtype={"members": str})
    assert list(frame.columns) == ["rank", "cluster_id", "size", "R_C", "pi_C", "suspicious", "members"]
    assert list(frame["cluster_id"]) == [g.cluster_id for g in rings]
    assert list(frame["size"]) == [len(g.member_ids) for g in rings]
    assert [m.split(";") for m in frame["members"]] == [[str(m) for m in g.member_ids] for g in rings]
    assert np.allclose(frame["R_C"].to_numpy(float),
                       [np.nan if g.mean_directionality is None else g.mean_directionality for g in rings],
                       equal_nan=True, rtol=0, atol=0)
    assert list(frame["suspicious"]) == [g.suspicious for g in rings]


def test_each_export_is_logged_once_after_its_file_and_repeats_byte_for_byte(store: CaseStore, tmp_path: Path) -> None:
    result = _result(store)
    store.set_note(None, "Case note")
    writers = {
        "suspects_csv": lambda p: export_suspects_csv(store, result, p),
        "rings_csv": lambda p: export_rings_csv(store, result, p),
        "notes_md": lambda p: export_notes_markdown(store, p),
        "notes_html": lambda p: export_notes_html(store, p),
    }
    for kind, write in writers.items():
        before = len(store.audit_entries())
        first, second = tmp_path / f"{kind}.1", tmp_path / f"{kind}.2"
        write(first)
        entries = store.audit_entries()
        assert len(entries) == before + 1
        last = entries[-1]
        assert last.action == "export" and last.details["kind"] == kind
        assert last.details["file"] == first.name
        assert last.details["sha256"] == hashlib.sha256(first.read_bytes()).hexdigest()
        write(second)
        assert first.read_bytes() == second.read_bytes(), kind
    assert len(_exports(store)) == 2 * len(writers)


def test_export_entry_is_not_written_when_the_file_cannot_be(store: CaseStore, tmp_path: Path) -> None:
    result = _result(store)
    before = len(store.audit_entries())
    with pytest.raises(UsageError, match="the folder .*missing-folder does not exist"):
        export_suspects_csv(store, result, tmp_path / "missing-folder" / "s.csv")
    assert len(store.audit_entries()) == before


def test_audit_csv_lists_every_entry_including_exports(store: CaseStore, tmp_path: Path) -> None:
    store.set_note("X1", "first")
    first, second = tmp_path / "a1.csv", tmp_path / "a2.csv"
    export_audit_csv(store, first)
    export_audit_csv(store, second)
    entries = store.audit_entries()
    one = pd.read_csv(first, dtype=str, keep_default_na=False)
    two = pd.read_csv(second, dtype=str, keep_default_na=False)
    assert len(two) == len(one) + 1 and two.iloc[-1]["action"] == "export"
    assert json.loads(two.iloc[-1]["details"])["kind"] == "audit_csv"
    # the second file is the first plus the first export's entry, byte for byte
    assert second.read_bytes().startswith(first.read_bytes())
    assert list(two["hash"]) == [e.hash for e in entries[:-1]]
    assert [json.loads(d) for d in two["details"]] == [e.details for e in entries[:-1]]
    assert list(two["prev_hash"])[1:] == list(two["hash"])[:-1]
    assert audit_csv_bytes(entries[:-1]) == second.read_bytes()


def test_graphml_export_is_logged_with_the_file_hash(store: CaseStore, tmp_path: Path) -> None:
    result = _result(store)
    path = tmp_path / "net.graphml"
    nodes, edges = export_graphml(store, result, path)
    root = ET.parse(path).getroot()
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    assert len(root.findall(f"{ns}graph/{ns}node")) == nodes and len(root.findall(f"{ns}graph/{ns}edge")) == edges
    entry = store.audit_entries()[-1]
    assert entry.details["kind"] == "graphml"
    assert entry.details["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


class _Notes:
    """Stand-in notes as ``CaseStore.notes()`` returns them (a plain record)."""

    def __init__(self, investor_id, text, updated_at):
        self.investor_id, self.text, self.updated_at = investor_id, text, updated_at


QT_RICH = ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0//EN"><html><head><meta name="qrichtext" content="1" />'
           '<style type="text/css">p { color: red }</style></head><body style="font-size:9pt;">'
           '<p style="margin:0px;">Called the <span style=" font-weight:600;">broker</span> at 10:00'
           '<script>alert("x")</script></p><ul><li onclick="steal()">second &amp; third</li></ul></body></html>')


def test_notes_markdown_groups_and_time_stamps_every_note() -> None:
    notes = [_Notes("B2", "Bought <b>calls</b>", "2026-01-03T10:00:00.000000Z"),
             _Notes(None, QT_RICH, "2026-01-01T09:00:00.000000Z"),
             _Notes("A1", "Line one\nLine two", "2026-01-02T08:00:00.000000Z"),
             _Notes("C3", "   ", "2026-01-04T08:00:00.000000Z")]
    text = notes_markdown_bytes(notes, "demo").decode("utf-8")
    case_at, inv_at = text.index("## Case note"), text.index("## Investor notes")
    a_at, b_at = text.index("### Investor A1"), text.index("### Investor B2")
    assert case_at < inv_at < a_at < b_at
    for n in notes[:3]:
        assert f"_Saved {n.updated_at}_" in text
    assert "Called the broker at 10:00" in text and "Bought calls" in text and "Line one\nLine two" in text
    assert "alert" not in text and "<" not in text and "C3" not in text
    assert text.index("Line one") < b_at   # A1's text sits in A1's section


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(name for name, _ in attrs)


def test_notes_html_is_sanitised_and_keeps_emphasis() -> None:
    hostile = ('<p>ok</p><script>document.write(1)</script><img src=x onerror="alert(1)">'
               '<a href="javascript:alert(2)">link</a><a href="https://example.org/a?b=1&c=2">ref</a>'
               '<style>body{}</style><ul><li>unclosed')
    notes = [_Notes(None, QT_RICH, "2026-01-01T09:00:00Z"), _Notes("Z9", hostile, "2026-01-05T09:00:00Z"),
             _Notes("A1", "a < b & c\n\nnext", "2026-01-02T09:00:00Z")]
    page = notes_html_bytes(notes, "demo <case>").decode("utf-8")
    parser = _Tags()
    parser.feed(page)
    assert not {"script", "style", "img", "iframe"} & set(parser.tags)
    assert not [a for a in parser.attrs if a.startswith("on") or a == "style"]
    assert "javascript" not in page and "alert" not in page and "document.write" not in page
    assert '<a href="https://example.org/a?b=1&amp;c=2">ref</a>' in page
    assert "Called the <strong>broker</strong> at 10:00" in page
    assert "<li>second &amp; third</li>" in page
    assert "<p>a &lt; b &amp; c</p><p>next</p>" in page
    assert "demo &lt;case&gt;" in page
    for n in notes:
        assert f'<time datetime="{n.updated_at}">' in page
    assert page.index("Case note") < page.index("Investor A1") < page.index("Investor Z9")
    # every element closed: the sanitised note is well-formed XML
    ET.fromstring("<div>" + sanitise_note_html(hostile) + "</div>")
    ET.fromstring("<div>" + sanitise_note_html(QT_RICH) + "</div>")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_never_start_a_formula_from_user_text(start: str) -> None:
    """Issue 18 item 4: a decision reason such as =HYPERLINK(...) is written as text."""
    from engine.exports.network import _csv_field
    from engine.exports.tables import csv_bytes
    text = f"{start}HYPERLINK(\"http://x\",\"click\")"
    rows = list(csv.reader(io.StringIO(csv_bytes(["reason", "n", "x"], [(text, -3, -2.5)]).decode())))
    assert rows[1] == ["'" + text, "-3", "-2.5"]  # numbers stay numbers
    assert _csv_field(f"{start}1").lstrip('"').startswith("'")


def test_suspects_csv_neutralises_a_formula_in_a_decision_reason(store: CaseStore, tmp_path: Path) -> None:
    result = _result(store)
    store.set_decision(result.kmeans.suspects[0].investor_id, "refer", '=HYPERLINK("http://evil","ok")')
    path = tmp_path / "s.csv"
    export_suspects_csv(store, result, path)
    reason = list(csv.DictReader(path.open(encoding="utf-8")))[0]["decision_reason"]
    assert reason == "'=HYPERLINK(\"http://evil\",\"ok\")"
    assert (tmp_path / "s.head.txt").read_text().startswith(f"case: {Path(store.path).name}\n")
