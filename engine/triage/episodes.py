"""Triage episodes per investor on the target stock and their 200–800 score (METHOD.md §4).

An investor's active days on the stock (calendar indices, records of the shared TargetPanel)
form one episode until the gap to the next active day — the difference of calendar indices,
1 for the next trading day — exceeds max(gap_multiple × the investor's own median gap,
min_gap_days). An investor with a single active day has one episode.

Components of an episode, each in [0, 1]:
- direction: share of the episode's shares traded on the rewarding side (bought for a buy
  event, sold for a sell event);
- concentration: the episode's magnitudo — its target-stock turnover Σ (Ab + As) over the
  investor's all-stock turnover on the dates from its first to its last day (0 when that is 0);
- exposure jump: the episode's peak |α| over the investor's largest |α| on earlier active days,
  capped at 1; 1 when there was no earlier position (α = turnover position, panel.alpha());
- timing: the largest per-day value over the episode's days, with 1 inside Δ̄ =
  [reference_start, t_S), exp(−g / timing_decay_days) for a day g trading days before
  reference_start, 0 on or after the PSE; an episode wholly before Δ̄ therefore gets
  exp(−g/20) with g the trading days between its end and reference_start.
Score = 200 + 600 × (Σ w·component) / Σ w. Per investor: number of episodes, mean and maximum
score, share of episodes scoring at least high_risk_score.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from engine.market.calendar import as_day
from engine.errors import UsageError
from engine.market.panel import TargetPanel
from engine.params import EpisodeParams
from engine.progress import Reporter
from engine.tables import CaseTables, Event

COMPONENTS: tuple[str, ...] = ("direction", "concentration", "exposure", "timing")


@dataclass(frozen=True)
class EpisodesResult:
    """Episodes of every investor of the target stock, grouped by investor then start day."""

    event_id: str
    stock: str
    dates: np.ndarray            # datetime64[D] trading calendar of the stock
    weights: dict[str, float]    # component weights as set (not rescaled)
    high_risk_score: float
    investor_ids: np.ndarray     # object (n,), text order (the panel's InvestorIndex)
    n_episodes: np.ndarray       # int32 (n,)
    mean_score: np.ndarray       # float64 (n,)
    max_score: np.ndarray        # float64 (n,)
    high_share: np.ndarray       # float64 (n,) share of episodes >= high_risk_score
    ep_investor: np.ndarray      # int32 (m,) row into investor_ids
    ep_start: np.ndarray         # int32 (m,) first calendar index
    ep_end: np.ndarray           # int32 (m,) last calendar index
    ep_days: np.ndarray          # int32 (m,) active days
    ep_volume: np.ndarray        # float64 (m,) shares bought + sold
    ep_net: np.ndarray           # float64 (m,) shares bought − sold
    ep_components: np.ndarray    # float64 (m, 4) COMPONENTS
    ep_score: np.ndarray         # float64 (m,) 200–800

    @property
    def n_total(self) -> int:
        return int(self.ep_score.size)


def split_points(inv: np.ndarray, day: np.ndarray, gap_multiple: float, min_gap_days: int) -> np.ndarray:
    """Boolean per record (sorted by investor, day): True where a new episode starts."""
    n = inv.size
    first = np.ones(n, bool)
    if n == 0:
        return first
    first[1:] = inv[1:] != inv[:-1]
    gap = np.zeros(n, np.float64)
    gap[1:] = day[1:] - day[:-1]
    gap[first] = np.nan
    median = pd.Series(gap).groupby(inv).transform("median").to_numpy(np.float64)
    limit = np.maximum(gap_multiple * np.nan_to_num(median), float(min_gap_days))
    return first | (gap > limit)


def timing_per_day(n_days: int, ref_lo: int, ref_hi: int, decay: float) -> np.ndarray:
    """1 inside [ref_lo, ref_hi), exp(−g/decay) g days before ref_lo, 0 from ref_hi on."""
    idx = np.arange(n_days)
    out = np.exp(-(ref_lo - idx) / decay)
    out[idx >= ref_lo] = 1.0
    out[idx >= ref_hi] = 0.0
    return out


def episode_score(components: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """200 + 600 × weighted mean of the (m, 4) components."""
    total = float(np.sum(weights))
    if total <= 0 or np.any(weights < 0):
        raise UsageError("episode component weights must be non-negative with a positive sum")
    return 200.0 + 600.0 * (components @ weights) / total


def _all_stock_turnover(panel: TargetPanel, inv: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Σ (Ab + As) over all stocks of investor ``inv`` on dates[start] .. dates[end]."""
    width = np.int64(1 << 32)
    date_num = panel.tot_date.astype(np.int64)
    key = panel.tot_inv.astype(np.int64) * width + (date_num - date_num.min(initial=0))
    order = np.argsort(key, kind="stable")
    key = key[order]
    cum = np.concatenate(([0.0], np.cumsum(panel.tot_value[order])))
    base = date_num.min(initial=0)
    lo_key = inv.astype(np.int64) * width + (panel.dates[start].astype(np.int64) - base)
    hi_key = inv.astype(np.int64) * width + (panel.dates[end].astype(np.int64) - base)
    return cum[np.searchsorted(key, hi_key, side="right")] - cum[np.searchsorted(key, lo_key, side="left")]


def _ratio(num: np.ndarray, den: np.ndarray, zero: float) -> np.ndarray:
    out = np.full(num.shape, zero)
    np.divide(num, den, out=out, where=den > 0)
    return out


def episodes_from_panel(panel: TargetPanel, event: Event, params: EpisodeParams) -> EpisodesResult:
    """Every investor's episodes and aggregates, vectorised over records."""
    inv, day = panel.inv, panel.day
    starts_mask = split_points(inv, day, params.gap_multiple, params.min_gap_days)
    starts = np.flatnonzero(starts_mask)
    ends = np.r_[starts[1:], inv.size] - 1
    e_inv = inv[starts]
    vb, vs = np.add.reduceat(panel.vb, starts), np.add.reduceat(panel.vs, starts)
    volume = vb + vs
    direction = _ratio(vb if event.sign > 0 else vs, volume, 0.0)
    target_turnover = np.add.reduceat(panel.ab + panel.as_, starts)
    total = _all_stock_turnover(panel, e_inv, day[starts], day[ends])
    concentration = np.clip(_ratio(target_turnover, total, 0.0), 0.0, 1.0)
    exposure_abs = np.abs(panel.alpha())
    peak = np.maximum.reduceat(exposure_abs, starts)
    running = pd.Series(exposure_abs).groupby(inv).cummax().to_numpy(np.float64)
    first_of_investor = np.r_[True, inv[1:] != inv[:-1]]
    earlier = np.where(first_of_investor[starts], 0.0, running[np.maximum(starts - 1, 0)])
    exposure = np.where(earlier > 0, np.minimum(_ratio(peak, earlier, 1.0), 1.0), 1.0)
    ref_lo = int(np.searchsorted(panel.dates, as_day(event.reference_start), side="left"))
    ref_hi = int(np.searchsorted(panel.dates, as_day(event.event_date), side="left"))
    timing = np.maximum.reduceat(
        timing_per_day(panel.n_days, ref_lo, ref_hi, params.timing_decay_days)[day], starts)
    comps = np.column_stack((direction, concentration, exposure, timing))
    weights = {"direction": params.weight_direction, "concentration": params.weight_concentration,
               "exposure": params.weight_exposure, "timing": params.weight_timing}
    score = episode_score(comps, np.array([weights[c] for c in COMPONENTS]))
    n_inv = panel.n_investors
    count = np.bincount(e_inv, minlength=n_inv)
    high = np.bincount(e_inv, weights=(score >= params.high_risk_score).astype(float), minlength=n_inv)
    max_score = pd.Series(score).groupby(e_inv).max().reindex(range(n_inv)).to_numpy(np.float64)
    return EpisodesResult(
        event_id=event.event_id, stock=panel.stock, dates=panel.dates, weights=weights,
        high_risk_score=float(params.high_risk_score), investor_ids=panel.investor_ids,
        n_episodes=count.astype(np.int32),
        mean_score=_ratio(np.bincount(e_inv, weights=score, minlength=n_inv), count.astype(float), np.nan),
        max_score=max_score, high_share=_ratio(high, count.astype(float), 0.0),
        ep_investor=e_inv.astype(np.int32), ep_start=day[starts].astype(np.int32),
        ep_end=day[ends].astype(np.int32), ep_days=(ends - starts + 1).astype(np.int32),
        ep_volume=volume, ep_net=vb - vs, ep_components=comps, ep_score=score)


def run_episodes(tables: CaseTables, event: Event, params: EpisodeParams, reporter: Reporter | None = None,
                 panel: TargetPanel | None = None) -> EpisodesResult:
    """The triage stage: episodes of every investor of the event's stock."""
    rep = reporter or Reporter()
    rep.check()
    panel = panel if panel is not None else TargetPanel.build(tables, event.stock)
    rep.advance(0.2)
    result = episodes_from_panel(panel, event, params)
    rep.advance(1.0)
    return result


def episodes_section(result: EpisodesResult, top: int = 20) -> dict[str, Any]:
    """JSON summary: counts, weights and the investors with the highest mean episode score."""
    order = np.lexsort((result.investor_ids.astype(str), -np.nan_to_num(result.mean_score, nan=-1.0)))
    rows = [{"investor_id": str(result.investor_ids[i]), "n_episodes": int(result.n_episodes[i]),
             "mean_score": float(result.mean_score[i]), "max_score": float(result.max_score[i]),
             "high_share": float(result.high_share[i])}
            for i in order[:top] if result.n_episodes[i] > 0]
    return {"available": True, "n_investors": int(np.count_nonzero(result.n_episodes)),
            "n_episodes": result.n_total, "weights": dict(result.weights),
            "high_risk_score": result.high_risk_score,
            "n_high_episodes": int(np.count_nonzero(result.ep_score >= result.high_risk_score)),
            "top_investors": rows}
