"""The malformed inputs: each is the valid base case with one defect, and the exact
problem(s) the import must report (file, row, column, words the message contains)."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from tests.engine.bad_inputs.base import BASE, set_cell, write_case

T, E, O, I, P = BASE["trades"], BASE["events"], BASE["options"], BASE["investors"], BASE["prices"]


@dataclass(frozen=True)
class Expected:
    """One problem the import must report; row/column None when the whole file is at fault."""

    file: str
    row: int | None
    column: str | None
    words: str

    def prefix(self) -> str:
        parts = [self.file] + ([f"row {self.row}"] if self.row is not None else []) \
            + ([f"column {self.column}"] if self.column is not None else [])
        return ", ".join(parts) + ": "


@dataclass(frozen=True)
class BadCase:
    """A defect: per-table file contents (bytes/str, None = missing file) or a file builder."""

    name: str
    expected: tuple[Expected, ...]
    overrides: dict[str, str | bytes | None] = field(default_factory=dict)
    rename: dict[str, str] = field(default_factory=dict)  # table -> other file name

    def write(self, folder: Path) -> dict[str, Path]:
        """Write the case's files; returns table -> path."""
        paths = write_case(folder, self.overrides)
        for table, new_name in self.rename.items():
            target = folder / new_name
            if paths[table].exists():
                paths[table].replace(target)
            paths[table] = target
        return paths


def drop_column(text: str, column: str) -> str:
    """The CSV text without one column."""
    lines = text.split("\n")
    col = lines[0].split(",").index(column)
    return "\n".join(",".join(f for j, f in enumerate(line.split(",")) if j != col) if line else line
                     for line in lines)


def _sqlite_bytes() -> bytes:
    """The bytes of a small SQLite database, like a .itcase case file."""
    con = sqlite3.connect(":memory:")
    con.execute("create table t (a integer)")
    data = con.serialize()
    con.close()
    return data


def _case(name: str, table: str, content: str | bytes | None, *expected: tuple, **kw) -> BadCase:
    return BadCase(name, tuple(Expected(*e) for e in expected), {table: content}, **kw)


CASES: list[BadCase] = [
    _case("missing_file", "trades", None, ("trades.csv", None, None, "file not found")),
    _case("empty_file", "trades", b"", ("trades.csv", None, None, "empty (0 bytes)")),
    _case("header_only_trades", "trades", T.split("\n")[0] + "\n", ("trades.csv", None, None, "no rows")),
    _case("header_only_events", "events", E.split("\n")[0] + "\n", ("events.csv", None, None, "no rows")),
    _case("pipe_separated", "trades", T.replace(",", "|"),
          ("trades.csv", 1, None, "looks like '|'-separated; use commas")),
    _case("tab_separated", "events", E.replace(",", "\t"),
          ("events.csv", 1, None, "looks like tab-separated; use commas")),
    _case("duplicated_header", "trades", T.replace("venue\n", "BUY_SHARES\n", 1).replace(",X\n", ",1\n"),
          ("trades.csv", 1, "buy_shares", "appears twice (columns 4 and 10")),
    _case("missing_required_column", "trades", drop_column(T, "sell_value"),
          ("trades.csv", 1, "sell_value", "required column is missing")),
    _case("non_numeric_volume", "trades", set_cell(T, 4, "buy_shares", "abc"),
          ("trades.csv", 4, "buy_shares", "not a number: 'abc'")),
    _case("negative_volume", "trades", set_cell(T, 5, "sell_shares", "-3"),
          ("trades.csv", 5, "sell_shares", "negative value -3")),
    _case("nan_value", "trades", set_cell(T, 2, "buy_value", "NaN"),
          ("trades.csv", 2, "buy_value", "NaN is not a value")),
    _case("infinite_value", "trades", set_cell(T, 6, "sell_value", "inf"),
          ("trades.csv", 6, "sell_value", "infinite value")),
    _case("unparseable_date", "trades", set_cell(T, 3, "date", "03/01/2024"),
          ("trades.csv", 3, "date", "not a date in YYYY-MM-DD form")),
    _case("impossible_date", "events", set_cell(E, 2, "event_date", "2024-02-30"),
          ("events.csv", 2, "event_date", "no such date: '2024-02-30'")),
    _case("bad_direction", "events", set_cell(E, 3, "direction", "hold"),
          ("events.csv", 3, "direction", "'hold' is not one of buy, sell")),
    _case("bad_right", "options", set_cell(O, 2, "right", "X"),
          ("options.csv", 2, "right", "'X' is not one of C, P")),
    _case("bad_investor_type", "investors", set_cell(I, 3, "investor_type", "pension fund"),
          ("investors.csv", 3, "investor_type", "'pension fund' is not one of H, IF, L")),
    _case("event_stock_without_trades", "events", set_cell(E, 3, "stock", "ZZZ"),
          ("events.csv", 3, "stock", "no trades of stock 'ZZZ' in trades.csv")),
    _case("reference_start_after_event", "events", set_cell(E, 2, "reference_start", "2024-01-20"),
          ("events.csv", 2, "reference_start", "is not before event_date 2024-01-10")),
    _case("reference_period_without_trading", "events", set_cell(E, 2, "reference_start", "2024-01-05"),
          ("events.csv", 2, "reference_start", "the reference period 2024-01-05 to 2024-01-10 (excluded) "
                                               "holds no trading day of 'AAA'")),
    _case("duplicate_event_id", "events", set_cell(E, 3, "event_id", "E1"),
          ("events.csv", 3, "event_id", "duplicate row for event_id 'E1' (first at row 2)")),
    _case("binary_garbage", "trades", bytes(range(256)) * 4, ("trades.csv", None, None, "binary data")),
    _case("not_utf8", "trades", set_cell(T, 4, "investor_id", "caf\u00e9").encode("latin-1"),
          ("trades.csv", 4, "investor_id", "not UTF-8 text (byte 0xE9)")),
    _case("parquet_that_is_not_parquet", "trades", T, ("trades.parquet", None, None, "not a Parquet file"),
          rename={"trades": "trades.parquet"}),
    _case("ragged_row", "trades", set_cell(T, 4, "venue", "X,surplus"),
          ("trades.csv", 4, None, "the row has 11 fields but the header has 10")),
    _case("blank_investor_id", "trades", set_cell(T, 5, "investor_id", "  "),
          ("trades.csv", 5, "investor_id", "blank investor_id")),
    _case("zero_strike", "options", set_cell(O, 3, "strike", "0"),
          ("options.csv", 3, "strike", "must be > 0, got 0")),
    _case("duplicate_trade_same_venue", "trades", set_cell(T, 3, "venue", "X"),
          ("trades.csv", 3, "venue", "duplicate row for investor_id '00123', stock 'AAA', "
                                     "date 2024-01-02, venue 'X' (first at row 2)")),
    _case("fractional_contract_count", "trades", set_cell(T, 6, "n_buy", "1.5"),
          ("trades.csv", 6, "n_buy", "not a whole number: 1.5")),
    _case("blank_volume", "trades", set_cell(T, 7, "buy_value", ""),
          ("trades.csv", 7, "buy_value", "blank buy_value")),
    _case("expiry_before_date", "options", set_cell(O, 2, "expiry", "2024-01-01"),
          ("options.csv", 2, "expiry", "is before the trading date 2024-01-03")),
    _case("duplicate_investor", "investors", set_cell(I, 4, "investor_id", "007"),
          ("investors.csv", 4, "investor_id", "duplicate row for investor_id '007' (first at row 3)")),
    _case("non_positive_close", "prices", set_cell(P, 3, "close", "-1"),
          ("prices.csv", 3, "close", "must be > 0, got -1")),
    _case("excel_workbook", "prices", b"PK\x03\x04" + bytes(60),
          ("prices.csv", None, None, "Excel workbook")),
    _case("event_before_first_trade", "events",
          set_cell(set_cell(E, 3, "event_date", "2024-01-03"), 3, "reference_start", "2024-01-01"),
          ("events.csv", 3, "event_date", "is not after the first trade of 'BBB' (2024-01-03)")),
    _case("unclosed_quote", "prices", set_cell(P, 3, "stock", '"AAA'),
          ("prices.csv", 3, None, 'a quote (") opened in this row is never closed')),
    _case("sqlite_as_table", "trades", _sqlite_bytes(), ("trades.csv", None, None, "SQLite database")),
    # issue 18 items 11-12: parse errors that escaped the messages, an event outside the data
    _case("cr_only_line_endings", "trades", T.replace("\n", "\r"),
          ("trades.csv", None, None, "carriage return only")),
    _case("unclosed_quote_in_the_last_field", "prices", P.rstrip("\n").rsplit(",", 1)[0] + ',"3.0\n',
          ("prices.csv", 4, None, 'a quote (") opened in this row is never closed')),
    _case("unclosed_quote_in_a_large_file", "trades",
          T + "".join(f"9{i:05d},AAA,2024-01-0{2 + i % 4},1,0,10,0,1,0,X\n" for i in range(3000)).replace(
              "900100,", '"900100,', 1),
          ("trades.csv", T.count("\n") + 101, None, 'a quote (") opened in this row is never closed')),
    _case("event_after_the_data", "events", set_cell(E, 3, "event_date", "2031-01-12"),
          ("events.csv", 3, "event_date", "is after the last date of the data in trades.csv (2024-01-15)")),
]

