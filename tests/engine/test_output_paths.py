"""Output paths are checked before any work and never replace a device, a FIFO, a link or an
input (issue 18 items 5-6): exit 2 with a plain message, no temp-file names, no traceback."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

import main
from engine.atomic import write_bytes_atomic
from engine.case.store import CaseStore
from engine.errors import UsageError
from tests.engine.bad_inputs.base import write_case
from tests.fixtures.small_case import FILE_HASHES, FILE_NAMES, small_tables


@pytest.fixture()
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "case.itcase"
    CaseStore.create(path, small_tables(), FILE_HASHES, FILE_NAMES)
    return path


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("option", ["--json", "--links", "--graphml"])
@pytest.mark.parametrize("make, words", [
    (lambda d: d / "missing" / "out.x", "the folder"),
    (lambda d: d, "is a folder"),
    (lambda d: Path("/dev/null"), "not a regular file"),
    (lambda d: _fifo(d / "fifo"), "not a regular file"),
    (lambda d: d / "case.itcase", "one of this command's input files"),
])
def test_analyze_refuses_a_bad_output_before_any_work(case_path: Path, option: str, make, words: str,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    import engine.cli.case_args as case_args
    monkeypatch.setattr(case_args, "analyze", lambda *a, **k: pytest.fail("the analysis ran"))
    before = hashlib.sha256(case_path.read_bytes()).hexdigest()
    assert main.main(["analyze", str(case_path), "--quiet", option, str(make(case_path.parent))]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and words in err and ".tmp" not in err and "Traceback" not in err
    assert hashlib.sha256(case_path.read_bytes()).hexdigest() == before


def test_two_outputs_on_one_file_are_refused(case_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = case_path.parent / "same.out"
    assert main.main(["analyze", str(case_path), "--quiet", "--json", str(out), "--links", str(out)]) == 2
    assert "name the same file" in capsys.readouterr().err


def test_unwritable_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root every folder is writable; a read-only medium is what access() then reports."""
    import engine.output_paths as output_paths
    folder = tmp_path / "ro"
    folder.mkdir()
    real = os.access
    monkeypatch.setattr(output_paths.os, "access", lambda p, m: False if Path(p) == folder else real(p, m))
    with pytest.raises(UsageError, match="the folder .* is not writable"):
        write_bytes_atomic(folder / "x.json", b"{}")
    assert not any(folder.iterdir())


def test_atomic_writer_follows_a_link_and_never_replaces_a_fifo(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_bytes(b"old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_bytes_atomic(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"
    fifo = _fifo(tmp_path / "pipe")
    with pytest.raises(UsageError, match="not a regular file"):
        write_bytes_atomic(fifo, b"x")
    assert fifo.exists() and not fifo.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "pipe", "real.json"]


def test_import_over_its_own_input_is_refused_even_with_force(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    paths = write_case(tmp_path / "in")
    evidence = paths["trades"].read_bytes()
    argv = ["import", "-q", "--force", "-o", str(paths["trades"])]
    for name, path in paths.items():
        argv += [f"--{name}", str(path)]
    assert main.main(argv) == 2
    assert "one of this command's input files" in capsys.readouterr().err
    assert paths["trades"].read_bytes() == evidence
