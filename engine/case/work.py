"""The investigator's work kept in a case: notes, tags, decisions, suspect list, network
explorations, cached results, settings and the alert workflow.

Every change is one SQLite transaction that also appends its audit entry, so the log and
the work can never disagree. Each entry carries the content hash of the row it wrote
(engine/case/coverage.py), so ``verify`` finds any row changed outside the workbench, settings
included. Notes are logged with the SHA-256 of their new text (the text itself is in
``notes``). Re-adding an existing tag or suspect, or removing an absent one, changes nothing
and logs nothing.

Alert workflow (METHOD.md §3; an alert is identified by event and date, so its status
survives a re-analysis). An alert without a stored status is ``NEW``. Allowed moves:
``NEW`` -> ``REVIEWING`` | ``ESCALATED`` | ``CLOSED``; ``REVIEWING`` -> ``ESCALATED`` |
``CLOSED``; ``ESCALATED`` -> ``CLOSED``; ``CLOSED`` -> ``REVIEWING`` (re-opening). Every
move names an owner; closing and re-opening need a reason.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from engine.case import audit, coverage
from engine.errors import CaseFileError, UsageError

DECISIONS: tuple[str, ...] = ("cleared", "watch", "refer")
ALERT_STATUSES: tuple[str, ...] = ("NEW", "REVIEWING", "ESCALATED", "CLOSED")
ALERT_TRANSITIONS: dict[str, frozenset[str]] = {
    "NEW": frozenset({"REVIEWING", "ESCALATED", "CLOSED"}),
    "REVIEWING": frozenset({"ESCALATED", "CLOSED"}),
    "ESCALATED": frozenset({"CLOSED"}),
    "CLOSED": frozenset({"REVIEWING"}),
}
_CASE_NOTE_KEY = ""  # notes.investor_id of the case-level note


@dataclass(frozen=True)
class Note:
    """A note on an investor (``investor_id=None``: on the whole case); text is rich text (HTML)."""

    investor_id: str | None
    text: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Decision:
    """The investigator's decision on an investor, with the stated reason."""

    investor_id: str
    decision: str
    reason: str
    user: str
    decided_at: str


@dataclass(frozen=True)
class AlertState:
    """The workflow status of one options alert."""

    event_id: str
    date: str
    status: str
    owner: str
    reason: str
    updated_at: str


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _required(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{what} must not be empty")
    return value


class CaseWork:
    """Mixin for ``CaseStore``: the host provides ``_conn`` and the ``_write()`` transaction."""

    _conn: sqlite3.Connection
    _write: Callable[..., AbstractContextManager[sqlite3.Connection]]  # (durable: bool = True)

    def _change(self, action: str, details: dict[str, Any], sql: str, params: tuple[Any, ...],
                row: tuple[str, tuple[Any, ...]], durable: bool = True) -> None:
        """Run one statement on the ``row`` (table, key) and log it with the row's new content
        hash, in one transaction."""
        with self._write(durable) as conn:
            conn.execute(sql, params)
            audit.append(conn, action, {**details, **coverage.record(conn, *row)})

    # -- notes ---------------------------------------------------------------------------
    def set_note(self, investor_id: str | None, text: str) -> None:
        """Save a note as typed (insert or update); logs the new text's SHA-256."""
        key = _CASE_NOTE_KEY if investor_id is None else _required(investor_id, "investor id")
        now = audit.utc_now()
        self._change("note", {"investor_id": investor_id, "sha256": _sha256(text), "length": len(text)},
                     "INSERT INTO notes (investor_id, text, created_at, updated_at) VALUES (?, ?, ?, ?)"
                     " ON CONFLICT (investor_id) DO UPDATE SET text = excluded.text,"
                     " updated_at = excluded.updated_at", (key, text, now, now), ("notes", (key,)), durable=False)

    def note(self, investor_id: str | None) -> Note | None:
        key = _CASE_NOTE_KEY if investor_id is None else investor_id
        row = self._conn.execute("SELECT investor_id, text, created_at, updated_at FROM notes"
                                 " WHERE investor_id = ?", (key,)).fetchone()
        return _note(row) if row else None

    def notes(self) -> list[Note]:
        """Every note, the case-level note first, then by investor id."""
        rows = self._conn.execute("SELECT investor_id, text, created_at, updated_at FROM notes ORDER BY investor_id")
        return [_note(row) for row in rows]

    # -- tags ----------------------------------------------------------------------------
    def add_tag(self, investor_id: str, tag: str) -> None:
        _required(investor_id, "investor id")
        tag = _required(tag, "tag").strip()
        if tag in self.tags(investor_id).get(investor_id, []):
            return
        self._change("tag_added", {"investor_id": investor_id, "tag": tag},
                     "INSERT INTO tags (investor_id, tag, added_at) VALUES (?, ?, ?)",
                     (investor_id, tag, audit.utc_now()), ("tags", (investor_id, tag)))

    def remove_tag(self, investor_id: str, tag: str) -> None:
        tag = tag.strip()
        if tag not in self.tags(investor_id).get(investor_id, []):
            return
        self._change("tag_removed", {"investor_id": investor_id, "tag": tag},
                     "DELETE FROM tags WHERE investor_id = ? AND tag = ?", (investor_id, tag),
                     ("tags", (investor_id, tag)))

    def tags(self, investor_id: str | None = None) -> dict[str, list[str]]:
        """Investor id -> sorted tags (only investors with tags; one investor when given)."""
        sql = "SELECT investor_id, tag FROM tags"
        rows = (self._conn.execute(sql + " WHERE investor_id = ? ORDER BY tag", (investor_id,))
                if investor_id is not None else self._conn.execute(sql + " ORDER BY investor_id, tag"))
        out: dict[str, list[str]] = {}
        for inv, tag in rows:
            out.setdefault(inv, []).append(tag)
        return out

    # -- decisions -----------------------------------------------------------------------
    def set_decision(self, investor_id: str, decision: str, reason: str) -> None:
        """Record cleared / watch / refer with a non-empty reason (replaces an earlier one)."""
        _required(investor_id, "investor id")
        if decision not in DECISIONS:
            raise UsageError(f"unknown decision {decision!r}; use one of {', '.join(DECISIONS)}")
        _required(reason, "the reason for a decision")
        self._change("decision", {"investor_id": investor_id, "decision": decision, "reason": reason},
                     "INSERT OR REPLACE INTO decisions (investor_id, decision, reason, user, decided_at)"
                     " VALUES (?, ?, ?, ?, ?)",
                     (investor_id, decision, reason, audit.current_user(), audit.utc_now()),
                     ("decisions", (investor_id,)))

    def decision(self, investor_id: str) -> Decision | None:
        return self.decisions().get(investor_id)

    def decisions(self) -> dict[str, Decision]:
        rows = self._conn.execute("SELECT investor_id, decision, reason, user, decided_at FROM decisions"
                                  " ORDER BY investor_id")
        return {row[0]: Decision(*row) for row in rows}

    # -- suspect list --------------------------------------------------------------------
    def add_suspect(self, investor_id: str) -> None:
        _required(investor_id, "investor id")
        if investor_id in self.suspect_list():
            return
        self._change("suspect_added", {"investor_id": investor_id},
                     "INSERT INTO suspects (investor_id, added_at) VALUES (?, ?)", (investor_id, audit.utc_now()),
                     ("suspects", (investor_id,)))

    def remove_suspect(self, investor_id: str) -> None:
        if investor_id not in self.suspect_list():
            return
        self._change("suspect_removed", {"investor_id": investor_id},
                     "DELETE FROM suspects WHERE investor_id = ?", (investor_id,), ("suspects", (investor_id,)))

    def suspect_list(self) -> list[str]:
        """Suspects in the order they were added."""
        return [row[0] for row in self._conn.execute("SELECT investor_id FROM suspects ORDER BY position")]

    # -- network exploration -------------------------------------------------------------
    def save_exploration(self, event_id: str, correction: str, state_json: str) -> None:
        """Store the exploration of the network for (event, correction); logs its SHA-256."""
        state = json.loads(state_json)  # refuse text that is not JSON before it reaches the case
        before = json.loads(self.load_exploration(event_id, correction) or "{}")
        self._change("exploration", {"event_id": event_id, "correction": correction,
                                     "sha256": _sha256(state_json), **_exploration_change(before, state)},
                     "INSERT OR REPLACE INTO explorations (event_id, correction, state_json, updated_at)"
                     " VALUES (?, ?, ?, ?)", (event_id, correction, state_json, audit.utc_now()),
                     ("explorations", (event_id, correction)))

    def load_exploration(self, event_id: str, correction: str) -> str | None:
        row = self._conn.execute("SELECT state_json FROM explorations WHERE event_id = ? AND correction = ?",
                                 (event_id, correction)).fetchone()
        return row[0] if row else None

    # -- cached analysis results ---------------------------------------------------------
    def put_result(self, key: str, payload: bytes, summary: dict[str, Any]) -> None:
        """Cache an analysis result (``engine.serialize.dumps`` bytes); logs key and summary."""
        self._change("analysis", {"key": key, "summary": summary, "sha256": hashlib.sha256(payload).hexdigest()},
                     "INSERT OR REPLACE INTO results (key, payload, summary, created_at) VALUES (?, ?, ?, ?)",
                     (key, sqlite3.Binary(payload), audit.canonical_json(summary), audit.utc_now()),
                     ("results", (key,)))

    def has_result(self, key: str) -> bool:
        """Whether a result is cached under ``key`` (nothing of it is read)."""
        return self._conn.execute("SELECT 1 FROM results WHERE key = ?", (key,)).fetchone() is not None

    def get_result(self, key: str) -> bytes | None:
        """The cached result stored under ``key``, after checking it against its audit entry:
        ``CaseFileError`` when it was changed outside the workbench (never served)."""
        row = self._conn.execute("SELECT payload FROM results WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        problem = coverage.checked_row(self._conn, audit.read_entries(self._conn), "results", (key,))
        if problem:
            raise CaseFileError(f"{problem}: the cached analysis is not used; run `verify` on the case")
        return bytes(row[0])

    # -- settings (e.g. the parameters last used; logged and covered like any work) ------
    def set_setting(self, key: str, value_json: str) -> None:
        json.loads(value_json)
        if self.get_setting(key) == value_json:
            return
        self._change("setting", {"key": key, "sha256": _sha256(value_json)},
                     "INSERT OR REPLACE INTO settings (key, value_json) VALUES (?, ?)", (key, value_json),
                     ("settings", (key,)))

    def get_setting(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value_json FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # -- alert workflow ------------------------------------------------------------------
    def alert_status(self, event_id: str, date: str) -> AlertState | None:
        """The stored state; ``None`` means the alert is still ``NEW``."""
        states = self._alert_rows(" WHERE event_id = ? AND date = ?", (event_id, date))
        return states[0] if states else None

    def alert_states(self, event_id: str | None = None) -> list[AlertState]:
        """Stored alert states by event and date."""
        if event_id is None:
            return self._alert_rows("", ())
        return self._alert_rows(" WHERE event_id = ?", (event_id,))

    def set_alert_status(self, event_id: str, date: str, status: str, owner: str, reason: str = "") -> None:
        """Move an alert along the workflow; invalid moves and missing reasons are refused."""
        try:
            date = dt.date.fromisoformat(date).isoformat()
        except (TypeError, ValueError) as exc:
            raise UsageError(f"alert date {date!r} is not an ISO date (YYYY-MM-DD)") from exc
        _required(owner, "the alert owner")
        current = self.alert_status(event_id, date)
        old = current.status if current else "NEW"
        if status not in ALERT_TRANSITIONS.get(old, frozenset()):
            allowed = ", ".join(sorted(ALERT_TRANSITIONS.get(old, ()))) or "none"
            raise UsageError(f"alert {event_id} {date}: cannot move from {old} to {status} (allowed: {allowed})")
        if status == "CLOSED" or old == "CLOSED":
            _required(reason, "the reason for closing or re-opening an alert")
        self._change("alert_status", {"event_id": event_id, "date": date, "from": old, "to": status,
                                      "owner": owner, "reason": reason},
                     "INSERT OR REPLACE INTO alerts (event_id, date, status, owner, reason, updated_at)"
                     " VALUES (?, ?, ?, ?, ?, ?)", (event_id, date, status, owner, reason, audit.utc_now()),
                     ("alerts", (event_id, date)))

    def _alert_rows(self, where: str, params: tuple[Any, ...]) -> list[AlertState]:
        rows = self._conn.execute("SELECT event_id, date, status, owner, reason, updated_at FROM alerts"
                                  + where + " ORDER BY event_id, date", params)
        return [AlertState(*row) for row in rows]


def _exploration_change(before: Any, after: Any) -> dict[str, Any]:
    """What an exploration save did, for the audit trail: the investors newly expanded, or a reset."""
    old = list(before.get("expanded", ())) if isinstance(before, dict) else []
    new = list(after.get("expanded", ())) if isinstance(after, dict) else []
    added = [n for n in new if n not in old]
    if added:
        return {"expanded": added}
    return {"reset": True} if old and not new else {}


def _note(row: tuple[str, str, str, str]) -> Note:
    investor_id, text, created_at, updated_at = row
    return Note(None if investor_id == _CASE_NOTE_KEY else investor_id, text, created_at, updated_at)

