"""The method, parameters and definitions pages of the case packet."""
from __future__ import annotations

from typing import Any, Callable

from reportlab.platypus import PageBreak, Paragraph

from engine.packet.case_state import escape
from engine.packet.doc import Styles
from engine.packet.kmeans_evidence import k_choice_text
from engine.packet.tables import data_table, fmt
from engine.param_docs import param_rows

HeadingFactory = Callable[[str, int], Any]

DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("PSE", "Price-sensitive event: the day inside information became public (here the event date)."),
    ("Reference period Δ̄", "From reference_start to the day before the PSE: when the inside information formed."),
    ("Signed turnover A", "Turnover bought minus sold in a window, rescaled per investor by its largest absolute value."),
    ("Magnitudo a", "Turnover in the target stock over turnover in all stocks in the window (concentration, 0 to 1)."),
    ("Maximum exposure E", "Position (turnover bought minus sold, cumulated from the first date) at its largest absolute value in the window, rescaled per investor."),
    ("Rewarding cluster", "The k-means cluster whose centroid is nearest the rewarding corner (1,1,1) for a buy event, (−1,1,−1) for a sell event."),
    ("Discontinuous investor", "Member of the rewarding cluster in the last window who was never in it in an earlier window not overlapping the last. Hard: never active in the stock before; soft: active before."),
    ("Score", "exp(−distance of the investor's feature point to the rewarding corner)."),
    ("Directionality R_i", "(shares bought − shares sold) / (shares bought + shares sold) over the reference period."),
    ("Expected profit π_i", "Valuation price × net shares bought in the reference period − net turnover paid: the gain of marking the position at the valuation price."),
    ("Daily state", "b when r > θ, s when r < −θ, bs otherwise, with r = (Vb − Vs)/(Vb + Vs) on an active day."),
    ("Validated link", "A pair of investors whose co-occurring states are too frequent for chance: hypergeometric p-value below the corrected threshold."),
    ("Bonferroni", "Validated when p < α / m, m = 9·N(N−1)/2 tests."),
    ("FDR", "Benjamini–Hochberg at level α over the same m tests."),
    ("Ring", "An Infomap cluster of the network of pairs validated in a diagonal type (bb, ss, bsbs)."),
    ("R_C, π_C", "Mean daily r of the members over the reference period; mean expected profit of the members."),
    ("Options risk", "Mean of the day's options-flow component scores (contract-level rules and an out-of-sample IsolationForest), each in [0, 1]; context such as a PSE ahead is never added."),
    ("Calibrated p (options)", "(1 + days before the reference period with a risk at least as high) / (1 + their number); HIGH needs the risk above its level and this p at or below its level."),
)


def method_section(s: Styles, result: Any, doc: dict, heading: HeadingFactory) -> list[Any]:
    """How the results were obtained: the three methods, K and why, correction and threshold, every setting."""
    km, svn = doc["kmeans"], doc["svn"]
    params = result.params
    out: list[Any] = [heading("Method and parameters", 0)]

    def p(text: str, style: str = "body") -> None:
        out.append(Paragraph(escape(text), getattr(s, style)))

    p("Method: Mazzarisi, Ravagnani, Deriu, Lillo, Medda, Russo, \"A machine learning approach to support "
      "decision in insider trading detection\", EPJ Data Science (2024), as specified in the workbench's "
      "METHOD.md.")
    for text in k_choice_text(km):
        p(text)
    p(f"Windows: {km['n_windows']} windows of {params.kmeans.window_length} trading days shifted by "
      f"{params.kmeans.window_step}; the last ends on the trading day before the PSE.")
    p(f"Validated network: correction {svn['correction']}, p-value threshold {fmt(svn['threshold'])} "
      f"over m = {fmt(getattr(result.svn, 'n_tests', None))} tests, {svn['n_investors']} eligible investors "
      f"(active on at least {params.svn.min_active_days} days of a period of {result.svn.n_days} trading days, "
      f"{result.svn.period_start.isoformat()} to {result.svn.period_end.isoformat()}).")
    if result.options.available:
        p(f"Options daily risk: the mean of the components {', '.join(result.options.components or {})}, "
          f"calibrated against {result.options.n_calibration} days before the reference period.")
    out.append(heading("Every setting used", 1))
    rows = [(section, name, "not set" if value is None else fmt(value), doc_line)
            for section, name, value, doc_line in param_rows(params)]
    out.append(data_table(s, ("section", "setting", "value", "definition"), rows, (18, 40, 22, 94)))
    p(f"Parameters hash {params.hash()}", "small")
    out.append(PageBreak())
    return out


def appendix_section(s: Styles, heading: HeadingFactory) -> list[Any]:
    """Definitions of the terms used in the packet."""
    return [heading("Appendix: definitions", 0),
            data_table(s, ("term", "definition"), DEFINITIONS, (40, 134))]
