"""Options alerts: one per (event, day) whose risk is above the alert threshold, naming the
contracts behind it, its calibrated p-value, the evidence in plain words, and the context
(PSE ahead, filings) on separate lines that never entered the risk."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from engine.options.context import Context
from engine.options.contracts import ContractDays
from engine.options.flow import DailyOptions
from engine.params import OptionsParams
from engine.tables import Event

REASON_MIN_SCORE = 0.5  # a component at or above this score is named as a reason
CONTEXT_PREFIX = "Context (not part of the risk): "


@dataclass(frozen=True)
class FlaggedContract:
    """One contract behind an alert, as traded that day."""

    type: str                 # "call" or "put"
    strike: float
    expiry: dt.date
    volume: float
    open_interest: float
    voi: float | None         # None when the open interest was 0
    implied_vol: float | None
    iv_change: float | None   # against the contract's previous row


@dataclass(frozen=True)
class AccountFlow:
    """One account's volume in an alert's flagged contracts (the table has no buy/sell side)."""

    investor_id: str
    volume: float
    share: float              # of the flagged contracts' volume that day
    is_suspect: bool          # a k-means suspect of the event
    in_ring: bool             # member of a suspicious validated-network cluster
    contracts: tuple[str, ...] = ()  # labels of the flagged contracts it traded


@dataclass(frozen=True)
class Alert:
    """An options alert, identified by (event_id, date) so its workflow status survives."""

    event_id: str
    date: dt.date
    risk_score: float
    p_value: float                       # calibrated against the days before the reference period
    n_calibration: int
    priority: str                        # HIGH or MEDIUM
    reasons: tuple[str, ...]             # evidence in plain words, strongest first
    reason_keys: tuple[str, ...]         # component names, same order
    components: dict[str, float]         # the day's available component scores
    contracts: tuple[FlaggedContract, ...]
    context: tuple[str, ...]             # context lines (never part of the risk)
    pse_days_ahead: int                  # 0 when no PSE within the lookahead
    filings: tuple[str, ...]             # "ID date form transaction" of nearby filings
    calibration_note: str                # why the alert is not HIGH despite its risk ("" if none)
    top_accounts: tuple[AccountFlow, ...]
    explanation: str = ""                # deterministic template narrative
    draft_explanation: str = ""          # local-model draft, when asked for and it worked
    draft_key_concerns: tuple[str, ...] = ()
    draft_recommendation: str = ""
    draft_error: str = ""                # why the draft failed ("" when not asked or fine)


def _opt(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def flagged_entries(f: DailyOptions, k: int, sign: int, p: OptionsParams) -> np.ndarray:
    """Day ``k``'s contracts behind its evidence: those with ≥ voi_min_volume traded and
    V/OI above voi_normal (largest first), else its largest rewarding-type contract."""
    c = f.contracts
    rows = c.rows_of_day(k)
    hit = rows[(c.volume[rows] >= p.voi_min_volume) & (c.voi[rows] > p.voi_normal)]
    if hit.size:
        return hit[np.lexsort((-c.volume[hit], -c.voi[hit]))][: p.contracts_per_alert]
    reward = rows[(c.is_call[rows] == (sign > 0)) & (c.volume[rows] > 0)]
    return reward[np.argsort(-c.volume[reward], kind="stable")][:1]


def contract_record(c: ContractDays, i: int) -> FlaggedContract:
    return FlaggedContract(type="call" if c.is_call[i] else "put", strike=float(c.strike[i]),
                           expiry=c.expiry[i].item(), volume=float(c.volume[i]),
                           open_interest=float(c.open_interest[i]), voi=_opt(c.voi[i]),
                           implied_vol=_opt(c.implied_vol[i]), iv_change=_opt(c.iv_change[i]))


def account_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows that name an account (``investor_id`` present and not blank)."""
    if "investor_id" not in rows.columns:
        return rows.iloc[:0]
    ids = rows["investor_id"]
    named = ids.notna().to_numpy(bool) & (ids.astype(str).str.strip() != "").to_numpy(bool)
    return rows[named]


def accounts_in(named: pd.DataFrame, day: np.datetime64, contracts: tuple[FlaggedContract, ...], n: int,
                suspects: frozenset[str], ring_members: frozenset[str]) -> tuple[AccountFlow, ...]:
    """The ``n`` accounts (rows of ``named``) with most volume in ``contracts`` on ``day``
    (ties: investor_id)."""
    if named.empty or not contracts:
        return ()
    on_day = named[named["date"].to_numpy().astype("datetime64[D]") == day]
    wanted = {(c.type == "call", c.strike, np.datetime64(c.expiry, "D")): _label(c) for c in contracts}
    keys = zip(on_day["right"].astype(str).str.upper().eq("C").to_numpy(), on_day["strike"].to_numpy(np.float64),
               on_day["expiry"].to_numpy().astype("datetime64[D]"))
    labels = np.array([wanted.get(k, "") for k in keys], dtype=object)
    inside = labels != ""
    if not inside.any():
        return ()
    trades = pd.DataFrame({"investor_id": on_day["investor_id"].astype(str).to_numpy()[inside],
                           "volume": on_day["volume"].to_numpy(np.float64)[inside], "label": labels[inside]})
    total = sum(c.volume for c in contracts)
    out = [AccountFlow(investor_id=str(inv), volume=float(g["volume"].sum()),
                       share=float(g["volume"].sum()) / total if total else 0.0,
                       is_suspect=str(inv) in suspects, in_ring=str(inv) in ring_members,
                       contracts=tuple(sorted(set(g["label"]))))
           for inv, g in trades.groupby("investor_id", sort=True)]
    return tuple(sorted(out, key=lambda a: (-a.volume, a.investor_id))[:n])


def _label(c: FlaggedContract) -> str:
    return f"{c.type} {c.strike:.2f} exp {c.expiry.isoformat()}"


def context_lines(ctx: Context, dates: np.ndarray, k: int, stock: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(context lines, filing texts) of day ``k``; each line says it is not part of the risk."""
    lines = []
    pse = ctx.pse_text(dates, k)
    if pse:
        lines.append(CONTEXT_PREFIX + pse)
    filed = ctx.filing_texts(k)
    if filed:
        lines.append(CONTEXT_PREFIX + f"{len(filed)} filing(s) on {stock} by investors of the case within "
                     f"{ctx.window} trading days: {'; '.join(filed)}")
    return tuple(lines), filed


def calibration_note(risk: float, p_value: float, priority: str, high_unavailable: str,
                     p: OptionsParams) -> str:
    """Why the alert is not HIGH: HIGH unavailable on this stock (every alert says so), or a
    risk above the HIGH level whose calibrated p is too large ("" otherwise)."""
    if high_unavailable:
        return high_unavailable
    if priority == "HIGH" or not risk > p.high_threshold:
        return ""
    return (f"not HIGH: the calibrated p-value {p_value:.3f} is above {p.high_p_value:g} (days before "
            "the reference period scored at least this high)")


def alert_contracts(f: DailyOptions, k: int, sign: int, p: OptionsParams) -> tuple[FlaggedContract, ...]:
    return tuple(contract_record(f.contracts, int(i)) for i in flagged_entries(f, k, sign, p))


def build_alerts(f: DailyOptions, components: dict[str, np.ndarray], risk: np.ndarray,
                 p_value: np.ndarray, n_calibration: int, priority: np.ndarray, high_unavailable: str,
                 ctx: Context, rows: pd.DataFrame, event: Event, p: OptionsParams,
                 reason: Callable[[str, int], str], suspects: frozenset[str] = frozenset(),
                 ring_members: frozenset[str] = frozenset()) -> tuple[Alert, ...]:
    """Every alert day, in date order; evidence reasons by component score, ties in the
    components' order (volume, V/OI, direction, expiry, strikes, OTM, IV, skew, forest)."""
    alerts, named = [], account_rows(rows)
    for k in np.flatnonzero(priority != ""):
        comps = {name: float(s[k]) for name, s in components.items() if not np.isnan(s[k])}
        order = {name: i for i, name in enumerate(components)}  # METHOD §3 order breaks ties
        strong = sorted((n for n, v in comps.items() if v >= REASON_MIN_SCORE), key=lambda n: (-comps[n], order[n]))
        contracts = alert_contracts(f, int(k), event.sign, p)
        context, filed = context_lines(ctx, f.dates, int(k), event.stock)
        alerts.append(Alert(
            event_id=event.event_id, date=f.dates[k].item(), risk_score=float(risk[k]),
            p_value=float(p_value[k]), n_calibration=int(n_calibration), priority=str(priority[k]),
            reasons=tuple(reason(name, int(k)) for name in strong), reason_keys=tuple(strong),
            components=comps, contracts=contracts, context=context,
            pse_days_ahead=int(ctx.pse_days_ahead[k]), filings=filed,
            calibration_note=calibration_note(float(risk[k]), float(p_value[k]), str(priority[k]),
                                              high_unavailable, p),
            top_accounts=accounts_in(named, f.dates[k], contracts, p.top_accounts, suspects, ring_members)))
    return tuple(alerts)

