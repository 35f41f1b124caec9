"""Reading one input file into a raw frame: file-type sniffing, encoding, header checks.

CSV cells come back as text (so "00123" stays "00123" and a bad number can be named by
row and column); Parquet columns keep their stored types. Column names are stripped and
lower-cased. Row numbers follow the CSV convention, header = row 1, for both formats.
A header with semicolons and no comma is the usual European spreadsheet export: the file
is read with ';' and its number columns with a decimal comma ("1234,5").

Before reading a file whole, only a regular file is accepted (a FIFO, a device such as
/dev/zero, a socket are refused without opening them: opening a FIFO would wait forever), its
size is checked against ``MAX_INPUT_BYTES``, and its type is sniffed from the first
``SNIFF_BYTES`` (binary data, an archive, a case file are refused without reading the rest).
"""
from __future__ import annotations

import csv
import io
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from engine.ingest.problems import ProblemLog
from engine.ingest.schema import Kind, TableSpec

PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
_OTHER_SEPARATORS = ("\t", "|")
_SEP_NAMES = {";": "';'", "\t": "tab", "|": "'|'"}
_PANDAS_INDEX = re.compile(r"__index_level_\d+__")  # a DataFrame index pandas wrote as a column


@dataclass(frozen=True)
class RawTable:
    """A file's cells with normalised column names and the file row number of each row."""

    frame: pd.DataFrame
    rows: np.ndarray  # int64, 1-based, header = row 1


SNIFF_BYTES = 64 * 1024
MAX_INPUT_BYTES = 4 * 1024**3  # 4 GiB: ~60x the reference study's trades file


def read_bytes(path: Path, log: ProblemLog) -> bytes | None:
    """The file's bytes, or ``None`` with a problem when it cannot or should not be read whole."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            log.add(None, None, f"is a folder, not a file: {path}")
            return None
        if not stat.S_ISREG(info.st_mode):
            log.add(None, None, f"is not a regular file (a pipe, device or socket): {path}; "
                                "give the CSV or Parquet file itself")
            return None
        if info.st_size > MAX_INPUT_BYTES:
            log.add(None, None, f"is {info.st_size / 1024**3:.1f} GiB, larger than the "
                                f"{MAX_INPUT_BYTES // 1024**3} GiB an input table may have")
            return None
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
            reason = None if head[:4] == b"PAR1" else _not_text_reason(path, head)
            if reason:
                log.add(None, None, reason)
                return None
            return head + handle.read()
    except FileNotFoundError:
        log.add(None, None, f"file not found: {path}")
    except MemoryError:
        log.add(None, None, "too large to read into memory")
    except OSError as exc:
        log.add(None, None, f"cannot read the file: {exc.strerror or exc}")
    return None


def read_raw(spec: TableSpec, path: Path, data: bytes, log: ProblemLog) -> RawTable | None:
    """Parse ``data`` (the bytes of ``path``) as CSV or Parquet; ``None`` when unusable."""
    if not data:
        log.add(None, None, "the file is empty (0 bytes)")
        return None
    is_parquet = data[:4] == b"PAR1" and data[-4:] == b"PAR1"
    if is_parquet:
        return _read_parquet(spec, data, log)
    reason = _not_csv_reason(path, data)
    if reason:
        log.add(*reason)
        return None
    return _read_csv(spec, data, log)


Where = tuple[int | None, str | None, str]


def csv_separator(header_line: str) -> str:
    """';' for a European spreadsheet export (semicolons and no comma in the header), else ','."""
    return ";" if ";" in header_line and "," not in header_line else ","


def _not_csv_reason(path: Path, data: bytes) -> Where | None:
    """Why (row, column, message) these bytes cannot be CSV text, or ``None`` if they may be."""
    message = _not_text_reason(path, data)
    if message:
        return None, None, message
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _decode_error(data, exc)
    return None


def _not_text_reason(path: Path, data: bytes) -> str | None:
    """Why these bytes are not text at all (another file format), or ``None``."""
    head = data[:16]
    if head.startswith(b"SQLite format 3\x00"):
        return "this is an SQLite database (a .itcase case file?), not a table; give the CSV or Parquet file"
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return "not a Parquet file (the Parquet signature is missing); the file may be damaged or mis-named"
    if head.startswith(b"PK\x03\x04"):
        return "looks like an Excel workbook or a ZIP archive; save the sheet as CSV (UTF-8)"
    if head.startswith(b"\x1f\x8b"):
        return "is gzip-compressed; decompress it first"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "is UTF-16 text; save it as UTF-8"
    nul = data.find(b"\x00")
    if nul >= 0:
        return f"binary data, not CSV text (a NUL byte at offset {nul})"
    return None


def _decode_error(data: bytes, exc: UnicodeDecodeError) -> Where:
    """Say where the first non-UTF-8 byte is, as row and column."""
    start = exc.start
    row = data.count(b"\n", 0, start) + 1
    line_start = data.rfind(b"\n", 0, start) + 1
    field_no = data.count(b",", line_start, start)
    header = data.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    names = next(csv.reader([header.lstrip("\ufeff")]), [])
    column = names[field_no].strip().lower() if field_no < len(names) else f"#{field_no + 1}"
    return row, column, f"not UTF-8 text (byte 0x{data[start]:02X}); save the file as UTF-8"


def _header_names(spec: TableSpec, names: list[str], log: ProblemLog, header_line: str) -> list[str] | None:
    """Normalised column names, or ``None`` after reporting a header problem."""
    if len(names) == 1:
        for sep in _OTHER_SEPARATORS:
            if sep in header_line:
                log.add(1, None, f"looks like {_SEP_NAMES[sep]}-separated; use commas")
                return None
    norm = [str(n).strip().lower() for n in names]
    ok = True
    first_at: dict[str, int] = {}
    for i, name in enumerate(norm):
        if not name:
            log.add(1, None, f"column {i + 1} has no name")
            ok = False
        elif name in first_at:
            log.add(1, name, f"column name appears twice (columns {first_at[name] + 1} and {i + 1}; "
                             "names are case-insensitive)")
            ok = False
        else:
            first_at[name] = i
    for required in spec.required_columns:
        if required not in first_at:
            log.add(1, required, f"required column is missing (the {spec.name} table needs: "
                                 f"{', '.join(spec.required_columns)})")
            ok = False
    return norm if ok else None


def _read_csv(spec: TableSpec, data: bytes, log: ProblemLog) -> RawTable | None:
    """CSV text -> frame of text cells (blank -> NaN), blank lines dropped."""
    if b"\r" in data and b"\n" not in data:
        log.add(None, None, "the lines end with a carriage return only (CR, an old Mac format); "
                            "save the file with LF or CRLF line endings")
        return None
    text_start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    line_end = data.find(b"\n", text_start)
    header_line = data[text_start:line_end if line_end >= 0 else len(data)].decode("utf-8").rstrip("\r")
    sep = csv_separator(header_line)
    names = next(csv.reader([header_line], delimiter=sep), [])
    norm = _header_names(spec, names, log, header_line)
    if norm is None:
        return None
    frame = _read_cells_fast(data, norm, sep)
    if frame is None:
        try:
            frame = pd.read_csv(io.BytesIO(data), header=0, names=norm, dtype=str, encoding="utf-8-sig",
                                keep_default_na=False, na_values=[""], skip_blank_lines=False,
                                index_col=False, sep=sep)
        except (pd.errors.ParserError, ValueError) as exc:
            _report_parse_error(data, len(norm), exc, log, sep)
            return None
    if sep == ";":
        _decimal_commas(spec, frame)
    rows = _record_rows(data, len(frame))
    blank = frame.isna().all(axis=1).to_numpy()
    if blank.any():
        frame = frame.loc[~blank].reset_index(drop=True)
        rows = rows[~blank]
    return _non_empty(spec, RawTable(frame, rows), log)


def _decimal_commas(spec: TableSpec, frame: pd.DataFrame) -> None:
    """Read "1234,5" as 1234.5 in the number columns of a ';'-separated file (in place)."""
    for col in spec.columns:
        if col.kind is Kind.NUMBER and col.name in frame.columns:
            frame[col.name] = frame[col.name].str.replace(",", ".", regex=False)


def _record_rows(data: bytes, n_records: int) -> np.ndarray:
    """The file row (line) where each record starts: a plain count unless some quoted
    value spans lines, then the lines are counted by Python's csv reader."""
    n_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    plain = np.arange(2, n_records + 2, dtype=np.int64)
    if n_lines == n_records + 1:
        return plain
    starts = _record_starts(data)
    return np.asarray(starts[1:], dtype=np.int64) if len(starts) == n_records + 1 else plain


def _record_starts(data: bytes) -> list[int]:
    """The file row where each CSV record starts (Python's csv reader, no field-size limit)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    starts, line = [], 1
    limit = csv.field_size_limit()
    csv.field_size_limit(len(data) + 1)
    try:
        for _ in reader:
            starts.append(line)
            line = reader.line_num + 1
    except csv.Error:  # a stray line end; callers fall back to plain numbering or say so
        pass
    finally:
        csv.field_size_limit(limit)
    return starts


def _read_cells_fast(data: bytes, names: list[str], sep: str = ",") -> pd.DataFrame | None:
    """Arrow's multithreaded CSV reader, for well-formed files only: ``None`` when the file
    has blank lines (Arrow skips them, which would shift row numbers) or does not parse, so
    that pandas' reader, which keeps every line and says what is wrong, takes over."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    if data.startswith((b"\n", b"\r\n")) or b"\n\n" in data or b"\n\r\n" in data:
        return None
    if data.count(b'"') % 2:  # a quote left open (Arrow would accept one at the end): pandas says where
        return None
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=sep),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=True, null_values=[""]))
    except pa.ArrowInvalid:
        return None
    return table.to_pandas()


def _report_parse_error(data: bytes, n_columns: int, exc: Exception, log: ProblemLog, sep: str = ",") -> None:
    """Name the rows with more fields than the header, or the row whose quote never closes;
    else pass on the parser's words."""
    text = data.decode("utf-8-sig")
    found = False
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    start = 1
    limit = csv.field_size_limit()
    csv.field_size_limit(len(data) + 1)
    try:
        for fields in reader:
            if len(fields) > n_columns:
                found = True
                log.add(start, None, f"the row has {len(fields)} fields but the header has {n_columns}")
            start = reader.line_num + 1
    except csv.Error as error:
        if "EOF" in str(error) or "unexpected end of data" in str(error):
            log.add(start, None, 'a quote (") opened in this row is never closed')
        else:
            log.add(start, None, f"cannot parse the CSV here: {error}")
        return
    finally:
        csv.field_size_limit(limit)
    if found:
        return
    quote = re.search(r"EOF inside string starting at row (\d+)", str(exc))
    if quote:  # pandas counts lines from 0 here
        log.add(int(quote.group(1)) + 1, None, 'a quote (") opened in this row is never closed')
        return
    line = re.search(r"line (\d+)", str(exc))
    log.add(int(line.group(1)) if line else None, None, f"cannot parse the CSV: {exc}")


def _read_parquet(spec: TableSpec, data: bytes, log: ProblemLog) -> RawTable | None:
    """Parquet -> frame with the stored column types (dates as datetime64)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError, ValueError) as exc:
        log.add(None, None, f"not a readable Parquet file: {exc}")
        return None
    table = table.drop_columns([c for c in table.column_names if _PANDAS_INDEX.fullmatch(c)])
    norm = _header_names(spec, list(table.column_names), log, "")
    if norm is None:
        return None
    rows = np.arange(2, table.num_rows + 2, dtype=np.int64)
    table = _dates_in_range(table, norm, rows, log)
    frame = table.to_pandas(date_as_object=False, ignore_metadata=True)
    frame.columns = norm
    return _non_empty(spec, RawTable(frame.reset_index(drop=True), rows), log)


FIRST_YEAR, LAST_YEAR = 1900, 2200  # the range CSV dates are held to (engine/ingest/convert.py)


def _dates_in_range(table, names: list[str], rows: np.ndarray, log: ProblemLog):
    """Parquet date and timestamp cells outside the years 1900-2200 reported by row and column,
    then replaced by a placeholder (the import fails anyway) so that pandas, which holds the
    years 1677-2262 only, can convert the table without an error that names no cell."""
    import datetime as dt

    import pyarrow as pa
    import pyarrow.compute as pc
    for i, name in enumerate(names):
        column = table.column(i)
        if not (pa.types.is_date(column.type) or pa.types.is_timestamp(column.type)):
            continue
        years = np.nan_to_num(pc.year(column).to_numpy(zero_copy_only=False).astype(float), nan=2000)
        bad = (years < FIRST_YEAR) | (years > LAST_YEAR)
        if bad.any():
            cells = pc.cast(column, pa.string()).to_pylist()
            log.add_rows(rows, bad, name, lambda j: f"the date {cells[j]} lies outside the years "
                                                    f"{FIRST_YEAR}-{LAST_YEAR}")
            placeholder = pa.scalar(dt.datetime(2000, 1, 1), type=pa.timestamp("us")).cast(column.type)
            table = table.set_column(i, table.field(i), pc.if_else(pa.array(bad), placeholder, column))
    return table


def _non_empty(spec: TableSpec, raw: RawTable, log: ProblemLog) -> RawTable | None:
    """A required table must have rows; an optional one may be empty."""
    if len(raw.frame) == 0 and spec.required:
        log.add(None, None, f"no rows: the {spec.name} table has a header but no data")
        return None
    return raw
