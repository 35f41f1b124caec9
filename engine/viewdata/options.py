"""Presentation arrays of the options-flow view: daily series on one date axis, alerts with
their calibrated p-values, context markers kept apart from the evidence, and the contracts of
every day for the view's small table.

The view stacks volume, the largest contract volume / open interest, the rewarding-type share,
the OTM rewarding-type implied volatility and the daily risk over the same days, marks the
alerts (evidence) and the context days (a PSE ahead, filings: never part of the risk) on the
risk panel and draws the reference start and the PSE. Dates become day numbers (days since
1970-01-01) so every panel shares one numeric X axis.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

import numpy as np

SERIES: tuple[tuple[str, str], ...] = (
    ("volume", "Contracts"),
    ("voi", "Max V / OI"),
    ("reward_share", "Call share"),
    ("implied_vol", "OTM impl. vol."),
    ("risk", "Risk score"),
)
VOI_SHOWN_CAP = 20.0        # a V/OI above this (or with no open interest) is drawn at it
CONTRACT_COLUMNS = ("", "type", "strike", "expiry", "volume", "OI", "V/OI", "IV", "IV chg")
TABLE_ROWS = 12


@dataclass(frozen=True)
class AlertMark:
    """What the view shows of one alert."""

    date: dt.date
    priority: str
    risk: float
    p_value: float
    reasons: tuple[str, ...]
    context: tuple[str, ...]
    note: str                       # why not HIGH despite the risk ("" when none)
    contracts: tuple[str, ...]      # labels of the flagged contracts
    accounts: tuple[str, ...]       # accounts trading them, most volume first
    account_marks: tuple[str, ...]  # per account: "k-means suspect", "ring member", both or ""


@dataclass(frozen=True)
class DayContracts:
    """Every (day, contract) entry, sorted by day; ``flagged`` marks alert contracts."""

    day: np.ndarray            # int64 index into the series' dates
    is_call: np.ndarray
    strike: np.ndarray
    expiry: np.ndarray         # datetime64[D]
    volume: np.ndarray
    open_interest: np.ndarray
    voi: np.ndarray            # +inf without open interest, NaN without volume
    implied_vol: np.ndarray
    iv_change: np.ndarray
    flagged: np.ndarray        # bool


def _pct(x: float) -> str:
    return "" if not np.isfinite(x) else f"{x:.1%}"


@dataclass(frozen=True)
class OptionsSeries:
    """Daily options series, alert and context markers, the day contracts and event lines."""

    dates: np.ndarray            # datetime64[D] (n_days,)
    x: np.ndarray                # float64 (n_days,) day number for plotting
    volume: np.ndarray
    voi: np.ndarray              # largest contract V/OI, capped at VOI_SHOWN_CAP for drawing
    reward_share: np.ndarray     # NaN on days without volume
    implied_vol: np.ndarray      # NaN when not supplied
    risk: np.ndarray             # NaN where unavailable
    p_value: np.ndarray          # calibrated p, NaN where unavailable
    reward_label: str            # "Call share" (buy event) or "Put share" (sell event)
    n_calibration: int
    high_unavailable: str
    alert_day: np.ndarray        # int32 (n_alerts,) index into dates
    alert_priority: np.ndarray   # object (n_alerts,) "HIGH" / "MEDIUM"
    alerts: tuple[AlertMark, ...]
    context_day: np.ndarray      # int32 days with context (PSE ahead or filings)
    context_text: tuple[str, ...]
    contracts: DayContracts
    alert_threshold: float
    high_threshold: float
    reference_x: float           # day number of reference_start (NaN if none)
    event_x: float               # day number of the PSE (NaN if none)

    @property
    def alert_accounts(self) -> tuple[tuple[str, ...], ...]:
        return tuple(a.accounts for a in self.alerts)

    def series(self, name: str) -> np.ndarray:
        """One of the SERIES arrays by name."""
        return getattr(self, name)

    def label(self, name: str) -> str:
        """The panel title of series ``name``."""
        return self.reward_label if name == "reward_share" else dict(SERIES)[name]

    def day_text(self, day: int) -> str:
        """'2020-06-16  risk 0.91  p 0.006 (n = 168)' for a day of the calendar."""
        r, p = self.risk[day], self.p_value[day]
        risk = "no risk (no baseline)" if not np.isfinite(r) else f"risk {r:.2f}  p {p:.3f} (n = {self.n_calibration})"
        return f"{self.dates[day]}  {risk}"

    def alert_text(self, k: int) -> str:
        """Plain-text description of alert ``k``: evidence, then context on its own lines."""
        a = self.alerts[k]
        lines = [f"{a.date.isoformat()}  {a.priority}  risk {a.risk:.2f}  p {a.p_value:.3f} "
                 f"(n = {self.n_calibration})"]
        if a.note:
            lines.append(f"  {a.note}")
        if a.contracts:
            lines.append("Contracts: " + "; ".join(a.contracts))
        lines += [f"- {r}" for r in a.reasons]
        lines += [f"◇ {c}" for c in a.context]
        if a.accounts:
            lines.append("Accounts trading these contracts (no buy/sell side in the table): " + ", ".join(
                acc + (f" [{m}]" if m else "") for acc, m in zip(a.accounts, a.account_marks)))
        return "\n".join(lines)

    def contract_rows(self, day: int) -> tuple[tuple[str, ...], ...]:
        """The day's contracts for the table (CONTRACT_COLUMNS): flagged first, then by volume."""
        c = self.contracts
        lo, hi = np.searchsorted(c.day, [day, day + 1])
        idx = np.arange(lo, hi)
        idx = idx[c.volume[idx] > 0]
        idx = idx[np.lexsort((-c.volume[idx], ~c.flagged[idx]))][:TABLE_ROWS]
        return tuple((
            "●" if c.flagged[i] else "", "call" if c.is_call[i] else "put", f"{c.strike[i]:g}",
            str(c.expiry[i]), f"{c.volume[i]:,.0f}", f"{c.open_interest[i]:,.0f}",
            "no OI" if np.isinf(c.voi[i]) else f"{c.voi[i]:.1f}", _pct(c.implied_vol[i]),
            "" if not np.isfinite(c.iv_change[i]) else f"{c.iv_change[i] * 100:+.1f}") for i in idx)


def day_number(when: dt.date | np.datetime64 | None) -> float:
    """Days since 1970-01-01 (NaN for None)."""
    if when is None:
        return float("nan")
    return float(np.asarray(when, dtype="datetime64[D]").astype(np.int64))


def build_options_series(*, dates: np.ndarray, volume: np.ndarray, voi: np.ndarray,
                         reward_share: np.ndarray, implied_vol: np.ndarray | None, risk: np.ndarray,
                         p_value: np.ndarray, sign: int, n_calibration: int, high_unavailable: str,
                         alerts: Sequence[AlertMark], context_days: np.ndarray,
                         context_text: Sequence[str], contracts: DayContracts, alert_threshold: float,
                         high_threshold: float, reference_start: dt.date | None,
                         event_date: dt.date | None) -> OptionsSeries:
    """Series for the view from the options stage's daily arrays; alerts on days outside
    ``dates`` are dropped."""
    d = np.asarray(dates, dtype="datetime64[D]")
    iv = np.full(d.size, np.nan) if implied_vol is None else np.asarray(implied_vol, dtype=np.float64)
    ad = np.array([a.date for a in alerts], dtype="datetime64[D]")
    k = np.searchsorted(d, ad)
    keep = np.flatnonzero(k < d.size)
    keep = keep[d[k[keep]] == ad[keep]]
    shown_voi = np.minimum(np.asarray(voi, dtype=np.float64), VOI_SHOWN_CAP)
    return OptionsSeries(
        dates=d, x=d.astype(np.int64).astype(np.float64), volume=np.asarray(volume, dtype=np.float64),
        voi=shown_voi, reward_share=np.asarray(reward_share, dtype=np.float64), implied_vol=iv,
        risk=np.asarray(risk, dtype=np.float64), p_value=np.asarray(p_value, dtype=np.float64),
        reward_label="Call share" if sign > 0 else "Put share", n_calibration=int(n_calibration),
        high_unavailable=high_unavailable, alert_day=k[keep].astype(np.int32),
        alert_priority=np.array([alerts[i].priority for i in keep], dtype=object),
        alerts=tuple(alerts[i] for i in keep), context_day=np.asarray(context_days, dtype=np.int32),
        context_text=tuple(context_text), contracts=contracts,
        alert_threshold=float(alert_threshold), high_threshold=float(high_threshold),
        reference_x=day_number(reference_start), event_x=day_number(event_date))


def _marks(accounts) -> tuple[str, ...]:
    return tuple(", ".join(m for m, on in (("k-means suspect", a.is_suspect), ("ring member", a.in_ring)) if on)
                 for a in accounts)


def options_series(result) -> OptionsSeries | None:
    """The view's data from an ``AnalysisResult`` (None when the case has no options data)."""
    opt = result.options
    if not opt.available or opt.features is None:
        return None
    f, c, p = opt.features, opt.features.contracts, result.params.options
    flagged = np.zeros(c.size, bool)
    alerts = []
    for a in opt.alerts:
        k = int(np.searchsorted(f.dates, np.datetime64(a.date, "D")))
        rows = c.rows_of_day(k)
        for fc in a.contracts:
            flagged[rows[(c.is_call[rows] == (fc.type == "call")) & (c.strike[rows] == fc.strike)
                         & (c.expiry[rows] == np.datetime64(fc.expiry, "D"))]] = True
        alerts.append(AlertMark(
            date=a.date, priority=a.priority, risk=a.risk_score, p_value=a.p_value, reasons=a.reasons,
            context=a.context, note=a.calibration_note,
            contracts=tuple(f"{x.type} {x.strike:g} exp {x.expiry.isoformat()}" for x in a.contracts),
            accounts=tuple(t.investor_id for t in a.top_accounts), account_marks=_marks(a.top_accounts)))
    ahead, filed = opt.pse_days_ahead, opt.filings_near
    context_days = np.flatnonzero((ahead > 0) | (filed > 0))
    context_text = tuple("; ".join(t for t in (f"PSE {ahead[k]} trading day(s) ahead" if ahead[k] else "",
                                               f"{filed[k]} filing(s) nearby" if filed[k] else "") if t)
                         for k in context_days)
    return build_options_series(
        dates=f.dates, volume=f.volume, voi=f.max_voi, reward_share=f.reward_share,
        implied_vol=f.otm_iv if f.has_iv else None, risk=opt.risk, p_value=opt.p_value,
        sign=result.event.sign, n_calibration=opt.n_calibration, high_unavailable=opt.high_unavailable,
        alerts=alerts, context_days=context_days, context_text=context_text,
        contracts=DayContracts(day=c.day, is_call=c.is_call, strike=c.strike, expiry=c.expiry,
                               volume=c.volume, open_interest=c.open_interest, voi=c.voi,
                               implied_vol=c.implied_vol, iv_change=c.iv_change, flagged=flagged),
        alert_threshold=p.alert_threshold, high_threshold=p.high_threshold,
        reference_start=result.event.reference_start, event_date=result.event.event_date)
