"""``alerts``: list one event's options alerts with their workflow status, as text, CSV or JSON."""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any, Iterable

from engine.atomic import write_bytes_atomic
from engine.exports.tables import safe_text
from engine.case.work import AlertState
from engine.cli.case_args import add_event_arguments, analysed_case
from engine.errors import UsageError
from engine.options.alerts import Alert, FlaggedContract

COLUMNS: tuple[str, ...] = ("event_id", "date", "priority", "risk_score", "p_value", "n_calibration",
                            "status", "owner", "contracts", "reasons", "context", "top_accounts")


def configure(parser: argparse.ArgumentParser) -> None:
    """The arguments of this command (its one-line help is in the command registry)."""
    parser.description = ("List the options alerts of one event (analysing the case "
                          "if needed) with their workflow status (NEW when never set).")
    add_event_arguments(parser)
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first alert date")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last alert date")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--csv", metavar="OUT.csv", help="write the alerts as CSV")
    out.add_argument("--json", metavar="OUT.json", help="write the alerts as JSON")
    parser.set_defaults(run=run)


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} takes an ISO date (YYYY-MM-DD), not {text!r}") from None


def contract_text(c: FlaggedContract) -> str:
    """'call 110 exp 2020-07-17: 5,200 traded, OI 600, V/OI 8.7'."""
    voi = "no OI" if c.voi is None else f"V/OI {c.voi:.1f}"
    return f"{c.type} {c.strike:g} exp {c.expiry.isoformat()}: {c.volume:,.0f} traded, OI {c.open_interest:,.0f}, {voi}"


def alert_rows(alerts: Iterable[Alert], states: Iterable[AlertState], date_from: dt.date | None,
               date_to: dt.date | None) -> list[dict[str, Any]]:
    """One row per alert within [date_from, date_to], with its stored status or NEW."""
    by_key = {(s.event_id, s.date): s for s in states}
    rows = []
    for a in alerts:
        if (date_from and a.date < date_from) or (date_to and a.date > date_to):
            continue
        state = by_key.get((a.event_id, a.date.isoformat()))
        rows.append({"event_id": a.event_id, "date": a.date.isoformat(), "priority": a.priority,
                     "risk_score": round(a.risk_score, 4), "p_value": round(a.p_value, 6),
                     "n_calibration": a.n_calibration,
                     "status": state.status if state else "NEW", "owner": state.owner if state else "",
                     "contracts": [contract_text(c) for c in a.contracts],
                     "reasons": list(a.reasons), "context": list(a.context),
                     "top_accounts": [t.investor_id for t in a.top_accounts]})
    return rows


def _csv_text(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([safe_text(" | ".join(r[c])) if isinstance(r[c], list)
                         else safe_text(r[c]) if isinstance(r[c], str) else r[c] for c in COLUMNS])
    return buffer.getvalue()


def run(args: argparse.Namespace) -> int:
    date_from, date_to = _date(args.date_from, "--from"), _date(args.date_to, "--to")
    with analysed_case(args, {"--csv": args.csv, "--json": args.json}) as (store, tables, event, result):
        rows = alert_rows(result.options.alerts, store.alert_states(event.event_id), date_from, date_to)
    if args.csv:
        write_bytes_atomic(Path(args.csv), _csv_text(rows).encode("utf-8"))
    elif args.json:
        text = json.dumps({"event_id": event.event_id, "alerts": rows}, indent=2, ensure_ascii=False)
        write_bytes_atomic(Path(args.json), (text + "\n").encode("utf-8"))
    if not result.options.available:
        print(f"options not available: {result.options.reason}")
        return 0
    print(f"{len(rows)} options alert(s) for event {event.event_id}")
    for r in rows:
        print(f"{r['date']}  {r['priority']:<6}  risk {r['risk_score']:.2f}  p {r['p_value']:.4f}  "
              f"{r['status']:<9}  {'; '.join(r['contracts'][:2])}  {'; '.join(r['reasons'][:2])}")
    return 0
