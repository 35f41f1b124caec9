"""Ranking screened events (METHOD §6) and the evidence named beside each rank.

Events with a placebo p come first, by that p of the excess discontinuous share, ties by the
number of suspicious rings active in the reference period, then by HIGH options days, then
event_id; events whose placebo is unavailable follow, by the same ties; failed events last,
without a rank, with their error.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.placebo.stage import PlaceboResult
from engine.results import AnalysisResult


@dataclass(frozen=True)
class ScreenEntry:
    """One event's line of the screening table."""

    event_id: str
    rank: int | None
    p_value: float | None
    n_used: int
    n_suspects: int
    suspicious_rings: int
    high_options_days: int
    evidence: tuple[str, ...]
    error: str = ""


def _fmt(p: float | None) -> str:
    return "n/a" if p is None else f"{p:.3g}"


def event_entry(event_id: str, base: AnalysisResult, placebo: PlaceboResult) -> ScreenEntry:
    """The unranked entry of an analysed event."""
    rings = sum(1 for r in base.svn.rings if r.suspicious and r.active_pairs > 0)
    high = len({a.date for a in base.options.alerts if a.priority == "HIGH"})
    n_suspects = len(base.kmeans.suspects)
    if placebo.available:
        excess = placebo.event["excess_discontinuous_share"]
        seen = "n/a" if excess.observed is None else f"{excess.observed:.3f}"
        evidence = [f"excess discontinuous share {seen}: p = {_fmt(excess.p_value)} "
                    f"against {placebo.n_used} ordinary days",
                    f"{n_suspects} suspects (placebo p of the count {_fmt(placebo.event['n_suspects'].p_value)})"]
        p = excess.p_value
    else:
        evidence, p = [f"placebo unavailable: {placebo.reason}", f"{n_suspects} suspects"], None
    evidence += [f"{rings} suspicious ring(s) active in the reference period", f"{high} HIGH options day(s)"]
    return ScreenEntry(event_id=event_id, rank=None, p_value=p, n_used=placebo.n_used, n_suspects=n_suspects,
                       suspicious_rings=rings, high_options_days=high, evidence=tuple(evidence))


def failed_entry(event_id: str, error: str) -> ScreenEntry:
    """The entry of an event whose analysis failed."""
    return ScreenEntry(event_id=event_id, rank=None, p_value=None, n_used=0, n_suspects=0,
                       suspicious_rings=0, high_options_days=0, evidence=(), error=error)


def rank_entries(entries: list[ScreenEntry]) -> list[ScreenEntry]:
    """Best first, ranks 1 … for every event that ran; failed events last, unranked."""
    ran = [e for e in entries if not e.error]
    ran.sort(key=lambda e: (e.p_value is None, e.p_value if e.p_value is not None else 0.0,
                            -e.suspicious_rings, -e.high_options_days, e.event_id))
    failed = sorted((e for e in entries if e.error), key=lambda e: e.event_id)
    ranked = [ScreenEntry(**{**e.__dict__, "rank": n}) for n, e in enumerate(ran, start=1)]
    return ranked + failed
