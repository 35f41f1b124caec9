"""The append-only, hash-chained audit log of a case: who did what, and when.

Entry ``n`` (``seq`` 1, 2, ...) stores ``time`` (UTC, ISO 8601 with ``Z``), ``user`` (the
OS account), ``action``, ``details`` (canonical JSON: sorted keys, no spaces, UTF-8),
``prev_hash`` (entry ``n-1``'s hash; 64 zeros for the first) and

    hash = SHA-256( prev_hash + canonical_json({"action", "details", "seq", "time", "user"}) )

as lower-case hex over the UTF-8 bytes. Editing, deleting or reordering entries breaks the
chain; the last entry's seq and hash are also kept in ``meta.audit_head`` (written in the
same transaction), so removing entries from the end is detected too. Anyone able to
rewrite the whole file can rebuild a chain: the chain hash printed in a report or packet
anchors the log from outside the file.
"""
from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64
_HEAD_KEY = "audit_head"


@dataclass(frozen=True)
class AuditEntry:
    """One audit log entry as stored."""

    seq: int
    time: str
    user: str
    action: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, non-ASCII kept: equal values give equal text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def utc_now() -> str:
    """Now, UTC, ISO 8601 with microseconds and ``Z``."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def current_user() -> str:
    """The OS account running the workbench."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers and services)
        return "unknown"


def entry_hash(prev_hash: str, seq: int, time: str, user: str, action: str, details: dict[str, Any]) -> str:
    """The chained hash of one entry."""
    body = canonical_json({"action": action, "details": details, "seq": seq, "time": time, "user": user})
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def append(conn: sqlite3.Connection, action: str, details: dict[str, Any]) -> AuditEntry:
    """Append an entry; the caller holds the write transaction of the change it records."""
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS_HASH)
    details = json.loads(canonical_json(details))  # plain JSON types, as a reader gets them back
    entry = AuditEntry(seq, utc_now(), current_user(), action, details, prev, "")
    digest = entry_hash(prev, seq, entry.time, entry.user, action, details)
    conn.execute("INSERT INTO audit (seq, time, user, action, details, prev_hash, hash)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (seq, entry.time, entry.user, action, canonical_json(details), prev, digest))
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (_HEAD_KEY, f"{seq} {digest}"))
    return AuditEntry(seq, entry.time, entry.user, action, details, prev, digest)


def _parse_details(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


_SELECT = "SELECT seq, time, user, action, details, prev_hash, hash FROM audit ORDER BY seq"


def _entry(row: tuple[Any, ...]) -> AuditEntry:
    seq, time, user, action, details, prev, digest = row
    return AuditEntry(seq, time, user, action, _parse_details(details) or {}, prev, digest)


def read_entries(conn: sqlite3.Connection) -> list[AuditEntry]:
    """Every entry in seq order (unreadable details come back as ``{}``; ``check_chain`` flags them)."""
    return [_entry(row) for row in conn.execute(_SELECT)]


def check_chain(conn: sqlite3.Connection) -> tuple[list[str], list[AuditEntry]]:
    """Problems found in the chain (empty when intact) and the entries read."""
    problems: list[str] = []
    rows = conn.execute(_SELECT).fetchall()
    prev = GENESIS_HASH
    for position, (seq, time, user, action, details_text, prev_hash, digest) in enumerate(rows, start=1):
        details = _parse_details(details_text)
        if seq != position:
            problems.append(f"audit entry {position} is missing (the next entry found is {seq})")
        if prev_hash != prev:
            problems.append(f"audit entry {seq} does not follow the entry before it (entries deleted or reordered)")
        if details is None or entry_hash(prev_hash, seq, time, user, action, details) != digest:
            problems.append(f"audit entry {seq} ({action}) was altered: its hash does not match its content")
        prev = digest
    head = conn.execute("SELECT value FROM meta WHERE key = ?", (_HEAD_KEY,)).fetchone()
    last = f"{rows[-1][0]} {rows[-1][6]}" if rows else None
    if head is None or head[0] != last:
        recorded = head[0].split(" ")[0] if head else "none"
        problems.append(f"the audit log ends at entry {rows[-1][0] if rows else 'none'} but the case "
                        f"recorded entry {recorded} as the last (entries removed from the end?)")
    if not rows or rows[0][3] != "import":
        problems.append("the audit log does not start with the import entry")
    return problems, [_entry(row) for row in rows]
