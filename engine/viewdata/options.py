"""Presentation arrays of the options-flow view: daily series on one date axis, with alerts.

The view stacks volume, volume/open interest, call share, implied volatility and the daily
risk score over the same days, marks the alerts on the risk panel and draws the reference
start and the PSE. Dates become day numbers (days since 1970-01-01) so every panel shares
one numeric X axis.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

SERIES: tuple[tuple[str, str], ...] = (
    ("volume", "Contracts"),
    ("voi", "Vol / OI"),
    ("call_share", "Call share"),
    ("implied_vol", "Impl. vol."),
    ("risk", "Risk score"),
)


@dataclass(frozen=True)
class OptionsSeries:
    """Daily options series, alert markers and event lines."""

    dates: np.ndarray            # datetime64[D] (n_days,)
    x: np.ndarray                # float64 (n_days,) day number for plotting
    volume: np.ndarray           # float64 (n_days,)
    voi: np.ndarray              # float64 (n_days,) volume / open interest, NaN if OI is 0
    call_share: np.ndarray       # float64 (n_days,) NaN on days without volume
    implied_vol: np.ndarray      # float64 (n_days,) NaN when not supplied
    risk: np.ndarray             # float64 (n_days,) NaN where unavailable
    alert_day: np.ndarray        # int32 (n_alerts,) index into dates
    alert_priority: np.ndarray   # object (n_alerts,) "HIGH" / "MEDIUM"
    alert_reasons: tuple[tuple[str, ...], ...]  # reasons per alert
    alert_accounts: tuple[tuple[str, ...], ...]  # investor ids of each alert's top accounts
    alert_threshold: float
    high_threshold: float
    reference_x: float           # day number of reference_start (NaN if none)
    event_x: float               # day number of the PSE (NaN if none)

    def series(self, name: str) -> np.ndarray:
        """One of the SERIES arrays by name."""
        return getattr(self, name)

    def alert_text(self, k: int) -> str:
        """Plain-text description of alert ``k`` for the view's detail box."""
        day = self.dates[self.alert_day[k]]
        lines = [f"{day}  {self.alert_priority[k]}  risk {self.risk[self.alert_day[k]]:.2f}"]
        lines += [f"- {r}" for r in self.alert_reasons[k]]
        if self.alert_accounts[k]:
            lines.append("Top accounts: " + ", ".join(self.alert_accounts[k]))
        return "\n".join(lines)


def day_number(when: dt.date | np.datetime64 | None) -> float:
    """Days since 1970-01-01 (NaN for None)."""
    if when is None:
        return float("nan")
    return float(np.asarray(when, dtype="datetime64[D]").astype(np.int64))


def build_options_series(dates: np.ndarray, volume: np.ndarray, voi: np.ndarray,
                         call_share: np.ndarray, implied_vol: np.ndarray | None,
                         risk: np.ndarray, alert_dates: np.ndarray,
                         alert_priority: np.ndarray, alert_reasons: list[list[str]],
                         alert_accounts: list[list[str]], alert_threshold: float, high_threshold: float,
                         reference_start: dt.date | None,
                         event_date: dt.date | None) -> OptionsSeries:
    """Series for the view from the options stage's daily arrays; alerts on days outside
    ``dates`` are dropped."""
    d = np.asarray(dates, dtype="datetime64[D]")
    iv = (np.full(d.size, np.nan) if implied_vol is None
          else np.asarray(implied_vol, dtype=np.float64))
    ad = np.asarray(alert_dates, dtype="datetime64[D]")
    k = np.searchsorted(d, ad)
    keep = np.flatnonzero(k < d.size)
    keep = keep[d[k[keep]] == ad[keep]]
    return OptionsSeries(
        dates=d, x=d.astype(np.int64).astype(np.float64),
        volume=np.asarray(volume, dtype=np.float64), voi=np.asarray(voi, dtype=np.float64),
        call_share=np.asarray(call_share, dtype=np.float64),
        implied_vol=iv, risk=np.asarray(risk, dtype=np.float64),
        alert_day=k[keep].astype(np.int32),
        alert_priority=np.asarray(alert_priority, dtype=object)[keep],
        alert_reasons=tuple(tuple(str(r) for r in alert_reasons[i]) for i in keep),
        alert_accounts=tuple(tuple(str(a) for a in alert_accounts[i]) for i in keep),
        alert_threshold=float(alert_threshold), high_threshold=float(high_threshold),
        reference_x=day_number(reference_start), event_x=day_number(event_date))
