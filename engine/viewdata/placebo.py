"""Placebo figures (METHOD §5) as data: the pseudo-event values, the observed value, and plain words.

One ``PlaceboFigure`` per statistic shown: the event's excess discontinuous share, a suspect's
own score, a ring's d·R_C. The view and the packet draw the same figure from it; ``sentence``
is the plain-words reading an investigator can quote.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.placebo.stage import InvestorTest, PlaceboResult, RingTest, StatTest
from engine.results import AnalysisResult

TIMES = {1: "once", 2: "twice"}


@dataclass(frozen=True)
class PlaceboFigure:
    """The distribution of one statistic over the ordinary days, with the observed value."""

    title: str
    x_label: str
    values: np.ndarray        # float64: pseudo-event values (NaN dropped)
    observed: float | None
    p_value: float | None
    n_used: int
    sentence: str

    @property
    def n_at_least(self) -> int:
        """Ordinary days at least as strong as the event."""
        return 0 if self.observed is None else int(np.count_nonzero(self.values >= self.observed))


def plain_words(what: str, test: StatTest, n_used: int) -> str:
    """"On 40 ordinary days of this stock, a picture this strong appeared once (p = 0.049)."""
    if test.observed is None or test.p_value is None:
        return f"{what}: no value at the event, so no comparison with ordinary days."
    k = int(np.count_nonzero(np.asarray(test.null) >= test.observed))
    seen = "never appeared" if k == 0 else f"appeared {TIMES.get(k, f'{k} times')}"
    return (f"{what}: on {n_used} ordinary days of this stock, a picture this strong {seen} "
            f"(empirical p = {test.p_value:.3g}).")


def _figure(title: str, x_label: str, what: str, test: StatTest, n_used: int) -> PlaceboFigure:
    values = np.asarray(test.null, dtype=np.float64)
    return PlaceboFigure(title=title, x_label=x_label, values=values[np.isfinite(values)],
                         observed=test.observed, p_value=test.p_value, n_used=n_used,
                         sentence=plain_words(what, test, n_used))


def event_figure(result: PlaceboResult) -> PlaceboFigure | None:
    """The event's excess discontinuous share against the ordinary days."""
    if not result.available:
        return None
    return _figure("Event: excess discontinuous share", "rewarding share − pooled share of the rest",
                   "The rewarding cluster's excess discontinuous share",
                   result.event["excess_discontinuous_share"], result.n_used)


def _investor(t: InvestorTest, n_used: int) -> PlaceboFigure:
    note = " (hard: never active before, p is 1/(N+1) by construction)" if t.by_construction else ""
    return _figure(f"Investor {t.investor_id}: own score{note}", "score exp(−distance to the corner)",
                   f"Investor {t.investor_id}'s score", t.test, n_used)


def _ring(t: RingTest, n_used: int) -> PlaceboFigure:
    return _figure(f"Ring {t.cluster_id}: d·R_C", "d·R_C over the reference period",
                   f"Ring {t.cluster_id}'s directionality", t.test, n_used)


def investor_figure(result: PlaceboResult, investor_id: str) -> PlaceboFigure | None:
    """A member of the rewarding cluster: its score against its own ordinary days."""
    return next((_investor(t, result.n_used) for t in result.investors if t.investor_id == investor_id), None)


def ring_figure(result: PlaceboResult, cluster_id: int) -> PlaceboFigure | None:
    """A validated-network cluster: its d·R_C against the same members' ordinary days."""
    return next((_ring(t, result.n_used) for t in result.rings if t.cluster_id == cluster_id), None)


def histogram(figure: PlaceboFigure, bins: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Counts and bin edges over the values and the observed value together."""
    data = figure.values if figure.observed is None else np.append(figure.values, figure.observed)
    if data.size == 0:
        return np.zeros(0, np.int64), np.zeros(0)
    lo, hi = float(data.min()), float(data.max())
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(figure.values, bins=bins, range=(lo, hi))
    return counts.astype(np.int64), edges


@dataclass(frozen=True)
class PlaceboViewData:
    """What the placebo view draws: the event's figure, each tested investor's and ring's,
    and the rings' member sets (a selection that is exactly a ring shows that ring)."""

    available: bool
    reason: str                                   # why the test is unavailable ("" when it is)
    event: PlaceboFigure | None
    investors: dict[str, PlaceboFigure]
    rings: tuple[tuple[frozenset[str], PlaceboFigure], ...]


def placebo_view_data(result: AnalysisResult, placebo: PlaceboResult | None) -> PlaceboViewData | None:
    """The placebo view's data for ``result`` (None until its placebo test ran)."""
    if placebo is None:
        return None
    investors = {t.investor_id: _investor(t, placebo.n_used) for t in placebo.investors}
    members = {r.cluster_id: frozenset(map(str, r.member_ids)) for r in result.svn.rings}
    rings = tuple((members[t.cluster_id], _ring(t, placebo.n_used)) for t in placebo.rings if t.cluster_id in members)
    return PlaceboViewData(available=placebo.available, reason=placebo.reason, event=event_figure(placebo),
                           investors=investors, rings=rings)
