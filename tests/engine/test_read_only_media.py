"""A case on read-only media (how an outside expert receives evidence) can be verified and
analysed (issue 18 item 7): opened immutable, nothing written beside it, results not cached.

As root every folder is writable, so the medium is simulated at the one place that asks
(``on_read_only_media``); the immutable open itself is real and must leave no sidecar file.
Checked by hand on a read-only bind mount: `verify` exit 0, `analyze` exit 0 with the note.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import main
from engine.case.store import CaseStore
from engine.errors import CaseFileError


@pytest.fixture()
def read_only_case(analysed_case: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import engine.case.store as store_mod
    monkeypatch.setattr(store_mod, "on_read_only_media", lambda path: True)
    return analysed_case


def _listing(path: Path) -> list[str]:
    return sorted(os.listdir(path.parent))


def test_read_only_case_verifies_and_analyses_without_writing(read_only_case: Path, monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path_factory: pytest.TempPathFactory,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    import engine.pipeline as pipeline
    before, files = read_only_case.read_bytes(), _listing(read_only_case)
    assert main.main(["verify", str(read_only_case)]) == 0
    out = tmp_path_factory.mktemp("out") / "r.json"
    assert main.main(["analyze", str(read_only_case), "--quiet", "--json", str(out)]) == 0
    assert "is read-only (read-only media or folder): nothing is written to it" in capsys.readouterr().err
    with CaseStore.open(read_only_case) as store:
        assert store.read_only
        tables = store.tables()
        cached = pipeline.analyze(tables, tables.event(None), pipeline.AnalysisParams(), store=store)
        monkeypatch.setattr(pipeline, "run_stages", lambda *a, **k: cached)  # a fresh run, made cheap
        assert pipeline.analyze(tables, tables.event(None), pipeline.AnalysisParams(), store=store,
                                use_cache=False) is cached
    assert read_only_case.read_bytes() == before and _listing(read_only_case) == files


def test_an_unfinished_log_on_read_only_media_is_refused_clearly(read_only_case: Path) -> None:
    Path(f"{read_only_case}-wal").write_bytes(b"x" * 100)
    with pytest.raises(CaseFileError, match="unfinished write-ahead log"):
        CaseStore.open(read_only_case)


def test_report_on_read_only_media_is_refused_before_writing(read_only_case: Path, tmp_path_factory: pytest.TempPathFactory,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path_factory.mktemp("pdf") / "p.pdf"
    assert main.main(["report", str(read_only_case), "--quiet", "--pdf", str(out)]) == 2
    assert "a packet's export is recorded in the case's audit log" in capsys.readouterr().err
    assert not out.exists()
