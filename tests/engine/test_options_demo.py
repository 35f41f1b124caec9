"""The options stage on the seeded demo markets: planted informed buying is HIGH, other days are
not, for buy events and for the mirrored sell event (METHOD.md §3).

The generator plants short-dated OTM call buying before a takeover. For a sell event the test
mirrors the market (never the generator): calls become puts at strike underlying² / strike (an
OTM call at 1.10 becomes an OTM put at 1/1.10) and the event's direction becomes "sell"."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from engine.demo.generate import generate_demo_market
from engine.options.stage import OptionsResult, run_options
from engine.params import OptionsParams
from engine.tables import CaseTables

SEEDS = range(8)
PLANTED_FEATURES = {"voi", "direction", "expiry", "otm", "iv"}   # what the generator plants


def market_tables(market, mirror: bool) -> CaseTables:
    """The demo market as case tables (the options stage reads trades, events, options, filings)."""
    trades = market.trades.assign(date=pd.to_datetime(market.trades["date"]))
    events = market.events.assign(event_date=pd.to_datetime(market.events["event_date"]),
                                  reference_start=pd.to_datetime(market.events["reference_start"]))
    options = market.options.assign(date=pd.to_datetime(market.options["date"]),
                                    expiry=pd.to_datetime(market.options["expiry"]))
    if mirror:
        options = options.assign(right=np.where(options["right"] == "C", "P", "C"),
                                 strike=options["underlying_close"] ** 2 / options["strike"])
        events = events.assign(direction="sell")
    return CaseTables(trades=trades, events=events, options=options,
                      filings=market.filings.assign(date=pd.to_datetime(market.filings["date"])))


@pytest.fixture(scope="module")
def runs() -> list[tuple[dict, bool, OptionsResult]]:
    out = []
    for seed in SEEDS:
        market = generate_demo_market(seed)
        for mirror in (False, True):
            tables = market_tables(market, mirror)
            out.append((market.truth, mirror, run_options(tables, tables.event(None), OptionsParams())))
    return out


def test_planted_days_high_and_other_days_not_pooled_over_seeds_and_directions(runs) -> None:
    planted_high = planted = other_high = other = 0
    for truth, _mirror, r in runs:
        days = set(truth["informed_option_days"])
        high = {a.date.isoformat() for a in r.alerts if a.priority == "HIGH"}
        dates = [d.item().isoformat() for d in r.dates]
        planted += len(days)
        planted_high += len(days & high)
        other += len(dates) - len(days)
        other_high += len(high - days)
    assert planted == 48
    assert planted_high >= 0.9 * planted, f"{planted_high} of {planted} planted days HIGH"
    assert other_high <= 0.01 * other, f"HIGH on {other_high} of {other} other days"


def test_mirrored_sell_market_scores_like_the_buy_market(runs) -> None:
    for (_t, m1, buy), (_t2, m2, sell) in zip(runs[0::2], runs[1::2]):
        assert not m1 and m2
        assert np.allclose(buy.risk, sell.risk, equal_nan=True, atol=1e-9)
        assert [a.date for a in buy.alerts] == [a.date for a in sell.alerts]
        assert all(c.type == "put" for a in sell.alerts for c in a.contracts)


def test_reasons_contracts_and_accounts_of_the_planted_days(runs) -> None:
    for truth, mirror, r in runs[:4]:
        informed = set(truth["options_informed_accounts"])
        seen = set()
        for a in r.alerts:
            if a.date.isoformat() in truth["informed_option_days"]:
                assert PLANTED_FEATURES <= set(a.reason_keys), (a.date, a.reason_keys)
                assert a.contracts and all(c.voi is None or c.voi > 5 for c in a.contracts)
                assert a.p_value == pytest.approx(1 / (1 + r.n_calibration))
                seen |= {t.investor_id for t in a.top_accounts}
        assert informed <= seen, mirror


def test_no_high_before_the_reference_period(runs) -> None:
    for truth, _mirror, r in runs:
        start = dt.date.fromisoformat(truth["reference_start"])
        assert not [a for a in r.alerts if a.date < start and a.priority == "HIGH"]
        assert r.n_calibration >= 99 and not r.high_unavailable
