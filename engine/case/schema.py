"""The ``.itcase`` SQLite schema: identification, version, DDL and migrations.

A case file is recognised by ``PRAGMA application_id`` (``APPLICATION_ID``) and carries its
schema version in ``PRAGMA user_version`` (also in the ``meta`` table, for people reading
the file with the sqlite3 shell). Opening an older version runs ``MIGRATIONS`` in order, in
one transaction; a newer version is refused.

Journal: WAL (readers, e.g. a headless command, never block the GUI's writes). Commits
are fsynced (``synchronous=FULL``) except note saves made while typing, which use
``NORMAL``: under WAL that is still atomic and consistent after a crash or power cut (a
half-written transaction is never visible), and a killed process loses nothing; only a
power cut can lose the last keystrokes, until the next durable commit or checkpoint. FULL
costs one fsync per commit (~5 ms on our machines), NORMAL ~0.2 ms; notes are saved every
~0.5 s while typing, decisions and other work rarely.
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from engine.errors import CaseFileError

APPLICATION_ID = 0x49544353  # "ITCS"
SCHEMA_VERSION = 2

DDL_V1: tuple[str, ...] = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE source_files (table_name TEXT PRIMARY KEY, file_name TEXT NOT NULL, sha256 TEXT NOT NULL)",
    # Imported tables: one Parquet blob per table, column kinds listed for readers.
    "CREATE TABLE data_tables (table_name TEXT PRIMARY KEY, n_rows INTEGER NOT NULL,"
    " format TEXT NOT NULL, payload BLOB NOT NULL)",
    "CREATE TABLE data_columns (table_name TEXT NOT NULL, position INTEGER NOT NULL,"
    " column_name TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (table_name, position))",
    "CREATE TABLE audit (seq INTEGER PRIMARY KEY, time TEXT NOT NULL, user TEXT NOT NULL,"
    " action TEXT NOT NULL, details TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)",
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    # investor_id '' is the case-level note.
    "CREATE TABLE notes (investor_id TEXT PRIMARY KEY, text TEXT NOT NULL,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
    "CREATE TABLE tags (investor_id TEXT NOT NULL, tag TEXT NOT NULL, added_at TEXT NOT NULL,"
    " PRIMARY KEY (investor_id, tag))",
    "CREATE TABLE decisions (investor_id TEXT PRIMARY KEY, decision TEXT NOT NULL,"
    " reason TEXT NOT NULL, user TEXT NOT NULL, decided_at TEXT NOT NULL)",
    "CREATE TABLE suspects (position INTEGER PRIMARY KEY, investor_id TEXT NOT NULL UNIQUE,"
    " added_at TEXT NOT NULL)",
    "CREATE TABLE explorations (event_id TEXT NOT NULL, correction TEXT NOT NULL,"
    " state_json TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (event_id, correction))",
    "CREATE TABLE results (key TEXT PRIMARY KEY, payload BLOB NOT NULL, summary TEXT NOT NULL,"
    " created_at TEXT NOT NULL)",
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value_json TEXT NOT NULL)",
    "CREATE TABLE alerts (event_id TEXT NOT NULL, date TEXT NOT NULL, status TEXT NOT NULL,"
    " owner TEXT NOT NULL, reason TEXT NOT NULL, updated_at TEXT NOT NULL,"
    " PRIMARY KEY (event_id, date))",
)

# from_version -> step that upgrades a connection (inside a transaction) to from_version + 1.
Migration = Callable[[sqlite3.Connection], None]


def _attest_work_rows(conn: sqlite3.Connection) -> None:
    """1 -> 2: same tables; from 2 on every work row is covered by the audit chain
    (engine/case/coverage.py), so the rows a version-1 case already holds are attested once,
    as they stand at the upgrade, by a ``coverage_baseline`` entry."""
    from engine.case import audit, coverage
    audit.append(conn, coverage.BASELINE_ACTION, {"from_schema": 1, **coverage.baseline_details(conn)})


MIGRATIONS: dict[int, Migration] = {1: _attest_work_rows}


def create_schema(conn: sqlite3.Connection) -> None:
    """Create every table of the current schema and stamp id and version."""
    for statement in DDL_V1:
        conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))


def on_read_only_media(path: Path) -> bool:
    """Whether the case file or its folder cannot be written (read-only media, a write-protected
    copy received as evidence): SQLite could not even create its lock and WAL index files."""
    return not (os.access(path, os.W_OK) and os.access(path.resolve().parent, os.W_OK | os.X_OK))


def connect_existing(path: Path, immutable: bool = False) -> sqlite3.Connection:
    """An SQLite connection to an existing file, refused clearly when it is missing or not a
    database. The file is never opened outside SQLite: closing any other handle on it would
    drop this process's SQLite locks (POSIX), and another connection could then delete the
    write-ahead log still in use and corrupt the case. ``immutable``: read-only media, opened
    without locks or sidecar files (refused when a write-ahead log with content lies beside it)."""
    if not path.exists():
        raise CaseFileError(f"{path} does not exist")
    if not path.is_file():
        raise CaseFileError(f"{path} is not a file")
    wal = Path(f"{path}-wal")
    if immutable and wal.exists() and wal.stat().st_size > 0:
        raise CaseFileError(f"{path} is on read-only media with an unfinished write-ahead log beside it "
                            f"({wal.name}); copy both files to a writable folder and open the copy")
    mode = "mode=ro&immutable=1" if immutable else "mode=rw"  # rw: never create a new database
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True, isolation_level=None,
                               check_same_thread=False, timeout=10)
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError as exc:
        if "conn" in locals():
            conn.close()
        raise CaseFileError(f"{path} is not a workbench case file (not an SQLite database: {exc})") from exc
    return conn


def schema_version(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version after checking it is a case this software can read."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise CaseFileError(f"{path} is not a workbench case file ({exc})") from exc
    if app_id != APPLICATION_ID:
        raise CaseFileError(f"{path} is not a workbench case file")
    if version > SCHEMA_VERSION:
        raise CaseFileError(f"{path} was made by a newer version of the workbench "
                            f"(schema {version} > {SCHEMA_VERSION}); update the workbench")
    if version < 1:
        raise CaseFileError(f"{path} is not a workbench case file (no schema version)")
    return version


def migrate(conn: sqlite3.Connection, version: int) -> None:
    """Upgrade from ``version`` to ``SCHEMA_VERSION`` in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for step in range(version, SCHEMA_VERSION):
            MIGRATIONS[step](conn)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                     (str(SCHEMA_VERSION),))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
