"""Column specs of the six input tables (CASE_FORMAT.md §1), the single source for ingest.

Each column has a kind (how its text is parsed), whether the column must be present,
whether a cell may be blank, and a constraint on its values. Choice columns map accepted
spellings (compared case-insensitively, ``_``/``-`` read as spaces) to one canonical code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(Enum):
    """How a column's cells are parsed and which dtype the typed frame gets."""

    TEXT = "text"      # pandas str; surrounding whitespace stripped
    DATE = "date"      # ISO YYYY-MM-DD -> datetime64[ns]
    NUMBER = "number"  # float64, finite
    COUNT = "count"    # whole number -> Int64
    CHOICE = "choice"  # text mapped to a canonical code (see ColumnSpec.choices)


class Bound(Enum):
    """Constraint on a numeric column's values."""

    ANY = "any"
    NON_NEGATIVE = ">= 0"
    POSITIVE = "> 0"


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One column: name, kind, presence, blank cells allowed, value constraint."""

    name: str
    kind: Kind
    required: bool = True          # the column must be in the file
    nullable: bool = False         # blank cells allowed (become NaN / NA / NaT)
    bound: Bound = Bound.ANY
    choices: dict[str, str] = field(default_factory=dict)  # accepted spelling -> code


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One input table: its columns, whether the table itself is required."""

    name: str
    columns: tuple[ColumnSpec, ...]
    required: bool

    def column(self, name: str) -> ColumnSpec | None:
        """The spec of a known column, or ``None`` for an extra column."""
        for col in self.columns:
            if col.name == name:
                return col
        return None

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _text(name: str, required: bool = True, nullable: bool = False) -> ColumnSpec:
    return ColumnSpec(name, Kind.TEXT, required, nullable)


def _date(name: str) -> ColumnSpec:
    return ColumnSpec(name, Kind.DATE)


def _volume(name: str, required: bool = True) -> ColumnSpec:
    return ColumnSpec(name, Kind.NUMBER, required, nullable=not required, bound=Bound.NON_NEGATIVE)


def _count(name: str) -> ColumnSpec:
    return ColumnSpec(name, Kind.COUNT, required=False, nullable=True, bound=Bound.NON_NEGATIVE)


def _price(name: str, bound: Bound = Bound.NON_NEGATIVE) -> ColumnSpec:
    return ColumnSpec(name, Kind.NUMBER, required=False, nullable=True, bound=bound)


DIRECTIONS = {"buy": "buy", "sell": "sell"}
RIGHTS = {"c": "C", "call": "C", "p": "P", "put": "P"}
INVESTOR_TYPES = {"h": "H", "household": "H", "if": "IF", "investment firm": "IF",
                  "l": "L", "legal entity": "L"}

# Trade columns that are summed over venues; prices aggregate as named in ingest_venues.
TRADE_SUMS: tuple[str, ...] = ("buy_shares", "sell_shares", "buy_value", "sell_value", "n_buy", "n_sell")
TRADE_KEY: tuple[str, ...] = ("investor_id", "stock", "date")

TABLES: dict[str, TableSpec] = {
    "trades": TableSpec("trades", (
        _text("investor_id"), _text("stock"), _date("date"),
        _volume("buy_shares"), _volume("sell_shares"), _volume("buy_value"), _volume("sell_value"),
        _count("n_buy"), _count("n_sell"),
        _text("venue", required=False, nullable=True),
        _price("first_price"), _price("last_price"), _price("min_price"), _price("max_price"),
        _price("avg_buy_price"), _price("avg_sell_price"),
    ), required=True),
    "events": TableSpec("events", (
        _text("event_id"), _text("stock"), _date("event_date"), _date("reference_start"),
        ColumnSpec("direction", Kind.CHOICE, choices=DIRECTIONS),
        _price("offer_price", Bound.POSITIVE),
        _text("description", required=False, nullable=True),
    ), required=True),
    "investors": TableSpec("investors", (
        _text("investor_id"),
        ColumnSpec("investor_type", Kind.CHOICE, choices=INVESTOR_TYPES),
    ), required=False),
    "options": TableSpec("options", (
        _text("stock"), _date("date"), _date("expiry"),
        ColumnSpec("strike", Kind.NUMBER, bound=Bound.POSITIVE),
        ColumnSpec("right", Kind.CHOICE, choices=RIGHTS),
        _volume("volume"), _volume("open_interest"),
        _price("implied_vol"), _price("underlying_close", Bound.POSITIVE),
        _text("investor_id", required=False, nullable=True),
    ), required=False),
    "prices": TableSpec("prices", (
        _text("stock"), _date("date"), ColumnSpec("close", Kind.NUMBER, bound=Bound.POSITIVE),
    ), required=False),
    "filings": TableSpec("filings", (
        _text("investor_id"), _text("stock"), _date("date"),
        _text("form", nullable=True), _text("transaction", nullable=True),
    ), required=False),
}
