"""Planted behaviours of the demo market: insiders, rings, decoys and synchronised blocks.

Day indices refer to the trading calendar; ``Timeline`` holds the PSE index t_S, the start of
the reference period and the start of the last k-means window (t_S - 20). Each function
returns the ``Records`` of its investors on the target stock (and, where said, other stocks).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.demo.records import Records, directed, sample_days


@dataclass(frozen=True)
class Timeline:
    """Where the event sits in the calendar (all trading-day indices)."""

    n_days: int
    event: int         # t_S, the PSE day
    ref_start: int     # first day of the reference period
    last_start: int    # first day of the last k-means window (event - window length)
    jump: float        # offer price / pre-bid close: values sold after the bid are worth more


def heavy_buys(rng: np.random.Generator, inv: np.ndarray, size: np.ndarray, tl: Timeline,
               target: int, k_range: tuple[int, int]) -> tuple[Records, np.ndarray]:
    """Concentrated buying on a few distinct days of the last window; returns totals per investor."""
    counts = rng.integers(k_range[0], k_range[1] + 1, inv.size)
    rows, days = sample_days(rng, inv.size, counts, tl.last_start, tl.event)
    value = size[rows] * rng.lognormal(0.0, 0.4, rows.size)
    totals = np.bincount(rows, weights=value, minlength=inv.size)
    return Records.make(inv[rows], target, days, value, 0.0), totals


def dump_after(rng: np.random.Generator, inv: np.ndarray, totals: np.ndarray, tl: Timeline,
               target: int) -> Records:
    """Sell what was bought, on 1-3 days within 15 trading days after the bid."""
    counts = rng.integers(1, 4, inv.size)
    rows, days = sample_days(rng, inv.size, counts, tl.event + 1, min(tl.event + 16, tl.n_days))
    share = rng.random(rows.size) + 0.2
    share /= np.bincount(rows, weights=share, minlength=inv.size)[rows]
    return Records.make(inv[rows], target, days, 0.0, totals[rows] * share * tl.jump)


def hard_insiders(rng: np.random.Generator, inv: np.ndarray, size: np.ndarray, tl: Timeline,
                  target: int, n_stocks: int) -> Records:
    """Never traded the target before the last window; buy heavily and concentrated in it.

    Noise: a quarter sell a little on one day of the window, a third trade a little of another
    stock in it (magnitudo about 0.85-0.95 instead of 1).
    """
    buys, totals = heavy_buys(rng, inv, size, tl, target, (3, 8))
    small = rng.random(inv.size) < 0.25
    s_day = rng.integers(tl.last_start, tl.event, inv.size)
    sells = Records.make(inv[small], target, s_day[small], 0.0,
                         totals[small] * rng.uniform(0.03, 0.08, int(small.sum())))
    other = rng.random(inv.size) < 0.33
    o_stock = (target + rng.integers(1, n_stocks, inv.size)) % n_stocks
    o_day = rng.integers(tl.last_start, tl.event, inv.size)
    o_buy = rng.random(inv.size) < 0.5
    o_val = totals * rng.uniform(0.05, 0.15, inv.size)
    others = directed(inv[other], o_stock[other], o_day[other], o_val[other], o_buy[other])
    return Records.concat([buys, sells, others, dump_after(rng, inv, totals, tl, target)])


def soft_insiders(rng: np.random.Generator, inv: np.ndarray, size: np.ndarray, tl: Timeline,
                  target: int) -> Records:
    """Traded the target before in a non-rewarding way, then buy heavily in the last window.

    Half only sold small amounts before, half traded small balanced amounts (alternating
    buys and sells), on 4-12 days well before the reference period.
    """
    buys, totals = heavy_buys(rng, inv, size, tl, target, (3, 8))
    counts = rng.integers(4, 13, inv.size)
    rows, days = sample_days(rng, inv.size, counts, 0, tl.ref_start - 5)
    seller = rng.random(inv.size) < 0.5
    rank = np.arange(rows.size) - np.searchsorted(rows, rows)  # position within the investor
    is_buy = ~seller[rows] & (rank % 2 == 1)
    unit = totals * rng.uniform(0.01, 0.04, inv.size)
    early = directed(inv[rows], target, days, unit[rows] * rng.lognormal(0, 0.2, rows.size), is_buy)
    return Records.concat([early, buys, dump_after(rng, inv, totals, tl, target)])


def rings(rng: np.random.Generator, groups: list[np.ndarray], size: np.ndarray, tl: Timeline,
          target: int) -> Records:
    """Insider rings: co-trade on 18-30 common days well before the reference period (states
    alternating b / s, so no rewarding pattern and a small position), then all buy heavily on
    the same 4-6 days of the last window and sell together after the bid.

    ``size`` is indexed like the concatenation of ``groups``.
    """
    parts, offset = [], 0
    for members in groups:
        m = members.size
        unit = size[offset:offset + m]
        offset += m
        n_early = int(rng.integers(18, 31))
        early = np.sort(rng.choice(tl.ref_start - 3, n_early, replace=False))
        state_b = (np.arange(n_early) + int(rng.integers(0, 2))) % 2 == 0
        take = rng.random((m, n_early)) < 0.9
        mi, di = np.nonzero(take)
        val = unit[mi] * rng.lognormal(0.0, 0.15, mi.size)
        parts.append(directed(members[mi], target, early[di], val, state_b[di]))
        n_ref = int(rng.integers(4, 7))
        ref_days = np.sort(rng.choice(np.arange(tl.last_start, tl.event), n_ref, replace=False))
        mi = np.repeat(np.arange(m), n_ref)
        buy = unit[mi] * rng.uniform(8.0, 14.0, mi.size)
        parts.append(Records.make(members[mi], target, np.tile(ref_days, m), buy, 0.0))
        totals = np.bincount(mi, weights=buy, minlength=m)
        sell_days = np.sort(rng.choice(np.arange(tl.event + 1, min(tl.event + 9, tl.n_days)), 2, replace=False))
        split = rng.uniform(0.3, 0.7, m)
        for d, w in zip(sell_days, (split, 1.0 - split)):
            parts.append(Records.make(members, target, d, 0.0, totals * w * tl.jump))
        noise_rows, noise_days = sample_days(rng, m, rng.integers(0, 4, m), 0, tl.ref_start - 3)
        parts.append(directed(members[noise_rows], target, noise_days,
                              unit[noise_rows] * 0.5, rng.random(noise_rows.size) < 0.5))
    return Records.concat(parts)


def decoys(rng: np.random.Generator, inv: np.ndarray, size: np.ndarray, tl: Timeline,
           target: int) -> Records:
    """Swing buyers: a big concentrated buying burst (2-4 days, steady block size) every 40-70
    days, sold 15-25 days later; one burst falls in the last window, so they sit in the
    rewarding cluster then but were there in earlier non-overlapping windows too (continuous,
    not suspects)."""
    n = inv.size
    last = rng.integers(tl.event - 18, tl.event - 8, n)
    gaps = rng.integers(40, 71, (n, int(tl.event // 40)))  # irregular: decoys never fall in step
    starts = last[:, None] - np.concatenate([np.zeros((n, 1), np.int64), np.cumsum(gaps, axis=1)], axis=1)
    valid = starts >= 0
    d_idx, b_idx = np.nonzero(valid)
    b_start = starts[d_idx, b_idx]
    is_last = b_idx == 0
    burst = size[d_idx] * rng.uniform(0.95, 1.05, d_idx.size)  # a steady block size
    hi = np.where(is_last, np.minimum(b_start + 10, tl.event), b_start + 10)
    rows, days = sample_days(rng, d_idx.size, rng.integers(2, 5, d_idx.size), b_start, hi)
    share = rng.random(rows.size) + 0.3
    share /= np.bincount(rows, weights=share, minlength=d_idx.size)[rows]
    buys = Records.make(inv[d_idx[rows]], target, days, burst[rows] * share, 0.0)
    s_lo = np.where(is_last, tl.event + 1, b_start + 15)
    s_hi = np.minimum(np.where(is_last, tl.event + 11, b_start + 26), tl.n_days)
    srows, sdays = sample_days(rng, d_idx.size, 2, s_lo, s_hi)
    factor = np.where(is_last, tl.jump, 1.0)
    sells = Records.make(inv[d_idx[srows]], target, sdays, 0.0, (burst * factor)[srows] * 0.5)
    return Records.concat([buys, sells])


def synchronised(rng: np.random.Generator, members: np.ndarray, size: np.ndarray, tl: Timeline,
                 target: int, basket: np.ndarray, n_common: int, participation: float,
                 n_ref_days: int) -> Records:
    """A group trading on the same days in the same state, both directions: sell and buy days
    alternate (trim a holding, restore it), so each member's position stays bounded (at or
    below its start) and the group's directionality in the reference period (``n_ref_days``
    of the common days) stays near 0. On each day a member may also trade one of
    the ``basket`` stocks the same way (managed portfolios), and has a few days of its own.
    """
    ref_len = tl.event - tl.ref_start
    outside = np.sort(rng.choice(tl.n_days - ref_len, n_common - n_ref_days, replace=False))
    outside = np.where(outside >= tl.ref_start, outside + ref_len, outside)
    inside = np.sort(rng.choice(np.arange(tl.ref_start, tl.event), n_ref_days, replace=False))
    days = np.sort(np.concatenate([outside, inside]))
    state_b = np.arange(days.size) % 2 == 1  # rebalancing: trim, restore, trim, ...
    take = rng.random((members.size, days.size)) < participation
    mi, di = np.nonzero(take)
    val = size[mi] * rng.lognormal(0.0, 0.2, mi.size)
    parts = [directed(members[mi], target, days[di], val, state_b[di])]
    if basket.size:
        also = rng.random(mi.size) < 0.6
        stock = basket[rng.integers(0, basket.size, mi.size)]
        parts.append(directed(members[mi[also]], stock[also], days[di[also]],
                              val[also] * rng.lognormal(0.0, 0.3, int(also.sum())), state_b[di[also]]))
    rows, own = sample_days(rng, members.size, rng.poisson(1.5, members.size), 0, tl.n_days)
    parts.append(directed(members[rows], target, own, size[rows] * 0.3, rng.random(rows.size) < 0.5))
    return Records.concat(parts)
