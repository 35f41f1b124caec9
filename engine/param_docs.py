"""One-line definitions of every analysis setting, shown in the parameters dialog and printed
in the case packet's method section (one source, so screen and paper agree)."""
from __future__ import annotations

import dataclasses

from engine.params import AnalysisParams

PARAM_DOCS: dict[str, str] = {
    "kmeans.window_length": "D: trading days in each k-means window.",
    "kmeans.window_step": "Trading days between the starts of consecutive windows.",
    "kmeans.n_windows": "Number of windows; the last one ends on the trading day before the PSE.",
    "kmeans.k": "Number of clusters K; empty = chosen by the stability of the rewarding cluster across K.",
    "kmeans.k_min": "Smallest K of the K scan.",
    "kmeans.k_max": "Largest K that can be chosen (the scan clusters up to k_max + 2 to judge stability).",
    "kmeans.elbow_tolerance": "Elbow diagnostic: the first K where one more cluster lowers the inertia W_K by less than this share.",
    "kmeans.first_window_restarts": "k-means++ restarts on the first window for every K (the best inertia is kept; later windows start from the previous centroids).",
    "kmeans.k_stability_jaccard": "Jaccard overlap of the rewarding clusters of K and K + 1 from which K counts as stable.",
    "kmeans.k_max_rewarding_share": "A stable K needs a rewarding cluster holding at most this share of the investors active in the last window.",
    "kmeans.stability_delta": "δ: where a cluster's centroid is further than this from its last-window centroid, earlier membership is judged by distance.",
    "kmeans.seed": "Random seed of k-means and of the reconstruction detectors (repeatable results).",
    "kmeans.significance": "Level of the one-sided Fisher tests of the rewarding cluster's discontinuous share (pooled and pairwise).",
    "kmeans.baseline_top_n": "How many top investors of each baseline ranking are compared with the suspects.",
    "kmeans.autoencoder_hidden": "Hidden units of the autoencoder reconstruction detector.",
    "svn.theta": "θ: a day is 'buy' when r > θ, 'sell' when r < −θ, else 'buy and sell'.",
    "svn.min_active_days": "Investors active on fewer days of the period are not tested.",
    "svn.correction": "Multiple-testing correction: bonferroni, fdr (Benjamini–Hochberg) or a typed threshold.",
    "svn.alpha": "Family-wise (Bonferroni) or false-discovery (FDR) level of the link validation.",
    "svn.threshold": "The p-value threshold used when the correction is 'threshold'.",
    "svn.period_start": "First day of the network period; empty = first trading day of the stock.",
    "svn.period_end": "Last day of the network period; empty = last trading day of the stock.",
    "svn.infomap_trials": "Infomap trials (the best partition is kept).",
    "svn.infomap_seed": "Infomap random seed (repeatable clusters).",
    "svn.suspicious_directionality": "A cluster is suspicious when d·R_C reaches this value and at least two of its members are active in the reference period.",
    "svn.neighbourhood_cap": "Largest neighbourhood shown before asking to narrow it.",
    "svn.sweep_low": "Smallest validation threshold of the threshold sweep.",
    "svn.sweep_high": "Largest validation threshold of the threshold sweep (tails are kept up to it).",
    "svn.sweep_per_decade": "Thresholds per decade in the threshold sweep.",
    "options.baseline_days": "Trailing trading days that form the options baseline of a day.",
    "options.min_baseline_days": "With fewer baseline days the day's baseline features and its risk are unavailable.",
    "options.z_cap": "z (above the baseline) at which a one-sided z score (volume, strikes, OTM volume) reaches 1.",
    "options.spike_ratio": "A day is a spike when its volume is at least this multiple of the baseline mean.",
    "options.voi_min_volume": "Contracts a contract must trade that day for its volume / open interest to count.",
    "options.voi_normal": "Volume / open interest of a contract at which its score starts to rise.",
    "options.voi_suspicious": "Volume / open interest of a contract at which its score reaches 1.",
    "options.direction_share_full": "Share of volume in the rewarding type (calls for buy, puts for sell) giving direction score 1; 0 at the baseline share.",
    "options.short_expiry_days": "Calendar days to expiry that count as short-dated for expiry clustering (the first expiry after the day counts too).",
    "options.expiry_share_suspicious": "Short-dated share of volume giving expiry score 1; 0 at the baseline share.",
    "options.otm_min_moneyness": "Strike / underlying above which a call is out of the money (puts mirror it).",
    "options.otm_max_moneyness": "Upper strike / underlying of the out-of-the-money band.",
    "options.otm_max_expiry_days": "Calendar days to expiry that count as short-dated for the OTM feature.",
    "options.iv_change_full": "Rise of the OTM rewarding contracts' implied volatility over its baseline that gives the IV score 1.",
    "options.skew_change_full": "Change of the matched-pair call-minus-put IV spread (in the rewarding direction) that gives the skew score 1.",
    "options.iforest_contamination": "Expected share of anomalous days for the IsolationForest.",
    "options.iforest_seed": "IsolationForest random seed (repeatable scores).",
    "options.iforest_folds": "Contiguous blocks of the days before the reference period, each scored by a forest fitted on the others.",
    "options.alert_threshold": "Daily risk above which a day raises an alert.",
    "options.high_threshold": "Daily risk above which an alert can be HIGH (it also needs the calibrated p).",
    "options.high_p_value": "HIGH needs the day's calibrated p-value (against the days before the reference period) at or below this.",
    "options.pse_lookahead_days": "Context only: a PSE within this many trading days ahead is shown beside an alert (never added to the risk).",
    "options.top_accounts": "Accounts listed per alert (those trading its flagged contracts) when options carry investor ids.",
    "options.contracts_per_alert": "Flagged contracts named per alert.",
    "options.use_narrative_llm": "Ask a local language model (loopback only) to draft alert explanations.",
    "options.narrative_model": "Name of the local model used for drafts.",
    "options.narrative_url": "Address of the local model server (must be a loopback address).",
    "options.narrative_timeout_s": "Seconds to wait for one draft before using the template text.",
    "episodes.gap_multiple": "An episode ends where the gap exceeds this multiple of the investor's median gap.",
    "episodes.min_gap_days": "A gap shorter than this never ends an episode.",
    "episodes.weight_direction": "Weight of the direction component in the episode score.",
    "episodes.weight_concentration": "Weight of the concentration (magnitudo) component.",
    "episodes.weight_exposure": "Weight of the exposure-jump component.",
    "episodes.weight_timing": "Weight of the timing component.",
    "episodes.timing_decay_days": "Trading days over which the timing component decays before the reference period.",
    "episodes.high_risk_score": "Episode score from which an episode counts as high risk.",
    "placebo.n": "Pseudo-events (ordinary days of the stock) the event is compared with; 0 = no placebo test.",
    "placebo.windows": "W: k-means windows of the event's comparison run and of every pseudo-event (at least 8).",
    "placebo.min_distance": "Trading days a pseudo-event keeps from any price-sensitive event of the stock.",
    "placebo.spacing": "Trading days at least between two pseudo-events.",
}


def param_rows(params: AnalysisParams) -> list[tuple[str, str, object, str]]:
    """(section, name, value, definition) for every setting, in declaration order."""
    rows = []
    for section in dataclasses.fields(params):
        sub = getattr(params, section.name)
        for f in dataclasses.fields(sub):
            key = f"{section.name}.{f.name}"
            rows.append((section.name, f.name, getattr(sub, f.name), PARAM_DOCS.get(key, "")))
    return rows
