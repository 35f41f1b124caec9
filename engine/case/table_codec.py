"""Case tables <-> Apache Parquet bytes, with one column *kind* per column so the frame
conventions of engine/tables.py survive the round trip exactly.

Kinds: ``text`` (pandas ``str``), ``date`` (``datetime64[ns]`` at midnight; Parquet
``date32``), ``real`` (``float64``; NaN stored as null), ``int`` (nullable ``Int64``),
``bool`` (nullable ``boolean``). Unknown extra columns keep their kind; columns of any
other dtype (object, category, ...) are stored as text. ``-0.0`` is stored as ``0.0``.
Parquet is an open format: any Parquet reader can read a stored table.
"""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

KINDS: tuple[str, ...] = ("text", "date", "real", "int", "bool")
_ARROW_TYPES = {"text": pa.string(), "date": pa.date32(), "real": pa.float64(),
                "int": pa.int64(), "bool": pa.bool_()}


def column_kind(series: pd.Series) -> str:
    """The storage kind of a column, from its dtype."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "real"
    return "text"


def _text_values(series: pd.Series) -> pd.Series:
    """Text column as pandas ``str``: non-missing cells become ``str`` (leading zeros kept)."""
    if isinstance(series.dtype, pd.StringDtype):
        return series.astype("str")
    values = series.to_numpy(dtype=object, copy=True)
    missing = pd.isna(series).to_numpy()
    values[~missing] = [v if isinstance(v, str) else str(v) for v in values[~missing]]
    values[missing] = None
    return pd.Series(values, index=series.index, dtype="str")


def normalise_column(series: pd.Series, kind: str, where: str) -> pd.Series:
    """A column in the exact form ``decode_table`` returns for its kind."""
    if kind == "text":
        return _text_values(series)
    if kind == "date":
        out = pd.Series(series, copy=True)
        if getattr(out.dt, "tz", None) is not None:
            raise ValueError(f"{where}: dates must not carry a time zone")
        out = out.astype("datetime64[ns]")
        if not (out.isna() | (out == out.dt.normalize())).all():
            raise ValueError(f"{where}: dates must be at midnight (no time of day)")
        return out
    if kind == "real":
        values = series.to_numpy(dtype=np.float64, na_value=np.nan) + 0.0  # -0.0 -> 0.0
        return pd.Series(values, index=series.index)
    if kind == "int":
        return series.astype("Int64")
    if kind == "bool":
        return series.astype("boolean")
    raise ValueError(f"{where}: unknown column kind {kind!r}")


def normalise_frame(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[str]]:
    """The frame as it will be stored and read back, and the kind of each column."""
    if frame.columns.has_duplicates:
        raise ValueError(f"table {name}: duplicate column names")
    kinds = [column_kind(frame[c]) for c in frame.columns]
    data = {str(c): normalise_column(frame[c], k, f"table {name}, column {c}")
            for c, k in zip(frame.columns, kinds)}
    out = pd.DataFrame(data, columns=[str(c) for c in frame.columns])
    return out.reset_index(drop=True), kinds


def _arrow_column(series: pd.Series, kind: str) -> pa.Array:
    if kind == "text":
        return pa.array(series.astype(object).where(series.notna(), None).to_numpy(), type=pa.string())
    if kind == "date":
        return pa.array(series, type=pa.date32(), from_pandas=True)
    return pa.array(series, type=_ARROW_TYPES[kind], from_pandas=True)


def encode_table(frame: pd.DataFrame, kinds: list[str]) -> bytes:
    """Parquet bytes (zstd) of a normalised frame."""
    arrays = [_arrow_column(frame[c], k) for c, k in zip(frame.columns, kinds)]
    table = pa.Table.from_arrays(arrays, names=list(frame.columns))
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def decode_table(payload: bytes, columns: list[str], kinds: list[str]) -> pd.DataFrame:
    """The normalised frame back from ``encode_table`` bytes; columns as recorded."""
    table = pq.read_table(pa.BufferReader(payload))
    if table.column_names != columns:
        raise ValueError(f"stored columns {table.column_names} differ from the recorded {columns}")
    data: dict[str, pd.Series] = {}
    for name, kind in zip(columns, kinds):
        chunked = table.column(name)
        if kind == "text":
            data[name] = pd.Series(chunked.to_pandas(), dtype="str")
        elif kind == "date":
            data[name] = pd.Series(chunked.cast(pa.timestamp("ns")).to_pandas(), dtype="datetime64[ns]")
        elif kind == "real":
            data[name] = pd.Series(chunked.to_numpy(zero_copy_only=False).astype(np.float64, copy=False))
        elif kind == "int":
            data[name] = chunked.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        elif kind == "bool":
            data[name] = chunked.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get)
        else:
            raise ValueError(f"unknown column kind {kind!r}")
    return pd.DataFrame(data, columns=columns)
