"""The evidence sentence of each options risk component on a day, with its numbers."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.options.flow import DailyOptions
from engine.options.forest import ForestScores
from engine.params import OptionsParams


@dataclass(frozen=True)
class ReasonWriter:
    """Callable (component, day) -> sentence for one stock's features."""

    f: DailyOptions
    forest: ForestScores
    p: OptionsParams
    sign: int

    def __call__(self, key: str, k: int) -> str:
        return getattr(self, f"_{key}")(k)

    @property
    def _type(self) -> str:
        return "calls" if self.sign > 0 else "puts"

    def _volume(self, k: int) -> str:
        f = self.f
        v, mean = f.volume[k], f.baseline_mean[k]
        spike = f" (a spike: {v / mean:.1f}x the baseline mean)" if f.spike[k] and mean > 0 else ""
        return (f"options volume {v:,.0f} contracts is {f.z[k]:+.1f} standard deviations above its "
                f"{f.baseline_n[k]}-day baseline (mean {mean:,.0f}, std {f.baseline_std[k]:,.0f}){spike}")

    def _voi(self, k: int) -> str:
        f, p = self.f, self.p
        i = int(f.voi_contract[k])
        c = f.contracts
        what = ("no open interest at the start of the day" if np.isinf(c.voi[i])
                else f"volume / open interest {c.voi[i]:.1f}")
        return (f"{c.label(i)}: {c.volume[i]:,.0f} contracts traded with {what} (normal below "
                f"{p.voi_normal:g}, suspicious above {p.voi_suspicious:g})")

    def _direction(self, k: int) -> str:
        f = self.f
        return (f"{self._type} were {f.reward_share[k]:.0%} of the volume against {f.reward_base[k]:.0%} "
                f"over the baseline (score 1 at {self.p.direction_share_full:.0%})")

    def _expiry(self, k: int) -> str:
        f = self.f
        return (f"{f.expiry_share[k]:.0%} of the volume in contracts expiring within "
                f"{self.p.short_expiry_days} days or at the first expiry, against {f.expiry_base[k]:.0%} "
                f"over the baseline (suspicious above {self.p.expiry_share_suspicious:.0%})")

    def _strike(self, k: int) -> str:
        f = self.f
        return (f"{self._type} volume concentrated on few strikes: Herfindahl index {f.strike_hhi[k]:.2f} "
                f"against {f.strike_hhi_base[k]:.2f} over the baseline (z {f.strike_hhi_z[k]:+.1f})")

    def _otm(self, k: int) -> str:
        f = self.f
        return (f"short-dated out-of-the-money {self._type}: {f.otm_volume[k]:,.0f} contracts against a "
                f"baseline mean of {f.otm_base[k]:,.0f} (z {f.otm_z[k]:+.1f}; at most "
                f"{self.p.otm_max_expiry_days} days to expiry)")

    def _iv(self, k: int) -> str:
        f = self.f
        return (f"implied volatility of the out-of-the-money {self._type} traded {f.otm_iv[k]:.1%}, "
                f"{f.iv_change[k] * 100:+.1f} points against the baseline {f.iv_base[k]:.1%}")

    def _skew(self, k: int) -> str:
        f = self.f
        return (f"matched-pair call-minus-put implied volatility {f.skew[k] * 100:+.1f} points "
                f"(open-interest weighted), {f.skew_change[k] * 100:+.1f} against the baseline")

    def _iforest(self, k: int) -> str:
        tail = (f"among the most unusual {self.p.iforest_contamination:.0%} of days"
                if self.forest.outlier[k] else "unusual")
        return (f"the isolation forest, fitted on the days before the reference period, finds the day "
                f"{tail} (anomaly score {self.forest.anomaly[k]:.2f}; 0.5 is ordinary)")
