"""``main.py verify``: report and exit codes 0 (intact), 1 (changed), 2 (not a case)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import main
from engine.case.store import CaseStore
from tests.fixtures.small_case import FILE_HASHES, FILE_NAMES, small_tables


@pytest.fixture()
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "case.itcase"
    CaseStore.create(path, small_tables(), FILE_HASHES, FILE_NAMES)
    with CaseStore.open(path) as store:
        store.set_decision("007", "refer", "calls before the bid")
    return path


def test_intact_case_reports_hashes_and_exits_0(case_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with CaseStore.open(case_path, read_only=True) as store:
        expected = store.verify()
    assert main.main(["verify", str(case_path)]) == 0
    out = capsys.readouterr().out
    assert f"data hash: {expected.data_hash}" in out
    assert "audit entries: 2" in out and f"last chain hash: {expected.last_chain_hash}" in out
    assert "OK" in out


def test_tampered_case_lists_problems_and_exits_1(case_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conn = sqlite3.connect(case_path)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET details = '{}' WHERE seq = 2")
    conn.commit()
    conn.close()
    assert main.main(["verify", str(case_path)]) == 1
    out = capsys.readouterr().out
    assert "FAILED: 2 problem(s) found" in out and "audit entry 2 (decision) was altered" in out
    assert "the decisions row ('007') is in the case but no audit entry wrote it" in out


@pytest.mark.parametrize("content, message", [(b"not a database at all\n" * 5, "not an SQLite database"),
                                              (None, "is not a workbench case file"),
                                              (b"", "does not exist")])
def test_not_a_case_exits_2_without_traceback(tmp_path: Path, content: bytes | None, message: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.itcase"
    if content is None:
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE other (x)")
        conn.commit()
        conn.close()
    elif content:
        path.write_bytes(content)
    assert main.main(["verify", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err
