"""Import wizard: a bad table shows file/row/column and creates nothing; a good import
creates the case and reports it; preview shows the first rows."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtWidgets import QTableWidget

from engine.demo.generate import demo_paths
from ui.dialogs.import_wizard import PREVIEW_ROWS, ImportWizard


@pytest.fixture
def wizard(qtbot, tmp_path):
    w = ImportWizard(str(tmp_path))
    qtbot.addWidget(w)
    w.show()
    return w


def _bad_trades(demo_market_dir: Path, tmp_path: Path) -> tuple[dict[str, Path], int]:
    """The demo tables with one negative buy_shares on a known line."""
    paths = dict(demo_paths(demo_market_dir))
    trades = pd.read_csv(paths["trades"], dtype=str, keep_default_na=False)
    bad_index = 4
    trades.loc[bad_index, "buy_shares"] = "-5"
    bad = tmp_path / "trades.csv"
    trades.to_csv(bad, index=False)
    paths["trades"] = bad
    return paths, bad_index + 2          # 1-based with the header as row 1


def test_bad_import_names_file_row_column_and_creates_nothing(wizard, qtbot, demo_market_dir, tmp_path):
    paths, bad_row = _bad_trades(demo_market_dir, tmp_path)
    out = tmp_path / "new.itcase"
    wizard.set_paths(paths, out)
    imported: list[object] = []
    wizard.imported.connect(imported.append)
    with qtbot.waitSignal(wizard.runner.failed, timeout=60000):
        wizard.start_import()
    assert "Nothing was changed" in wizard.message.text()
    table = wizard.problems
    assert isinstance(table, QTableWidget) and table.rowCount() >= 1
    cells = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert any(f == "trades.csv" and row == str(bad_row) and col == "buy_shares" for f, row, col, _ in cells), cells
    assert not out.exists() and imported == []
    assert list(tmp_path.glob("*.itcase*")) == []
    assert wizard.isVisible()


def test_required_tables_and_output_are_asked_for(wizard):
    wizard.start_import()
    assert "trades" in wizard.message.text() and "events" in wizard.message.text()
    wizard.set_paths({"trades": "t.csv", "events": "e.csv"})
    wizard.start_import()
    assert "save" in wizard.message.text()
    assert not wizard.runner.is_running()


def test_good_import_creates_the_case(wizard, qtbot, demo_market_dir, tmp_path):
    out = tmp_path / "good.itcase"
    wizard.set_paths(dict(demo_paths(demo_market_dir)), out)
    with qtbot.waitSignal(wizard.imported, timeout=60000) as blocker:
        wizard.start_import()
    assert Path(blocker.args[0]) == out and out.is_file()
    from engine.case.store import CaseStore
    with CaseStore.open(out) as store:
        assert len(store.tables().trades) > 0


def test_preview_shows_first_rows(wizard, demo_market_dir):
    paths = demo_paths(demo_market_dir)
    wizard.set_paths({"trades": paths["trades"]})
    wizard.show_preview("trades")
    head = pd.read_csv(paths["trades"], nrows=PREVIEW_ROWS, dtype=str, keep_default_na=False)
    assert wizard.preview.rowCount() == len(head)
    headers = [wizard.preview.horizontalHeaderItem(c).text() for c in range(wizard.preview.columnCount())]
    assert headers == list(head.columns)
    assert wizard.preview.item(3, 0).text() == head.iloc[3, 0]
    wizard.set_paths({"options": str(Path(paths["trades"]).with_name("missing.csv"))})
    wizard.show_preview("options")
    assert "cannot read" in wizard.preview_title.text()


def _european_csv(source: Path, target: Path) -> pd.DataFrame:
    """``source`` saved as a European spreadsheet does: ';' separated, decimal commas."""
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    europe = frame.apply(lambda col: col.str.replace(r"^(-?\d+)\.(\d+)$", r"\1,\2", regex=True))
    europe.to_csv(target, index=False, sep=";")
    return frame


def test_semicolon_decimal_comma_tables_preview_and_import(wizard, qtbot, demo_market_dir, tmp_path):
    paths = dict(demo_paths(demo_market_dir))
    for name in ("trades", "events"):
        frame = _european_csv(paths[name], tmp_path / f"{name}.csv")
        paths[name] = tmp_path / f"{name}.csv"
    assert ";" in paths["trades"].read_text().split("\n")[0] and "," in paths["events"].read_text()
    wizard.set_paths({"trades": paths["trades"]})
    wizard.show_preview("trades")
    headers = [wizard.preview.horizontalHeaderItem(c).text() for c in range(wizard.preview.columnCount())]
    assert headers == list(pd.read_csv(demo_paths(demo_market_dir)["trades"], nrows=1).columns)
    out = tmp_path / "europe.itcase"
    wizard.set_paths(paths, out)
    with qtbot.waitSignal(wizard.imported, timeout=60000):
        wizard.start_import()
    from engine.case.store import CaseStore
    from engine.ingest.load import read_case_tables
    with CaseStore.open(out) as store:
        got = store.tables()
    want = read_case_tables(dict(demo_paths(demo_market_dir))).tables
    pd.testing.assert_frame_equal(got.events, want.events)
    assert len(got.trades) == len(want.trades) and frame is not None


def test_problem_count_matches_the_list_and_preview_keeps_its_height(wizard, qtbot, demo_market_dir, tmp_path):
    paths = dict(demo_paths(demo_market_dir))
    trades = pd.read_csv(paths["trades"], dtype=str, keep_default_na=False)
    trades.loc[:199, "buy_shares"] = "-5"                 # 200 bad rows: 50 listed, 150 counted
    paths["trades"] = tmp_path / "trades.csv"
    trades.to_csv(paths["trades"], index=False)
    wizard.resize(820, 600)
    wizard.set_paths({"trades": paths["trades"]})
    wizard.show_preview("trades")
    qtbot.wait(10)
    before = wizard.preview.height()
    wizard.set_paths(paths, tmp_path / "bad.itcase")
    with qtbot.waitSignal(wizard.runner.failed, timeout=60000):
        wizard.start_import()
    qtbot.wait(10)
    table = wizard.problems
    listed = [table.item(r, 3).text() for r in range(table.rowCount())]
    more = next(int(t.split()[2]) for t in listed if t.startswith("... and"))
    total = len(listed) - 1 + more
    assert total == 200
    assert f"The input has {total:,} problems" in wizard.message.text()
    assert wizard.preview.height() >= min(before, wizard.preview.minimumHeight())
    rows_visible = (wizard.preview.viewport().height()) // wizard.preview.verticalHeader().defaultSectionSize()
    assert rows_visible >= 5
