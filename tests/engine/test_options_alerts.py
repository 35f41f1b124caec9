"""The options stage end to end on a planted chain: alerts name their contracts and calibrated
p, context stays beside the evidence, the forest is out of sample, HIGH needs 99 days."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from engine import serialize
from engine.backtest import Labels, backtest
from engine.options.stage import OptionsResult, options_section, run_options
from engine.params import OptionsParams
from engine.tables import CaseTables
from tests.engine.options_chain import business_days, case, informed_rows, quiet_chain

P = OptionsParams()
DAYS = business_days(150)
REF, PLANT, PSE = 120, 130, 134


def planted(days: pd.DatetimeIndex = DAYS, plants: tuple[int, ...] = (PLANT,), ref: int = REF,
            event_at: int = PSE, direction: str = "buy", filings: pd.DataFrame | None = None,
            extra_events: tuple = ()) -> CaseTables:
    right = "C" if direction == "buy" else "P"
    rows = quiet_chain(days)
    for k in plants:
        rows += informed_rows(days[k], right=right)
    return case(days, rows, days[event_at], days[ref], direction=direction, filings=filings,
                investors=("A", "B"), extra_events=extra_events)


@pytest.fixture(scope="module")
def result() -> OptionsResult:
    tables = planted()
    return run_options(tables, tables.event(None), P, suspects=frozenset({"X"}), ring_members=frozenset({"Y"}))


def test_planted_day_is_the_only_alert_high_and_calibrated(result: OptionsResult) -> None:
    assert [a.date for a in result.alerts] == [DAYS[PLANT].date()]
    a = result.alerts[0]
    assert a.priority == "HIGH" and a.risk_score > 0.85 and a.event_id == "E1"
    assert result.n_calibration == REF - 10 == a.n_calibration      # days with a 10-day baseline
    assert a.p_value == pytest.approx(1 / (1 + result.n_calibration)) == result.p_value[PLANT]
    assert result.calibration[:REF].sum() == result.n_calibration and not result.calibration[REF:].any()
    assert a.calibration_note == "" and result.high_unavailable == ""


def test_alert_names_its_contract_and_the_accounts_trading_it(result: OptionsResult) -> None:
    a = result.alerts[0]
    (c,) = a.contracts
    assert (c.type, c.strike, c.volume, c.open_interest, c.voi) == ("call", 110.0, 2500.0, 100.0, 25.0)
    assert c.expiry == (DAYS[PLANT] + pd.Timedelta(days=6)).date()
    # listed 24 calendar days earlier by the quiet chain (30 days to expiry then) at about 0.30
    assert c.implied_vol == pytest.approx(0.45) and 0.13 < c.iv_change < 0.17
    (acc,) = a.top_accounts                              # Y trades other contracts only
    assert acc.investor_id == "X" and acc.is_suspect and not acc.in_ring and acc.share == 1.0
    assert acc.contracts == (f"call 110.00 exp {c.expiry.isoformat()}",)


def test_flat_features_are_dropped_and_reported(result: OptionsResult) -> None:
    # every quiet contract expires in 30 days, the first expiry: the expiry share is always 1
    assert "expiry" in result.dropped and "below 1e-06" in result.dropped["expiry"]
    assert "expiry" not in result.components and "iforest" in result.components
    assert options_section(result)["dropped_features"] == result.dropped


def test_context_never_changes_risk_or_p() -> None:
    filings = pd.DataFrame({"investor_id": ["A", "Z"], "stock": "ACME", "date": [DAYS[128], DAYS[30]],
                            "form": ["4", "4"], "transaction": ["buy", "buy"]})
    far = planted(event_at=145)
    near = planted(event_at=145, filings=filings, extra_events=(("E0", DAYS[PLANT + 3]),))
    r_far, r_near = run_options(far, far.event("E1"), P), run_options(near, near.event("E1"), P)
    assert np.array_equal(r_far.risk, r_near.risk, equal_nan=True)
    assert np.array_equal(r_far.p_value, r_near.p_value, equal_nan=True)
    a_far, a_near = r_far.alerts[0], r_near.alerts[0]
    assert (a_far.priority, a_far.risk_score, a_far.p_value) == (a_near.priority, a_near.risk_score, a_near.p_value)
    assert a_far.reasons == a_near.reasons and a_far.context == ()
    assert a_near.pse_days_ahead == 3 and a_near.filings == (f"A {DAYS[128].date().isoformat()} 4 buy",)
    assert len(a_near.context) == 2 and all(c.startswith("Context (not part of the risk): ") for c in a_near.context)
    assert "E0" in a_near.context[0] and "3 trading day(s) ahead" in a_near.context[0]
    assert not any("PSE" in r for r in a_near.reasons)
    assert r_near.filings_near[PLANT] == 1 and r_near.pse_days_ahead[PLANT] == 3
    # the backtest scores the evidence only: the same labels give the same confusion matrix
    labels = Labels(kind="date", keys=tuple(d.date().isoformat() for d in DAYS[100:]),
                    positive=np.arange(100, 150) == PLANT)
    flagged = [{a.date.isoformat() for a in r.alerts} for r in (r_far, r_near)]
    assert backtest(labels, flagged[0]) == backtest(labels, flagged[1])
    assert backtest(labels, flagged[0]).tp == 1


def test_forest_is_out_of_sample_for_the_baseline_days(result: OptionsResult) -> None:
    more = planted(plants=(PLANT, 124, 127))             # more informed days in the reference period
    r = run_options(more, more.event(None), P)
    cal = result.calibration
    assert np.array_equal(r.iforest_score[cal], result.iforest_score[cal])
    assert np.array_equal(r.risk[:REF], result.risk[:REF], equal_nan=True)
    shorter = planted(days=DAYS[:140])                   # reference-period days removed
    r2 = run_options(shorter, shorter.event(None), P)
    assert np.array_equal(r2.iforest_score[cal[:140]], result.iforest_score[cal])


def test_fewer_than_99_days_before_the_reference_period_make_high_unavailable() -> None:
    days = DAYS[:100]
    tables = planted(days=days, plants=(90,), ref=80, event_at=94)
    r = run_options(tables, tables.event(None), P)
    assert r.n_calibration == 70 and "HIGH unavailable" in r.high_unavailable
    (a,) = [x for x in r.alerts if x.date == days[90].date()]
    assert a.risk_score > P.high_threshold and a.priority == "MEDIUM"
    assert a.calibration_note == r.high_unavailable and "70 days" in a.calibration_note
    assert "HIGH unavailable" in a.explanation
    doc = options_section(r)
    assert doc["high_available"] is False and doc["high_unavailable_reason"] == r.high_unavailable
    assert all(x.priority != "HIGH" and x.calibration_note == r.high_unavailable for x in r.alerts)


def test_sell_event_reasons_speak_of_puts() -> None:
    tables = planted(direction="sell")
    res = run_options(tables, tables.event(None), P)
    a = next(x for x in res.alerts if x.date == DAYS[PLANT].date())
    assert a.priority == "HIGH" and a.contracts[0].type == "put"
    text = dict(zip(a.reason_keys, a.reasons))
    assert "out-of-the-money puts" in text["otm"] and text["direction"].startswith("puts were")


def test_unavailable_without_options_data() -> None:
    tables = planted()
    none = CaseTables(trades=tables.trades, events=tables.events)
    r = run_options(none, none.event(None), P)
    assert not r.available and "no options table" in r.reason
    other = CaseTables(trades=tables.trades, events=tables.events, options=tables.options.assign(stock="OTHER"))
    r2 = run_options(other, other.event(None), P)
    assert not r2.available and "ACME" in r2.reason
    assert options_section(r2) == {"available": False, "reason": r2.reason, "alerts": []}
    assert serialize.loads(OptionsResult, serialize.dumps(r2)) == r2


def test_result_round_trips_and_json_is_finite(result: OptionsResult) -> None:
    back = serialize.loads(OptionsResult, serialize.dumps(result))
    assert back.alerts == result.alerts
    assert np.array_equal(back.p_value, result.p_value, equal_nan=True)
    assert np.array_equal(back.features.contracts.voi, result.features.contracts.voi, equal_nan=True)
    doc = json.loads(json.dumps(options_section(result), allow_nan=False))
    a = doc["alerts"][0]
    assert a["priority"] == "HIGH" and a["date"] == DAYS[PLANT].date().isoformat()
    assert a["n_calibration"] == result.n_calibration and a["p_value"] == result.alerts[0].p_value
    assert a["contracts"][0]["type"] == "call" and a["contracts"][0]["open_interest"] == 100.0
    assert a["context"] == list(result.alerts[0].context) and "4 trading day(s) ahead" in a["context"][0]
    assert doc["n_calibration"] == result.n_calibration and doc["high_available"] is True


def test_same_input_same_result() -> None:
    tables = planted()
    a, b = run_options(tables, tables.event(None), P), run_options(tables, tables.event(None), P)
    assert np.array_equal(a.risk, b.risk, equal_nan=True) and a.alerts == b.alerts


def test_reasons_strongest_first_ties_in_method_order(result: OptionsResult) -> None:
    a = result.alerts[0]
    order = list(result.components)
    key = [(-a.components[k], order.index(k)) for k in a.reason_keys]
    assert key == sorted(key) and a.reason_keys[:3] == ("volume", "voi", "direction")
    assert all(a.components[k] >= 0.5 for k in a.reason_keys)
    assert {k for k, v in a.components.items() if v >= 0.5} == set(a.reason_keys)
