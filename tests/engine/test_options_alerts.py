"""The options stage end to end on a planted chain: alerts, reasons, cross-references, accounts."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from engine import serialize
from engine.options.stage import OptionsResult, options_section, run_options
from engine.params import OptionsParams
from engine.tables import CaseTables
from tests.engine.options_chain import business_days, case, informed_rows, quiet_chain

P = OptionsParams()
DAYS = business_days(90)
PLANT = 70


def planted(event_at: int = 74, filings: pd.DataFrame | None = None, direction: str = "buy",
            extra_events: tuple = ()) -> CaseTables:
    right = "C" if direction == "buy" else "P"
    rows = quiet_chain(DAYS) + informed_rows(DAYS[PLANT], right=right)
    return case(DAYS, rows, DAYS[event_at], DAYS[60], direction=direction, filings=filings,
                investors=("A", "B"), extra_events=extra_events)


@pytest.fixture(scope="module")
def result() -> OptionsResult:
    tables = planted()
    return run_options(tables, tables.event(None), P, suspects=frozenset({"X"}),
                       ring_members=frozenset({"Y"}))


def test_planted_day_is_the_only_alert_and_high(result: OptionsResult) -> None:
    assert [a.date for a in result.alerts] == [DAYS[PLANT].date()]
    alert = result.alerts[0]
    assert alert.priority == "HIGH" and alert.risk_score > 0.85
    assert alert.event_id == "E1"
    assert result.risk[PLANT] == pytest.approx(alert.risk_score)
    others = np.delete(result.risk, PLANT)
    assert others.max() <= P.alert_threshold


def test_reasons_name_the_features_with_numbers(result: OptionsResult) -> None:
    alert = result.alerts[0]
    keys = set(alert.reason_keys)
    assert {"volume", "spike", "otm", "direction", "iforest", "pse"} <= keys
    assert len(alert.reasons) == len(alert.reason_keys)
    text = dict(zip(alert.reason_keys, alert.reasons))
    assert "standard deviations" in text["volume"] and "60-day baseline" in text["volume"]
    f = result.features
    assert f"{f.volume[PLANT]:,.0f} contracts" in text["volume"]
    assert "out-of-the-money calls" in text["otm"]
    assert "calls" in text["direction"]
    assert "E1" in text["pse"] and "4 trading day(s) ahead" in text["pse"]
    # strongest contribution first among the feature reasons
    contrib = [result.weights[k] * alert.components[k] for k in alert.reason_keys if k in result.weights]
    assert contrib == sorted(contrib, reverse=True)


def test_sell_event_reasons_speak_of_puts() -> None:
    tables = planted(direction="sell")
    res = run_options(tables, tables.event(None), P)
    alert = next(a for a in res.alerts if a.date == DAYS[PLANT].date())
    otm = dict(zip(alert.reason_keys, alert.reasons))["otm"]
    assert "out-of-the-money puts" in otm


def test_pse_lookahead_raises_risk_by_the_boost() -> None:
    far = planted(event_at=85)                 # PSE 15 trading days after the planted day
    near = planted(event_at=85, extra_events=(("E0", DAYS[74]),))
    r_far = run_options(far, far.event("E1"), P)
    r_near = run_options(near, near.event("E1"), P)
    assert np.array_equal(r_far.base_risk, r_near.base_risk)
    lift = r_near.risk - r_far.risk
    window = np.arange(67, 74)                 # 1..7 trading days before E0
    expected = np.minimum(r_far.base_risk[window] + P.pse_boost, 1.0) - r_far.risk[window]
    assert lift[window] == pytest.approx(expected)
    assert np.allclose(np.delete(lift, np.r_[window, np.arange(78, 85)]), 0.0)
    keys = next(a for a in r_near.alerts if a.date == DAYS[PLANT].date()).reason_keys
    assert "pse" in keys
    far_alert = next(a for a in r_far.alerts if a.date == DAYS[PLANT].date())
    assert "pse" not in far_alert.reason_keys


def test_filings_by_case_investors_raise_risk_and_are_named() -> None:
    filings = pd.DataFrame({"investor_id": ["A", "Z"], "stock": "ACME",
                            "date": [DAYS[72], DAYS[30]], "form": ["4", "4"],
                            "transaction": ["buy", "buy"]})
    plain = planted(event_at=85)
    filed = planted(event_at=85, filings=filings)
    r0 = run_options(plain, plain.event(None), P)
    r1 = run_options(filed, filed.event(None), P)
    # within 7 trading days of A's filing; Z is not an investor of the case
    assert r1.filings_near.tolist() == [1 if 65 <= d <= 79 else 0 for d in range(90)]
    assert np.array_equal(r1.base_risk, r0.base_risk)
    assert np.allclose(r1.risk, np.minimum(r0.risk + P.filing_boost * (r1.filings_near > 0), 1.0))
    assert r1.risk[66] == pytest.approx(min(1.0, r0.risk[66] + P.filing_boost))
    alert = next(a for a in r1.alerts if a.date == DAYS[PLANT].date())
    assert "filings" in alert.reason_keys
    assert alert.filings == (f"A {DAYS[72].date().isoformat()} 4 buy",)
    assert "A " + DAYS[72].date().isoformat() in alert.reasons[alert.reason_keys.index("filings")]


def test_top_accounts_flag_suspects_and_ring_members(result: OptionsResult) -> None:
    accounts = result.alerts[0].top_accounts
    assert [a.investor_id for a in accounts] == ["X", "Y"]
    assert accounts[0].is_suspect and not accounts[0].in_ring
    assert accounts[1].in_ring and not accounts[1].is_suspect
    assert accounts[0].volume == 2500.0
    assert sum(a.share for a in accounts) == pytest.approx(1.0)


def test_unavailable_without_options_data() -> None:
    tables = planted()
    none = CaseTables(trades=tables.trades, events=tables.events)
    r = run_options(none, none.event(None), P)
    assert not r.available and "no options table" in r.reason
    other = CaseTables(trades=tables.trades, events=tables.events,
                       options=tables.options.assign(stock="OTHER"))
    r2 = run_options(other, other.event(None), P)
    assert not r2.available and "ACME" in r2.reason
    assert options_section(r2) == {"available": False, "reason": r2.reason, "alerts": []}
    assert serialize.loads(OptionsResult, serialize.dumps(r2)) == r2


def test_result_round_trips_and_json_is_finite(result: OptionsResult) -> None:
    back = serialize.loads(OptionsResult, serialize.dumps(result))
    assert back.alerts == result.alerts
    assert np.array_equal(back.risk, result.risk)
    assert np.array_equal(back.features.dates, result.features.dates)
    assert back.components.keys() == result.components.keys()
    doc = options_section(result)
    text = json.dumps(doc, allow_nan=False)
    assert doc["alerts"][0]["priority"] == "HIGH" and doc["alerts"][0]["date"] == DAYS[PLANT].date().isoformat()
    assert doc["weights"] == result.weights and "reasons" in json.loads(text)["alerts"][0]


def test_same_input_same_result() -> None:
    tables = planted()
    a = run_options(tables, tables.event(None), P)
    b = run_options(tables, tables.event(None), P)
    assert np.array_equal(a.risk, b.risk) and a.alerts == b.alerts
