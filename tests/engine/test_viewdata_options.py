"""The options view's prepared data: the day contracts with the alert's contracts flagged,
context days apart from the alerts, p-values beside the risk."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from engine.options.stage import run_options
from engine.params import AnalysisParams
from engine.viewdata.options import VOI_SHOWN_CAP, options_series
from tests.engine.test_options_alerts import DAYS, PLANT, planted


def test_series_from_a_planted_result() -> None:
    filings = pd.DataFrame({"investor_id": ["A"], "stock": "ACME", "date": [DAYS[40]], "form": ["4"],
                            "transaction": ["buy"]})
    tables = planted(filings=filings)
    event = tables.event(None)
    opt = run_options(tables, event, AnalysisParams().options, suspects=frozenset({"X"}))
    data = options_series(SimpleNamespace(options=opt, params=AnalysisParams(), event=event))
    (k,) = data.alert_day
    assert k == PLANT and data.alerts[0].p_value == opt.p_value[PLANT] and data.n_calibration == opt.n_calibration
    assert data.alerts[0].accounts == ("X",) and data.alerts[0].account_marks == ("k-means suspect",)
    rows = data.contract_rows(PLANT)
    assert rows[0][:6] == ("●", "call", "110", str((DAYS[PLANT] + pd.Timedelta(days=6)).date()), "2,500", "100")
    assert rows[0][6] == "25.0" and sum(r[0] == "●" for r in rows) == 1
    assert len(rows) == 7 and [float(r[4].replace(",", "")) for r in rows[1:]] == sorted(
        (float(r[4].replace(",", "")) for r in rows[1:]), reverse=True)
    # context: the PSE 1-7 trading days ahead and the filing's +-7 days, never an alert by itself
    expected = sorted(set(range(130 - 3, 134)) | set(range(33, 48)))
    assert data.context_day.tolist() == expected
    assert np.nanmax(data.voi) <= VOI_SHOWN_CAP and data.label("reward_share") == "Call share"
    assert "p 0." in data.day_text(PLANT) and "no baseline" in data.day_text(0)
