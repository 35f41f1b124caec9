"""Write a new case file atomically: a crash, a kill or a failure never leaves a partial
file at the target and never damages the case already there.

Steps: remove stale temporary files of earlier killed writes (those no process holds);
write the whole case into a temporary file beside the target (``.NAME.<random>.itcase-tmp``)
under an exclusive SQLite lock, in one transaction; switch it to WAL, close and fsync it;
take an exclusive lock on the old case (refused when another program has it open),
checkpoint its write-ahead log and close it; ``os.replace`` the temporary file onto the
target; fsync the folder. A new case file is readable by its owner only (0600: case data
is confidential); a replaced one keeps the old file's permissions.
"""
from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from pathlib import Path
from typing import Any, Sequence

from engine.case import audit
from engine.case.schema import create_schema
from engine.case.datahash import data_hash
from engine.errors import CaseFileError
from engine.output_paths import output_target
from engine.progress import NULL_REPORTER, Reporter
from engine.case.table_codec import encode_table, normalise_frame
from engine.tables import TABLE_NAMES, CaseTables
from engine.version import SOFTWARE_VERSION

TEMP_SUFFIX = ".itcase-tmp"
_SIDECARS = ("-journal", "-wal", "-shm")


def temp_files(path: Path) -> list[Path]:
    """Temporary files (and their SQLite sidecars) of writes to ``path``."""
    return sorted(path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}*"))


def _exclusive(path: Path) -> sqlite3.Connection | None:
    """A connection holding an exclusive lock on ``path``, or None when another holds it."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            return None
        raise
    return conn


def _in_use(path: Path) -> bool:
    """Whether another connection holds ``path`` (a write still in progress)."""
    try:
        conn = _exclusive(path)
    except sqlite3.DatabaseError:  # not a database yet: killed before SQLite wrote a header
        return False
    if conn is None:
        return True
    conn.close()
    return False


def clean_stale_temps(path: Path) -> None:
    """Delete temporary files left by killed writes to ``path``; skip any still being written."""
    for temp in temp_files(path):
        if temp.name.endswith(TEMP_SUFFIX):
            if temp.exists() and not _in_use(temp):
                _remove(temp)
        elif not Path(str(temp).rsplit("-", 1)[0]).exists():  # sidecar whose database is gone
            temp.unlink(missing_ok=True)


def _remove(temp: Path) -> None:
    """Delete a temporary database and its sidecars."""
    for stale in [temp] + [Path(f"{temp}{s}") for s in _SIDECARS]:
        stale.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # folders cannot be fsynced on every platform
        pass
    finally:
        os.close(fd)


def _release_old_case(path: Path) -> None:
    """Lock the case about to be replaced, fold its write-ahead log in, and close it."""
    try:  # through SQLite only: see engine.case.schema.connect_existing
        conn = _exclusive(path)
    except (OSError, sqlite3.DatabaseError):
        return  # not a usable database: nothing to protect beyond replacing it whole
    if conn is None:
        raise CaseFileError(f"{path} is open in another program; close it there and try again")
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _write_tables(conn: sqlite3.Connection, tables: CaseTables, reporter: Reporter) -> dict[str, Any]:
    """Store every present table; returns {table: rows} for the import entry."""
    present = [name for name in TABLE_NAMES if getattr(tables, name) is not None]
    counts: dict[str, Any] = {}
    for i, name in enumerate(present):
        reporter.check()
        frame, kinds = normalise_frame(getattr(tables, name), name)
        conn.execute("INSERT INTO data_tables (table_name, n_rows, format, payload) VALUES (?, ?, 'parquet', ?)",
                     (name, len(frame), sqlite3.Binary(encode_table(frame, kinds))))
        conn.executemany("INSERT INTO data_columns (table_name, position, column_name, kind) VALUES (?, ?, ?, ?)",
                         [(name, pos, col, kind) for pos, (col, kind) in enumerate(zip(frame.columns, kinds))])
        counts[name] = len(frame)
        reporter.advance(0.2 + 0.6 * (i + 1) / len(present))
    return counts


def write_case(path: Path, tables: CaseTables, file_hashes: dict[str, str], file_names: dict[str, str],
               reporter: Reporter = NULL_REPORTER, warnings: Sequence[str] = ()) -> str:
    """Write the case atomically to ``path`` (replacing what is there); returns the data hash."""
    path = output_target(Path(path))  # a regular file or nothing; a link's target
    if path.exists():
        _release_old_case(path)  # fail fast when the old case is open elsewhere; checked again below
    clean_stale_temps(path)
    reporter.check()
    digest = data_hash(tables)
    reporter.advance(0.2)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    os.close(fd)
    temp = Path(name)
    try:
        conn = sqlite3.connect(temp, isolation_level=None)
        try:
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")  # others (cleaners) see it in use
            conn.execute("PRAGMA journal_mode = OFF")  # a failed write discards the whole file
            conn.execute("PRAGMA synchronous = OFF")  # fsynced once, below, before the rename
            conn.execute("BEGIN EXCLUSIVE")
            create_schema(conn)
            counts = _write_tables(conn, tables, reporter)
            conn.executemany("INSERT INTO source_files (table_name, file_name, sha256) VALUES (?, ?, ?)",
                             [(t, file_names.get(t, ""), h) for t, h in sorted(file_hashes.items())])
            meta = {"software_version": SOFTWARE_VERSION, "created_at": audit.utc_now(), "data_hash": digest}
            conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", sorted(meta.items()))
            audit.append(conn, "import", {"data_hash": digest, "rows": counts, "software_version": SOFTWARE_VERSION,
                                          "files": {t: {"name": file_names.get(t, ""), "sha256": h}
                                                    for t, h in sorted(file_hashes.items())},
                                          **({"warnings": list(warnings)} if warnings else {})})
            reporter.check()
            conn.execute("COMMIT")
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        if path.exists():
            os.chmod(temp, stat.S_IMODE(path.stat().st_mode))  # a replaced case keeps its permissions
        _fsync(temp)
        reporter.advance(0.95)
        if path.exists():
            _release_old_case(path)
        os.replace(temp, path)
        _fsync(path.parent)
    except BaseException:
        _remove(temp)
        raise
    reporter.advance(1.0)
    return digest
