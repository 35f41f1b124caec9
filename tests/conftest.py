"""Shared fixtures. Qt runs on the offscreen platform; every test gets its own
settings, data and log directories so nothing leaks between tests or into $HOME."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

DEMO_SEED = 7


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fresh user data, log and settings directories for each test."""
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("ITWB_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("ITWB_LOG_DIR", str(base / "log"))
    monkeypatch.setenv("ITWB_SETTINGS_DIR", str(base / "settings"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))


@pytest.fixture(scope="session")
def demo_market_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default-scale demo market (CSV files + truth.json), generated once per session."""
    from engine.demo.generate import write_demo_market
    out = tmp_path_factory.mktemp("demo_market")
    write_demo_market(out, seed=DEMO_SEED)
    return out


@pytest.fixture(scope="session")
def demo_truth(demo_market_dir: Path) -> dict:
    """The planted truth of the demo market (never read by the product)."""
    import json
    return json.loads((demo_market_dir / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def demo_tables(demo_market_dir: Path):
    """The demo market read through the real ingest path."""
    from engine.demo.generate import demo_paths
    from engine.ingest.load import read_case_tables
    return read_case_tables(demo_paths(demo_market_dir)).tables


@pytest.fixture(scope="session")
def demo_case_path(demo_market_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case file imported from the demo market; tests that write to it must copy it."""
    from engine.demo.generate import demo_paths
    from engine.ingest.importer import import_case
    out = tmp_path_factory.mktemp("demo_case") / "demo.itcase"
    import_case(demo_paths(demo_market_dir), out)
    return out


@pytest.fixture(scope="session")
def analysed_case_master(demo_case_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo case with its default analysis cached inside (computed once)."""
    from engine.case.store import CaseStore
    from engine.params import AnalysisParams
    from engine.pipeline import analyze
    out = tmp_path_factory.mktemp("analysed") / "demo.itcase"
    shutil.copy(demo_case_path, out)
    with CaseStore.open(out) as store:
        tables = store.tables()
        analyze(tables, tables.event(None), AnalysisParams(), store=store)
    return out


@pytest.fixture
def analysed_case(analysed_case_master: Path, tmp_path: Path) -> Path:
    """A private writable copy of the analysed demo case."""
    out = tmp_path / "case.itcase"
    shutil.copy(analysed_case_master, out)
    return out
