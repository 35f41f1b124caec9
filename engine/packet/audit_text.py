"""The audit trail as a reader's table: who, when, what, in words.

Each stored entry (hash-chained JSON in the case file) becomes one sentence such as
"expanded investor 0123 (Bonferroni)"; consecutive saves of the same note by the same person
fold into one row with their count, so typing a note does not fill a page. No raw JSON and no
hashes are printed: the chain's integrity is stated once, with its head hash, on the cover.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from engine.packet.numbers import number

_CORRECTIONS = {"bonferroni": "Bonferroni", "fdr": "FDR"}


@dataclass(frozen=True)
class AuditRow:
    """One printed row of the audit table (``count`` > 1 for folded note saves)."""

    first_time: str
    last_time: str
    user: str
    what: str
    count: int = 1


def _investor(details: dict[str, Any]) -> str:
    inv = details.get("investor_id")
    return "the case" if inv is None else f"investor {inv}"


def _plain(value: Any) -> str:
    """A detail value in words: lists joined, mappings as "key value" pairs, never JSON."""
    if isinstance(value, dict):
        return "; ".join(f"{k} {_plain(v)}" for k, v in sorted(value.items()))
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value)
    return number(value)


def _import(d: dict[str, Any]) -> str:
    rows = d.get("rows") or {}
    counts = ", ".join(f"{name} {number(n)}" for name, n in sorted(rows.items())) if isinstance(rows, dict) else ""
    return f"imported the data ({counts} rows)" if counts else "imported the data"


def _note(d: dict[str, Any]) -> str:
    inv = d.get("investor_id")
    return "edited the case note" if inv is None else f"edited the note on investor {inv}"


def _exploration(d: dict[str, Any]) -> str:
    corr = _CORRECTIONS.get(str(d.get("correction", "")), str(d.get("correction", "")))
    expanded, removed = d.get("expanded") or [], d.get("removed") or []
    if expanded:
        return f"expanded investor{'s' if len(expanded) > 1 else ''} {', '.join(expanded)} ({corr})"
    if d.get("reset") or removed:
        return f"reset the network exploration ({corr})"
    return f"changed the network exploration ({corr})"


def _analysis(d: dict[str, Any]) -> str:
    s = d.get("summary") or {}
    return (f"analysed event {s.get('event_id', '?')}: {number(s.get('suspects'))} suspects, "
            f"{number(s.get('clusters'))} clusters (software {s.get('software_version', '?')})")


def _alert(d: dict[str, Any]) -> str:
    text = (f"set the options alert of {d.get('date')} (event {d.get('event_id')}) from "
            f"{d.get('from') or 'NEW'} to {d.get('to')}")
    owner, reason = d.get("owner"), d.get("reason")
    return text + (f", owner {owner}" if owner else "") + (f": {reason}" if reason else "")


def _export(d: dict[str, Any]) -> str:
    return f"exported the {d.get('kind', 'file')} {d.get('file', '')}".rstrip()


_SENTENCES: dict[str, Callable[[dict[str, Any]], str]] = {
    "import": _import,
    "note": _note,
    "tag_added": lambda d: f"tagged {_investor(d)} “{d.get('tag')}”",
    "tag_removed": lambda d: f"removed the tag “{d.get('tag')}” from {_investor(d)}",
    "decision": lambda d: f"decided “{d.get('decision')}” for {_investor(d)}: {d.get('reason', '')}".rstrip(": "),
    "suspect_added": lambda d: f"added {_investor(d)} to the suspect list",
    "suspect_removed": lambda d: f"removed {_investor(d)} from the suspect list",
    "exploration": _exploration,
    "analysis": _analysis,
    "alert_status": _alert,
    "export": _export,
    "setting": lambda d: f"saved the case setting “{d.get('key')}”",
    "coverage_baseline": lambda d: "recorded the content hashes of the existing case work (schema upgrade)",
}


def describe(action: str, details: Any) -> str:
    """One audit entry in words."""
    d = details if isinstance(details, dict) else {}
    sentence = _SENTENCES.get(action)
    if sentence is not None:
        return sentence(d)
    shown = {k: v for k, v in d.items() if k not in ("sha256", "parameters", "row_table", "row_key", "row_sha256")}
    return f"{action.replace('_', ' ')}" + (f" ({_plain(shown)})" if shown else "")


def audit_rows(entries: Iterable[Any]) -> list[AuditRow]:
    """Entries (with ``time``, ``user``, ``action``, ``details``) as rows; consecutive saves of
    one note by one person are folded into one row."""
    rows: list[AuditRow] = []
    for e in entries:
        what = describe(e.action, e.details)
        last = rows[-1] if rows else None
        if (e.action == "note" and last is not None and last.user == e.user and last.what == what):
            rows[-1] = AuditRow(last.first_time, e.time, e.user, what, last.count + 1)
        else:
            rows.append(AuditRow(e.time, e.time, e.user, what))
    return rows
