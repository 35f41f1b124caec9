"""The investigator's work covered by the audit chain: every row of every work table has its
content hash in the audit entry of the change that wrote it (issue 18 items 1-2).

A change of a work row appends ``{"row_table", "row_key", "row_sha256"}`` to its entry's details:
the SHA-256 of the canonical JSON of the whole row as stored after the change (every column
by name; a BLOB by its own SHA-256), or ``null`` when the change deleted it. Replaying the
chain gives, for every key, the hash its row must have now; ``problems`` compares that with the
tables, so a row edited, added or deleted outside the workbench is found, and so is a removed
last entry whose change is still in the tables. The schema-2 upgrade of an older case records
one ``coverage_baseline`` entry attesting the rows that existed before coverage began.
"""
from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from engine.case.audit import AuditEntry, canonical_json

#: Work table -> the columns that identify one of its rows.
WORK_TABLES: dict[str, tuple[str, ...]] = {
    "notes": ("investor_id",),
    "tags": ("investor_id", "tag"),
    "decisions": ("investor_id",),
    "suspects": ("investor_id",),
    "explorations": ("event_id", "correction"),
    "results": ("key",),
    "settings": ("key",),
    "alerts": ("event_id", "date"),
}
BASELINE_ACTION = "coverage_baseline"

Key = tuple[str, tuple[Any, ...]]


def _value(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"blob_sha256": hashlib.sha256(bytes(value)).hexdigest()}
    return value


def _row_digest(columns: Sequence[str], row: Sequence[Any]) -> str:
    body = canonical_json({name: _value(v) for name, v in zip(columns, row)})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _select(conn: sqlite3.Connection, table: str, where: str = "", params: Sequence[Any] = ()) -> tuple[list[str], list[Any]]:
    cursor = conn.execute(f"SELECT * FROM {table}{where}", tuple(params))  # table names from WORK_TABLES only
    return [d[0] for d in cursor.description], cursor.fetchall()


def row_hash(conn: sqlite3.Connection, table: str, key: Sequence[Any]) -> str | None:
    """The content hash of the row of ``table`` with ``key`` as stored now (None when absent)."""
    where = " WHERE " + " AND ".join(f"{c} = ?" for c in WORK_TABLES[table])
    columns, rows = _select(conn, table, where, key)
    return _row_digest(columns, rows[0]) if rows else None


def record(conn: sqlite3.Connection, table: str, key: Sequence[Any]) -> dict[str, Any]:
    """The details that cover the row just written (inside the change's transaction)."""
    return {"row_table": table, "row_key": list(key), "row_sha256": row_hash(conn, table, key)}


def current_rows(conn: sqlite3.Connection) -> dict[Key, str]:
    """Every work row as stored now: (table, key) -> content hash."""
    out: dict[Key, str] = {}
    for table, key_columns in WORK_TABLES.items():
        columns, rows = _select(conn, table)
        positions = [columns.index(c) for c in key_columns]
        for row in rows:
            out[(table, tuple(row[p] for p in positions))] = _row_digest(columns, row)
    return out


def baseline_details(conn: sqlite3.Connection) -> dict[str, Any]:
    """The ``coverage_baseline`` entry's details: every row present, by table, with its hash."""
    rows: dict[str, list[list[Any]]] = {t: [] for t in WORK_TABLES}
    for (table, key), digest in sorted(current_rows(conn).items(), key=_order):
        rows[table].append([list(key), digest])
    return {"rows": rows}


def expected_rows(entries: Iterable[AuditEntry]) -> dict[Key, tuple[str | None, int]]:
    """Replay of the chain: (table, key) -> (the hash its row must have, None = absent; entry seq)."""
    out: dict[Key, tuple[str | None, int]] = {}
    for entry in entries:
        details = entry.details
        if entry.action == BASELINE_ACTION:
            for table, rows in (details.get("rows") or {}).items():
                for key, digest in rows:
                    out[(table, tuple(key))] = (digest, entry.seq)
        elif isinstance(details.get("row_table"), str) and isinstance(details.get("row_key"), list):
            out[(details["row_table"], tuple(details["row_key"]))] = (details.get("row_sha256"), entry.seq)
    return out


def _order(item: tuple[Key, Any]) -> tuple[str, str]:
    """Rows in a fixed order: by table, then key as canonical JSON."""
    return item[0][0], canonical_json(item[0][1])


def _name(table: str, key: tuple[Any, ...]) -> str:
    shown = ", ".join(repr(k) for k in key)
    return f"{table} row ({shown})"


def problems(conn: sqlite3.Connection, entries: Sequence[AuditEntry]) -> list[str]:
    """Work rows that differ from what the audit chain recorded (empty when every row agrees)."""
    expected = expected_rows(entries)
    actual = current_rows(conn)
    found: list[str] = []
    for (table, key), have in sorted(actual.items(), key=_order):
        want = expected.get((table, key))
        if want is None or want[0] is None:
            found.append(f"the {_name(table, key)} is in the case but no audit entry wrote it "
                         "(added outside the workbench, or its entry was removed)")
        elif want[0] != have:
            found.append(f"the {_name(table, key)} differs from what audit entry {want[1]} recorded "
                         "(changed outside the workbench)")
    for (table, key), (digest, seq) in sorted(expected.items(), key=_order):
        if digest is not None and (table, key) not in actual:
            found.append(f"the {_name(table, key)} recorded by audit entry {seq} is missing from the case "
                         "(deleted outside the workbench)")
    return found


def checked_row(conn: sqlite3.Connection, entries: Sequence[AuditEntry], table: str, key: Sequence[Any]) -> str | None:
    """Why the row of ``table`` with ``key`` does not match its audit entry, or None when it does."""
    want = expected_rows(entries).get((table, tuple(key)))
    have = row_hash(conn, table, key)
    if have is None:
        return None
    if want is None or want[0] is None:
        return f"the {_name(table, tuple(key))} has no audit entry (added outside the workbench)"
    if want[0] != have:
        return f"the {_name(table, tuple(key))} differs from what audit entry {want[1]} recorded"
    return None
