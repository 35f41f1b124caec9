"""The audit chain and tamper detection: entries edited, deleted or reordered directly in
SQLite, stored data or recorded hashes changed — each is reported by verify."""
from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import io
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from engine.case.audit import GENESIS_HASH, entry_hash
from engine.case.datahash import data_hash
from engine.case.store import CaseStore
from engine.errors import CaseFileError
from tests.fixtures.small_case import FILE_HASHES, FILE_NAMES, small_tables


@pytest.fixture()
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "case.itcase"
    CaseStore.create(path, small_tables(), FILE_HASHES, FILE_NAMES)
    with CaseStore.open(path) as store:
        store.set_note("007", "<p>bought calls</p>")
        store.add_tag("007", "ring-1")
        store.set_decision("007", "refer", "calls before the bid")
        store.add_suspect("007")
    return path


@contextmanager
def tamper(path: Path) -> Iterator[sqlite3.Connection]:
    """A raw connection as a tamperer would use, with the append-only triggers dropped."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    try:
        yield conn
    finally:
        conn.close()


def _verify(path: Path):
    with CaseStore.open(path, read_only=True) as store:
        return store.verify()


def test_intact_chain_and_entry_fields(case_path: Path) -> None:
    report = _verify(case_path)
    assert report.ok and report.problems == [] and report.audit_entries == 5
    with CaseStore.open(case_path) as store:
        entries = store.audit_entries()
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH and report.last_chain_hash == entries[-1].hash
    for before, entry in zip(entries, entries[1:]):
        assert entry.prev_hash == before.hash
    for entry in entries:  # the documented formula, written out independently
        body = json.dumps({"action": entry.action, "details": entry.details, "seq": entry.seq,
                           "time": entry.time, "user": entry.user},
                          sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert entry.hash == hashlib.sha256((entry.prev_hash + body).encode()).hexdigest()
        assert entry.user == getpass.getuser()
        assert entry.time.endswith("Z")
        assert dt.datetime.fromisoformat(entry.time.replace("Z", "+00:00")).utcoffset() == dt.timedelta(0)


def test_the_log_refuses_plain_updates_and_deletes(case_path: Path) -> None:
    conn = sqlite3.connect(case_path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE audit SET user = 'someone' WHERE seq = 2")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM audit WHERE seq = 2")
    conn.close()


@pytest.mark.parametrize("column, value", [("details", '{"decision":"cleared","investor_id":"007","reason":"x"}'),
                                           ("user", "someone_else"), ("time", "2020-01-01T00:00:00.000000Z"),
                                           ("action", "tag_removed"), ("details", "not json")])
def test_edited_entry_is_detected(case_path: Path, column: str, value: str) -> None:
    with tamper(case_path) as conn:
        conn.execute(f"UPDATE audit SET {column} = ? WHERE seq = 4", (value,))
    report = _verify(case_path)
    assert not report.ok
    assert any("audit entry 4" in p and "altered" in p for p in report.problems), report.problems


def test_deleted_middle_entry_is_detected(case_path: Path) -> None:
    with tamper(case_path) as conn:
        conn.execute("DELETE FROM audit WHERE seq = 3")
    problems = _verify(case_path).problems
    assert any("audit entry 3 is missing" in p for p in problems)
    assert any("audit entry 4 does not follow" in p for p in problems)


def test_deleted_last_entries_are_detected(case_path: Path) -> None:
    with tamper(case_path) as conn:
        conn.execute("DELETE FROM audit WHERE seq >= 4")
    report = _verify(case_path)
    assert not report.ok and report.audit_entries == 3
    assert any("ends at entry 3" in p and "entry 5" in p for p in report.problems)


def test_reordered_entries_are_detected(case_path: Path) -> None:
    with tamper(case_path) as conn:
        conn.execute("UPDATE audit SET seq = -2 WHERE seq = 2")
        conn.execute("UPDATE audit SET seq = 2 WHERE seq = 3")
        conn.execute("UPDATE audit SET seq = 3 WHERE seq = -2")
    problems = _verify(case_path).problems
    assert any("does not follow" in p for p in problems)


def test_rebuilt_chain_passes_inside_the_file_but_changes_the_chain_hash(case_path: Path) -> None:
    """Limit, by design: a tamperer who rewrites the work row, every later hash and the head
    is only caught from outside the file: by the chain hash printed in reports and packets,
    which then differs, and by the chain-head receipt written beside every export."""
    from engine.case.anchor import Anchor, anchor_problems
    from engine.case.coverage import row_hash
    before = _verify(case_path)
    original = before.last_chain_hash
    receipt = Anchor("case.itcase", before.data_hash, original, before.audit_entries, "t")
    with tamper(case_path) as conn:
        assert conn.execute("SELECT action FROM audit WHERE seq = 4").fetchone()[0] == "decision"
        conn.execute("UPDATE decisions SET decision = 'cleared', reason = 'x' WHERE investor_id = '007'")
        rows = conn.execute("SELECT seq, time, user, action, details FROM audit ORDER BY seq").fetchall()
        prev = GENESIS_HASH
        for seq, time, user, action, details in rows:
            if seq == 4:
                details = json.dumps({"decision": "cleared", "investor_id": "007", "reason": "x",
                                      "row_table": "decisions", "row_key": ["007"],
                                      "row_sha256": row_hash(conn, "decisions", ("007",))},
                                     sort_keys=True, separators=(",", ":"))
            digest = entry_hash(prev, seq, time, user, action, json.loads(details))
            conn.execute("UPDATE audit SET details = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                         (details, prev, digest, seq))
            prev = digest
        conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (f"{rows[-1][0]} {prev}",))
    report = _verify(case_path)
    assert report.ok and report.last_chain_hash != original
    with CaseStore.open(case_path, read_only=True) as store:
        assert anchor_problems(receipt, store.audit_entries(), report.data_hash) == [
            f"audit entry {before.audit_entries} is not the one the receipt recorded "
            "(the log was rewritten after the export)"]


def _rewrite_trades(path: Path, change) -> None:
    with tamper(path) as conn:
        payload = conn.execute("SELECT payload FROM data_tables WHERE table_name = 'trades'").fetchone()[0]
        table = change(pq.read_table(pa.BufferReader(payload)))
        buffer = io.BytesIO()
        pq.write_table(table, buffer, compression="zstd")
        conn.execute("UPDATE data_tables SET payload = ? WHERE table_name = 'trades'", (buffer.getvalue(),))


def test_changed_trade_value_is_detected(case_path: Path) -> None:
    recorded = _verify(case_path).data_hash
    _rewrite_trades(case_path, _one_more_share)
    report = _verify(case_path)
    assert not report.ok and report.data_hash != recorded == report.recorded_data_hash
    assert any("changed after import" in p for p in report.problems)


def _one_more_share(table: pa.Table) -> pa.Table:
    values = table.column("buy_shares").to_pylist()
    values[5] += 1.0
    return table.set_column(table.column_names.index("buy_shares"), "buy_shares", pa.array(values))


def _counting_reads(store: CaseStore, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one each time ``store`` decodes its tables from the file."""
    reads: list[int] = []
    read = store._read_tables

    def counted():
        reads.append(1)
        return read()
    monkeypatch.setattr(store, "_read_tables", counted)
    return reads


def test_check_intact_hashes_the_tables_it_hands_out(case_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check reads the tables once: what it hashed is what ``tables()`` returns."""
    with CaseStore.open(case_path) as store:
        reads = _counting_reads(store, monkeypatch)
        tables = store.tables()
        report = store.check_intact()
        assert report.ok and report.data_hash == data_hash(tables) == store.stored_data_hash()
        assert len(reads) == 1 and store.tables() is tables


def test_check_intact_rereads_after_a_write_that_bypasses_sqlite(case_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A process writing the file's bytes directly does not change SQLite's data_version: the
    check still reads the tables afresh (the file's size, time or inode changed)."""
    with CaseStore.open(case_path, read_only=True) as store:
        reads = _counting_reads(store, monkeypatch)
        store.tables()
        assert store.check_intact().ok and len(reads) == 1
        with open(case_path, "r+b") as raw:       # the same byte written back, outside SQLite
            first = raw.read(1)
            raw.seek(0)
            raw.write(first)
            raw.flush()
            os.fsync(raw.fileno())
        stat = case_path.stat()
        os.utime(case_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # coarse clocks
        assert store.check_intact().ok and len(reads) == 2


def test_check_intact_refuses_a_table_altered_after_import(case_path: Path) -> None:
    _rewrite_trades(case_path, _one_more_share)
    with CaseStore.open(case_path) as store:
        with pytest.raises(CaseFileError, match="changed after import"):
            store.check_intact()


def test_check_intact_rereads_tables_altered_after_they_were_read(case_path: Path) -> None:
    """Tables read before another connection altered the file are not taken as still stored."""
    with CaseStore.open(case_path) as store:
        store.tables()
        assert store.check_intact().ok
        _rewrite_trades(case_path, _one_more_share)
        with pytest.raises(CaseFileError, match="changed after import"):
            store.check_intact()


def test_changed_data_with_a_matching_recorded_hash_is_still_detected(case_path: Path) -> None:
    """Re-recording the data hash in meta disagrees with the hash in the import entry."""
    _rewrite_trades(case_path, lambda t: t.slice(1))  # a deleted trade
    with CaseStore.open(case_path, read_only=True) as store:
        new_hash = store.compute_data_hash()
    with tamper(case_path) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'data_hash'", (new_hash,))
    problems = _verify(case_path).problems
    assert problems == ["the data hash recorded in the case differs from the one in the import audit entry"]


def test_damaged_table_blob_and_changed_file_hash_are_reported(case_path: Path) -> None:
    with tamper(case_path) as conn:
        conn.execute("UPDATE data_tables SET payload = substr(payload, 1, 100) WHERE table_name = 'events'")
        conn.execute("UPDATE source_files SET sha256 = ? WHERE table_name = 'trades'", ("c" * 64,))
    report = _verify(case_path)
    assert report.data_hash == ""
    assert any("stored table events cannot be read" in p for p in report.problems)
    assert any("input file hashes" in p for p in report.problems)


def test_damaged_database_pages_fail_the_integrity_check(case_path: Path) -> None:
    with tamper(case_path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_tags_1'").fetchone()[0]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with open(case_path, "r+b") as handle:  # scramble the header of one index page
        handle.seek((root - 1) * page_size)
        handle.write(bytes([7] * 64))  # an invalid page type and cell count
    report = _verify(case_path)
    assert not report.ok
    assert any("integrity check failed" in p for p in report.problems), report.problems
