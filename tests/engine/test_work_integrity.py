"""The investigator's work is covered by the audit chain (issue 18 items 1-2): any single edit
of a work table made outside the workbench fails `verify`; a tampered cached result is never
served; `analyze` and `report` refuse a case that does not verify; a removed last entry is
found from the work it wrote or from the chain-head receipt written beside an export."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import main
from engine.case.coverage import WORK_TABLES
from engine.case.store import CaseStore
from engine.errors import CaseFileError
from engine.exports.tables import export_audit_csv
from tests.fixtures.small_case import FILE_HASHES, FILE_NAMES, small_tables


def _fill(store: CaseStore) -> None:
    """At least two rows in every work table, through the workbench."""
    for inv in ("007", "0042"):
        store.set_note(inv, f"<p>note on {inv}</p>")
        store.add_tag(inv, "ring-1")
        store.set_decision(inv, "refer", f"calls before the bid ({inv})")
        store.add_suspect(inv)
        store.save_exploration(f"E-{inv}", "bonferroni", '{"investors": ["007"]}')
        store.put_result(f"key-{inv}", b"\x00payload" + inv.encode(), {"suspects": 3})
        store.set_setting(f"s-{inv}", '{"a": 1}')
        store.put_document(f"d-{inv}", {"filter": inv}, "worklist_filter", {})  # kept in settings too
        store.set_alert_status("E1", "2021-03-0" + inv[-1], "REVIEWING", "ann")


@pytest.fixture()
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "case.itcase"
    CaseStore.create(path, small_tables(), FILE_HASHES, FILE_NAMES)
    with CaseStore.open(path) as store:
        _fill(store)
        assert store.verify().ok
    return path


def _raw(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    return conn


def _problems(path: Path) -> list[str]:
    with CaseStore.open(path, read_only=True) as store:
        return store.verify().problems


def _columns() -> list[tuple[str, str]]:
    conn = sqlite3.connect(":memory:")
    from engine.case.schema import create_schema
    create_schema(conn)
    out = [(t, row[1]) for t in WORK_TABLES for row in conn.execute(f"PRAGMA table_info({t})")]
    conn.close()
    return out


def test_every_work_table_is_covered() -> None:
    conn = sqlite3.connect(":memory:")
    from engine.case.schema import create_schema
    create_schema(conn)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables - set(WORK_TABLES) == {"meta", "source_files", "data_tables", "data_columns", "audit"}


@pytest.mark.parametrize("table, column", _columns())
def test_editing_any_column_of_any_work_table_fails_verify(case_path: Path, table: str, column: str) -> None:
    with _raw(case_path) as conn:
        conn.execute(f"UPDATE {table} SET {column} = CASE typeof({column}) WHEN 'integer' THEN {column} + 100"
                     f" WHEN 'blob' THEN {column} || x'00' ELSE {column} || 'x' END"
                     f" WHERE rowid = (SELECT min(rowid) FROM {table})")
        assert conn.total_changes == 1
    conn.close()
    problems = _problems(case_path)
    assert problems and all(f"the {table} row" in p for p in problems), problems


@pytest.mark.parametrize("table", list(WORK_TABLES))
def test_a_deleted_or_added_work_row_fails_verify(case_path: Path, tmp_path: Path, table: str) -> None:
    conn = _raw(case_path)
    conn.execute(f"DELETE FROM {table} WHERE rowid = (SELECT min(rowid) FROM {table})")
    conn.close()
    assert any("missing from the case" in p for p in _problems(case_path))
    conn = _raw(case_path)
    columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    keys = set(WORK_TABLES[table])
    chosen = ", ".join(f"{c} || '-copy'" if c in keys else c for c in columns if c != "position")
    conn.execute(f"INSERT INTO {table} ({', '.join(c for c in columns if c != 'position')}) "
                 f"SELECT {chosen} FROM {table} LIMIT 1")
    conn.close()
    assert any("no audit entry wrote it" in p for p in _problems(case_path))


def test_removing_the_last_entry_and_fixing_the_head_is_found(case_path: Path) -> None:
    conn = _raw(case_path)
    seq, prev_hash = conn.execute("SELECT seq, prev_hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    conn.execute("DELETE FROM audit WHERE seq = ?", (seq,))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (f"{seq - 1} {prev_hash}",))
    conn.close()
    problems = _problems(case_path)
    assert problems == ["the alerts row ('E1', '2021-03-02') is in the case but no audit entry wrote it "
                        "(added outside the workbench, or its entry was removed)"], problems


def test_a_removed_export_entry_is_found_by_the_receipt(case_path: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    with CaseStore.open(case_path) as store:
        export_audit_csv(store, tmp_path / "audit.csv")
        last = store.audit_entries()[-1]
    receipt = tmp_path / "audit.head.txt"
    assert receipt.read_text().splitlines()[1:4] == [
        f"data_hash: {_data_hash(case_path)}",
        f"chain_head: {last.hash}", f"entries: {last.seq}"]
    assert main.main(["verify", str(case_path), "--anchor", str(receipt)]) == 0
    assert "OK: the chain holds the anchored head; 0 entries came after it" in capsys.readouterr().out
    conn = _raw(case_path)
    conn.execute("DELETE FROM audit WHERE seq = ?", (last.seq,))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (f"{last.seq - 1} {last.prev_hash}",))
    conn.close()
    assert _problems(case_path) == []  # nothing inside the file shows it ...
    assert main.main(["verify", str(case_path), "--anchor", str(receipt)]) == 1  # ... the receipt does
    assert "entries were removed after the export" in capsys.readouterr().out


def _data_hash(path: Path) -> str:
    with CaseStore.open(path, read_only=True) as store:
        return store.stored_data_hash()


def test_a_bad_receipt_exits_2(case_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.head.txt"
    bad.write_text("hello\n")
    assert main.main(["verify", str(case_path), "--anchor", str(bad)]) == 2
    assert "not a chain-head receipt" in capsys.readouterr().err


def test_a_tampered_cached_result_is_never_served(case_path: Path) -> None:
    conn = _raw(case_path)
    conn.execute("UPDATE results SET payload = payload || x'00' WHERE key = 'key-007'")
    conn.close()
    with CaseStore.open(case_path) as store:
        assert store.get_result("key-0042") is not None
        with pytest.raises(CaseFileError, match=r"results row \('key-007'\) differs .* not used; run `verify`"):
            store.get_result("key-007")


@pytest.mark.parametrize("command", ["analyze", "report"])
def test_analyze_and_report_refuse_a_case_that_does_not_verify(analysed_case: Path, tmp_path: Path, command: str,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    with CaseStore.open(analysed_case) as store:
        store.set_decision("I0001", "refer", "bought before the bid")
        entries = len(store.audit_entries())
    conn = _raw(analysed_case)
    conn.execute("UPDATE decisions SET decision = 'cleared'")
    conn.close()
    out = tmp_path / "out.pdf"
    argv = ([command, str(analysed_case), "--quiet"]
            + (["--pdf", str(out)] if command == "report" else ["--json", str(out)]))
    assert main.main(argv) == 2
    err = capsys.readouterr().err
    assert "does not verify, so it is not analysed or reported" in err and "decisions row ('I0001')" in err
    assert "python main.py verify" in err and not out.exists()
    with CaseStore.open(analysed_case, read_only=True) as store:
        assert len(store.audit_entries()) == entries  # nothing appended after the break
