"""The imported case tables as the engine sees them (CASE_FORMAT.md §1), and events.

Frames follow one convention everywhere, so every analytic can rely on it:
- column names are lower-case, as in CASE_FORMAT.md; unknown extra columns are kept;
- text columns (investor_id, stock, event_id, venue, right, ...) hold Python ``str``
  values, never numbers (leading zeros kept); dates are ``datetime64[ns]`` at midnight;
- volumes and values are ``float64``; contract counts ``Int64`` (nullable);
- ``trades`` has one row per (investor_id, stock, date): venue rows are already summed
  and the ``venue`` column is gone; rows are sorted by (stock, date, investor_id).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from engine.errors import UsageError

TABLE_NAMES: tuple[str, ...] = ("trades", "events", "investors", "options", "prices", "filings")


@dataclass(frozen=True, slots=True)
class Event:
    """A price-sensitive event (one row of the ``events`` table)."""

    event_id: str
    stock: str
    event_date: dt.date
    reference_start: dt.date
    direction: str  # "buy" or "sell"
    offer_price: float | None = None
    description: str = ""

    @property
    def sign(self) -> int:
        """d in METHOD.md: +1 for a buy event, -1 for a sell event."""
        return 1 if self.direction == "buy" else -1


@dataclass(frozen=True)
class CaseTables:
    """All input tables of a case; optional tables are ``None`` when not supplied."""

    trades: pd.DataFrame
    events: pd.DataFrame
    investors: pd.DataFrame | None = None
    options: pd.DataFrame | None = None
    prices: pd.DataFrame | None = None
    filings: pd.DataFrame | None = None

    def event_list(self) -> list[Event]:
        """Every event, in event_id text order."""
        out = []
        row: Any  # a data-frame row (named tuple of the events table)
        for row in self.events.sort_values("event_id").itertuples(index=False):
            offer = getattr(row, "offer_price", None)
            offer_f = None if offer is None or pd.isna(offer) else float(offer)
            desc = getattr(row, "description", "")
            out.append(Event(
                event_id=str(row.event_id), stock=str(row.stock),
                event_date=pd.Timestamp(row.event_date).date(),
                reference_start=pd.Timestamp(row.reference_start).date(),
                direction=str(row.direction), offer_price=offer_f,
                description="" if desc is None or (isinstance(desc, float) and pd.isna(desc)) else str(desc),
            ))
        return out

    def event(self, event_id: str | None) -> Event:
        """The event with this id; with ``None``, the only event of the case.

        Raises ``UsageError`` with a message listing the known ids.
        """
        events = self.event_list()
        if event_id is None:
            if len(events) == 1:
                return events[0]
            raise UsageError("the case has several events; choose one with --event: "
                           + ", ".join(e.event_id for e in events))
        for e in events:
            if e.event_id == event_id:
                return e
        raise UsageError(f"unknown event {event_id!r}; known events: "
                       + ", ".join(e.event_id for e in events))
