"""The case as it stood when an export began: the investigator's work and the audit trail.

The packet shows this snapshot only. Export entries of the audit log are left out of the
snapshot, and the cover's chain hash is the hash of the last non-export entry, so exporting
twice from the same state gives the same bytes.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from engine.case.annotations import Annotation, annotations_from_document, annotations_key

EXPORT_ACTIONS = frozenset({"export"})

#: case setting holding the investigator who signs the packet: {"name": ..., "role": ...}
INVESTIGATOR_SETTING = "investigator"


@dataclass(frozen=True)
class NoteText:
    """A note as plain text, for print."""

    investor_id: str | None
    text: str
    updated_at: str


@dataclass(frozen=True)
class AuditLine:
    """One audit entry as the packet reads it (the details as stored, turned into words by
    ``engine.packet.audit_text``)."""

    seq: int
    time: str
    user: str
    action: str
    details: dict[str, Any]
    hash: str


@dataclass(frozen=True)
class CaseState:
    """Everything the packet prints that is not an analysis result."""

    case_name: str
    file_hashes: dict[str, str]
    file_names: dict[str, str]
    notes: list[NoteText]
    decisions: dict[str, tuple[str, str, str]]   # investor -> (decision, reason, time)
    tags: dict[str, list[str]]
    alert_states: dict[str, tuple[str, str, str]]  # date -> (status, owner, reason)
    audit: list[AuditLine]                        # non-export entries, chronological
    investigator: str                             # name from the case settings ("" when not set)
    role: str                                     # role from the case settings ("" when not set)
    state_time: str                               # time of the last non-export entry
    chain_hash: str                               # hash of the last non-export entry
    annotations: tuple[Annotation, ...] = ()      # link-chart annotations of the event


class _TextExtractor(HTMLParser):
    """Collects the text of rich-text (HTML) notes, one line per block element."""

    _BLOCKS = {"p", "br", "div", "li", "h1", "h2", "h3", "h4", "tr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("style", "script", "head"):
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def note_plain_text(text: str) -> str:
    """Plain text of a note that may be HTML (as the rich-text editor saves it)."""
    if "<" not in text:
        return text.strip()
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    joined = "".join(parser.parts)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in joined.splitlines()]
    return "\n".join(line for line in lines if line)


def investigator_of(store: Any) -> tuple[str, str]:
    """(name, role) of the investigator recorded in the case settings; ("", "") when not set."""
    raw = store.get_setting(INVESTIGATOR_SETTING)
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        value = {}
    if not isinstance(value, dict):
        return "", ""
    return str(value.get("name") or "").strip(), str(value.get("role") or "").strip()


def set_investigator(store: Any, name: str, role: str) -> None:
    """Record who signs the case's packets (case settings, so every export of the case agrees)."""
    store.set_setting(INVESTIGATOR_SETTING, json.dumps({"name": name.strip(), "role": role.strip()},
                                                       sort_keys=True))


def case_state(store: Any, case_name: str, event_id: str) -> CaseState:
    """Snapshot the case for the packet (a ``CaseStore`` open on the GUI or CLI thread)."""
    entries = [e for e in store.audit_entries() if e.action not in EXPORT_ACTIONS]
    last = entries[-1] if entries else None
    notes = [NoteText(n.investor_id, note_plain_text(n.text), n.updated_at)
             for n in store.notes() if note_plain_text(n.text)]
    notes.sort(key=lambda n: (n.investor_id is not None, n.investor_id or "", n.updated_at))
    decisions = {inv: (d.decision, d.reason, d.decided_at) for inv, d in sorted(store.decisions().items())}
    alerts = {a.date: (a.status, a.owner, a.reason) for a in store.alert_states(event_id)}
    name, role = investigator_of(store)
    return CaseState(
        case_name=case_name, file_hashes=dict(store.file_hashes()), file_names=dict(store.file_names()),
        notes=notes, decisions=decisions, tags={k: sorted(v) for k, v in sorted(store.tags().items())},
        alert_states=alerts,
        audit=[AuditLine(e.seq, e.time, e.user, e.action, e.details if isinstance(e.details, dict) else {}, e.hash)
               for e in entries],
        investigator=name, role=role, state_time=last.time if last else "",
        chain_hash=last.hash if last else "",
        annotations=annotations_from_document(store.document(annotations_key(event_id))))


def escape(text: Any) -> str:
    """Text made safe for ReportLab's paragraph mark-up."""
    return html.escape(str(text), quote=False).replace("\n", "<br/>")
