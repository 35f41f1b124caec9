"""Template explanations: what was observed, against which baseline, why it matters."""
from __future__ import annotations

import datetime as dt

import numpy as np

from engine.svn.communities import Ring
from engine.narrative.template import explain_alert, explain_object, explain_ring, explain_suspect, when_in_case
from engine.options.alerts import AccountFlow, Alert, FlaggedContract
from engine.kmeans.suspects import Suspect
from engine.tables import Event

BUY = Event("E1", "ACME", dt.date(2020, 7, 20), dt.date(2020, 6, 1), "buy", 10.0)
SELL = Event("E2", "ACME", dt.date(2020, 7, 20), dt.date(2020, 6, 1), "sell")


def alert(day: dt.date, accounts=(), note: str = "", context: tuple[str, ...] = ()) -> Alert:
    return Alert(event_id="E1", date=day, risk_score=0.912, p_value=0.0059, n_calibration=168, priority="HIGH",
                 reasons=("options volume 5,000 contracts is +9.0 standard deviations from its 60-day baseline",
                          "volume / open interest 6.20 (normal below 2, suspicious above 5)"),
                 reason_keys=("volume", "voi"), components={"volume": 1.0, "voi": 1.0},
                 contracts=(FlaggedContract("call", 22.5, dt.date(2020, 7, 3), 5200.0, 600.0, 8.7, 0.45, 0.12),),
                 context=context, pse_days_ahead=0, filings=(), calibration_note=note,
                 top_accounts=tuple(accounts))


def test_alert_text_has_observation_baseline_and_why() -> None:
    accounts = (AccountFlow("X9", 4000.0, 0.8, True, True), AccountFlow("Y1", 1000.0, 0.2, False, False))
    text = explain_alert(alert(dt.date(2020, 7, 1), accounts), BUY)
    assert text.startswith("On 2020-07-01, inside the reference period")
    assert "daily risk of 0.91 (HIGH" in text and "above 0.85" in text
    assert "+9.0 standard deviations" in text and "volume / open interest 6.20" in text
    assert "60 trading days before it" in text and "the 168 days before the reference period" in text
    assert "calibrated p-value is 0.006" in text and "call 22.5 expiring 2020-07-03, 5,200 traded" in text
    assert "out-of-the-money calls" in text
    assert "X9 (80%, k-means suspect, suspicious ring member)" in text and "Y1 (20%)" in text
    assert "whether they bought or sold" in text and "Context" not in text
    assert explain_alert(alert(dt.date(2020, 7, 1), accounts), BUY) == text


def test_alert_text_keeps_context_and_the_calibration_note_apart() -> None:
    text = explain_alert(alert(dt.date(2020, 7, 1), note="HIGH unavailable: only 70 days",
                               context=("Context (not part of the risk): the PSE E1 is 3 trading day(s) ahead",)),
                         BUY)
    assert "HIGH unavailable: only 70 days." in text
    tail = text.split("Context, shown beside the evidence and not part of the risk: ")[1]
    assert tail == "the PSE E1 is 3 trading day(s) ahead."


def test_alert_text_for_sell_event_and_timing() -> None:
    text = explain_alert(alert(dt.date(2020, 5, 4)), SELL)
    assert "before the reference period" in text and "out-of-the-money puts" in text
    assert "calls for leverage" not in text and "Accounts trading" not in text
    assert when_in_case(dt.date(2020, 7, 20), BUY).startswith("on or after the PSE")


def test_suspect_text_hard_and_soft() -> None:
    hard = explain_suspect(investor_id="INV7", rank=1, score=0.97, discontinuity="hard", shares=52000,
                           directionality=1.0, expected_profit=443947.0, event=BUY)
    assert "INV7 ranks #1" in hard and "score 0.970" in hard and "(1, 1, 1)" in hard
    assert "never traded ACME before" in hard and "52,000 shares net" in hard
    assert "directionality +1.00" in hard and "expected profit 443,947" in hard
    assert "Baseline:" in hard and "Why it matters:" in hard and "strongest evidence" not in hard
    soft = explain_suspect(investor_id="INV8", rank=2, score=0.5, discontinuity="soft", shares=-3000,
                           directionality=None, expected_profit=None, event=SELL, in_ring=True)
    assert "(-1, 1, -1)" in soft and "traded ACME before" in soft and "3,000 shares net" in soft
    assert "no activity in the reference period" in soft and "expected profit unavailable" in soft
    assert "strongest evidence" in soft and "(selling)" in soft


def test_ring_text_suspicious_or_not() -> None:
    members = [f"M{i:02d}" for i in range(12)]
    ring = explain_ring(cluster_id=3, rank=1, members=members, mean_directionality=0.95,
                        mean_expected_profit=1234.5, event=BUY, suspects=["M05", "Q"])
    assert "Ring 3 (rank #1) groups 12 investors" in ring and "and 2 more" in ring
    assert "+0.95" in ring and "1,234" in ring and "this one is suspicious" in ring
    assert "1 member(s) are also k-means suspects: M05" in ring
    calm = explain_ring(cluster_id=4, rank=2, members=["A", "B"], mean_directionality=0.95,
                        mean_expected_profit=None, event=SELL)
    assert "not suspicious" in calm and "k-means suspects" not in calm
    idle = explain_ring(cluster_id=5, rank=3, members=["A"], mean_directionality=None,
                        mean_expected_profit=None, event=BUY)
    assert "did not trade in the reference period" in idle and "not suspicious" in idle


def test_suspects_and_rings_are_explained_by_their_fields() -> None:
    suspect = Suspect(investor_id="S1", rank=4, score=0.8, discontinuity="hard", shares=10.0,
                      shares_bought=10.0, shares_sold=0.0, directionality=0.5, expected_profit=2.0,
                      point=(1.0, 0.9, 1.0))
    assert explain_object(suspect, BUY) == explain_suspect(
        investor_id="S1", rank=4, score=0.8, discontinuity="hard", shares=10.0, directionality=0.5,
        expected_profit=2.0, event=BUY)
    ring = Ring(cluster_id=1, rank=1, member_ids=np.array(["B", "A"], dtype=object),
                mean_directionality=0.99, mean_expected_profit=5.0, active_pairs=4, active_members=2, suspicious=True,
                internal_links=1, composition={"H": 2}, expression=[])
    text = explain_object(ring, BUY, suspects=("A",))
    assert text.startswith("Ring 1 (rank #1) groups 2 investors (A, B)") and "this one is suspicious" in text


def test_a_ring_with_one_active_member_is_explained_as_not_suspicious() -> None:
    one = explain_ring(cluster_id=6, rank=1, members=["A", "B"], mean_directionality=1.0,
                       mean_expected_profit=None, event=BUY, active_members=1)
    two = explain_ring(cluster_id=6, rank=1, members=["A", "B"], mean_directionality=1.0,
                       mean_expected_profit=None, event=BUY, active_members=2)
    assert "this one is not suspicious" in one and "this one is suspicious" in two
