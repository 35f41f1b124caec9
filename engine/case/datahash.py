"""The *data hash* of a case (CASE_FORMAT.md §3): SHA-256 of a canonical serialisation
of the imported tables as stored, so that any later change of a stored value is detected.

Canonical serialisation, version 1 (what an outside auditor re-implements). The stream is
UTF-8 text made of lines, each ended by ``\\n`` (LF):

1. The line ``itcase-data-hash v1``.
2. For each table present, in the order trades, events, investors, options, prices,
   filings (an absent optional table writes nothing; a present empty table writes its
   header lines): the line ``table <name> <number of rows> <number of columns>``.
3. Column order: the table's leading columns (``LEADING_COLUMNS`` below) that are present,
   in that order, then every other column sorted by name (Unicode code points).
4. Row order: rows sorted ascending by their values, compared column by column in that
   column order. Within a column a missing value comes first, then text by Unicode code
   points, numbers by numeric value, dates chronologically, false before true.
5. Then column by column (column-major): the line ``column <name> <kind>`` followed by one
   line per row, in row order, holding that column's cell:

   - missing (null, NaN, NaT): ``\\N`` (backslash, capital N);
   - ``text``: the text with ``\\`` written ``\\\\``, LF written ``\\n``, CR written ``\\r``;
   - ``real``: 16 lower-case hexadecimal digits of the IEEE 754 binary64 value in
     big-endian byte order (Python: ``struct.pack('>d', x).hex()``); ``-0.0`` is written as
     ``0.0`` (``0000000000000000``);
   - ``int``: decimal digits with a leading ``-`` when negative;
   - ``date``: ``YYYY-MM-DD``;
   - ``bool``: ``true`` or ``false``.

   Table and column names are written with the text escapes above.
6. The data hash is the lower-case hex SHA-256 of the whole stream.

Kinds are those of engine/case/table_codec.py. The hash is computed on the tables exactly as
stored (``normalise_frame``), so the value recorded at import equals the one recomputed
from the case file. Vectorised: sorting uses integer keys and ``numpy.lexsort``; cell
text is built once per distinct value.
"""
from __future__ import annotations

import binascii
import hashlib
from collections.abc import Iterator
from typing import Any, Union

import numpy as np
import pandas as pd

from engine.case.table_codec import normalise_frame
from engine.tables import TABLE_NAMES, CaseTables

Chunk = Union[bytes, memoryview]  # a chunk of the serialisation, hashed without a copy
FORMAT_LINE = "itcase-data-hash v1"
PAD_SLACK = 1 << 24  # bytes of padding above twice a column's lines before its lines are joined instead
MISSING = "\\N"
LEADING_COLUMNS: dict[str, tuple[str, ...]] = {
    "trades": ("investor_id", "stock", "date"),
    "events": ("event_id",),
    "investors": ("investor_id",),
    "options": ("stock", "date", "expiry", "strike", "right"),
    "prices": ("stock", "date"),
    "filings": ("investor_id", "stock", "date"),
}


def escape_text(text: str) -> str:
    """Backslash, LF and CR escaped so that every cell stays on one line."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def canonical_columns(table: str, columns: list[str]) -> list[str]:
    """Leading columns first (when present), then the rest by name."""
    lead = [c for c in LEADING_COLUMNS.get(table, ()) if c in columns]
    return lead + sorted(c for c in columns if c not in lead)


class _Column:
    """One column's sort key and cell lines, each built once from its distinct values."""

    def __init__(self, series: pd.Series, kind: str) -> None:
        self.kind = kind
        self.series = series
        self._factorized: tuple[np.ndarray, np.ndarray] | None = None

    def _factorize(self) -> tuple[np.ndarray, np.ndarray]:
        if self._factorized is None:
            codes, uniques = pd.factorize(self.series, use_na_sentinel=True)
            self._factorized = (np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object))
        return self._factorized

    def sort_key(self) -> np.ndarray:
        """Non-negative integers whose order is the canonical value order, missing = 0."""
        if self.kind == "real":
            values = self.series.to_numpy(dtype=np.float64)
            bits = values.view(np.uint64)
            key = np.where(bits >> np.uint64(63), ~bits, bits | np.uint64(1 << 63))
            return np.where(np.isnan(values), np.uint64(0), key)
        if self.kind == "date":  # midnight dates: whole days
            days = self.series.to_numpy(dtype="datetime64[D]").view(np.int64)
            missing = self.series.isna().to_numpy()
            if missing.all():
                return np.zeros(len(days), dtype=np.int64)
            return np.where(missing, 0, days - days[~missing].min() + 1)
        codes, uniques = self._factorize()
        rank = np.empty(len(uniques), dtype=np.int64)
        rank[np.argsort(uniques, kind="stable")] = np.arange(1, len(uniques) + 1)
        return np.where(codes < 0, 0, rank[np.maximum(codes, 0)] if len(uniques) else 0)

    def cells(self, order: np.ndarray) -> Chunk:
        """The column's cell lines in row order ``order``."""
        if self.kind == "real":
            return _real_cells(self.series.to_numpy(dtype=np.float64)[order])
        codes, uniques = self._factorize()
        return _lines(self._texts(uniques), codes[order])

    def _texts(self, uniques: np.ndarray) -> list[str]:
        """The cell text of each distinct value (text escaped only when some value needs it)."""
        if self.kind != "text":
            return [self._format(u) for u in uniques]
        texts = [str(u) for u in uniques]
        joined = "".join(texts)
        if any(c in joined for c in "\\\n\r"):
            return [escape_text(t) for t in texts]
        return texts

    def _format(self, value: Any) -> str:  # one distinct cell of the stored table, not text
        if self.kind == "date":
            return pd.Timestamp(value).strftime("%Y-%m-%d")
        if self.kind == "int":
            return str(int(value))
        return "true" if bool(value) else "false"


def _lines(texts: list[str], codes: np.ndarray) -> Chunk:
    """The line ``texts[code]`` for each code (-1: the missing marker), each ended by LF.

    Gathered as fixed-width byte rows cut to each line's length, which is several times faster
    than joining Python strings; a column with a few much longer values is joined instead."""
    encoded = [f"{text}\n".encode("utf-8") for text in texts] + [f"{MISSING}\n".encode("ascii")]
    lengths = np.array([len(line) for line in encoded], dtype=np.int64)
    row_lengths = lengths[codes]  # code -1 picks the missing marker, the last entry
    width, total = int(lengths.max()), int(row_lengths.sum())
    if len(codes) * width > 2 * total + PAD_SLACK:  # padding would cost more than the lines
        return b"".join(np.array(encoded, dtype=object)[codes].tolist())
    grid = np.array(encoded, dtype=f"S{width}")[codes].view(np.uint8).reshape(len(codes), width)
    if total == len(codes) * width:
        return grid.reshape(-1).data
    return grid[np.arange(width) < row_lengths[:, None]].data


def _real_cells(values: np.ndarray) -> Chunk:
    """Lines of 16 hex digits (big-endian binary64), or the missing marker, built in numpy."""
    hexed = np.frombuffer(binascii.hexlify(values.astype(">f8").data), dtype=np.uint8)
    missing = np.isnan(values)
    if not missing.any():
        grid = np.empty((len(values), 17), dtype=np.uint8)
        grid[:, :16] = hexed.reshape(-1, 16)
        grid[:, 16] = ord("\n")
        return grid.reshape(-1).data
    lengths = np.where(missing, len(MISSING) + 1, 17)
    starts = np.cumsum(lengths) - lengths
    out = np.empty(int(lengths.sum()), dtype=np.uint8)
    present = starts[~missing]
    out[present[:, None] + np.arange(16)] = hexed.reshape(-1, 16)[~missing]
    out[present + 16] = ord("\n")
    marker = np.frombuffer((MISSING + "\n").encode("ascii"), dtype=np.uint8)
    out[starts[missing][:, None] + np.arange(len(marker))] = marker
    return out.data


def _packed(keys: list[np.ndarray]) -> list[np.ndarray]:
    """Adjacent non-negative keys packed into fewer 63-bit keys (same lexicographic order)."""
    packed: list[np.ndarray] = []
    current: np.ndarray | None = None
    used = 0
    for key in keys:
        width = max(1, int(key.max()).bit_length()) if len(key) else 1
        if current is not None and used + width <= 63:
            current = (current << np.int64(width)) | key.astype(np.int64)
            used += width
            continue
        if current is not None:
            packed.append(current)
        current, used = (key.astype(np.int64), width) if width <= 63 else (None, 0)
        if current is None:
            packed.append(key)
    if current is not None:
        packed.append(current)
    return packed


def _stable_order(keys: list[np.ndarray]) -> np.ndarray:
    """``numpy.lexsort`` of ``keys`` (first key most significant). One key with room for the
    row number in its low bits is sorted as (key, row) pairs instead: the same order, about
    four times faster (trades at 100k investors: 0.29 -> 0.06 s)."""
    n_rows = len(keys[0])
    row_bits = max(1, (n_rows - 1).bit_length())
    if len(keys) > 1 or keys[0].dtype.kind != "i" or \
            max(1, int(keys[0].max()).bit_length()) + row_bits > 63:
        return np.lexsort(keys[::-1])
    pairs = (keys[0] << np.int64(row_bits)) | np.arange(n_rows, dtype=np.int64)
    pairs.sort()
    return pairs & np.int64((1 << row_bits) - 1)


def row_order(columns: list[_Column], n_rows: int, n_leading: int) -> np.ndarray:
    """Canonical row order: lexicographic over the columns' sort keys.

    Sorts on the first few columns and adds more (doubling) only while rows still tie,
    so a table with a unique key (trades: investor, stock, date) sorts on that key alone.
    """
    if n_rows <= 1 or not columns:
        return np.arange(n_rows)
    keys: list[np.ndarray] = []
    m = max(1, n_leading)
    while True:
        m = min(m, len(columns))
        keys.extend(columns[i].sort_key() for i in range(len(keys), m))
        order = _stable_order(_packed(keys))
        if m == len(columns):
            return order
        tie = np.ones(n_rows - 1, dtype=bool)
        for key in keys:
            ranked = key[order]
            tie &= ranked[1:] == ranked[:-1]
        if not tie.any():
            return order
        m *= 2


def iter_canonical(tables: CaseTables) -> Iterator[Chunk]:
    """The canonical serialisation, in chunks (a table header, then one column at a time)."""
    yield (FORMAT_LINE + "\n").encode("utf-8")
    for name in TABLE_NAMES:
        frame = getattr(tables, name)
        if frame is None:
            continue
        frame, kinds = normalise_frame(frame, name)
        kind_of = dict(zip(frame.columns, kinds))
        names = canonical_columns(name, list(frame.columns))
        columns = [_Column(frame[c], kind_of[c]) for c in names]
        n_leading = len([c for c in LEADING_COLUMNS.get(name, ()) if c in kind_of])
        order = row_order(columns, len(frame), n_leading)
        yield f"table {escape_text(name)} {len(frame)} {len(names)}\n".encode("utf-8")
        for col_name, column in zip(names, columns):
            yield f"column {escape_text(col_name)} {column.kind}\n".encode("utf-8")
            yield column.cells(order)


def data_hash(tables: CaseTables) -> str:
    """SHA-256 (hex) of the canonical serialisation of ``tables`` as stored."""
    digest = hashlib.sha256()
    for chunk in iter_canonical(tables):
        digest.update(chunk)
    return digest.hexdigest()
