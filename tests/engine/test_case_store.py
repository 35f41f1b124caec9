"""The case file: table round trip, provenance, create/replace rules, opening errors,
schema versions and migrations, read-only mode, and an old file that must keep loading."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.case import schema as case_schema
from engine.case.create import temp_files
from engine.case.store import CaseStore
from engine.case.datahash import data_hash
from engine.errors import Cancelled, CaseFileError, UsageError
from engine.progress import Reporter
from engine.tables import TABLE_NAMES
from engine.version import SOFTWARE_VERSION
from tests.fixtures.small_case import FILE_HASHES, FILE_NAMES, small_tables

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture()
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "case.itcase"
    CaseStore.create(path, small_tables(), FILE_HASHES, FILE_NAMES)
    return path


def _expected(frame: pd.DataFrame) -> pd.DataFrame:
    """What a stored frame must read back as: same cells, -0.0 read as 0.0."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == np.float64:
            out[col] = out[col] + 0.0
    return out.reset_index(drop=True)


def test_tables_round_trip_exactly(case_path: Path) -> None:
    original = small_tables()
    with CaseStore.open(case_path) as store:
        loaded = store.tables()
    for name in TABLE_NAMES:
        frame = getattr(original, name)
        if frame is None:
            assert getattr(loaded, name) is None
            continue
        pd.testing.assert_frame_equal(getattr(loaded, name), _expected(frame), check_exact=True)
    trades = loaded.trades
    assert list(trades.columns)[-3:] == ["broker", "fee", "flagged"]  # extra columns kept, in order
    assert trades["investor_id"].tolist()[0] == "007"  # leading zeros kept, still text
    assert str(trades["investor_id"].dtype) == "str" and trades["date"].dtype == "datetime64[ns]"
    assert trades["n_buy"].isna().any() and trades["broker"].isna().any()
    assert loaded.events.loc[0, "description"] == "takeover bid, è ✓"


def test_numeric_looking_object_ids_become_text(tmp_path: Path) -> None:
    tables = small_tables()
    trades = tables.trades.assign(investor_id=tables.trades["investor_id"].astype(object))
    trades.loc[0, "investor_id"] = 7  # an int slipped in: stored as the text "7"
    path = tmp_path / "c.itcase"
    CaseStore.create(path, type(tables)(trades=trades, events=tables.events), {}, {})
    with CaseStore.open(path) as store:
        assert store.tables().trades["investor_id"].tolist()[:2] == ["7", trades.loc[1, "investor_id"]]


def test_provenance_and_import_entry(case_path: Path) -> None:
    with CaseStore.open(case_path) as store:
        assert store.file_hashes() == FILE_HASHES
        assert store.file_names() == FILE_NAMES
        assert store.stored_data_hash() == data_hash(small_tables()) == store.compute_data_hash()
        meta = store.meta()
        assert meta["software_version"] == SOFTWARE_VERSION
        assert meta["schema_version"] == str(CaseStore.SCHEMA_VERSION)
        (entry,) = store.audit_entries()
        assert entry.action == "import"
        assert entry.details["data_hash"] == store.stored_data_hash()
        assert entry.details["rows"]["trades"] == len(small_tables().trades)
        assert entry.details["files"]["trades"] == {"name": "trades.csv", "sha256": "a" * 64}


def test_create_refuses_existing_path_without_force(case_path: Path) -> None:
    before = case_path.read_bytes()
    with pytest.raises(UsageError, match="already exists; use --force"):
        CaseStore.create(case_path, small_tables(seed=1), FILE_HASHES, FILE_NAMES)
    assert case_path.read_bytes() == before


def test_create_with_force_replaces_and_leaves_no_temp_files(case_path: Path) -> None:
    new = small_tables(seed=1)
    CaseStore.create(case_path, new, FILE_HASHES, FILE_NAMES, force=True)
    with CaseStore.open(case_path) as store:
        assert store.stored_data_hash() == data_hash(new) != data_hash(small_tables())
        assert len(store.audit_entries()) == 1 and store.verify().ok
    assert temp_files(case_path) == []
    assert sorted(p.name for p in case_path.parent.iterdir()) == ["case.itcase"]


def test_failed_create_leaves_old_case_untouched(case_path: Path) -> None:
    before = case_path.read_bytes()
    bad = small_tables().trades.assign(date=pd.Timestamp("2021-03-01 10:30"))  # not a midnight date
    with pytest.raises(ValueError, match="midnight"):
        CaseStore.create(case_path, type(small_tables())(trades=bad, events=small_tables().events),
                         FILE_HASHES, FILE_NAMES, force=True)
    assert case_path.read_bytes() == before
    assert temp_files(case_path) == []


@pytest.mark.parametrize("cancel_at", [0.2, 0.5, 0.8])
def test_cancelled_create_leaves_old_case_untouched(case_path: Path, cancel_at: float) -> None:
    before = case_path.read_bytes()
    reporter = Reporter(lambda stage, fraction: reporter.cancel() if fraction >= cancel_at else None)
    with pytest.raises(Cancelled):
        CaseStore.create(case_path, small_tables(seed=1), FILE_HASHES, FILE_NAMES, force=True, reporter=reporter)
    assert case_path.read_bytes() == before and temp_files(case_path) == []


def test_force_refused_while_the_old_case_is_open_elsewhere(case_path: Path) -> None:
    with CaseStore.open(case_path) as other:
        other.set_note(None, "still working")
        with pytest.raises(CaseFileError, match="open in another program"):
            CaseStore.create(case_path, small_tables(seed=1), FILE_HASHES, FILE_NAMES, force=True)
    with CaseStore.open(case_path) as store:
        assert store.note(None).text == "still working" and store.verify().ok


def test_stale_temp_files_are_cleaned_by_the_next_create(case_path: Path) -> None:
    stale = case_path.parent / f".{case_path.name}.killed{'.itcase-tmp'}"
    stale.write_bytes(b"SQLite format 3\x00 half written")
    Path(f"{stale}-wal").write_bytes(b"x")
    CaseStore.create(case_path, small_tables(seed=2), FILE_HASHES, FILE_NAMES, force=True)
    assert temp_files(case_path) == []


def test_open_refuses_missing_garbage_and_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="does not exist"):
        CaseStore.open(tmp_path / "nope.itcase")
    garbage = tmp_path / "garbage.itcase"
    garbage.write_bytes(b"PK\x03\x04 this is a zip, not a case" * 10)
    with pytest.raises(CaseFileError, match="not a workbench case file"):
        CaseStore.open(garbage)
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(CaseFileError, match="is not a workbench case file"):
        CaseStore.open(foreign)


def test_newer_schema_is_refused_with_a_clear_message(case_path: Path) -> None:
    conn = sqlite3.connect(case_path)
    conn.execute(f"PRAGMA user_version = {CaseStore.SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    expected = (f"made by a newer version of the workbench \\(schema {CaseStore.SCHEMA_VERSION + 1} > "
                f"{CaseStore.SCHEMA_VERSION}\\); update the workbench")
    with pytest.raises(CaseFileError, match=expected):
        CaseStore.open(case_path)


def test_older_schema_is_migrated_in_order(case_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file one version behind runs the registered step; read-only migrates a private copy."""
    current = CaseStore.SCHEMA_VERSION
    monkeypatch.setattr(case_schema, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr("engine.case.store.SCHEMA_VERSION", current + 1)
    steps: list[int] = []

    def add_column(conn: sqlite3.Connection) -> None:
        steps.append(current)
        conn.execute("ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT ''")

    monkeypatch.setitem(case_schema.MIGRATIONS, current, add_column)
    before = case_path.read_bytes()
    with CaseStore.open(case_path, read_only=True) as store:
        assert "author" in [r[1] for r in store._conn.execute("PRAGMA table_info(notes)")]
    assert case_path.read_bytes() == before  # read-only never writes
    with CaseStore.open(case_path) as store:
        assert store.verify().ok
    assert steps == [current, current]
    conn = sqlite3.connect(case_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == current + 1
    assert "author" in [r[1] for r in conn.execute("PRAGMA table_info(notes)")]
    conn.close()


def test_read_only_refuses_writes_and_leaves_no_sidecars(case_path: Path) -> None:
    with CaseStore.open(case_path, read_only=True) as store:
        with pytest.raises(UsageError, match="read-only"):
            store.set_note(None, "x")
        assert store.verify().ok
    assert sorted(p.name for p in case_path.parent.iterdir()) == ["case.itcase"]


def test_old_case_file_fixture_keeps_loading(tmp_path: Path) -> None:
    """A case written by schema version 1 opens, verifies and reads back its tables."""
    path = tmp_path / "v1.itcase"
    shutil.copy(FIXTURES / "case_v1.itcase", path)
    with CaseStore.open(path) as store:
        report = store.verify()
        assert report.ok, report.problems
        assert store.compute_data_hash() == data_hash(small_tables(seed=11, n_trades=12))
        pd.testing.assert_frame_equal(store.tables().trades, _expected(small_tables(seed=11, n_trades=12).trades))
        assert store.note("007").text == "<p>fixture note</p>" and store.suspect_list() == ["0042"]
        entries = store.audit_entries()
        assert [e.action for e in entries] == ["import", "note", "suspect_added", "coverage_baseline"]
        baseline = entries[-1].details["rows"]
        assert [k for k, _ in baseline["notes"]] == [["007"]] and [k for k, _ in baseline["suspects"]] == [["0042"]]


def test_v1_rows_are_covered_after_the_upgrade_and_read_only_leaves_the_file_alone(tmp_path: Path) -> None:
    """The schema-2 upgrade attests a version-1 case's work once; from then on a row edited
    outside the workbench is found (read-only opening upgrades a private copy only)."""
    path = tmp_path / "v1.itcase"
    shutil.copy(FIXTURES / "case_v1.itcase", path)
    before = path.read_bytes()
    with CaseStore.open(path, read_only=True) as store:
        assert store.verify().ok
    assert path.read_bytes() == before
    with CaseStore.open(path):
        pass
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == CaseStore.SCHEMA_VERSION == 2
    conn.execute("UPDATE notes SET text = '<p>rewritten</p>'")
    conn.commit()
    conn.close()
    with CaseStore.open(path, read_only=True) as store:
        report = store.verify()
    assert not report.ok and any("notes row ('007')" in p for p in report.problems)
