"""The options stage on the seeded demo market: planted informed call buying is found."""
from __future__ import annotations

import datetime as dt

import pytest

from engine.options.stage import OptionsResult, run_options
from engine.params import OptionsParams

# what the generator plants on each informed day (engine/demo/options.py): volume / OI > 5,
# call share > 0.9, short-dated share > 0.6, OTM short-dated calls, IV up
PLANTED_FEATURES = {"voi", "direction", "expiry", "otm", "iv"}


@pytest.fixture(scope="module")
def demo_options(demo_tables) -> OptionsResult:
    return run_options(demo_tables, demo_tables.event(None), OptionsParams())


def test_planted_days_raise_high_alerts_inside_the_reference_period(demo_options, demo_truth) -> None:
    alerts = {a.date.isoformat(): a for a in demo_options.alerts}
    planted = demo_truth["informed_option_days"]
    assert planted
    for day in planted:
        assert day in alerts, f"no alert on the planted day {day}"
        assert alerts[day].priority == "HIGH"
        assert demo_truth["reference_start"] <= day < demo_truth["event_date"]


def test_no_high_alert_before_the_reference_period(demo_options, demo_truth) -> None:
    start = dt.date.fromisoformat(demo_truth["reference_start"])
    assert not [a for a in demo_options.alerts if a.date < start and a.priority == "HIGH"]
    # stronger: every HIGH alert is a planted day
    high = {a.date.isoformat() for a in demo_options.alerts if a.priority == "HIGH"}
    assert high <= set(demo_truth["informed_option_days"])


def test_reasons_name_the_planted_features(demo_options, demo_truth) -> None:
    for a in demo_options.alerts:
        if a.date.isoformat() in demo_truth["informed_option_days"]:
            assert PLANTED_FEATURES <= set(a.reason_keys), (a.date, a.reason_keys)
            assert {"volume", "spike"} & set(a.reason_keys)


def test_informed_accounts_top_the_planted_days(demo_options, demo_truth) -> None:
    informed = set(demo_truth["options_informed_accounts"])
    seen = set()
    for a in demo_options.alerts:
        if a.date.isoformat() in demo_truth["informed_option_days"]:
            seen |= {t.investor_id for t in a.top_accounts} & informed
    assert seen == informed
