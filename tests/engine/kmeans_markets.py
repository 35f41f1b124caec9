"""Shared helpers for the k-means tests: a market mirrored into a sell event."""
from __future__ import annotations

import dataclasses

from engine.tables import CaseTables


def mirrored(tables: CaseTables) -> CaseTables:
    """Buys become sells and the event a sell event: the same market seen from the other side."""
    trades = tables.trades.rename(columns={"buy_shares": "sell_shares", "sell_shares": "buy_shares",
                                           "buy_value": "sell_value", "sell_value": "buy_value"})
    events = tables.events.copy()
    events["direction"] = "sell"
    return dataclasses.replace(tables, trades=trades, events=events)
