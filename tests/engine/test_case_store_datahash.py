"""The data hash: an independent plain-Python implementation of the documented format
(what an outside auditor would write) must give the same hash; any changed cell changes
it; row and column order do not; a fresh interpreter gives the same value."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.case.datahash import data_hash
from engine.tables import CaseTables
from tests.fixtures.small_case import small_tables

ROOT = Path(__file__).resolve().parents[2]
ORDER = ("trades", "events", "investors", "options", "prices", "filings")
LEAD = {"trades": ("investor_id", "stock", "date"), "events": ("event_id",), "investors": ("investor_id",),
        "options": ("stock", "date", "expiry", "strike", "right"), "prices": ("stock", "date"),
        "filings": ("investor_id", "stock", "date")}


def _kind(series: pd.Series) -> str:
    if series.dtype == "boolean" or series.dtype == bool:
        return "bool"
    if str(series.dtype).startswith("datetime64"):
        return "date"
    if str(series.dtype) in ("Int64", "int64"):
        return "int"
    if series.dtype == np.float64:
        return "real"
    return "text"


def _value(cell: object, kind: str) -> object:
    """The cell as a plain Python value; None when missing."""
    if cell is None or cell is pd.NA or cell is pd.NaT or (isinstance(cell, float) and cell != cell):
        return None
    return {"text": str, "real": lambda v: float(v) + 0.0, "int": int, "bool": bool,
            "date": lambda v: pd.Timestamp(v).date()}[kind](cell)


def _cell(value: object, kind: str) -> str:
    if value is None:
        return "\\N"
    if kind == "text":
        return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    if kind == "real":
        return struct.pack(">d", value).hex()
    if kind == "date":
        assert isinstance(value, dt.date)
        return value.isoformat()
    if kind == "bool":
        return "true" if value else "false"
    return str(value)


def oracle_hash(tables: CaseTables) -> str:
    """The format of engine/case/datahash.py's docstring, written row by row in plain Python."""
    lines = ["itcase-data-hash v1"]
    for name in ORDER:
        frame = getattr(tables, name)
        if frame is None:
            continue
        kinds = {c: _kind(frame[c]) for c in frame.columns}
        lead = [c for c in LEAD[name] if c in kinds]
        columns = lead + sorted(c for c in kinds if c not in lead)
        rows = [[_value(frame[c].iloc[i], kinds[c]) for c in columns] for i in range(len(frame))]
        rows.sort(key=lambda row: tuple((0,) if v is None else (1, v) for v in row))
        lines.append(f"table {name} {len(frame)} {len(columns)}")
        for j, column in enumerate(columns):
            lines.append(f"column {column} {kinds[column]}")
            lines.extend(_cell(row[j], kinds[column]) for row in rows)
    return hashlib.sha256(("\n".join(lines) + "\n").encode("utf-8")).hexdigest()


@pytest.mark.parametrize("seed", range(5))
def test_matches_an_independent_implementation(seed: int) -> None:
    tables = small_tables(seed=seed)
    assert data_hash(tables) == oracle_hash(tables)


def test_matches_on_empty_tables_and_all_missing_columns() -> None:
    tables = small_tables()
    empty = tables.trades.iloc[0:0]
    blank = tables.events.assign(offer_price=np.nan, description=pd.Series([None, None], dtype="str"))
    for case in (CaseTables(trades=empty, events=blank), CaseTables(trades=tables.trades.head(1), events=blank)):
        assert data_hash(case) == oracle_hash(case)


@pytest.mark.parametrize("pad_slack", [1 << 24, 0])  # lines gathered padded, or joined
def test_matches_on_text_of_uneven_length_escapes_and_missing_cells(pad_slack: int,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("engine.case.datahash.PAD_SLACK", pad_slack)
    tables = small_tables(seed=4)
    rng = np.random.default_rng(4)
    n = len(tables.trades)
    names = np.array(["a\\b", "x\ny", "é€𝄞", "r\r", "", "long" * 50, None], dtype=object)
    trades = tables.trades.assign(
        investor_id=pd.Series(names[rng.integers(0, len(names), n)], dtype="str"),
        count=pd.array(rng.choice([1, -5, None, 10**12], n), dtype="Int64"),
        flag=pd.array(rng.choice([True, False, None], n), dtype="boolean"))
    for case in (CaseTables(trades=trades, events=tables.events),
                 CaseTables(trades=pd.concat([trades] * 3, ignore_index=True), events=tables.events)):
        assert data_hash(case) == oracle_hash(case)


def _changed(series: pd.Series, row: int, kind: str, rng: np.random.Generator) -> pd.Series:
    """The column with one cell changed to a different value (or to / from missing)."""
    out = series.copy()
    value = series.iloc[row]
    missing = _value(value, kind) is None
    if rng.random() < 0.2 and not missing:
        out.iloc[row] = None if kind != "real" else np.nan
    elif kind == "text":
        out.iloc[row] = "x" if missing else value + "x"
    elif kind == "real":
        out.iloc[row] = 1.0 if missing else np.nextafter(value, np.inf)
    elif kind == "int":
        out.iloc[row] = 0 if missing else value + 1
    elif kind == "bool":
        out.iloc[row] = True if missing else not value
    else:
        out.iloc[row] = pd.Timestamp("2000-01-01") if missing else value + pd.Timedelta(days=1)
    return out


def test_any_changed_cell_changes_the_hash() -> None:
    """Property over random cells of every column kind (seeded)."""
    rng = np.random.default_rng(42)
    tables = small_tables()
    base = data_hash(tables)
    trades = tables.trades
    for _ in range(40):
        column = trades.columns[rng.integers(len(trades.columns))]
        row = int(rng.integers(len(trades)))
        changed = trades.assign(**{column: _changed(trades[column], row, _kind(trades[column]), rng)})
        assert data_hash(CaseTables(trades=changed, events=tables.events)) != data_hash(
            CaseTables(trades=trades, events=tables.events)), (column, row)
    assert data_hash(tables) == base


def test_row_and_column_order_do_not_matter_but_duplicates_do() -> None:
    tables = small_tables()
    rng = np.random.default_rng(3)
    trades = tables.trades
    shuffled = trades.iloc[rng.permutation(len(trades))][list(rng.permutation(trades.columns))]
    same = CaseTables(trades=shuffled, events=tables.events, investors=tables.investors, prices=tables.prices)
    assert data_hash(same) == data_hash(tables)
    doubled = CaseTables(trades=pd.concat([trades, trades.head(1)]), events=tables.events,
                         investors=tables.investors, prices=tables.prices)
    assert data_hash(doubled) != data_hash(tables)
    without_prices = CaseTables(trades=trades, events=tables.events, investors=tables.investors)
    assert data_hash(without_prices) != data_hash(tables)


def test_stable_across_interpreter_runs() -> None:
    code = ("from tests.fixtures.small_case import small_tables\n"
            "from engine.case.datahash import data_hash\nprint(data_hash(small_tables(seed=4)))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == data_hash(small_tables(seed=4))
