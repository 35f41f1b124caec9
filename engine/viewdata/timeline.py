"""Presentation data of the timeline: the event, the reference period, filings, alerts and the
selected investors' trades on one date axis, and the period filter of the network.

``timeline_source`` runs once per result; ``timeline_trades`` answers for the current
selection with binary searches. Brushing a period filters the network
(``engine.viewdata.period``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from engine.market.panel import TargetPanel
from engine.tables import CaseTables, Event
from engine.viewdata.grouped import Grouped, stock_rows

@dataclass(frozen=True)
class TimelineSource:
    """What the timeline draws whatever the selection, and the trades it looks up per selection."""

    event: Event
    calendar: np.ndarray          # datetime64[D] trading days of the stock
    svn_start: dt.date            # the validated network's period
    svn_end: dt.date
    filing_dates: np.ndarray      # datetime64[D], every filing on the stock
    filing_ids: np.ndarray        # object investor ids
    filing_text: np.ndarray       # object "form transaction"
    alert_dates: np.ndarray       # datetime64[D]
    alert_priority: np.ndarray    # object
    alert_risk: np.ndarray        # float64
    panel: TargetPanel
    filings: Grouped


@dataclass(frozen=True)
class TimelineTrades:
    """The selected investors' active days on the target stock (one row per investor and day)."""

    dates: np.ndarray             # datetime64[D]
    investor_ids: np.ndarray      # object
    net_shares: np.ndarray        # float64 bought − sold that day


def timeline_source(result, tables: CaseTables | None, panel: TargetPanel | None = None) -> TimelineSource:
    """Build once per analysis result (Qt-free)."""
    event, svn = result.event, result.svn
    if tables is None:
        raise ValueError("the timeline needs the case tables")
    panel = panel if panel is not None else TargetPanel.build(tables, event.stock)
    filings = stock_rows(tables.filings, event.stock, ["date", "form", "transaction"])
    everyone = filings.of_many(np.unique(filings.keys))
    alerts = result.options.alerts if result.options.available else ()
    return TimelineSource(
        event=event, calendar=panel.dates, svn_start=svn.period_start, svn_end=svn.period_end,
        filing_dates=everyone["date"].to_numpy().astype("datetime64[D]"),
        filing_ids=everyone["investor_id"].to_numpy(object),
        filing_text=(everyone["form"].astype(str) + " " + everyone["transaction"].astype(str)).to_numpy(object),
        alert_dates=np.array([a.date for a in alerts], dtype="datetime64[D]"),
        alert_priority=np.array([a.priority for a in alerts], dtype=object),
        alert_risk=np.array([a.risk_score for a in alerts], dtype=np.float64),
        panel=panel, filings=filings)


def timeline_trades(source: TimelineSource, investor_ids) -> TimelineTrades:
    """Trades of ``investor_ids`` (unknown ids contribute nothing), by investor then day."""
    panel = source.panel
    rows = np.unique(panel.rows_of(sorted(investor_ids)))
    rows = rows[rows >= 0].astype(panel.inv.dtype)     # keys of the column's dtype: no cast of the column
    lo = panel.inv.searchsorted(rows, "left")
    hi = panel.inv.searchsorted(rows, "right")
    take = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)]) if rows.size else np.zeros(0, np.int64)
    return TimelineTrades(dates=panel.dates[panel.day[take]], investor_ids=panel.investor_ids[panel.inv[take]],
                          net_shares=panel.vb[take] - panel.vs[take])
