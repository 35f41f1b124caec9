"""The ``.itcase`` case file (CASE_FORMAT.md §3): one SQLite database holding the imported
tables, their provenance hashes, the investigator's work and the hash-chained audit log.

What is where (schema in engine/case/schema.py):
- ``meta``: schema version, software version, creation time, data hash, audit head;
- ``source_files``: per input table, the original file name and its SHA-256;
- ``data_tables`` / ``data_columns``: each imported table as one Apache Parquet blob
  (engine/case/table_codec.py) and its column names and kinds. Parquet rather than one SQL row
  per trade because the reference scale (~730k trade rows) must load in well under 3 s;
  SQLite's row-by-row fetch alone takes longer. Any Parquet reader opens the blob, and the
  data hash (engine/case/datahash.py) is defined on values, independent of the storage format;
- the investigator's work (engine/case/work.py) and ``audit`` (engine/case/audit.py).

``verify`` runs SQLite's integrity check, recomputes the data hash from the stored tables,
checks the audit chain, that the import entry agrees with the recorded hashes, and that every
row of the investigator's work matches the content hash its audit entry recorded
(engine/case/coverage.py). ``check_intact`` runs the same checks but SQLite's, and is what
``analyze`` and ``report`` require before they read or add to a case. It hashes the very tables
``tables()`` hands out (read once, not a second time for the check), re-read when the file
changed in any way since they were read (another connection's commit, or bytes written
outside SQLite).
"""
from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from engine.case import audit, coverage
from engine.case.audit import AuditEntry
from engine.case.create import write_case
from engine.case.documents import CaseDocuments
from engine.case.schema import SCHEMA_VERSION, connect_existing, migrate, on_read_only_media, schema_version
from engine.case.work import AlertState, CaseWork, Decision, Note
from engine.case.datahash import data_hash
from engine.errors import CaseFileError, UsageError
from engine.progress import NULL_REPORTER, Reporter
from engine.case.table_codec import decode_table
from engine.tables import CaseTables

__all__ = ["AlertState", "AuditEntry", "CaseStore", "Decision", "Note", "VerifyReport"]


@dataclass(frozen=True)
class VerifyReport:
    """Outcome of ``CaseStore.verify``: ``ok`` when no problem was found."""

    ok: bool
    problems: list[str]
    data_hash: str               # recomputed from the stored tables ("" when unreadable)
    audit_entries: int
    last_chain_hash: str         # hash of the last audit entry ("" when there is none)
    recorded_data_hash: str = ""  # the data hash recorded at import


class CaseStore(CaseWork, CaseDocuments):
    """An open case file. Every change is one transaction with its audit entry."""

    SCHEMA_VERSION: int = SCHEMA_VERSION

    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: bool) -> None:
        self.path = path
        self._conn = conn
        self._read_only = read_only
        self._lock = threading.RLock()
        self._tables: CaseTables | None = None
        self._tables_stamp: tuple[int, ...] = ()  # ``_file_stamp()`` when ``_tables`` was read

    # -- life cycle ----------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path, tables: CaseTables, file_hashes: dict[str, str], file_names: dict[str, str],
               *, force: bool = False, reporter: Reporter = NULL_REPORTER, warnings: Sequence[str] = ()) -> None:
        """Write a new case atomically (engine/case/create.py); an existing file needs ``force``."""
        path = Path(path)
        if path.exists() and not force:
            raise UsageError(f"{path} already exists; use --force to replace it")
        write_case(path, tables, file_hashes, file_names, reporter, warnings)

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> "CaseStore":
        """Open a case; older schemas are migrated (in memory when read-only). A case on
        read-only media (file or folder not writable) is opened read-only and immutable."""
        path = Path(path)
        media = on_read_only_media(path) if path.is_file() else False
        read_only = read_only or media
        conn = connect_existing(path, immutable=media)
        try:
            version = schema_version(conn, path)
            if read_only:  # an ordinary connection that refuses writes: no sidecars left behind
                conn.execute("PRAGMA query_only = ON")
            else:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
            if version < SCHEMA_VERSION:
                if read_only:  # upgrade a private in-memory copy; the file stays as it is
                    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
                    conn.backup(memory)
                    conn.close()
                    conn = memory
                migrate(conn, version)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise CaseFileError(f"{path} cannot be opened as a workbench case file ({exc})") from exc
        except BaseException:
            conn.close()
            raise
        return cls(path, conn, read_only)

    @property
    def read_only(self) -> bool:
        """Whether this store refuses writes (opened read-only, or on read-only media)."""
        return self._read_only

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> "CaseStore":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @contextmanager
    def _write(self, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``), rolled back on error.

        ``durable``: the commit is fsynced (``synchronous=FULL``). Note saves while typing
        pass False (``NORMAL``: consistent after any crash, fsynced at the next durable
        commit or checkpoint; a power cut may lose the last keystrokes, never corrupt).
        """
        if self._read_only:
            raise UsageError(f"{self.path} is open read-only")
        with self._lock:
            self._conn.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # -- imported data and provenance ----------------------------------------------------
    def meta(self) -> dict[str, str]:
        """The ``meta`` table: schema_version, software_version, created_at, data_hash, ..."""
        return dict(self._conn.execute("SELECT key, value FROM meta").fetchall())

    def _read_tables(self) -> CaseTables:
        try:
            column_rows = self._conn.execute("SELECT table_name, column_name, kind FROM data_columns"
                                             " ORDER BY table_name, position").fetchall()
            payloads = self._conn.execute("SELECT table_name, payload FROM data_tables").fetchall()
        except sqlite3.DatabaseError as exc:
            raise CaseFileError(f"{self.path}: the stored tables cannot be read ({exc})") from exc
        columns: dict[str, tuple[list[str], list[str]]] = {}
        for table, column, kind in column_rows:
            names, kinds = columns.setdefault(table, ([], []))
            names.append(column)
            kinds.append(kind)
        frames: dict[str, Any] = {}
        for table, payload in payloads:
            names, kinds = columns.get(table, ([], []))
            try:
                frames[table] = decode_table(bytes(payload), names, kinds)
            except Exception as exc:  # any Parquet decoding failure means a damaged table
                raise CaseFileError(f"{self.path}: the stored table {table} cannot be read ({exc})") from exc
        for required in ("trades", "events"):
            if required not in frames:
                raise CaseFileError(f"{self.path}: the case holds no {required} table")
        try:
            return CaseTables(**frames)
        except TypeError as exc:
            raise CaseFileError(f"{self.path}: unexpected stored tables ({exc})") from exc

    def tables(self) -> CaseTables:
        """The imported tables (frame conventions of engine/tables.py); read once, then shared:
        treat the frames as read-only."""
        if self._tables is None:
            self._tables_stamp = self._file_stamp()
            self._tables = self._read_tables()
        return self._tables

    def _file_stamp(self) -> tuple[int, ...]:
        """What changes when the file does: SQLite's count of commits by other connections
        (``PRAGMA data_version``), and the size, modification time and inode of the file and
        its write-ahead log, which a write that bypasses SQLite also changes."""
        stamp = [int(self._conn.execute("PRAGMA data_version").fetchone()[0])]
        for path in (self.path, Path(f"{self.path}-wal")):
            try:
                info = os.stat(path)
            except OSError:
                stamp.extend((-1, -1, -1))
            else:
                stamp.extend((info.st_size, info.st_mtime_ns, info.st_ino))
        return tuple(stamp)

    def _current_tables(self) -> CaseTables:
        """``tables()``, read again when the file changed in any way since they were read."""
        if self._tables is not None and self._file_stamp() != self._tables_stamp:
            self._tables = None
        return self.tables()

    def stored_data_hash(self) -> str:
        """The data hash recorded at import."""
        return self.meta().get("data_hash", "")

    def compute_data_hash(self) -> str:
        """The data hash recomputed from the tables as stored now."""
        return data_hash(self._read_tables())

    def file_hashes(self) -> dict[str, str]:
        """Input table -> SHA-256 of its original file."""
        return dict(self._conn.execute("SELECT table_name, sha256 FROM source_files ORDER BY table_name"))

    def file_names(self) -> dict[str, str]:
        """Input table -> name of its original file."""
        return dict(self._conn.execute("SELECT table_name, file_name FROM source_files ORDER BY table_name"))

    # -- audit -----------------------------------------------------------------------------
    def append_audit(self, action: str, details: dict[str, Any]) -> AuditEntry:
        """Log an action on its own (for actions that change nothing in the file, e.g. exports)."""
        with self._write() as conn:
            return audit.append(conn, action, details)

    def audit_entries(self) -> list[AuditEntry]:
        return audit.read_entries(self._conn)

    # -- integrity ---------------------------------------------------------------------------
    def verify(self, sqlite_check: bool = True) -> VerifyReport:
        """Check the database, the data hash (of the tables read afresh), the audit chain, the
        import record and the work rows."""
        return self._verify(sqlite_check, self.compute_data_hash)

    def _verify(self, sqlite_check: bool, computed_hash: Callable[[], str]) -> VerifyReport:
        problems: list[str] = []
        if sqlite_check:
            try:
                integrity = [row[0] for row in self._conn.execute("PRAGMA integrity_check").fetchall()]
            except sqlite3.DatabaseError as exc:
                integrity = [str(exc)]
            if integrity != ["ok"]:
                problems.append("the SQLite integrity check failed: " + "; ".join(integrity[:5]))
        try:
            recorded = self.stored_data_hash()
            try:
                computed = computed_hash()
            except CaseFileError as exc:
                computed = ""
                problems.append(str(exc))
            if computed and computed != recorded:
                problems.append(f"the stored tables' data hash {computed} differs from the one recorded at "
                                f"import {recorded}: the data was changed after import")
            chain_problems, entries = audit.check_chain(self._conn)
            problems.extend(chain_problems)
            problems.extend(self._import_record_problems(entries, recorded))
            problems.extend(coverage.problems(self._conn, entries))
        except sqlite3.DatabaseError as exc:  # damage beyond what the integrity check listed
            problems.append(f"the case file is damaged and cannot be read in full ({exc})")
            return VerifyReport(ok=False, problems=problems, data_hash="", audit_entries=0, last_chain_hash="")
        return VerifyReport(ok=not problems, problems=problems, data_hash=computed,
                            audit_entries=len(entries), last_chain_hash=entries[-1].hash if entries else "",
                            recorded_data_hash=recorded)

    def check_intact(self) -> VerifyReport:
        """The ``verify`` report when the case is intact; ``CaseFileError`` with the first
        problems and what to do otherwise (nothing is read from or added to a broken case)."""
        report = self._verify(False, lambda: data_hash(self._current_tables()))
        if not report.ok:
            shown = "; ".join(report.problems[:3]) + (f"; and {len(report.problems) - 3} more"
                                                      if len(report.problems) > 3 else "")
            raise CaseFileError(f"{self.path.name} does not verify, so it is not analysed or reported: {shown}. "
                                f"Run `python main.py verify {self.path}` for the full report, and work from "
                                "the copy of the case you received (or re-import the original files).")
        return report

    def _import_record_problems(self, entries: list[AuditEntry], recorded: str) -> list[str]:
        """The import entry must name the recorded data hash and the recorded file hashes."""
        if not entries or entries[0].action != "import":
            return []
        details = entries[0].details
        problems = []
        if details.get("data_hash") != recorded:
            problems.append("the data hash recorded in the case differs from the one in the import audit entry")
        logged = {t: f.get("sha256") for t, f in details.get("files", {}).items() if isinstance(f, dict)}
        if logged != self.file_hashes():
            problems.append("the input file hashes recorded in the case differ from those in the import audit entry")
        return problems
