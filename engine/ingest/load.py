"""Reading and validating the case's input tables (CASE_FORMAT.md §1-2) into typed frames.

Every file is read completely and every problem found is collected (up to
``MAX_PROBLEMS_PER_FILE`` per file) before one ``InputError`` is raised, so the user can
fix a file in one go. Decisions beyond the contract:

- cells are stripped of surrounding whitespace; a blank cell is missing; blank lines are
  skipped (row numbers still count them); ``NaN``/``inf`` are never accepted as values;
- rows are numbered as in the CSV, header = row 1, for Parquet files too;
- ``direction`` (buy/sell), ``right`` (C/P, or call/put) and ``investor_type`` (H/IF/L, or
  household / investment firm / legal entity) are read case-insensitively and stored as the
  codes; text ids read from Parquet integer or whole-float columns become "123" not "123.0";
- trades: rows repeating (investor_id, stock, date) must differ by venue and are summed
  (see ``engine.ingest.venues``); without a venue column a repeat is a problem;
- an optional table given with a header but no rows is kept as an empty typed frame;
  optional columns that are absent stay absent; unknown columns are kept as read.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from engine.errors import InputError, Problem, UsageError
from engine.ingest.checks import check_cross, check_table, import_warnings
from engine.ingest.convert import convert_column
from engine.ingest.problems import ProblemLog
from engine.ingest.read import RawTable, read_bytes, read_raw
from engine.ingest.venues import sum_venues
from engine.progress import Reporter
from engine.ingest.schema import TABLES, TableSpec
from engine.tables import TABLE_NAMES, CaseTables

_WEIGHTS = {"trades": 20.0}


@dataclass(frozen=True)
class IngestResult:
    """The typed tables and, per table name, the SHA-256 and name of the original file; the
    warnings the import prints and logs (``engine.ingest.checks.import_warnings``)."""

    tables: CaseTables
    file_hashes: dict[str, str]
    file_names: dict[str, str]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Typed:
    frame: pd.DataFrame
    rows: np.ndarray


def _type_table(spec: TableSpec, raw: RawTable, log: ProblemLog) -> _Typed:
    """Convert every known column; extras are kept as read, after the known ones."""
    out: dict[str, pd.Series] = {}
    for col in spec.columns:
        if col.name in raw.frame:
            out[col.name] = convert_column(col, raw.frame[col.name], raw.rows, log)
    for name in raw.frame.columns:
        if name not in out:
            out[name] = raw.frame[name]
    return _Typed(pd.DataFrame(out, index=raw.frame.index), raw.rows)


def _load(name: str, path: Path, log: ProblemLog) -> tuple[_Typed | None, str | None]:
    """One file: its typed table (``None`` if unusable) and the SHA-256 of its bytes."""
    data = read_bytes(path, log)
    if data is None:
        return None, None
    digest = hashlib.sha256(data).hexdigest()
    spec = TABLES[name]
    raw = read_raw(spec, path, data, log)
    del data
    if raw is None:
        return None, digest
    typed = _type_table(spec, raw, log)
    if not log.has_problems:
        check_table(name, typed.frame, typed.rows, log)
    return typed, digest


def _table_paths(paths: Mapping[str, str | Path | None]) -> dict[str, Path]:
    """Known table name -> path (``None`` entries skipped); unknown names are a usage error."""
    out: dict[str, Path] = {}
    for key, value in paths.items():
        name = key.lower()
        if name not in TABLES:
            raise UsageError(f"unknown table {key!r}; the tables are: {', '.join(TABLE_NAMES)}")
        if value is not None:
            out[name] = Path(value)
    return out


def read_case_tables(paths: Mapping[str, str | Path | None], reporter: Reporter | None = None, *,
                     later_stages: Sequence[tuple[str, float]] = ()) -> IngestResult:
    """Read, validate and type the given tables; raise ``InputError`` with every problem.

    ``later_stages`` are planned after the reading ones, for a caller that goes on (import).
    """
    reporter = reporter or Reporter()
    table_paths = _table_paths(paths)
    missing = [Problem(n, None, None, f"the {n} table is required")
               for n in TABLE_NAMES if TABLES[n].required and n not in table_paths]
    order = [n for n in TABLE_NAMES if n in table_paths]
    reporter.plan([(f"read {n}", _WEIGHTS.get(n, 1.0)) for n in order] + [("check", 1.0)]
                  + list(later_stages))
    logs: dict[str, ProblemLog] = {}
    typed: dict[str, _Typed] = {}
    hashes: dict[str, str] = {}
    for name in order:
        reporter.stage(f"read {name}")
        logs[name] = ProblemLog(table_paths[name].name)
        table, digest = _load(name, table_paths[name], logs[name])
        if digest is not None:
            hashes[name] = digest
        if table is not None and not logs[name].has_problems:
            typed[name] = table
        reporter.advance(1.0)
    reporter.stage("check")
    check_cross({n: t.frame for n, t in typed.items()}, {n: t.rows for n, t in typed.items()}, logs)
    problems = missing + [p for n in order for p in logs[n].problems()]
    if problems:
        raise InputError(problems)
    frames = {n: t.frame for n, t in typed.items()}
    warnings = import_warnings(frames, {n: t.rows for n, t in typed.items()},
                               {n: logs[n].file for n in order}, dt.date.today())
    frames["trades"] = sum_venues(frames["trades"])
    reporter.advance(1.0)
    return IngestResult(tables=CaseTables(**frames), file_hashes=hashes,
                        file_names={n: p.name for n, p in table_paths.items()}, warnings=tuple(warnings))


def read_table(name: str, path: Path) -> pd.DataFrame:
    """One table, validated and typed (trades with venues summed); ``InputError`` if bad."""
    if name not in TABLES:
        raise UsageError(f"unknown table {name!r}; the tables are: {', '.join(TABLE_NAMES)}")
    log = ProblemLog(Path(path).name)
    table, _ = _load(name, Path(path), log)
    if log.has_problems or table is None:
        raise InputError(log.problems())
    return sum_venues(table.frame) if name == "trades" else table.frame.reset_index(drop=True)
