"""Every analysis setting with its METHOD.md default, in one frozen dataclass.

The parameters hash (SHA-256 of the canonical JSON) keys cached results and is printed
in every report, so any change of a setting is visible in the provenance.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class KMeansParams:
    """METHOD.md §1: dynamic k-means discontinuity."""

    window_length: int = 20          # D, trading days per window
    window_step: int = 5             # shift between windows, trading days
    n_windows: int = 27              # windows, the last ending the day before the PSE
    k: int | None = None             # fixed K; None = chosen by the stability of the rewarding cluster
    k_min: int = 2                   # K scan start
    k_max: int = 15                  # largest K that can be chosen (the scan fits up to k_max + 2)
    elbow_tolerance: float = 0.05    # elbow diagnostic: relative drop of W_K below which K stops growing
    first_window_restarts: int = 10  # k-means++ restarts of the first window, for every K
    k_stability_jaccard: float = 0.9  # J(R_K, R_K+1) from which the rewarding cluster counts as stable
    k_max_rewarding_share: float = 0.5  # largest share of active investors a stable rewarding cluster holds
    stability_delta: float = 0.5     # δ: largest centroid move before membership is judged by distance
    seed: int = 0                    # random seed for k-means and the detectors
    significance: float = 0.05       # level of the Fisher tests of the rewarding cluster
    baseline_top_n: int = 50         # top-n for baseline overlaps
    autoencoder_hidden: int = 16     # hidden units of the reconstruction detector


@dataclass(frozen=True, slots=True)
class SvnParams:
    """METHOD.md §2: statistically validated network and its communities."""

    theta: float = 0.01              # |r| above which a day is b or s
    min_active_days: int = 8         # eligibility: active days in the period
    correction: str = "bonferroni"   # "bonferroni", "fdr" or "threshold"
    alpha: float = 0.01              # family-wise / false-discovery level
    threshold: float | None = None   # typed p-value threshold when correction == "threshold"
    period_start: str | None = None  # ISO date; None = first trading day of the stock
    period_end: str | None = None    # ISO date; None = last trading day of the stock
    infomap_trials: int = 1          # Infomap trials
    infomap_seed: int = 123          # Infomap seed
    suspicious_directionality: float = 0.9  # d*R_C at or above which a cluster is suspicious
    neighbourhood_cap: int = 500     # largest neighbourhood shown without narrowing
    sweep_low: float = 1e-12         # threshold sweep (App. B.3): smallest p-value threshold
    sweep_high: float = 1e-2         # largest threshold (tails are kept up to max(this, alpha))
    sweep_per_decade: int = 1        # thresholds per factor of ten


@dataclass(frozen=True, slots=True)
class OptionsParams:
    """METHOD.md §3: options-flow anomalies and alerts."""

    baseline_days: int = 60          # trailing baseline length, trading days
    min_baseline_days: int = 10      # fewer: baseline features (and the day's risk) unavailable
    z_cap: float = 5.0               # z giving a one-sided z score of 1
    spike_ratio: float = 4.0         # V >= ratio * baseline mean is a spike
    voi_min_volume: float = 100.0    # contracts traded for a contract's volume/OI to count
    voi_normal: float = 2.0          # volume/OI at which the score starts
    voi_suspicious: float = 5.0      # volume/OI at which the score is 1
    direction_share_full: float = 0.9  # rewarding-type share of volume giving direction score 1
    short_expiry_days: int = 7       # "short-dated" expiry for expiry clustering, calendar days
    expiry_share_suspicious: float = 0.6  # short-dated share giving expiry score 1
    otm_min_moneyness: float = 1.02  # strike/underlying above which a call is OTM
    otm_max_moneyness: float = 1.30  # band upper limit (calls); puts mirror it
    iforest_contamination: float = 0.1
    iforest_seed: int = 0
    iforest_folds: int = 5           # contiguous blocks scoring the calibration days out of fold
    alert_threshold: float = 0.7
    high_threshold: float = 0.85
    high_p_value: float = 0.01       # HIGH also needs the calibrated p at or below this
    pse_lookahead_days: int = 7      # context: a PSE within this many trading days ahead
    otm_max_expiry_days: int = 30    # "short-dated" for the OTM feature, calendar days to expiry
    iv_change_full: float = 0.10     # IV rise of OTM rewarding contracts (vol points) giving score 1
    skew_change_full: float = 0.05   # matched-pair call-minus-put IV change giving skew score 1
    top_accounts: int = 5            # accounts listed per alert when options carry investor_id
    contracts_per_alert: int = 5     # flagged contracts named per alert
    use_narrative_llm: bool = False  # optional local model drafts; off by default
    narrative_model: str = "llama3.1"
    narrative_url: str = "http://127.0.0.1:11434"
    narrative_timeout_s: float = 30.0  # per draft; on timeout the template text is used


@dataclass(frozen=True, slots=True)
class EpisodeParams:
    """METHOD.md §4: triage episodes and their 200-800 score."""

    gap_multiple: float = 3.0        # break when gap > multiple x investor's median gap
    min_gap_days: int = 5            # never break on a gap shorter than this
    weight_direction: float = 0.25
    weight_concentration: float = 0.25
    weight_exposure: float = 0.25
    weight_timing: float = 0.25
    timing_decay_days: float = 20.0
    high_risk_score: float = 650.0


@dataclass(frozen=True, slots=True)
class PlaceboParams:
    """METHOD.md §5: the pseudo-event (placebo) test."""

    n: int = 0                       # pseudo-events requested; 0 = off (``screen`` asks for 40)
    windows: int = 12                # W: k-means windows of the event and of every pseudo-event
    min_distance: int = 60           # trading days between a pseudo-event and any PSE of the stock
    spacing: int = 5                 # trading days at least between two pseudo-events


@dataclass(frozen=True, slots=True)
class AnalysisParams:
    """All settings of one analysis run."""

    kmeans: KMeansParams = field(default_factory=KMeansParams)
    svn: SvnParams = field(default_factory=SvnParams)
    options: OptionsParams = field(default_factory=OptionsParams)
    episodes: EpisodeParams = field(default_factory=EpisodeParams)
    placebo: PlaceboParams = field(default_factory=PlaceboParams)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, no spaces, so equal params give equal text."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    def hash(self) -> str:
        """SHA-256 of the canonical JSON."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    @classmethod
    def from_dict(cls, data: dict[str, dict[str, Any]]) -> "AnalysisParams":
        """Rebuild from ``to_dict`` output; unknown keys are refused, missing ones default."""
        parts = {}
        for f in fields(cls):
            sub_cls = {"kmeans": KMeansParams, "svn": SvnParams,
                       "options": OptionsParams, "episodes": EpisodeParams,
                       "placebo": PlaceboParams}[f.name]
            given = dict(data.get(f.name, {}))
            known = {sf.name for sf in fields(sub_cls)}
            unknown = set(given) - known
            if unknown:
                raise ValueError(f"unknown {f.name} parameter(s): {', '.join(sorted(unknown))}")
            parts[f.name] = sub_cls(**given)
        return cls(**parts)

    def replace(self, section: str, **changes: Any) -> "AnalysisParams":
        """A copy with some settings of one section changed."""
        return dataclasses.replace(self, **{section: dataclasses.replace(getattr(self, section), **changes)})
