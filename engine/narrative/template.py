"""Deterministic template explanations of alerts, suspects and rings: what was observed,
against which baseline, and why it matters. Same inputs, same text; no model involved."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Iterable

from engine.params import OptionsParams, SvnParams
from engine.svn.communities import MIN_ACTIVE_MEMBERS
from engine.tables import Event

if TYPE_CHECKING:
    from engine.svn.communities import Ring
    from engine.options.alerts import Alert
    from engine.kmeans.suspects import Suspect

_WHY_OPTIONS = {
    1: ("Informed traders ahead of good news such as a takeover bid tend to buy cheap, "
        "short-dated out-of-the-money calls for leverage (Augustin, Brenner & Subrahmanyam 2019); "
        "unusual, one-sided call flow shortly before the event is that pattern."),
    -1: ("Informed traders ahead of bad news tend to buy short-dated out-of-the-money puts for "
         "leverage; unusual, one-sided put flow shortly before the event is that pattern."),
}


def _side(event: Event) -> str:
    return "buying" if event.sign > 0 else "selling"


def when_in_case(day: dt.date, event: Event) -> str:
    """Where a day lies against the event: before / inside the reference period, or after."""
    if day >= event.event_date:
        return f"on or after the PSE of {event.event_date.isoformat()}"
    if day >= event.reference_start:
        return (f"inside the reference period ({event.reference_start.isoformat()} to "
                f"{event.event_date.isoformat()}), when the inside information existed")
    return f"before the reference period, which starts {event.reference_start.isoformat()}"


def explain_alert(alert: "Alert", event: Event, params: OptionsParams | None = None) -> str:
    """Plain-language account of one options alert: evidence, calibration, then context apart."""
    p = params or OptionsParams()
    observed = "; ".join(alert.reasons) if alert.reasons else "no single feature stood out"
    parts = [
        f"On {alert.date.isoformat()}, {when_in_case(alert.date, event)}, the options flow on "
        f"{event.stock} scored a daily risk of {alert.risk_score:.2f} ({alert.priority}; alerts start "
        f"above {p.alert_threshold:.2f}, HIGH above {p.high_threshold:.2f} with a calibrated p-value "
        f"at or below {p.high_p_value:g}).",
        f"Observed: {observed}.",
        f"Baseline: each day is compared with the {p.baseline_days} trading days before it "
        f"(at least {p.min_baseline_days}); the risk is the mean of the component scores. Against the "
        f"stock's own history, the {alert.n_calibration} days before the reference period, its "
        f"calibrated p-value is {alert.p_value:.3f} (the share of those days, counting this one, "
        "scoring at least as high).",
    ]
    if alert.calibration_note:
        parts.append(alert.calibration_note[0].upper() + alert.calibration_note[1:] + ".")
    if alert.contracts:
        parts.append("Contracts behind it: " + "; ".join(
            f"{c.type} {c.strike:g} expiring {c.expiry.isoformat()}, {c.volume:,.0f} traded, open interest "
            f"{c.open_interest:,.0f}" for c in alert.contracts) + ".")
    parts.append(f"Why it matters: {_WHY_OPTIONS[event.sign]}")
    if alert.top_accounts:
        accounts = ", ".join(
            f"{a.investor_id} ({a.share:.0%}"
            + (", k-means suspect" if a.is_suspect else "")
            + (", suspicious ring member" if a.in_ring else "") + ")"
            for a in alert.top_accounts)
        parts.append(f"Accounts trading these contracts that day (the options table does not say "
                     f"whether they bought or sold): {accounts}.")
    if alert.context:
        parts.append("Context, shown beside the evidence and not part of the risk: "
                     + "; ".join(c.split(": ", 1)[-1] for c in alert.context) + ".")
    return " ".join(parts)


def explain_suspect(*, investor_id: str, rank: int, score: float, discontinuity: str,
                    shares: float, directionality: float | None, expected_profit: float | None,
                    event: Event, in_ring: bool = False) -> str:
    """Plain-language account of one k-means suspect (METHOD §1)."""
    corner = "(1, 1, 1)" if event.sign > 0 else "(-1, 1, -1)"
    if discontinuity == "hard":
        history = f"it had never traded {event.stock} before the last window before the PSE"
    else:
        history = (f"it had traded {event.stock} before, but was never in the rewarding cluster "
                   "in any earlier non-overlapping window")
    r_text = ("no activity in the reference period" if directionality is None
              else f"directionality {directionality:+.2f} (volume-weighted, +1 = only buying)")
    profit = ("expected profit unavailable (no valuation price)" if expected_profit is None
              else f"expected profit {expected_profit:,.0f} at the valuation price")
    parts = [
        f"Investor {investor_id} ranks #{rank} among the k-means suspects of event {event.event_id} "
        f"(score {score:.3f} = exp(-distance to the rewarding corner {corner})).",
        f"Observed: in the last window before the PSE it sits in the rewarding cluster and is a "
        f"{discontinuity} discontinuity: {history}. Over the reference period it traded "
        f"{event.sign * shares:,.0f} shares net in the rewarding direction ({_side(event)}), "
        f"{r_text}, {profit}.",
        "Baseline: its own earlier windows and the other clusters of the same window.",
        "Why it matters: a sudden, concentrated position in the direction the later PSE rewarded, "
        "by an investor with no such history, is the pattern the paper associates with insiders.",
    ]
    if in_ring:
        parts.append("It is also a member of a suspicious validated-network cluster: the two "
                     "methods agree, which is the strongest evidence.")
    return " ".join(parts)


def explain_ring(*, cluster_id: int, rank: int, members: Iterable[str],
                 mean_directionality: float | None, mean_expected_profit: float | None,
                 event: Event, suspects: Iterable[str] = (), params: SvnParams | None = None,
                 active_members: int | None = None) -> str:
    """Plain-language account of one validated-network cluster (METHOD §2); ``active_members``
    (members active in the reference period) applies the two-active-members rule when given."""
    p = params or SvnParams()
    ids = sorted(members)
    flagged = sorted(set(ids) & set(suspects))
    if mean_directionality is None:
        r_text = "its members did not trade in the reference period"
        suspicious = False
    else:
        r_text = f"its members' mean daily directionality R_C over the reference period is {mean_directionality:+.2f}"
        suspicious = event.sign * mean_directionality >= p.suspicious_directionality
        if active_members is not None:
            suspicious = suspicious and active_members >= MIN_ACTIVE_MEMBERS
    profit = ("" if mean_expected_profit is None
              else f" and their mean expected profit is {mean_expected_profit:,.0f}")
    shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
    parts = [
        f"Ring {cluster_id} (rank #{rank}) groups {len(ids)} investors ({shown}) whose days of "
        f"buying, selling or both coincide more often than chance allows ({p.correction} "
        f"validation at {p.alpha:g}).",
        f"Observed: {r_text}{profit}.",
        f"Baseline: a cluster is suspicious when its directionality in the rewarding direction "
        f"is at least {p.suspicious_directionality:g} and at least {MIN_ACTIVE_MEMBERS} members traded in "
        f"the reference period; this one is "
        f"{'suspicious' if suspicious else 'not suspicious'}.",
        "Why it matters: investors who trade in lockstep and all on the rewarding side before a "
        "PSE may share a source of information.",
    ]
    if flagged:
        parts.append(f"{len(flagged)} member(s) are also k-means suspects: {', '.join(flagged)}.")
    return " ".join(parts)


def explain_object(obj: "Suspect | Ring", event: Event, **extra: Any) -> str:
    """Template for a k-means ``Suspect`` or a validated-network ``Ring`` by its fields."""
    from engine.kmeans.suspects import Suspect  # at call time: the stages import this module

    if isinstance(obj, Suspect):
        return explain_suspect(investor_id=obj.investor_id, rank=obj.rank, score=obj.score,
                               discontinuity=obj.discontinuity, shares=obj.shares,
                               directionality=obj.directionality,
                               expected_profit=obj.expected_profit, event=event, **extra)
    return explain_ring(cluster_id=obj.cluster_id, rank=obj.rank, members=[str(m) for m in obj.member_ids],
                        mean_directionality=obj.mean_directionality,
                        mean_expected_profit=obj.mean_expected_profit, event=event,
                        active_members=obj.active_members, **extra)
