"""The k-means evidence of the case packet in plain words (METHOD §1): how K was chosen and
how stable it is, the significance tests, the centroid stability check and the K − 2 … K + 2
sensitivity table. Reads only the ``kmeans`` JSON section, so paper and JSON agree."""
from __future__ import annotations

from typing import Any

from reportlab.platypus import Paragraph

from engine.packet.case_state import escape
from engine.packet.doc import Styles
from engine.packet.numbers import p_value
from engine.packet.tables import data_table, fmt


def k_choice_text(km: dict[str, Any]) -> list[str]:
    """Paragraphs for the method page: the K rule, its outcome, and the elbow diagnostic."""
    sel, elbow = km["k_selection"], km["elbow"]
    if sel["rule"] == "fixed":
        return [f"K = {km['k']} was fixed by the investigator; K was not chosen by the workbench."]
    out = [
        "How K was chosen. The same analysis (k-means in every window, warm-started from the previous "
        "window, clusters matched across windows) was run for every K from 2 up to 17. For each K the "
        "workbench kept the members of the cluster nearest the rewarding corner in the last window, and "
        "compared them with the same cluster at K + 1. K is the first K of the longest run of K values over "
        "which that cluster keeps the same members (Jaccard overlap of at least 0.9) while holding at most "
        "half of the investors active in the last window: the suspects then do not depend on the exact K.",
        f"Outcome: K = {km['k']}; {sel['reason']}. Each K was fitted with {km['restarts']} random restarts "
        "in the first window, enough that another random seed gives the same K and suspects.",
    ]
    if not sel["stable"]:
        out.append("Caution: no K gave a stable rewarding cluster, so the suspects depend on K; see the "
                   "sensitivity table.")
    found = [k for k in elbow["per_window"] if k is not None]
    out.append(f"Diagnostic only: the paper's 5% elbow rule on the within-cluster sum of squares W_K gives "
               f"a K in {len(found)} of {len(elbow['per_window'])} windows"
               + (f" (from {min(found)} to {max(found)})" if found else "")
               + f" and none in {elbow['windows_without_elbow']}; it moves with the optimiser's effort, which is "
               "why it does not choose K.")
    return out


def _stability_text(km: dict[str, Any]) -> str:
    st = km["stability"]
    windows = st["windows_judged_by_distance"]
    if not windows:
        return (f"Centroid stability: the rewarding cluster's centre stayed within {fmt(st['delta'])} of its "
                "last position in every earlier window, so membership follows the cluster labels.")
    return (f"Centroid stability: in {len(windows)} earlier window(s) (0-based: {', '.join(map(str, windows))}) "
            f"the rewarding cluster's label sat further than {fmt(st['delta'])} from its last position, so there "
            "it no longer meant the same behaviour; in those windows an investor counts as having been in the "
            "rewarding cluster only when its point was nearer the cluster's last centre than every centre of "
            f"that window. Without this rule: {st['n_suspects_without_rule']} suspects and the verdict "
            f"'{'anomalous' if st['anomalous_without_rule'] else 'not anomalous'}'.")


def significance_story(styles: Styles, km: dict[str, Any]) -> list[Any]:
    """Paragraphs and tables of the significance tests, the stability check and the sensitivity."""
    out: list[Any] = []

    def p(text: str) -> None:
        out.append(Paragraph(escape(text), styles.body))

    sig = km["significance"]
    pooled = sig["pooled"]
    verdict = "is" if km["anomalous"] else "is not"
    p(f"Primary test: is the share of discontinuous members larger in the rewarding cluster "
      f"{km['rewarding_cluster']} ({fmt(pooled['share_rewarding'])}) than in all other clusters together "
      f"({fmt(pooled['share_rest'])})? One-sided Fisher exact test: p = {p_value(pooled['p_value'])}; the rewarding "
      f"cluster {verdict} anomalous at {fmt(sig['level'])}.")
    both = "also rejects" if km["anomalous_all_pairs"] else "does not reject"
    p(f"Secondary (the paper's reading): the same test against each other cluster of at least two members; "
      f"every comparison must reject. It {both}. A small cluster can decide this reading alone, which is "
      "why it is secondary.")
    p(sig["note"])
    rows = [(c["cluster_id"], c["size"], c["share_rewarding"], c["share_other"],
             p_value(c["p_value"]) if c["test"] else "not tested (fewer than 2 members)") for c in sig["pairwise"]]
    if rows:
        out.append(data_table(styles, ("vs cluster", "members", "discontinuous share (rewarding)",
                                       "discontinuous share (other)", "one-sided Fisher p"), rows))
    p(_stability_text(km))
    p("Sensitivity to K: the same analysis with K fixed two below to two above the chosen K.")
    by_k = [(r["k"], r["rewarding_size"], r["discontinuous_share"], r["n_suspects"], p_value(r["p_pooled"]),
             p_value(r["p_pairwise_max"]), r["suspects_jaccard"]) for r in km["sensitivity"]]
    out.append(data_table(styles, ("K", "rewarding size", "discontinuous share", "suspects", "pooled p",
                                   "largest pairwise p", "suspects overlap with chosen K"), by_k))
    return out
