"""The case's notes on their own, as Markdown or HTML: the case note first, then one section
per investor (text order), each stamped with the time it was last saved.

Markdown holds plain text (``engine.packet.case_state.note_plain_text``); HTML keeps the rich
text, sanitised (``engine.exports.note_html``). Empty notes are left out. No clock reading: the
same notes give the same bytes.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Sequence

from engine.exports.tables import write_export
from engine.exports.note_html import sanitise_note_html
from engine.packet.case_state import note_plain_text


def _ordered(notes: Sequence[Any]) -> list[Any]:
    """Non-empty notes: the case note, then investors in text order."""
    kept = [n for n in notes if note_plain_text(n.text)]
    return sorted(kept, key=lambda n: (n.investor_id is not None, n.investor_id or ""))


def _heading(note: Any) -> str:
    return "Case note" if note.investor_id is None else f"Investor {note.investor_id}"


def notes_markdown_bytes(notes: Sequence[Any], case_name: str) -> bytes:
    """Markdown: ``## Case note`` then ``## Investor notes`` with ``### Investor <id>`` sections."""
    ordered = _ordered(notes)
    lines = [f"# Notes of case {case_name}", ""]
    if not ordered:
        lines += ["No notes were recorded.", ""]
    investors_started = False
    for n in ordered:
        if n.investor_id is not None and not investors_started:
            lines += ["## Investor notes", ""]
            investors_started = True
        level = "##" if n.investor_id is None else "###"
        lines += [f"{level} {_heading(n)}", "", f"_Saved {n.updated_at}_", "", note_plain_text(n.text), ""]
    return "\n".join(lines).encode("utf-8")


def notes_html_bytes(notes: Sequence[Any], case_name: str) -> bytes:
    """A standalone HTML page (no script, no style) with the sanitised rich text of every note."""
    ordered = _ordered(notes)
    title = html.escape(f"Notes of case {case_name}")
    parts = ["<!DOCTYPE html>", '<html lang="en">', '<head><meta charset="utf-8">', f"<title>{title}</title></head>",
             "<body>", f"<h1>{title}</h1>"]
    if not ordered:
        parts.append("<p>No notes were recorded.</p>")
    investors_started = False
    for n in ordered:
        if n.investor_id is not None and not investors_started:
            parts.append("<h2>Investor notes</h2>")
            investors_started = True
        level = "h2" if n.investor_id is None else "h3"
        stamp = html.escape(n.updated_at, quote=True)
        parts += ['<section class="note">', f"<{level}>{html.escape(_heading(n))}</{level}>",
                  f'<p class="saved">Saved <time datetime="{stamp}">{stamp}</time></p>',
                  sanitise_note_html(n.text), "</section>"]
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts).encode("utf-8")


def export_notes_markdown(store: Any, path: Path, case_name: str | None = None) -> bytes:
    """Write the notes as Markdown and log the export."""
    notes = store.notes()
    data = notes_markdown_bytes(notes, case_name or Path(store.path).stem)
    return write_export(store, "notes_md", path, data, notes=len(_ordered(notes)))


def export_notes_html(store: Any, path: Path, case_name: str | None = None) -> bytes:
    """Write the notes as HTML and log the export."""
    notes = store.notes()
    data = notes_html_bytes(notes, case_name or Path(store.path).stem)
    return write_export(store, "notes_html", path, data, notes=len(_ordered(notes)))
