"""The placebo test of one event (METHOD §5): dates, tasks, empirical p-values, JSON section.

The event itself is re-analysed with the same W windows and K as every pseudo-event (task 0),
separately from the main analysis, whose suspects stay as they are. That K is the investigator's
``kmeans.k`` when set, else the one METHOD §1's stability rule picks for the event on those W
windows (one K scan, for the event only, before any pseudo-event; none per pseudo-event): the
main analysis' K was chosen for its own 27 windows, and a K that is stable there can put the
12-window run in another clustering (on demo markets 2 and 7 of the "long" scale K = 5 merged
the concentrated buyers with the diversified ones, a 255-281-member rewarding cluster with
Jaccard 0.37-0.41 to the main analysis' 104-105, so the comparison measured another cluster
than the verdict). Investor p-values are given for every member of that run's rewarding
cluster, ring p-values for every cluster of the main analysis' validated network (d·R_C of the
same members over each pseudo reference period).
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from engine.errors import UsageError
from engine.kmeans.stage import choose_k
from engine.market.calendar import reference_period
from engine.market.panel import TargetPanel
from engine.params import AnalysisParams
from engine.placebo.dates import MIN_USABLE, pseudo_dates
from engine.placebo.empirical import empirical_p, population_p
from engine.placebo.pseudo import DayStats, PlaceboContext, analyse_day
from engine.progress import Reporter
from engine.results import AnalysisResult
from engine.tables import CaseTables, Event
from engine.tasks.runner import RunnerSpec, TaskListener, run_tasks

MIN_WINDOWS = 8
EVENT_STATS: tuple[str, ...] = ("excess_discontinuous_share", "n_suspects", "rewarding_expected_profit")


@dataclass(frozen=True)
class StatTest:
    """An observed value, its pseudo-event values (one per date used) and its empirical p."""

    observed: float | None
    null: np.ndarray                 # float64 (n_used,); NaN where undefined
    p_value: float | None


@dataclass(frozen=True)
class InvestorTest:
    """A member of the event's rewarding cluster against its own scores at the pseudo-events."""

    investor_id: str
    discontinuity: str               # "hard", "soft" or "" (a continuous member)
    test: StatTest
    population_p: float | None       # against every pseudo-event suspect's score
    by_construction: bool            # hard: never active before, so its own p is 1/(N+1)


@dataclass(frozen=True)
class RingTest:
    """A validated-network cluster's d·R_C against the same members' at the pseudo-events."""

    cluster_id: int
    test: StatTest


@dataclass(frozen=True)
class PlaceboResult:
    """The pseudo-event test of one event; ``available`` False (with a reason) when too few dates."""

    event_id: str
    available: bool
    reason: str
    n_requested: int
    n_eligible: int
    windows: int
    k: int
    dates: tuple[str, ...]           # the pseudo-event dates used
    event: dict[str, StatTest]
    investors: tuple[InvestorTest, ...]
    rings: tuple[RingTest, ...]
    failed: tuple[tuple[str, str], ...]  # (date, error) of pseudo-events that failed twice

    @property
    def n_used(self) -> int:
        return len(self.dates)

    def investor_p(self) -> dict[str, float | None]:
        """investor_id -> its own placebo p."""
        return {t.investor_id: t.test.p_value for t in self.investors}

    def ring_p(self) -> dict[int, float | None]:
        """cluster_id -> its placebo p."""
        return {t.cluster_id: t.test.p_value for t in self.rings}


def _closes(tables: CaseTables, stock: str, calendar: np.ndarray) -> np.ndarray:
    """Close of the stock on each calendar day (NaN where the prices table has none)."""
    out = np.full(calendar.size, np.nan)
    prices = tables.prices
    if prices is None or prices.empty:
        return out
    rows = prices[prices["stock"] == stock].dropna(subset=["close"])
    days = rows["date"].to_numpy().astype("datetime64[D]")
    pos = np.searchsorted(calendar, days)
    ok = (pos < calendar.size) & (calendar[np.minimum(pos, calendar.size - 1)] == days)
    out[pos[ok]] = rows["close"].to_numpy(np.float64)[ok]
    return out


class _CheckOnly(Reporter):
    """Forwards cancellation only: the K scan must stop on cancel but not move the task progress."""

    def __init__(self, parent: Reporter) -> None:
        super().__init__()
        self._parent = parent

    def check(self) -> None:
        self._parent.check()


def comparison_k(tables: CaseTables, event: Event, params: AnalysisParams, panel: TargetPanel,
                 reporter: Reporter | None = None) -> int:
    """K of the event's comparison run and of every pseudo-event: ``kmeans.k`` when the
    investigator set it, else METHOD §1's rule on the event's W windows."""
    if params.kmeans.k is not None:
        return params.kmeans.k
    windows = dataclasses.replace(params.kmeans, n_windows=params.placebo.windows)
    return choose_k(tables, event, windows, panel, _CheckOnly(reporter or Reporter())).k


def placebo_context(tables: CaseTables, event: Event, params: AnalysisParams, base: AnalysisResult,
                    panel: TargetPanel, reporter: Reporter | None = None) -> tuple[PlaceboContext, int]:
    """The shared inputs of every date, and the event's own calendar index."""
    ref_lo, ref_hi = reference_period(panel.dates, event.reference_start, event.event_date)
    rings = tuple(np.sort(panel.rows_of(r.member_ids)).astype(np.int64) for r in base.svn.rings)
    kmeans = params.kmeans
    ctx = PlaceboContext(panel=panel, sign=event.sign, k=comparison_k(tables, event, params, panel, reporter),
                         kmeans=kmeans,
                         windows=params.placebo.windows, ref_length=ref_hi - ref_lo,
                         closes=_closes(tables, event.stock, panel.dates), ring_rows=rings)
    return ctx, ref_hi


def _stat(observed: float | None, null: list[float]) -> StatTest:
    values = np.asarray(null, dtype=np.float64)
    obs = None if observed is None or math.isnan(observed) else float(observed)
    return StatTest(observed=obs, null=values, p_value=empirical_p(obs, values))


def _own_scores(row: int, days: list[DayStats]) -> np.ndarray:
    """An investor's score at each pseudo-event where it was in the rewarding cluster, else 0."""
    out = np.zeros(len(days))
    for n, d in enumerate(days):
        pos = int(np.searchsorted(d.member_rows, row))
        if pos < d.member_rows.size and d.member_rows[pos] == row:
            out[n] = d.member_scores[pos]
    return out


def summarise(ctx: PlaceboContext, base: AnalysisResult, observed: DayStats, days: list[DayStats]) -> dict[str, Any]:
    """Event, investor and ring tests from the event's run and the pseudo-event runs."""
    event = {
        "excess_discontinuous_share": _stat(observed.excess_share, [d.excess_share for d in days]),
        "n_suspects": _stat(float(observed.n_suspects), [float(d.n_suspects) for d in days]),
        "rewarding_expected_profit": _stat(observed.rewarding_profit, [d.rewarding_profit for d in days]),
    }
    pooled = np.concatenate([d.member_scores[d.member_suspect] for d in days]) if days else np.zeros(0)
    investors = []
    for j, row in enumerate(observed.member_rows.tolist()):
        x = float(observed.member_scores[j])
        kind = ("hard" if observed.member_hard[j] else "soft") if observed.member_suspect[j] else ""
        investors.append(InvestorTest(
            investor_id=str(ctx.panel.investor_ids[row]), discontinuity=kind,
            test=_stat(x, _own_scores(row, days).tolist()), population_p=population_p(x, pooled),
            by_construction=kind == "hard"))
    rings = tuple(RingTest(cluster_id=r.cluster_id,
                           test=_stat(float(observed.ring_values[c]), [float(d.ring_values[c]) for d in days]))
                  for c, r in enumerate(base.svn.rings))
    return {"event": event, "investors": tuple(investors), "rings": rings}


def run_placebo(tables: CaseTables, event: Event, params: AnalysisParams, base: AnalysisResult,
                spec: RunnerSpec | None = None, reporter: Reporter | None = None,
                listener: TaskListener | None = None, panel: TargetPanel | None = None) -> PlaceboResult:
    """METHOD §5 for ``event`` with ``params.placebo.n`` pseudo-events requested."""
    pp = params.placebo
    if pp.windows < MIN_WINDOWS:
        raise UsageError(f"placebo.windows must be at least {MIN_WINDOWS} (got {pp.windows})")
    empty = PlaceboResult(event_id=event.event_id, available=False, reason="the placebo test is off (placebo.n = 0)",
                          n_requested=pp.n, n_eligible=0, windows=pp.windows, k=base.kmeans.k, dates=(),
                          event={}, investors=(), rings=(), failed=())
    if pp.n < 1:
        return empty
    panel = panel if panel is not None else TargetPanel.build(tables, event.stock)
    ref_lo, event_day = reference_period(panel.dates, event.reference_start, event.event_date)
    ev = tables.events[tables.events["stock"] == event.stock]
    pse = [pd.Timestamp(d).date() for d in ev["event_date"]]
    chosen = pseudo_dates(panel.dates, ref_lo, event_day - ref_lo, pse, params.kmeans, pp)
    empty = dataclasses.replace(empty, reason=chosen.reason, n_eligible=chosen.n_eligible)
    if not chosen.available:
        return empty
    ctx, _ = placebo_context(tables, event, params, base, panel, reporter)
    items = [event_day, *chosen.indices]
    labels = [f"{event.event_id} {panel.dates[d]}" for d in items]
    outcomes = run_tasks(analyse_day, ctx, items, labels, spec, reporter, listener)
    if not outcomes[0].ok:
        raise UsageError(f"the placebo comparison run of event {event.event_id} failed: {outcomes[0].error}")
    days = [o.value for o in outcomes[1:] if o.ok]
    failed = tuple((str(panel.dates[items[o.index]]), o.error) for o in outcomes[1:] if not o.ok)
    if len(days) < MIN_USABLE:
        return dataclasses.replace(empty, failed=failed,
                                   reason=f"only {len(days)} pseudo-event(s) ran (at least {MIN_USABLE} needed)")
    return PlaceboResult(event_id=event.event_id, available=True, reason="", n_requested=pp.n,
                         n_eligible=chosen.n_eligible, windows=pp.windows, k=ctx.k,
                         dates=tuple(d.date for d in days), failed=failed,
                         **summarise(ctx, base, outcomes[0].value, days))


def _num(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _stat_json(t: StatTest) -> dict[str, Any]:
    return {"observed": t.observed, "p_value": t.p_value, "null": [_num(v) for v in t.null.tolist()]}


def placebo_section(result: PlaceboResult) -> dict[str, Any]:
    """The JSON ``placebo`` section (CASE_FORMAT round 2)."""
    return {
        "available": result.available, "reason": result.reason, "n_requested": result.n_requested,
        "n_used": result.n_used, "n_eligible": result.n_eligible, "windows": result.windows, "k": result.k,
        "dates": list(result.dates),
        "event": {name: _stat_json(t) for name, t in result.event.items()},
        "investors": [{"investor_id": t.investor_id, "discontinuity": t.discontinuity,
                       "observed_score": t.test.observed, "p_value": t.test.p_value,
                       "population_p": t.population_p, "p_by_construction": t.by_construction}
                      for t in result.investors],
        "clusters": [{"cluster_id": t.cluster_id, "observed": t.test.observed, "p_value": t.test.p_value,
                      "null": [_num(v) for v in t.test.null.tolist()]} for t in result.rings],
        "failed": [{"date": d, "error": e} for d, e in result.failed],
    }
