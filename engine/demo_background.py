"""Background investors of the demo market: heavy-tailed, multi-stock, mostly uninformed.

Each background investor has an expected number of active days on the target stock drawn from
a lognormal (many trade a few days, a few trade almost daily), a share of their activity in the
target stock (a quarter are concentrated, the rest spread over other stocks, so magnitudo
varies), a buy propensity (balanced, slow accumulators, slow sellers), a size by investor type
and a roundtrip habit (daily traders often buy and sell the same shares in a day: state bs).
Activity follows a market-wide daily factor with a spike after the event, when profit taking
tilts trading to the sell side. Everything is vectorised over investors and days.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.demo_records import Records

TYPE_CODES = ("H", "IF", "L")
TYPE_MEDIAN_EUR = np.array([4_000.0, 60_000.0, 20_000.0])  # typical trade size by type


@dataclass(frozen=True)
class BackgroundSpec:
    """How the background population is drawn (one per scale)."""

    target_median_days: float   # median expected active days on the target stock
    target_sigma: float         # lognormal sigma of that number
    daily_share: float          # share of investors trading the target almost daily
    concentrated_share: float   # share whose activity is (almost) only the target stock
    other_ratio_cap: float      # cap of other-stock records per target record


def draw_types(rng: np.random.Generator, n: int, p: tuple[float, float, float]) -> np.ndarray:
    """Investor type codes 0=H, 1=IF, 2=L."""
    return rng.choice(3, size=n, p=np.asarray(p) / sum(p))


def day_factor(rng: np.random.Generator, n_days: int, event_day: int) -> np.ndarray:
    """Market activity by day (mean about 1) with the announcement spike on the target stock."""
    f = rng.lognormal(0.0, 0.25, n_days)
    f /= f.mean()
    after = np.arange(n_days) - event_day
    spike = np.where(after >= 0, 1.0 + 2.0 * np.exp(-np.maximum(after, 0) / 3.0), 1.0)
    return f * spike


def background_records(rng: np.random.Generator, inv: np.ndarray, types: np.ndarray,
                       spec: BackgroundSpec, n_days: int, n_stocks: int, target: int,
                       event_day: int) -> Records:
    """All trades of the background investors ``inv`` (types ``types``), every stock."""
    n = inv.size
    factor = day_factor(rng, n_days, event_day)
    expected = np.minimum(rng.lognormal(np.log(spec.target_median_days), spec.target_sigma, n),
                          0.6 * n_days)
    daily = rng.random(n) < spec.daily_share
    expected[daily] = rng.uniform(0.55, 0.9, int(daily.sum())) * n_days
    p_day = np.minimum(expected / n_days, 1.0)
    act = rng.random((n, n_days), dtype=np.float32) < (p_day[:, None] * factor[None, :]).astype(np.float32)
    idle = np.flatnonzero(~act.any(axis=1))  # everyone in the background trades the target once
    act[idle, rng.integers(0, n_days, idle.size)] = True
    rows, days = np.nonzero(act)

    size = TYPE_MEDIAN_EUR[types] * rng.lognormal(0.0, 0.8, n)
    bias = rng.beta(3.0, 3.0, n)
    kind = rng.random(n)
    bias[kind < 0.06] = rng.uniform(0.85, 0.97, int((kind < 0.06).sum()))           # accumulators
    bias[(kind >= 0.06) & (kind < 0.10)] = rng.uniform(0.03, 0.15, int(((kind >= 0.06) & (kind < 0.10)).sum()))
    roundtrip_p = np.where(daily, 0.5, 0.04)

    post = days >= event_day
    p_buy = np.where(post, bias[rows] * 0.6, bias[rows])
    rt = rng.random(rows.size) < roundtrip_p[rows]
    is_buy = rng.random(rows.size) < p_buy
    tripper = (kind >= 0.10) & ~daily
    trip_buy = _trips(rng, rows, rng.random(n) < bias) & ~(post & (rng.random(rows.size) < 0.3))
    is_buy = np.where(tripper[rows], trip_buy, is_buy)
    value = size[rows] * rng.lognormal(0.0, 0.6, rows.size)
    target_rec = Records.make(inv[rows], target, days, np.where(rt | is_buy, value, 0.0),
                              np.where(rt | ~is_buy, value, 0.0), rt)
    return Records.concat([target_rec, _other_stocks(rng, inv, size, bias, expected, spec, rows, days,
                                                     n_days, n_stocks, target)])


def _trips(rng: np.random.Generator, rows: np.ndarray, first_buy: np.ndarray) -> np.ndarray:
    """Buy/sell per record of investors who trade in round trips: after each active day the
    direction flips with probability 0.65 (``rows`` sorted by investor, then day)."""
    first = np.r_[True, rows[1:] != rows[:-1]]
    flip = (rng.random(rows.size) < 0.65) & ~first
    flips = np.cumsum(flip)
    parity = (flips - flips[np.flatnonzero(first)][np.cumsum(first) - 1]) % 2
    return first_buy[rows] ^ (parity == 1)


def _other_stocks(rng: np.random.Generator, inv: np.ndarray, size: np.ndarray, bias: np.ndarray,
                  expected: np.ndarray, spec: BackgroundSpec, t_rows: np.ndarray, t_days: np.ndarray,
                  n_days: int, n_stocks: int, target: int) -> Records:
    """Trades in the other stocks, in proportion to each investor's non-target share; 60 % on
    days the investor also trades the target (portfolio sessions), so magnitudo reflects it."""
    n = inv.size
    share = rng.beta(1.1, 3.0, n)
    conc = rng.random(n) < spec.concentrated_share
    share[conc] = rng.uniform(0.9, 1.0, int(conc.sum()))
    ratio = np.minimum((1.0 - share) / np.maximum(share, 1e-3), spec.other_ratio_cap)
    counts = rng.poisson(expected * ratio)
    rows = np.repeat(np.arange(n), counts)
    others = np.array([s for s in range(n_stocks) if s != target])
    pref = rng.dirichlet(np.full(others.size, 0.6), n)
    cum = np.cumsum(pref, axis=1)
    pick = (cum[rows] < rng.random(rows.size)[:, None]).sum(axis=1)
    stock = others[np.minimum(pick, others.size - 1)]
    start = np.searchsorted(t_rows, np.arange(n))
    count = np.bincount(t_rows, minlength=n)
    same = (rng.random(rows.size) < 0.6) & (count[rows] > 0)
    pick_day = t_days[np.minimum(start[rows] + (rng.random(rows.size) * count[rows]).astype(np.int64),
                                 t_days.size - 1)]
    days = np.where(same, pick_day, rng.integers(0, n_days, rows.size))
    is_buy = rng.random(rows.size) < 0.5 * (1.0 + (bias[rows] - 0.5) * 0.5)
    value = size[rows] * rng.lognormal(0.0, 0.6, rows.size)
    return Records.make(inv[rows], stock, days, np.where(is_buy, value, 0.0), np.where(is_buy, 0.0, value))


def history_records(rng: np.random.Generator, inv: np.ndarray, size: np.ndarray, n_stocks: int,
                    target: int, mean_count: float, allowed: np.ndarray) -> Records:
    """A few other-stock trades of planted investors, on days where ``allowed`` is True."""
    counts = rng.poisson(mean_count, inv.size)
    rows = np.repeat(np.arange(inv.size), counts)
    pool = np.flatnonzero(allowed)
    days = pool[rng.integers(0, pool.size, rows.size)]
    others = np.array([s for s in range(n_stocks) if s != target])
    stock = others[rng.integers(0, others.size, rows.size)]
    is_buy = rng.random(rows.size) < 0.5
    value = size[rows] * rng.lognormal(-1.0, 0.5, rows.size)
    return Records.make(inv[rows], stock, days, np.where(is_buy, value, 0.0), np.where(is_buy, 0.0, value))
