"""The options-flow stage: daily features, risk, alerts and their narratives for one event."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.market.calendar import as_day
from engine.narrative.template import explain_alert
from engine.narrative.llm import draft_alert
from engine.options.alerts import Alert, build_alerts, filings_table_near
from engine.options.flow import DailyOptions, daily_features, options_calendar, stock_options
from engine.options.risk import (combine, effective_weights, filings_near, iforest_component,
                                 iforest_scores, pse_days_ahead, rule_scores)
from engine.params import OptionsParams
from engine.progress import Reporter
from engine.tables import CaseTables, Event


@dataclass(frozen=True)
class OptionsResult:
    """Options-flow analytics of one event; ``available`` is False (with a reason) without data."""

    available: bool
    reason: str
    event_id: str
    stock: str
    features: DailyOptions | None = None
    components: dict[str, np.ndarray] | None = None   # component scores per day
    weights: dict[str, float] | None = None           # weights used (sum 1)
    iforest_score: np.ndarray | None = None           # anomaly score a per day
    iforest_outlier: np.ndarray | None = None         # bool: among the contamination share
    pse_days_ahead: np.ndarray | None = None          # int per day, 0 = no PSE within lookahead
    filings_near: np.ndarray | None = None            # int per day
    base_risk: np.ndarray | None = None
    risk: np.ndarray | None = None                    # daily risk in [0, 1]
    alerts: tuple[Alert, ...] = ()
    llm_failures: int = 0                             # drafts asked for that failed

    @property
    def dates(self) -> np.ndarray:
        return self.features.dates if self.features is not None else np.zeros(0, "datetime64[D]")


def _unavailable(event: Event, reason: str) -> OptionsResult:
    return OptionsResult(available=False, reason=reason, event_id=event.event_id, stock=event.stock)


def _pse_events(tables: CaseTables, stock: str) -> tuple[tuple[str, np.datetime64], ...]:
    ev = tables.events[tables.events["stock"] == stock].sort_values(["event_date", "event_id"])
    return tuple((str(i), as_day(d)) for i, d in zip(ev["event_id"], ev["event_date"]))


def run_options(tables: CaseTables, event: Event, params: OptionsParams, reporter: Reporter | None = None,
                suspects: frozenset[str] = frozenset(),
                ring_members: frozenset[str] = frozenset()) -> OptionsResult:
    """Features, risk and alerts of the event's stock; narratives for every alert."""
    rep = reporter or Reporter()
    if tables.options is None:
        return _unavailable(event, "the case has no options table")
    rows = stock_options(tables, event.stock)
    if rows is None:
        return _unavailable(event, f"the options table has no rows for {event.stock}")
    rep.check()
    calendar = options_calendar(tables, event.stock, rows)
    f = daily_features(rows, calendar, event, params)
    rep.advance(0.3)
    components = rule_scores(f, params, event.sign)
    anomaly, outlier = iforest_scores(f, params)
    components["iforest"] = iforest_component(anomaly)
    weights = effective_weights(f)
    rep.advance(0.6)
    pse_list = _pse_events(tables, event.stock)
    ahead = pse_days_ahead(calendar, [d for _, d in pse_list], params.pse_lookahead_days)
    near = filings_table_near(tables.filings, event.stock, tables.trades["investor_id"], calendar)
    n_filings = filings_near(calendar, near["date"].to_numpy().astype("datetime64[D]"),
                             params.pse_lookahead_days)
    base, risk = combine(components, weights, ahead, n_filings, params)
    alerts = build_alerts(f, components, weights, (anomaly, outlier), base, risk, ahead, near, rows,
                          event, params, pse_list, suspects, ring_members)
    alerts, failures = _narrate(alerts, event, params, rep)
    rep.advance(1.0)
    return OptionsResult(available=True, reason="", event_id=event.event_id, stock=event.stock,
                         features=f, components=components, weights=weights, iforest_score=anomaly,
                         iforest_outlier=outlier, pse_days_ahead=ahead, filings_near=n_filings,
                         base_risk=base, risk=risk, alerts=alerts, llm_failures=failures)


def _narrate(alerts: tuple[Alert, ...], event: Event, params: OptionsParams,
             rep: Reporter) -> tuple[tuple[Alert, ...], int]:
    """Template explanation for every alert; local-model drafts only when switched on."""
    out, failures = [], 0
    for alert in alerts:
        alert = dataclasses.replace(alert, explanation=explain_alert(alert, event))
        if params.use_narrative_llm:
            rep.check()
            d = draft_alert(alert, event, params)
            failures += 0 if d.ok else 1
            alert = dataclasses.replace(alert, draft_explanation=d.explanation,
                                        draft_key_concerns=d.key_concerns,
                                        draft_recommendation=d.recommendation, draft_error=d.error)
        out.append(alert)
    return tuple(out), failures


def _alert_json(a: Alert) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "event_id": a.event_id, "date": a.date.isoformat(), "risk_score": a.risk_score,
        "base_score": a.base_score, "priority": a.priority, "reasons": list(a.reasons),
        "reason_keys": list(a.reason_keys), "components": dict(a.components),
        "pse_days_ahead": a.pse_days_ahead, "filings": list(a.filings),
        "top_accounts": [dataclasses.asdict(t) for t in a.top_accounts],
        "explanation": a.explanation,
    }
    if a.draft_explanation or a.draft_error:
        doc["draft"] = {"explanation": a.draft_explanation, "key_concerns": list(a.draft_key_concerns),
                        "recommendation": a.draft_recommendation, "error": a.draft_error}
    return doc


def options_section(result: OptionsResult) -> dict[str, Any]:
    """The CASE_FORMAT §4 ``options`` section (finite numbers only)."""
    if not result.available:
        return {"available": False, "reason": result.reason, "alerts": []}
    risk = result.risk if result.risk is not None else np.zeros(0)
    dates = result.dates
    top = int(np.argmax(risk)) if risk.size else 0
    return {
        "available": True,
        "alerts": [_alert_json(a) for a in result.alerts],
        "weights": dict(result.weights or {}),
        "n_days": int(dates.size),
        "first_date": dates[0].item().isoformat() if dates.size else None,
        "last_date": dates[-1].item().isoformat() if dates.size else None,
        "n_alerts": len(result.alerts),
        "n_high": sum(a.priority == "HIGH" for a in result.alerts),
        "max_risk": float(risk[top]) if risk.size else 0.0,
        "max_risk_date": dates[top].item().isoformat() if dates.size else None,
        "llm_failures": result.llm_failures,
    }
