"""The options-flow stage (METHOD.md §3): contract-level features, component scores, the
out-of-sample IsolationForest, the daily risk calibrated against the days before the reference
period, alerts with their contracts and context, and their narratives, for one event."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from engine.market.calendar import as_day
from engine.narrative.template import explain_alert
from engine.narrative.llm import draft_alert
from engine.options.alerts import Alert, build_alerts
from engine.options.calibration import calibrated_p, daily_risk, high_unavailable_reason, priorities
from engine.options.context import build_context, filings_count
from engine.options.flow import DailyOptions, daily_features, options_calendar, stock_options
from engine.options.forest import feature_columns, forest_scores
from engine.options.reasons import ReasonWriter
from engine.options.scores import FLAT_STD, RULES, flat_features, rule_scores
from engine.params import OptionsParams
from engine.progress import Reporter
from engine.tables import CaseTables, Event


@dataclass(frozen=True)
class OptionsResult:
    """Options-flow analytics of one event; ``available`` is False (with a reason) without data.

    ``p_value`` is the per-day calibrated p (NaN on days without a risk): the options-day
    p-value other stages may use as it is."""

    available: bool
    reason: str
    event_id: str
    stock: str
    features: DailyOptions | None = None
    components: dict[str, np.ndarray] | None = None   # kept component scores per day (NaN = unavailable)
    dropped: dict[str, str] | None = None             # component -> why it was dropped for this stock
    iforest_score: np.ndarray | None = None           # anomaly score a per day (NaN = not scored)
    iforest_outlier: np.ndarray | None = None         # bool: beyond the contamination offset
    risk: np.ndarray | None = None                    # daily risk in [0, 1], NaN without a baseline
    p_value: np.ndarray | None = None                 # calibrated p per day, NaN without a risk
    calibration: np.ndarray | None = None             # bool: the calibration days
    n_calibration: int = 0
    high_unavailable: str = ""                        # why HIGH cannot be given ("" when it can)
    pse_days_ahead: np.ndarray | None = None          # context: int per day, 0 = none ahead
    filings_near: np.ndarray | None = None            # context: filings per day
    alerts: tuple[Alert, ...] = ()
    llm_failures: int = 0                             # drafts asked for that failed

    @property
    def dates(self) -> np.ndarray:
        return self.features.dates if self.features is not None else np.zeros(0, "datetime64[D]")


def _unavailable(event: Event, reason: str) -> OptionsResult:
    return OptionsResult(available=False, reason=reason, event_id=event.event_id, stock=event.stock)


def _kept(rules: dict[str, np.ndarray], f: DailyOptions, calibration: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The rule components minus the flat ones, and why each flat one was dropped."""
    flat = flat_features(f, calibration, tuple(rules))
    dropped = {k: f"standard deviation {std:.2g} over the days before the reference period is below "
                  f"{FLAT_STD:g}" for k, std in flat.items()}
    return {k: v for k, v in rules.items() if k not in flat}, dropped


@dataclass(frozen=True)
class ScoredOptions:
    """The options stage up to its alerts: nothing in it depends on the k-means or the network,
    so the pipeline scores while the network stage may still run (``run_options`` does both)."""

    result: OptionsResult   # without alerts
    alerts: Callable[[frozenset[str], frozenset[str]], tuple[Alert, ...]] | None = None
    # (k-means suspects, suspicious rings' members) -> the alerts, flagging those accounts


def score_options(tables: CaseTables, event: Event, params: OptionsParams,
                  reporter: Reporter | None = None) -> ScoredOptions:
    """Features, components, IsolationForest, calibrated risk and context of the event's stock."""
    rep = reporter or Reporter()
    if tables.options is None:
        return ScoredOptions(_unavailable(event, "the case has no options table"))
    rows = stock_options(tables, event.stock)
    if rows is None:
        return ScoredOptions(_unavailable(event, f"the options table has no rows for {event.stock}"))
    rep.check()
    calendar = options_calendar(tables, event.stock, rows)
    f = daily_features(rows, calendar, event, params)
    rep.advance(0.3)
    before = calendar < as_day(event.reference_start)
    calibration, later = f.available & before, f.available & ~before
    components, dropped = _kept(rule_scores(f, params, event.sign), f, calibration)
    forest = forest_scores(feature_columns(f, event.sign, tuple(k for k in RULES if k in components)),
                           calibration, later, params)
    if forest.available:
        components["iforest"] = np.where(f.available, forest.component, np.nan)
    else:
        dropped["iforest"] = f"not fitted: {forest.reason}"
    rep.advance(0.6)
    risk = daily_risk(components, f.n_days)
    p_value = calibrated_p(risk, calibration)
    n_cal = int(np.count_nonzero(calibration & ~np.isnan(risk)))
    high_unavailable = high_unavailable_reason(n_cal, params)
    ctx = build_context(tables, event.stock, calendar, params.pse_lookahead_days)
    result = OptionsResult(available=True, reason="", event_id=event.event_id, stock=event.stock,
                           features=f, components=components, dropped=dropped,
                           iforest_score=forest.anomaly, iforest_outlier=forest.outlier, risk=risk,
                           p_value=p_value, calibration=calibration, n_calibration=n_cal,
                           high_unavailable=high_unavailable, pse_days_ahead=ctx.pse_days_ahead,
                           filings_near=filings_count(ctx.filings, f.n_days, ctx.window))

    def alerts(suspects: frozenset[str], ring_members: frozenset[str]) -> tuple[Alert, ...]:
        return build_alerts(f, components, risk, p_value, n_cal, priorities(risk, p_value, n_cal, params),
                            high_unavailable, ctx, rows, event, params,
                            ReasonWriter(f, forest, params, event.sign), suspects, ring_members)
    return ScoredOptions(result, alerts)


def alert_options(scored: ScoredOptions, event: Event, params: OptionsParams, reporter: Reporter | None = None,
                  suspects: frozenset[str] = frozenset(),
                  ring_members: frozenset[str] = frozenset()) -> OptionsResult:
    """The scored stage with its alerts (flagging k-means ``suspects`` and suspicious rings'
    ``ring_members`` among the accounts) and a narrative for every alert."""
    if scored.alerts is None:
        return scored.result
    rep = reporter or Reporter()
    alerts, failures = _narrate(scored.alerts(suspects, ring_members), event, params, rep)
    rep.advance(1.0)
    return dataclasses.replace(scored.result, alerts=alerts, llm_failures=failures)


def run_options(tables: CaseTables, event: Event, params: OptionsParams, reporter: Reporter | None = None,
                suspects: frozenset[str] = frozenset(),
                ring_members: frozenset[str] = frozenset()) -> OptionsResult:
    """Features, calibrated risk and alerts of the event's stock; narratives for every alert."""
    return alert_options(score_options(tables, event, params, reporter), event, params, reporter,
                         suspects, ring_members)


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
        "p_value": a.p_value, "n_calibration": a.n_calibration, "priority": a.priority,
        "reasons": list(a.reasons), "reason_keys": list(a.reason_keys), "components": dict(a.components),
        "contracts": [{**dataclasses.asdict(c), "expiry": c.expiry.isoformat()} for c in a.contracts],
        "context": list(a.context), "pse_days_ahead": a.pse_days_ahead, "filings": list(a.filings),
        "calibration_note": a.calibration_note,
        "top_accounts": [{**dataclasses.asdict(t), "contracts": list(t.contracts)} for t in a.top_accounts],
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
    scored = np.flatnonzero(~np.isnan(risk))
    top = int(scored[np.argmax(risk[scored])]) if scored.size else -1
    return {
        "available": True,
        "alerts": [_alert_json(a) for a in result.alerts],
        "components": list(result.components or {}),
        "dropped_features": dict(result.dropped or {}),
        "n_days": int(dates.size),
        "first_date": dates[0].item().isoformat() if dates.size else None,
        "last_date": dates[-1].item().isoformat() if dates.size else None,
        "n_calibration": result.n_calibration,
        "high_available": not result.high_unavailable,
        "high_unavailable_reason": result.high_unavailable or None,
        "n_alerts": len(result.alerts),
        "n_high": sum(a.priority == "HIGH" for a in result.alerts),
        "max_risk": float(risk[top]) if top >= 0 else None,
        "max_risk_date": dates[top].item().isoformat() if top >= 0 else None,
        "llm_failures": result.llm_failures,
    }
