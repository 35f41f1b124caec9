"""Options alerts: one per (event, day) whose risk is above the alert threshold, with its
reasons in plain words and the numbers behind them, cross-references and top accounts."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from engine.market.calendar import iso_day
from engine.options.flow import DailyOptions
from engine.options.risk import priority
from engine.params import OptionsParams
from engine.tables import Event

REASON_MIN_SCORE = 0.5  # a component at or above this score is named as a reason


@dataclass(frozen=True)
class AccountFlow:
    """One account's options volume on an alert day, and what else points at it."""

    investor_id: str
    volume: float
    share: float          # of the day's options volume
    is_suspect: bool      # a k-means suspect of the event
    in_ring: bool         # member of a suspicious validated-network cluster


@dataclass(frozen=True)
class Alert:
    """An options alert, identified by (event_id, date) so its workflow status survives."""

    event_id: str
    date: dt.date
    risk_score: float
    base_score: float                    # before the cross-reference boosts
    priority: str                        # HIGH or MEDIUM
    reasons: tuple[str, ...]             # plain words with numbers, strongest first
    reason_keys: tuple[str, ...]         # component / cross-reference names, same order
    components: dict[str, float]
    pse_days_ahead: int                  # 0 when no PSE within the lookahead
    filings: tuple[str, ...]             # "ID date form transaction" of nearby filings
    top_accounts: tuple[AccountFlow, ...]
    explanation: str = ""                # deterministic template narrative
    draft_explanation: str = ""          # local-model draft, when asked for and it worked
    draft_key_concerns: tuple[str, ...] = ()
    draft_recommendation: str = ""
    draft_error: str = ""                # why the draft failed ("" when not asked or fine)


def _component_reason(key: str, k: int, f: DailyOptions, p: OptionsParams, sign: int, a: float,
                      outlier: bool) -> str:
    """The sentence naming component ``key`` on day ``k`` with its numbers."""
    v, mean = f.volume[k], f.baseline_mean[k]
    right = "calls" if sign > 0 else "puts"
    if key == "volume":
        return (f"options volume {v:,.0f} contracts is {f.z[k]:+.1f} standard deviations from its "
                f"{f.baseline_n[k]}-day baseline (mean {mean:,.0f}, std {f.baseline_std[k]:,.0f})")
    if key == "spike":
        ratio = f"{v / mean:.1f}x the baseline mean" if mean > 0 else "against a baseline mean of 0"
        return f"volume spike: {v:,.0f} contracts, {ratio} (a spike is at least {p.spike_ratio:g}x)"
    if key == "voi":
        if np.isinf(f.voi[k]):
            return f"volume {v:,.0f} contracts with no open interest at the start of the day"
        return (f"volume / open interest {f.voi[k]:.2f} (normal below {p.voi_normal:g}, "
                f"suspicious above {p.voi_suspicious:g})")
    if key == "direction":
        c = f.call_share[k]
        return (f"one-sided flow: calls {c:.0%} and puts {1 - c:.0%} of the volume "
                f"(scored above {p.call_share_high:.0%} or below {p.call_share_low:.0%} calls)")
    if key == "expiry":
        return (f"{f.expiry_share[k]:.0%} of the volume in contracts expiring within "
                f"{p.short_expiry_days} days (suspicious above {p.expiry_share_suspicious:.0%})")
    if key == "strike":
        return (f"strike concentration {f.strike_concentration[k]:.2f} "
                "(1 = all volume at one strike)")
    if key == "otm":
        return (f"short-dated out-of-the-money {right} were {f.otm_share[k]:.0%} of the volume "
                f"({f.otm_volume[k]:,.0f} contracts) against {f.otm_base[k]:.0%} over the baseline "
                f"(at most {p.otm_max_expiry_days} days to expiry)")
    if key == "iv":
        return (f"implied volatility {f.iv[k]:.1%}, {f.iv_change[k] * 100:+.1f} points against "
                f"the baseline mean {f.iv_base[k]:.1%}")
    if key == "skew":
        return (f"call-minus-put implied volatility spread {f.skew[k] * 100:+.1f} points, "
                f"{f.skew_change[k] * 100:+.1f} against the baseline {f.skew_base[k] * 100:+.1f}")
    tail = (f"among the most unusual {p.iforest_contamination:.0%} of days" if outlier
            else "unusual")
    return f"the isolation forest finds the day {tail} (anomaly score {a:.2f}; 0.5 is ordinary)"


def filings_table_near(filings: pd.DataFrame | None, stock: str, case_ids: pd.Series,
                       dates: np.ndarray) -> pd.DataFrame:
    """Filings on ``stock`` by investors of the case (``case_ids``: the trades' investor_id
    column), with the calendar position of their date."""
    cols = ["investor_id", "date", "form", "transaction", "pos"]
    if filings is None or filings.empty:
        return pd.DataFrame(columns=cols)
    on_stock = filings[filings["stock"] == stock]
    filers = on_stock["investor_id"].unique()
    rows = on_stock[on_stock["investor_id"].isin(case_ids[case_ids.isin(filers)].unique())].copy()
    fdates = rows["date"].to_numpy().astype("datetime64[D]")
    inside = (fdates >= dates[0]) & (fdates <= dates[-1]) if dates.size else np.zeros(len(rows), bool)
    rows = rows[inside]
    rows["pos"] = np.searchsorted(dates, fdates[inside], side="left")
    for c in ("form", "transaction"):
        if c not in rows.columns:
            rows[c] = ""
    return rows.sort_values(["date", "investor_id"])[cols]


def _filing_texts(near: pd.DataFrame, k: int, window: int) -> tuple[str, ...]:
    sel = near[(near["pos"] >= k - window) & (near["pos"] <= k + window)]
    return tuple(_filing_text(r) for r in sel.itertuples(index=False))


def _filing_text(r: Any) -> str:
    """'INVESTOR DATE FORM TRANSACTION' of one filings row (a data-frame named tuple)."""
    return " ".join(str(x) for x in (r.investor_id, pd.Timestamp(r.date).date().isoformat(),
                                     "" if pd.isna(r.form) else r.form,
                                     "" if pd.isna(r.transaction) else r.transaction)).strip()


def top_accounts(rows: pd.DataFrame, day: np.datetime64, n: int, suspects: frozenset[str],
                 ring_members: frozenset[str]) -> tuple[AccountFlow, ...]:
    """The ``n`` accounts with most options volume on ``day`` (ties: investor_id)."""
    if "investor_id" not in rows.columns:
        return ()
    ids = rows["investor_id"]
    named = ids.notna().to_numpy(bool) & (ids.astype(str).str.strip() != "").to_numpy(bool)
    on_day = rows[(rows["date"].to_numpy().astype("datetime64[D]") == day) & named]
    if on_day.empty:
        return ()
    vol = on_day.groupby("investor_id", sort=True)["volume"].sum()
    total = float(on_day["volume"].sum())
    ranked = sorted(vol.items(), key=lambda kv: (-kv[1], str(kv[0])))[:n]
    return tuple(AccountFlow(investor_id=str(i), volume=float(v), share=float(v) / total if total else 0.0,
                             is_suspect=str(i) in suspects, in_ring=str(i) in ring_members)
                 for i, v in ranked)


def _pse_name(pse_events: tuple[tuple[str, np.datetime64], ...], dates: np.ndarray, k: int,
              gap: int) -> str:
    """'the PSE ID on DATE' for the event ``gap`` trading days after day ``k``."""
    for event_id, when in pse_events:
        if int(np.searchsorted(dates, when, side="left")) - k == gap:
            return f"the PSE {event_id} on {iso_day(when)}"
    return "a PSE"


def build_alerts(f: DailyOptions, components: dict[str, np.ndarray], weights: dict[str, float],
                 iforest: tuple[np.ndarray, np.ndarray], base: np.ndarray, risk: np.ndarray,
                 pse_ahead: np.ndarray, near: pd.DataFrame, rows: pd.DataFrame, event: Event,
                 params: OptionsParams, pse_events: tuple[tuple[str, np.datetime64], ...] = (),
                 suspects: frozenset[str] = frozenset(),
                 ring_members: frozenset[str] = frozenset()) -> tuple[Alert, ...]:
    """Every alert day, in date order, with reasons ordered by weighted contribution."""
    anomaly, outlier = iforest
    alerts = []
    for k in map(int, np.flatnonzero(risk > params.alert_threshold)):
        comps = {name: float(components[name][k]) for name in weights}
        strong = sorted((name for name in weights if comps[name] >= REASON_MIN_SCORE),
                        key=lambda name: (-weights[name] * comps[name], name))
        reasons = [_component_reason(name, k, f, params, event.sign, float(anomaly[k]), bool(outlier[k]))
                   for name in strong]
        keys = list(strong)
        if pse_ahead[k] > 0:
            keys.append("pse")
            reasons.append(f"{_pse_name(pse_events, f.dates, int(k), int(pse_ahead[k]))} is "
                           f"{pse_ahead[k]} trading day(s) ahead "
                           f"(lookahead {params.pse_lookahead_days}; +{params.pse_boost:.2f} risk)")
        filed = _filing_texts(near, int(k), params.pse_lookahead_days)
        if filed:
            keys.append("filings")
            reasons.append(f"{len(filed)} filing(s) on {event.stock} by investors of the case within "
                           f"{params.pse_lookahead_days} trading days: {'; '.join(filed)} "
                           f"(+{params.filing_boost:.2f} risk)")
        alerts.append(Alert(
            event_id=event.event_id, date=f.dates[k].item(), risk_score=float(risk[k]),
            base_score=float(base[k]), priority=priority(float(risk[k]), params) or "",
            reasons=tuple(reasons), reason_keys=tuple(keys), components=comps,
            pse_days_ahead=int(pse_ahead[k]), filings=filed,
            top_accounts=top_accounts(rows, f.dates[k], params.top_accounts, suspects, ring_members)))
    return tuple(alerts)
