"""Small JSON documents of case work (saved worklist filters, link-chart annotations).

Each is kept under a key in the case's ``settings`` table, but unlike a setting every change
is case work: it is written in one transaction with its audit entry (the new document's
SHA-256 and what changed), so the log shows who saved which filter or annotation, and when.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from engine.case import audit, coverage

_PREFIX = "doc:"


class CaseDocuments:
    """Mixin for ``CaseStore``: the host provides ``_conn`` and the ``_write()`` transaction."""

    _conn: sqlite3.Connection
    _write: Callable[..., AbstractContextManager[sqlite3.Connection]]

    def put_document(self, key: str, value: Any, action: str, details: dict[str, Any]) -> bool:
        """Store ``value`` (plain JSON) under ``key`` and log ``action``; False (nothing
        written or logged) when it equals the stored document."""
        text = audit.canonical_json(value)
        row = self._conn.execute("SELECT value_json FROM settings WHERE key = ?", (_PREFIX + key,)).fetchone()
        if row is not None and row[0] == text:
            return False
        with self._write() as conn:
            conn.execute("INSERT OR REPLACE INTO settings (key, value_json) VALUES (?, ?)", (_PREFIX + key, text))
            audit.append(conn, action, {**details, "key": key,
                                        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                                        **coverage.record(conn, "settings", (_PREFIX + key,))})
        return True

    def document(self, key: str, default: Any = None) -> Any:
        """The document stored under ``key`` (``default`` when none)."""
        row = self._conn.execute("SELECT value_json FROM settings WHERE key = ?", (_PREFIX + key,)).fetchone()
        return default if row is None else json.loads(row[0])
