"""R_i, π_i and the valuation price p_TB (METHOD §1), by hand."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from engine.market.investor_metrics import directionality, expected_profit, valuation_price
from engine.market.panel import TargetPanel
from engine.tables import CaseTables

DATES = pd.to_datetime(["2020-01-02", "2020-01-03", "2020-01-06", "2020-01-07"])


def _tables(offer=np.nan, prices=None) -> CaseTables:
    trades = pd.DataFrame({
        "investor_id": np.array(["a", "a", "b", "c", "a"], dtype=object),
        "stock": "S", "date": DATES[[0, 1, 1, 2, 3]],
        "buy_shares": [100.0, 0.0, 50.0, 10.0, 30.0], "sell_shares": [0.0, 40.0, 50.0, 0.0, 0.0],
        "buy_value": [1000.0, 0.0, 500.0, 110.0, 330.0], "sell_value": [0.0, 440.0, 520.0, 0.0, 0.0]})
    events = pd.DataFrame({"event_id": ["E"], "stock": ["S"], "event_date": [DATES[2]],
                           "reference_start": [DATES[0]], "direction": ["buy"], "offer_price": [offer]})
    return CaseTables(trades=trades, events=events, prices=prices)


def test_valuation_price_order_of_preference() -> None:
    prices = pd.DataFrame({"stock": ["S", "S", "S", "T"], "date": DATES[[1, 3, 2, 2]],
                           "close": [9.0, 13.0, np.nan, 99.0]})
    assert valuation_price(_tables(offer=15.0, prices=prices), _tables(15.0).event(None)) == 15.0
    event = _tables().event(None)
    # event on 2020-01-06, a trading day whose close is missing: no later close stands in for it
    assert valuation_price(_tables(prices=prices), event) is None
    # with that close present it is used; a close of another stock never is
    filled = prices.assign(close=[9.0, 13.0, 12.0, 99.0])
    assert valuation_price(_tables(prices=filled), event) == 12.0
    # an event on a day the stock did not trade takes the close of the next trading day
    saturday = dataclasses.replace(event, event_date=pd.Timestamp("2020-01-04").date())
    assert valuation_price(_tables(prices=filled), saturday) == 12.0
    assert valuation_price(_tables(), event) is None
    late = dataclasses.replace(event, event_date=pd.Timestamp("2021-01-01").date())
    assert valuation_price(_tables(prices=prices), late) is None


def test_directionality_and_expected_profit_over_the_reference_period() -> None:
    tables = _tables()
    panel = TargetPanel.build(tables, "S")
    assert list(panel.investor_ids) == ["a", "b", "c"]
    lo, hi = 0, 2        # Δ̄ = the first two trading days
    r = directionality(panel, lo, hi)
    assert r[0] == pytest.approx((100 - 40) / 140) and r[1] == 0.0 and np.isnan(r[2])
    pi = expected_profit(panel, lo, hi, 12.0)
    assert pi.tolist() == pytest.approx([12.0 * 60 - (1000 - 440), 12.0 * 0 - (500 - 520), 0.0])
    assert np.isnan(expected_profit(panel, lo, hi, None)).all()
