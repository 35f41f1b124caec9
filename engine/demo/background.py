"""Background investors of the demo market: heavy-tailed, multi-stock, mostly uninformed.

Each background investor has an expected number of active days on the target stock drawn from
a lognormal (many trade a few days, a few trade almost daily) and a habit that fits how often
they trade, as in real order books:

* **occasional** traders (a few days in the whole period, spread evenly over it): buy or sell
  at random; most of them hold other stocks too, so few are concentrated in the target;
* **regular** traders (``REGULAR_DAYS`` or more) follow one of four habits with steady order
  sizes: *swing traders* who buy a block and sell the same block later (or sell part of a
  holding and buy it back), *accumulators* (savings plans, mostly diversified), *holders
  selling down* a position built before the data start (often large, concentrated stakes:
  profit taking, rebalancing) and *two-sided* traders;
* **daily** traders who often round-trip within the day (state bs).

Regular habits repeat, so these investors keep their place in the same k-means cluster window
after window (continuous); only the occasional traders are new in any given window. Activity
follows a market-wide daily factor with a spike after the event, when profit taking tilts
trading to the sell side. Everything is vectorised over investors and days.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.demo.records import Records

TYPE_CODES = ("H", "IF", "L")
TYPE_MEDIAN_EUR = np.array([4_000.0, 60_000.0, 20_000.0])  # typical trade size by type

REGULAR_DAYS = 4.0  # expected active days from which an investor trades by habit
# habit of the regular traders: name, share of them, P(buy) per order, P(concentrated in the target)
HABITS = (("swing", 0.3, np.nan, 0.08), ("accumulate", 0.25, 0.93, 0.0),
          ("sell_down", 0.33, 0.07, 0.25), ("two_sided", 0.12, np.nan, 0.2))
SWING, ACCUMULATE, SELL_DOWN = 0, 1, 2  # habit codes: index into HABITS
OCCASIONAL, DAILY = len(HABITS), len(HABITS) + 1  # habit codes after the regular ones
OCCASIONAL_CONCENTRATED = 0.25  # occasional traders are concentrated this much less often


@dataclass(frozen=True)
class BackgroundSpec:
    """How the background population is drawn (one per scale)."""

    target_median_days: float   # median expected active days on the target stock
    target_sigma: float         # lognormal sigma of that number
    daily_share: float          # share of investors trading the target almost daily
    concentrated_share: float   # share of two-sided / daily traders (almost) only in the target
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


def _habits(rng: np.random.Generator, expected: np.ndarray, daily: np.ndarray) -> np.ndarray:
    """Habit code per investor: a regular habit, OCCASIONAL or DAILY."""
    shares = np.array([h[1] for h in HABITS])
    habit = rng.choice(len(HABITS), size=expected.size, p=shares / shares.sum())
    habit[expected < REGULAR_DAYS] = OCCASIONAL
    habit[daily] = DAILY
    return habit


def _concentrated_p(habit: np.ndarray, spec: BackgroundSpec) -> np.ndarray:
    """P(an investor trades (almost) only the target stock), by habit."""
    p = np.array([h[3] for h in HABITS] + [spec.concentrated_share * OCCASIONAL_CONCENTRATED,
                                            spec.concentrated_share])
    return p[habit]


def _active_days(rng: np.random.Generator, expected: np.ndarray, factor: np.ndarray,
                 periodic: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(investor row, day) of every target-stock active day, sorted by row then day.

    ``periodic`` investors trade on a fixed schedule (every n_days / expected days, a day or
    two either way: savings plans, scheduled sales); the others on random days following the
    market factor. Everyone in the background trades the target at least once.
    """
    n, n_days = expected.size, factor.size
    p_day = np.where(periodic, 0.0, np.minimum(expected / n_days, 1.0))
    act = rng.random((n, n_days), dtype=np.float32) < (p_day[:, None] * factor[None, :]).astype(np.float32)
    sched = np.flatnonzero(periodic)
    period = n_days / np.maximum(expected[sched], 1.0)
    count = np.ceil(n_days / period).astype(np.int64)
    srow = np.repeat(np.arange(sched.size), count)
    k = np.arange(srow.size) - np.repeat(np.cumsum(count) - count, count)
    phase = rng.random(sched.size) * period
    sday = np.rint(phase[srow] + k * period[srow] + rng.integers(-1, 2, srow.size)).astype(np.int64)
    keep = (sday >= 0) & (sday < n_days)
    act[sched[srow[keep]], sday[keep]] = True
    idle = np.flatnonzero(~act.any(axis=1))
    act[idle, rng.integers(0, n_days, idle.size)] = True
    rows, days = np.nonzero(act)
    return rows, days


def _directions(rng: np.random.Generator, habit: np.ndarray, rows: np.ndarray, days: np.ndarray,
                raw_value: np.ndarray, event_day: int) -> tuple[np.ndarray, np.ndarray]:
    """(is_buy, EUR value) per active day, by habit.

    Swing traders alternate legs and the closing leg trades the opening leg's value, so their
    position returns to flat; accumulators and holders selling down keep one direction; the
    others buy or sell at random with a personal bias. After the bid profit taking tilts
    everyone but the sellers to the sell side.
    """
    n = habit.size
    bias = rng.beta(3.0, 3.0, n)
    p_buy = np.array([h[2] for h in HABITS] + [np.nan, np.nan])[habit]
    p_buy = np.where(np.isnan(p_buy), bias, p_buy)
    is_buy = rng.random(rows.size) < p_buy[rows]
    first = np.searchsorted(rows, np.arange(n))
    rank = np.arange(rows.size) - first[rows]
    swing = habit[rows] == SWING
    buy_first = rng.random(n) < 0.6
    is_buy = np.where(swing, buy_first[rows] ^ (rank % 2 == 1), is_buy)
    value = np.where(swing, raw_value[np.minimum(first[rows] + rank - rank % 2, rows.size - 1)], raw_value)
    taking = (days >= event_day) & (rng.random(rows.size) < 0.35) & (habit[rows] != SELL_DOWN)
    return is_buy & ~taking, value


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
    habit = _habits(rng, expected, daily)
    rows, days = _active_days(rng, expected, factor, (habit == ACCUMULATE) | (habit == SELL_DOWN))

    size = TYPE_MEDIAN_EUR[types] * rng.lognormal(0.0, 0.8, n)
    steady = (habit < OCCASIONAL)[rows]  # regular habits trade steady order sizes
    raw_value = size[rows] * rng.lognormal(0.0, 1.0, rows.size) ** np.where(steady, 0.2, 0.6)
    is_buy, value = _directions(rng, habit, rows, days, raw_value, event_day)
    rt = (rng.random(rows.size) < np.where(habit == DAILY, 0.5, 0.04)[rows]) & (habit[rows] != SWING)
    target_rec = Records.make(inv[rows], target, days, np.where(rt | is_buy, value, 0.0),
                              np.where(rt | ~is_buy, value, 0.0), rt)
    others = _other_stocks(rng, inv, size, _concentrated_p(habit, spec), habit == ACCUMULATE,
                           expected, spec, rows, days, n_days, n_stocks, target)
    return Records.concat([target_rec, others])


def _other_stocks(rng: np.random.Generator, inv: np.ndarray, size: np.ndarray, concentrated_p: np.ndarray,
                  plan: np.ndarray,
                  expected: np.ndarray, spec: BackgroundSpec, t_rows: np.ndarray, t_days: np.ndarray,
                  n_days: int, n_stocks: int, target: int) -> Records:
    """Trades in the other stocks, in proportion to each investor's non-target share; 60 % on
    days the investor also trades the target (portfolio sessions), so magnitudo reflects it."""
    n = inv.size
    share = rng.beta(1.1, 3.0, n) * np.where(plan, 0.5, 1.0)  # savings plans buy a basket
    conc = rng.random(n) < concentrated_p
    share[conc] = rng.uniform(0.9, 1.0, int(conc.sum()))
    ratio = np.minimum((1.0 - share) / np.maximum(share, 1e-3), spec.other_ratio_cap)
    active = np.bincount(t_rows, minlength=n)
    counts = rng.poisson(np.maximum(expected, active) * ratio)  # even a one-off trader has a portfolio
    rows = np.repeat(np.arange(n), counts)
    others = np.array([s for s in range(n_stocks) if s != target])
    pref = rng.dirichlet(np.full(others.size, 0.6), n)
    cum = np.cumsum(pref, axis=1)
    pick = (cum[rows] < rng.random(rows.size)[:, None]).sum(axis=1)
    stock = others[np.minimum(pick, others.size - 1)]
    start = np.searchsorted(t_rows, np.arange(n))
    same = (rng.random(rows.size) < np.where(plan, 0.95, 0.6)[rows]) & (active[rows] > 0)
    pick_day = t_days[np.minimum(start[rows] + (rng.random(rows.size) * active[rows]).astype(np.int64),
                                 t_days.size - 1)]
    days = np.where(same, pick_day, rng.integers(0, n_days, rows.size))
    is_buy = rng.random(rows.size) < 0.5
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
