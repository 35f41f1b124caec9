"""The ``alerts`` command: alerts with their workflow status, date filters, CSV and JSON."""
from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

import main
from engine.case.store import CaseStore
from engine.case.work import AlertState
from engine.cli.alerts_cmd import alert_rows
from engine.options.alerts import AccountFlow, Alert, FlaggedContract


def _alert(day: str, priority: str = "HIGH") -> Alert:
    return Alert(event_id="E", date=dt.date.fromisoformat(day), risk_score=0.9, p_value=0.004, n_calibration=250,
                 priority=priority, reasons=("r1", "r2"), reason_keys=("volume", "voi"), components={},
                 contracts=(FlaggedContract("put", 20.0, dt.date(2020, 1, 10), 900.0, 0.0, None, None, None),),
                 context=("c1",), pse_days_ahead=0, filings=(), calibration_note="",
                 top_accounts=(AccountFlow("X", 5.0, 1.0, True, False),))


def test_alert_rows_join_status_and_filter_dates() -> None:
    alerts = [_alert("2020-01-02"), _alert("2020-01-09", "MEDIUM"), _alert("2020-02-03")]
    states = [AlertState("E", "2020-01-09", "ESCALATED", "ana", "", "t"),
              AlertState("OTHER", "2020-01-02", "CLOSED", "bob", "x", "t")]
    rows = alert_rows(alerts, states, dt.date(2020, 1, 2), dt.date(2020, 1, 31))
    assert [(r["date"], r["status"], r["owner"]) for r in rows] == [
        ("2020-01-02", "NEW", ""), ("2020-01-09", "ESCALATED", "ana")]
    assert rows[0]["top_accounts"] == ["X"] and rows[0]["reasons"] == ["r1", "r2"]
    assert rows[0]["p_value"] == 0.004 and rows[0]["n_calibration"] == 250 and rows[0]["context"] == ["c1"]
    assert rows[0]["contracts"] == ["put 20 exp 2020-01-10: 900 traded, OI 0, no OI"]
    assert len(alert_rows(alerts, states, None, None)) == 3


@pytest.mark.slow
def test_alerts_command_on_the_demo_case(demo_case_path: Path, demo_truth: dict, tmp_path: Path,
                                         capsys: pytest.CaptureFixture) -> None:
    case = tmp_path / "demo.itcase"
    shutil.copy(demo_case_path, case)
    planted = sorted(demo_truth["informed_option_days"])
    with CaseStore.open(case) as store:
        store.set_alert_status(demo_truth["event_id"], planted[0], "REVIEWING", "ana")
    out_csv = tmp_path / "alerts.csv"
    assert main.main(["alerts", str(case), "--from", planted[0], "--csv", str(out_csv), "--quiet"]) == 0
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert {r["date"] for r in rows} >= set(planted)
    status = {r["date"]: r["status"] for r in rows}
    assert status[planted[0]] == "REVIEWING" and all(status[d] == "NEW" for d in planted[1:])
    assert all(r["date"] >= planted[0] for r in rows)
    assert f"{len(rows)} options alert(s)" in capsys.readouterr().out
    out_json = tmp_path / "alerts.json"
    assert main.main(["alerts", str(case), "--to", planted[0], "--json", str(out_json), "--quiet"]) == 0
    doc = json.loads(out_json.read_text(encoding="utf-8"))
    assert [a["date"] for a in doc["alerts"]][-1] == planted[0]
    assert main.main(["alerts", str(case), "--from", "June 1", "--quiet"]) == 2
