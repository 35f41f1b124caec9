"""`main.py import` on the malformed-input corpus and on valid input: exit codes, exact
file/row/column messages, nothing written on failure, an existing case left untouched."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import main
from engine.case.store import CaseStore
from engine.ingest.load import read_case_tables
from tests.engine.bad_inputs.base import BASE, write_case
from tests.engine.bad_inputs.corpus import CASES, BadCase, drop_column as _drop

ROOT = Path(__file__).resolve().parents[2]


def _argv(paths: dict[str, Path], out: Path, *extra: str) -> list[str]:
    argv = ["import", "-q", "-o", str(out), *extra]
    for name, path in paths.items():
        argv += [f"--{name}", str(path)]
    return argv


def _run_main(argv: list[str]) -> subprocess.CompletedProcess[str]:
    """main.py in a fresh interpreter, as a user runs it."""
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *argv], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def valid_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case imported from the valid base tables (copied before any test writes over it)."""
    folder = tmp_path_factory.mktemp("valid")
    out = folder / "base.itcase"
    assert main.main(_argv(write_case(folder / "in"), out)) == 0
    return out


def test_corpus_is_large_and_names_are_unique() -> None:
    names = [c.name for c in CASES]
    assert len(names) >= 25 and len(set(names)) == len(names)


@pytest.mark.parametrize("bad", CASES, ids=lambda c: c.name)
def test_bad_input_exits_2_names_the_place_and_writes_nothing(
        bad: BadCase, tmp_path: Path, valid_case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = bad.write(tmp_path / "in")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "new.itcase"

    assert main.main(_argv(paths, out)) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    lines = err[len("error: "):].rstrip("\n").split("\n")
    assert len(lines) == len(bad.expected), err
    for line, want in zip(lines, bad.expected):
        assert line.startswith(want.prefix()) and want.words in line, (line, want)
    assert list(out_dir.iterdir()) == []

    existing = out_dir / "existing.itcase"
    shutil.copyfile(valid_case, existing)
    before = _digest(existing)
    assert main.main(_argv(paths, existing, "--force")) == 2
    assert capsys.readouterr().err == err
    assert _digest(existing) == before
    assert [p.name for p in out_dir.iterdir()] == ["existing.itcase"]


@pytest.mark.slow
def test_real_process_shows_every_problem_without_traceback(tmp_path: Path) -> None:
    cases = {c.name: c for c in CASES}
    chosen = [cases["binary_garbage"], cases["missing_required_column"], cases["bad_right"]]
    overrides = {"trades": chosen[0].overrides["trades"], "events": _drop(BASE["events"], "direction"),
                 "options": chosen[2].overrides["options"]}
    out = tmp_path / "case.itcase"
    proc = _run_main(_argv(write_case(tmp_path / "in", overrides), out))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [
        "error: trades.csv: binary data, not CSV text (a NUL byte at offset 0)",
        "events.csv, row 1, column direction: required column is missing (the events table needs: "
        "event_id, stock, event_date, reference_start, direction)",
        "options.csv, row 2, column right: 'X' is not one of C, P"]
    assert not out.exists()


@pytest.mark.slow
def test_real_process_imports_a_valid_case(tmp_path: Path) -> None:
    out = tmp_path / "case.itcase"
    proc = _run_main(_argv(write_case(tmp_path / "in"), out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"imported {out}") and "data hash " in proc.stdout
    with CaseStore.open(out) as store:
        assert store.stored_data_hash() in proc.stdout


def test_valid_import_prints_summary_and_stores_the_tables(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = write_case(tmp_path / "in")
    out = tmp_path / "case.itcase"
    assert main.main(_argv(paths, out)) == 0
    text = capsys.readouterr().out
    assert "  trades               6 rows\n" in text and "  filings               1 row\n" in text
    assert "trading: 3 investors, 2 stocks; 2 events" in text
    expected = read_case_tables(paths)
    with CaseStore.open(out) as store:
        assert f"data hash {store.compute_data_hash()}" in text
        stored = store.tables()
    for name in ("trades", "events", "investors", "options", "prices", "filings"):
        pd.testing.assert_frame_equal(getattr(stored, name), getattr(expected.tables, name), obj=name)


def test_existing_case_needs_force(tmp_path: Path, valid_case: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "case.itcase"
    shutil.copyfile(valid_case, out)
    before = _digest(out)
    paths = write_case(tmp_path / "in", tables=("trades", "events"))
    assert main.main(_argv(paths, out)) == 2
    assert "already exists; use --force" in capsys.readouterr().err
    assert _digest(out) == before
    assert main.main(_argv(paths, out, "--force")) == 0
    with CaseStore.open(out) as store:
        assert store.tables().investors is None


def test_missing_required_option_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = write_case(tmp_path / "in", tables=("trades",))
    with pytest.raises(SystemExit) as exit_info:
        main.main(_argv(paths, tmp_path / "case.itcase"))
    assert exit_info.value.code == 2
    assert "--events" in capsys.readouterr().err
    assert not (tmp_path / "case.itcase").exists()


@pytest.mark.parametrize("where, words", [("folder", "is a folder"), ("nowhere/case.itcase", "does not exist")])
def test_unusable_output_path_is_refused_before_reading(
        where: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "folder").mkdir()
    paths = write_case(tmp_path / "in", {"trades": b""})  # never read: the output is checked first
    assert main.main(_argv(paths, tmp_path / where, "--force")) == 2
    err = capsys.readouterr().err
    assert words in err and "trades.csv" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "in"]
