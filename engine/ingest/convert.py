"""Typing and checking one column at a time with vectorised masks (no per-row Python).

Each converter takes the raw column (text from CSV, stored type from Parquet), records a
problem for every bad cell (row, column, what is wrong) and returns the typed column.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from engine.ingest.problems import ProblemLog
from engine.ingest.schema import Bound, ColumnSpec, Kind

_ISO_DATE = r"\d{4}-\d{2}-\d{2}"
_FIRST_DAY, _LAST_DAY = pd.Timestamp("1900-01-01"), pd.Timestamp("2200-12-31")
_NAN_WORDS = frozenset({"nan", "+nan", "-nan"})


def fmt_number(value: float) -> str:
    """A number as a person writes it: 3 not 3.0, 0.25 as is."""
    if np.isfinite(value) and float(value).is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(float(value))


def convert_column(spec: ColumnSpec, raw: pd.Series, rows: np.ndarray, log: ProblemLog) -> pd.Series:
    """The typed column for ``spec`` (see schema.Kind), problems recorded in ``log``."""
    if spec.kind is Kind.TEXT:
        return _check_missing(spec, to_text(raw), rows, log)
    if spec.kind is Kind.CHOICE:
        return _to_choice(spec, to_text(raw), rows, log)
    if spec.kind is Kind.DATE:
        return _to_date(spec, raw, rows, log)
    values = _to_number(spec, raw, rows, log)
    if spec.kind is Kind.COUNT:
        return _to_count(spec, values, rows, log)
    return values


def _is_number(raw: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype)


def to_text(raw: pd.Series) -> pd.Series:
    """Text cells, surrounding whitespace stripped, blank -> NaN; whole numbers without '.0'."""
    if _is_number(raw):
        return _numbers_as_text(raw)
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        return raw.dt.strftime("%Y-%m-%d").astype(str)
    text = raw.astype(str).str.strip()
    return text.where(raw.notna() & (text != "")).astype(str)


def _numbers_as_text(raw: pd.Series) -> pd.Series:
    """Numeric ids (Parquet) as text: 123 and 123.0 -> "123", 1.5 -> "1.5", missing -> NaN."""
    if pd.api.types.is_integer_dtype(raw.dtype) and not raw.hasnans:
        return raw.astype("int64").astype(str)
    values = raw.astype("float64").to_numpy()
    out = np.full(len(values), np.nan, dtype=object)
    ok = np.isfinite(values)
    whole = ok & (np.mod(values, 1.0, where=ok, out=np.ones_like(values)) == 0) & (np.abs(values) < 1e16)
    out[whole] = values[whole].astype(np.int64).astype(str)
    frac = ok & ~whole
    out[frac] = [repr(float(v)) for v in values[frac]]  # rare: fractional ids
    return pd.Series(out, index=raw.index, dtype=str)


def _check_missing(spec: ColumnSpec, values: pd.Series, rows: np.ndarray, log: ProblemLog) -> pd.Series:
    """Report blank cells in a column that must be filled."""
    if not spec.nullable:
        log.add_rows(rows, values.isna().to_numpy(), spec.name, lambda i: f"blank {spec.name}")
    return values


def _to_choice(spec: ColumnSpec, text: pd.Series, rows: np.ndarray, log: ProblemLog) -> pd.Series:
    """Accepted spellings -> canonical codes; anything else is reported."""
    _check_missing(spec, text, rows, log)
    key = text.str.lower().str.replace(r"[_\-\s]+", " ", regex=True)
    codes = key.map(spec.choices)
    bad = (text.notna() & codes.isna()).to_numpy()
    accepted = ", ".join(sorted(set(spec.choices.values())))
    log.add_rows(rows, bad, spec.name,
                 lambda i: f"{text.iloc[i]!r} is not one of {accepted}")
    return codes.astype(str)


def _to_date(spec: ColumnSpec, raw: pd.Series, rows: np.ndarray, log: ProblemLog) -> pd.Series:
    """ISO YYYY-MM-DD text (or Parquet dates) -> datetime64[ns] at midnight."""
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        values = raw.dt.tz_localize(None) if getattr(raw.dt, "tz", None) is not None else raw
        values = values.astype("datetime64[ns]")
        timed = (values.notna() & (values != values.dt.normalize())).to_numpy()
        log.add_rows(rows, timed, spec.name, lambda i: f"{values.iloc[i]} has a time of day; give dates only")
        _check_missing(spec, values, rows, log)
        return values
    text = to_text(raw)
    codes, uniques = pd.factorize(text)  # few distinct dates: parse each once
    uniq = pd.Series(uniques, dtype=str)
    shaped = uniq.str.fullmatch(_ISO_DATE).fillna(False).to_numpy(dtype=bool, copy=True)
    parsed = pd.to_datetime(uniq.where(shaped), format="%Y-%m-%d", errors="coerce")
    in_range = ((parsed >= _FIRST_DAY) & (parsed <= _LAST_DAY)).to_numpy(dtype=bool)
    parsed_ns = parsed.where(in_range).astype("datetime64[ns]").to_numpy()
    shaped = shaped & (in_range | parsed.isna().to_numpy())
    out = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
    has = codes >= 0
    out[has] = parsed_ns[codes[has]]
    bad_shape = np.zeros(len(text), dtype=bool)
    bad_shape[has] = ~shaped[codes[has]]
    no_day = has & ~bad_shape & np.isnat(out)
    log.add_rows(rows, bad_shape, spec.name, lambda i: f"not a date in YYYY-MM-DD form "
                 f"(years 1900-2200): {text.iloc[i]!r}")
    log.add_rows(rows, no_day, spec.name, lambda i: f"no such date: {text.iloc[i]!r}")
    result = pd.Series(out, index=raw.index)
    _check_missing(spec, text, rows, log)
    return result


@dataclass(frozen=True)
class _Parsed:
    """Numbers parsed from a column, with the cells that were not numbers or were NaN words."""

    values: pd.Series
    unparsed: np.ndarray
    nan_word: np.ndarray
    text: pd.Series | None


def _parse_numbers(raw: pd.Series) -> _Parsed:
    """float64 values; Arrow's fast cast first, pandas (which can say which cell) if it fails."""
    if _is_number(raw):
        values = raw.astype("float64")
        none = np.zeros(len(raw), dtype=bool)
        return _Parsed(values, none, values.isna().to_numpy() & raw.notna().to_numpy(), None)
    try:
        cast = pc.cast(pa.array(raw, from_pandas=True), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        cast = None
    if cast is not None:
        arr = cast.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
        none = np.zeros(len(raw), dtype=bool)
        nan_word = np.isnan(arr) & ~cast.is_null().to_numpy(zero_copy_only=False)
        return _Parsed(pd.Series(arr, index=raw.index), none, nan_word, None)
    text = raw.astype(str).str.strip().where(raw.notna())
    values = pd.to_numeric(text, errors="coerce").astype("float64")
    unparsed = (values.isna() & text.notna()).to_numpy()
    nan_word = unparsed & text.str.lower().isin(_NAN_WORDS).to_numpy()
    blank = unparsed & (text == "").to_numpy()
    return _Parsed(values, unparsed & ~(nan_word | blank), nan_word, text)


def _to_number(spec: ColumnSpec, raw: pd.Series, rows: np.ndarray, log: ProblemLog) -> pd.Series:
    """Numbers (float64): non-numeric, NaN, infinite and out-of-bound cells reported; a
    true/false column (Parquet booleans) is not read as 0/1."""
    if pd.api.types.is_bool_dtype(raw.dtype):
        log.add(None, spec.name, f"the column holds true/false values, not numbers; give {spec.name} as numbers")
        return pd.Series(np.full(len(raw), np.nan), index=raw.index)
    parsed = _parse_numbers(raw)
    values, unparsed, was_nan_word, text = parsed.values, parsed.unparsed, parsed.nan_word, parsed.text
    name = spec.name
    if text is not None:  # only pandas' slow path leaves cells unparsed
        log.add_rows(rows, unparsed, name, lambda i: f"not a number: {text.iloc[i]!r}"
                     + (" (use '.' for decimals, no thousands separators)" if "," in text.iloc[i] else ""))
    nan_hint = "leave the cell blank or give a number" if spec.nullable else "give a number"
    log.add_rows(rows, was_nan_word, name, lambda i: f"NaN is not a value; {nan_hint}")
    arr = values.to_numpy()
    missing = np.isnan(arr) & ~unparsed & ~was_nan_word
    if not spec.nullable:
        log.add_rows(rows, missing, name, lambda i: f"blank {name}")
    log.add_rows(rows, np.isinf(arr), name, lambda i: f"infinite value {arr[i]}")
    with np.errstate(invalid="ignore"):
        if spec.bound is Bound.NON_NEGATIVE:
            log.add_rows(rows, arr < 0, name, lambda i: f"negative value {fmt_number(arr[i])} (must be >= 0)")
        elif spec.bound is Bound.POSITIVE:
            log.add_rows(rows, arr <= 0, name, lambda i: f"must be > 0, got {fmt_number(arr[i])}")
    return values


def _to_count(spec: ColumnSpec, values: pd.Series, rows: np.ndarray, log: ProblemLog) -> pd.Series:
    """Whole numbers as nullable Int64."""
    arr = values.to_numpy()
    ok = np.isfinite(arr)
    fractional = ok & (np.mod(arr, 1.0, where=ok, out=np.zeros_like(arr)) != 0)
    log.add_rows(rows, fractional, spec.name, lambda i: f"not a whole number: {fmt_number(arr[i])}")
    clean = np.where(ok & ~fractional, arr, np.nan)
    return pd.Series(clean, index=values.index).astype("Int64")
