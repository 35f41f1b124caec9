"""Checks on whole tables and across tables: duplicates, date order, events without trades;
and the warnings an import prints and logs without refusing (investors that match no trade,
trades dated after the import day)."""
from __future__ import annotations

import datetime as dt
from typing import Mapping

import numpy as np
import pandas as pd

from engine.ingest.convert import fmt_number
from engine.ingest.problems import ProblemLog

# Table -> columns that identify a row; a second row with the same values is a problem.
# (Trades: rows that differ only by venue are summed later, so venue is part of the key.)
_UNIQUE: dict[str, tuple[str, ...]] = {
    "events": ("event_id",),
    "investors": ("investor_id",),
    "prices": ("stock", "date"),
}


def _day(value: pd.Timestamp | np.datetime64) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _show(value: object) -> str:
    """A key value for a message: dates as YYYY-MM-DD, text quoted."""
    return _day(value) if isinstance(value, (pd.Timestamp, np.datetime64)) else repr(value)


def report_duplicates(frame: pd.DataFrame, rows: np.ndarray, key: list[str], log: ProblemLog,
                      column: str) -> None:
    """A problem on every repeat of a key, naming the row where it first appeared."""
    repeat = frame.duplicated(key, keep="first").to_numpy()
    if not repeat.any():
        return
    group = frame.groupby(key, sort=False, dropna=False).ngroup().to_numpy()
    _, first_pos = np.unique(group, return_index=True)
    first_row = rows[first_pos[group]]

    def message(i: int) -> str:
        what = ", ".join(f"{k} {_show(frame[k].iloc[i])}" for k in key)
        return f"duplicate row for {what} (first at row {first_row[i]})"
    log.add_rows(rows, repeat, column, message)


def check_table(name: str, frame: pd.DataFrame, rows: np.ndarray, log: ProblemLog) -> None:
    """Rules within one typed table (run only when its cells are all valid)."""
    if name in _UNIQUE:
        key = list(_UNIQUE[name])
        report_duplicates(frame, rows, key, log, key[-1] if name != "prices" else "date")
    if name == "trades":
        key = ["investor_id", "stock", "date"] + (["venue"] if "venue" in frame else [])
        report_duplicates(frame, rows, key, log, "venue" if "venue" in frame else "date")
        if "min_price" in frame and "max_price" in frame:
            lo, hi = frame["min_price"].to_numpy(), frame["max_price"].to_numpy()
            with np.errstate(invalid="ignore"):
                log.add_rows(rows, lo > hi, "min_price",
                             lambda i: f"min_price {fmt_number(lo[i])} is above "
                                       f"max_price {fmt_number(hi[i])}")
    if name == "events":
        start, end = frame["reference_start"].to_numpy(), frame["event_date"].to_numpy()
        log.add_rows(rows, start >= end, "reference_start",
                     lambda i: f"reference_start {_day(start[i])} is not before "
                               f"event_date {_day(end[i])}")
    if name == "options":
        day, expiry = frame["date"].to_numpy(), frame["expiry"].to_numpy()
        log.add_rows(rows, expiry < day, "expiry",
                     lambda i: f"expiry {_day(expiry[i])} is before the trading date {_day(day[i])}")


def check_events_against_trades(events: pd.DataFrame, rows: np.ndarray, trades: pd.DataFrame,
                                trades_file: str, log: ProblemLog) -> None:
    """Every event's stock must have active trades (bought or sold shares > 0), the event must
    fall after the stock's first trading day, and its reference period must hold a trading day
    (the calendar of METHOD.md: dates with at least one active record)."""
    active = trades[(trades["buy_shares"] + trades["sell_shares"]).to_numpy() > 0]
    stocks = events["stock"].to_numpy(dtype=object)
    no_trades = ~events["stock"].isin(active["stock"].unique()).to_numpy()
    log.add_rows(rows, no_trades, "stock",
                 lambda i: f"no trades of stock {stocks[i]!r} in {trades_file}")
    first_day = active.groupby("stock", sort=False)["date"].min()
    first = events["stock"].map(first_day).to_numpy(dtype="datetime64[ns]")
    dates = events["event_date"].to_numpy()
    before = ~no_trades & (dates <= first)
    log.add_rows(rows, before, "event_date",
                 lambda i: f"event_date {_day(dates[i])} is not after the first trade of "
                           f"{stocks[i]!r} ({_day(first[i])}); no reference period can be formed")
    last = trades["date"].max()  # the analysis refuses an event after the data (engine/market/calendar.py)
    after = ~no_trades & ~before & (dates > np.datetime64(last))
    log.add_rows(rows, after, "event_date",
                 lambda i: f"event_date {_day(dates[i])} is after the last date of the data in {trades_file} "
                           f"({_day(last)}); the analysis needs the trades up to the event")
    before = before | after
    calendars = {stock: np.unique(days.to_numpy()) for stock, days in active.groupby("stock", sort=False)["date"]}
    starts = events["reference_start"].to_numpy()
    empty = np.array([not (no_trades[i] or before[i]) and not _any_between(calendars[stocks[i]], starts[i], dates[i])
                      for i in range(len(events))], dtype=bool)
    log.add_rows(rows, empty, "reference_start",
                 lambda i: f"the reference period {_day(starts[i])} to {_day(dates[i])} (excluded) holds no "
                           f"trading day of {stocks[i]!r}")


def _any_between(calendar: np.ndarray, start: np.datetime64, end: np.datetime64) -> bool:
    """True when the sorted ``calendar`` has a day in [start, end)."""
    return bool(np.searchsorted(calendar, end, "left") > np.searchsorted(calendar, start, "left"))


def check_cross(tables: Mapping[str, pd.DataFrame], rows: Mapping[str, np.ndarray],
                logs: Mapping[str, ProblemLog]) -> None:
    """Checks that need more than one table (events against trades)."""
    if "events" in tables and "trades" in tables:
        check_events_against_trades(tables["events"], rows["events"], tables["trades"],
                                    logs["trades"].file, logs["events"])


def import_warnings(tables: Mapping[str, pd.DataFrame], rows: Mapping[str, np.ndarray],
                    files: Mapping[str, str], today: dt.date) -> list[str]:
    """What an import accepts but says: investors matching no trade (ids that lost their
    leading zeros), trades dated after ``today`` (the import day)."""
    out: list[str] = []
    trades = tables["trades"]
    if "investors" in tables and len(tables["investors"]):
        ids = tables["investors"]["investor_id"]
        unmatched = ids[~ids.isin(trades["investor_id"].unique())]
        if len(unmatched):
            shown = ", ".join(repr(v) for v in unmatched.iloc[:3])
            out.append(f"{files['investors']}: {len(unmatched):,} of {len(ids):,} investors match no trade in "
                       f"{files['trades']} (e.g. {shown}); ids are compared as text, so leading zeros matter")
    future = (trades["date"] > pd.Timestamp(today)).to_numpy()
    if future.any():
        hits = np.flatnonzero(future)
        latest = int(hits[np.argmax(trades["date"].to_numpy()[hits])])
        n = int(future.sum())
        out.append(f"{files['trades']}: {n:,} {'row is' if n == 1 else 'rows are'} dated after the import day "
                   f"({today.isoformat()}), "
                   f"the latest {_day(trades['date'].iloc[latest])} (row {rows['trades'][latest]})")
    return out
