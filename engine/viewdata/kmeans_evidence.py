"""What the suspects table and the cube say about K and the verdict, and the sensitivity table
one click away (METHOD §1): which K, why, how stable, and how the verdict moves with K."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SENSITIVITY_HEADER: tuple[str, ...] = ("K", "rewarding size", "centroid (A, a, E)", "discontinuous share",
                                       "suspects", "pooled p", "largest pairwise p", "anomalous",
                                       "all pairs", "suspects overlap")


@dataclass(frozen=True)
class KEvidence:
    """One-line K and verdict summary, its longer explanation, and the sensitivity rows."""

    headline: str
    details: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    chosen_row: int                 # index of the chosen K in ``rows`` (-1 when absent)


def _p(value: float | None) -> str:
    return "–" if value is None else f"{value:.2g}"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def k_evidence(km: Any) -> KEvidence:
    """From a ``KMeansResult``: K and why, stability, the verdicts, the K − 2 … K + 2 rows."""
    sel, c = km.selection, km.clusters
    sig, check = c.significance, c.stability
    if sel.rule == "fixed":
        how = "fixed by the investigator"
    else:
        how = "stable across K" if sel.stable else "NOT stable across K"
    verdict = "anomalous" if sig.anomalous else "not anomalous"
    headline = (f"K = {km.k} ({how}) · rewarding cluster {c.rewarding_cluster} {verdict} "
                f"(pooled Fisher p = {_p(sig.pooled.p_value)})")
    moved = check.rewarding_windows
    details = (f"{sel.reason}. All-pairs reading: {'anomalous' if sig.anomalous_all_pairs else 'not anomalous'}. "
               + (f"The rewarding label wandered in {len(moved)} earlier window(s); membership there is judged "
                  f"by distance (δ = {check.delta:g}); without that rule {check.suspects_without_rule} suspects, "
                  f"{'anomalous' if check.anomalous_without_rule else 'not anomalous'}."
                  if moved else f"The rewarding centroid stayed within δ = {check.delta:g} in every earlier window.")
               + f" {km.restarts} restarts per K.")
    rows = tuple((str(r.k), str(r.rewarding_size), ", ".join(f"{v:+.2f}" for v in r.centroid),
                  _share(r.discontinuous_share), str(r.n_suspects), _p(r.p_pooled), _p(r.p_pairwise_max),
                  "yes" if r.anomalous else "no", "yes" if r.anomalous_all_pairs else "no",
                  f"{r.suspects_jaccard:.2f}") for r in km.sensitivity)
    chosen = next((i for i, r in enumerate(km.sensitivity) if r.k == km.k), -1)
    return KEvidence(headline=headline, details=details, header=SENSITIVITY_HEADER, rows=rows, chosen_row=chosen)
