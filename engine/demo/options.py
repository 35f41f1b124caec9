"""The demo market's daily options chain on the target stock, with informed call buying.

Normal days: weekly and monthly expiries, eight strikes around the underlying, calls and puts,
Poisson volumes falling off away from the money, open interest about 0.9-1.6 times the expected
volume (day-level volume / OI near 0.8), implied volatility with a smile and noise. After the
bid the price is pinned: volume and IV collapse. On each informed day (Monday-Thursday, one per
calendar week, inside the reference period) someone buys 7-9 times the day's usual volume in two
out-of-the-money calls (strike / underlying in 1.03-1.20) expiring that same week (<= 4 days):
a spike >= 4x, volume / OI > 5, call share > 0.9, short-dated share > 0.6, concentrated strikes,
IV up. Each informed day's contracts expire before the next one, so the open interest they
leave behind never dilutes the next informed day.

Rows with an ``investor_id`` are account-level trades of a contract that day; the row with an
empty ``investor_id`` holds the rest of the market volume and the contract's open interest
(account rows carry open_interest 0), so summing rows per contract gives volume and OI.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from engine.demo.planted import Timeline

MONEYNESS = np.array([0.85, 0.90, 0.95, 1.00, 1.05, 1.10, 1.15, 1.20])
STRIKE_STEP = 2.5


def _weekday(day: np.datetime64) -> int:
    """Monday = 0 ... Sunday = 6 (1970-01-05, day 4 of the epoch, was a Monday)."""
    return int((day.astype("datetime64[D]").view("int64") - 4) % 7)


def _expiries(day: np.datetime64) -> list[np.datetime64]:
    """The next three Friday expiries after ``day`` plus the next two monthly (third Friday) ones."""
    weekday = _weekday(day)
    first_friday = day + np.timedelta64((4 - weekday) % 7 or 7, "D")
    weekly = [first_friday + np.timedelta64(7 * k, "D") for k in range(3)]
    monthly: list[np.datetime64] = []
    month = weekly[-1].astype("datetime64[M]")
    while len(monthly) < 2:
        month = month + np.timedelta64(1, "M")
        start = month.astype("datetime64[D]")
        wd = _weekday(start)
        monthly.append(start + np.timedelta64((4 - wd) % 7 + 14, "D"))
    return weekly + monthly


def pick_informed_days(rng: np.random.Generator, dates: np.ndarray, tl: Timeline, n: int) -> np.ndarray:
    """Up to ``n`` day indices in the reference period, Monday-Thursday, in distinct weeks."""
    idx = np.arange(tl.ref_start + 1, tl.event)
    d = dates[idx].astype("datetime64[D]")
    weekday = (d.view("int64") - 4) % 7
    idx, d = idx[weekday < 4], d[weekday < 4]
    week = (d.view("int64") - 4) // 7
    weeks = np.unique(week)
    chosen = np.sort(rng.choice(weeks, min(n, weeks.size), replace=False))
    return np.array([rng.choice(idx[week == w]) for w in chosen], dtype=np.int64)


def options_chain(rng: np.random.Generator, dates: np.ndarray, close: np.ndarray, tl: Timeline,
                  stock: str, informed_days: np.ndarray, informed_accounts: list[str],
                  background_accounts: list[str]) -> pd.DataFrame:
    """The options table (CASE_FORMAT.md §1) for every trading day of the target stock."""
    day_rows: list[int] = []
    expiry_rows: list[np.datetime64] = []
    strike_rows: list[float] = []
    right: list[str] = []
    for t, day in enumerate(dates.astype("datetime64[D]")):
        ks = np.unique(np.round(close[t] * MONEYNESS / STRIKE_STEP) * STRIKE_STEP)
        for e in _expiries(day):
            for r in ("C", "P"):
                day_rows.extend([t] * ks.size)
                expiry_rows.extend([e] * ks.size)
                strike_rows.extend(ks.tolist())
                right.extend([r] * ks.size)
    day_i = np.asarray(day_rows)
    expiry = np.asarray(expiry_rows, dtype="datetime64[D]")
    strike = np.asarray(strike_rows, dtype=np.float64)
    is_call = np.asarray(right) == "C"
    under = close[day_i]
    dte = (expiry - dates.astype("datetime64[D]")[day_i]).astype(np.int64)
    log_m = np.log(strike / under)
    post = day_i >= tl.event
    day_noise = rng.lognormal(0.0, 0.2, dates.size)
    lam = 60.0 * np.exp(-np.abs(log_m) / 0.07) * np.exp(-dte / 60.0) * np.where(is_call, 1.0, 0.8)
    lam *= day_noise[day_i] * np.where(post, 0.4, 1.0)
    volume = rng.poisson(lam).astype(np.float64)
    oi = np.round(lam * rng.uniform(0.9, 1.6, lam.size))
    iv = 0.27 + 0.6 * log_m ** 2 + np.where(is_call, 0.0, 0.02) + rng.normal(0.0, 0.008, lam.size)
    iv = np.where(post, 0.08 + rng.normal(0.0, 0.005, lam.size), iv)

    expected = np.bincount(day_i, weights=lam, minlength=dates.size)
    account_rows = []
    per_account = _assign_accounts(rng, informed_accounts, informed_days.size)
    for j, t in enumerate(informed_days):
        on_day = day_i == t
        iv[on_day] += 0.04
        short = on_day & is_call & (dte >= 1) & (dte <= 7)
        soonest = dte[short].min()
        cand = np.flatnonzero(short & (dte == soonest) & (strike / under >= 1.03) & (strike / under <= 1.20))
        cand = cand[np.argsort(strike[cand], kind="stable")][:2]
        informed = expected[t] * rng.uniform(7.0, 9.0)
        for row, w in zip(cand, (0.6, 0.4)[:cand.size] if cand.size == 2 else (1.0,)):
            add = np.round(informed * w)
            volume[row] += add
            iv[row] += 0.10
            later = (day_i > t) & (expiry == expiry[row]) & (strike == strike[row]) & is_call
            oi[later] += add
        for acc in per_account[j]:
            row = cand[int(rng.integers(0, cand.size))]
            v = np.round(volume[row] * rng.uniform(0.05, 0.12))
            volume[row] -= v
            account_rows.append((row, acc, v))
    for busy in np.flatnonzero(rng.random(dates.size) < 0.15):
        rows = np.flatnonzero((day_i == busy) & (volume > 0))
        pick = rows[int(rng.integers(0, rows.size))]
        v = float(min(volume[pick], rng.integers(1, 21)))
        volume[pick] -= v
        account_rows.append((pick, background_accounts[int(rng.integers(0, len(background_accounts)))], v))

    acc_idx = np.array([a[0] for a in account_rows], dtype=np.int64)
    idx = np.concatenate([np.arange(day_i.size), acc_idx])
    frame = pd.DataFrame({
        "stock": stock,
        "date": dates.astype("datetime64[D]")[day_i[idx]],
        "expiry": expiry[idx], "strike": strike[idx],
        "right": np.where(is_call[idx], "C", "P"),
        "volume": np.concatenate([volume, [a[2] for a in account_rows]]).astype(np.int64),
        "open_interest": np.concatenate([oi, np.zeros(acc_idx.size)]).astype(np.int64),
        "implied_vol": np.round(np.maximum(iv[idx], 0.01), 4),
        "underlying_close": np.round(under[idx], 2),
        "investor_id": [""] * day_i.size + [a[1] for a in account_rows],
    })
    return frame


def _assign_accounts(rng: np.random.Generator, accounts: list[str], n_days: int) -> list[list[str]]:
    """Each informed account trades on one or two of the informed days."""
    out: list[list[str]] = [[] for _ in range(n_days)]
    for acc in accounts:
        for j in rng.choice(n_days, min(n_days, int(rng.integers(1, 3))), replace=False):
            out[int(j)].append(acc)
    return out
