"""The PDF case packet: evidence, method, parameters and provenance of one analysis.

Qt-free: figures arrive as PNG bytes (``ReportFigure``) rendered by the views, so the
packet shows what the investigator saw. Same result + case state + figures -> same bytes
(ReportLab invariant mode; no clock reading; every time printed is a stored time).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
from reportlab.platypus import PageBreak, Paragraph, Spacer
from reportlab.lib.units import mm

from engine.packet.figures import ReportFigure
from engine.narrative.template import explain_ring, explain_suspect
from engine.packet.case_state import CaseState, escape
from engine.packet.doc import Heading, PacketTemplate, Styles, make_styles
from engine.packet.kmeans_evidence import significance_story
from engine.packet.method import method_section, appendix_section
from engine.packet.options_section import options_section
from engine.packet.tables import data_table, figure, fmt, key_values
from engine.results import AnalysisResult, result_json
from engine.svn.counts import LINK_TYPES

DEFAULT_TOP_SUSPECTS = 20
DEFAULT_TOP_RINGS = 5


@dataclass(frozen=True)
class PacketRequest:
    """What to include: suspect ids and ring ids (None = the top ones), and the paper size."""

    suspects: tuple[str, ...] | None = None
    rings: tuple[int, ...] | None = None
    page_size: str = "A4"


def packet_keywords(data_hash: str, chain_hash: str) -> str:
    """Machine-readable provenance in the PDF's keywords, read back by ``verify --packet``."""
    return f"data_hash={data_hash}; chain_hash={chain_hash}"


def chosen_suspects(result: AnalysisResult, request: PacketRequest) -> list[Any]:
    """The suspects to print, in rank order."""
    suspects = list(result.kmeans.suspects)
    if request.suspects is None:
        return suspects[:DEFAULT_TOP_SUSPECTS]
    wanted = set(request.suspects)
    return [s for s in suspects if s.investor_id in wanted]


def chosen_rings(result: AnalysisResult, request: PacketRequest) -> list[Any]:
    """The rings to print, in rank order."""
    rings = list(result.svn.rings)
    if request.rings is None:
        return rings[:DEFAULT_TOP_RINGS]
    wanted = set(request.rings)
    return [r for r in rings if r.cluster_id in wanted]


class _Builder:
    """Accumulates the flowables of the packet, section by section."""

    def __init__(self, result: AnalysisResult, state: CaseState, figures: Mapping[str, ReportFigure],
                 request: PacketRequest, width: float) -> None:
        self.r, self.state, self.figs, self.req = result, state, figures, request
        self.doc = result_json(result, state.file_hashes, state.file_names)
        self.s: Styles = make_styles()
        self.width = width
        self.story: list[Any] = []
        self._keys = 0
        self.in_ring = result.svn.suspicious_members()

    # -- primitives ------------------------------------------------------------------
    def h(self, text: str, level: int) -> None:
        self._keys += 1
        style = self.s.h1 if level == 0 else self.s.h2
        self.story.append(Heading(escape(text), style, level, f"k{self._keys}"))

    def p(self, text: str, style: str = "body") -> None:
        self.story.append(Paragraph(escape(text), getattr(self.s, style)))

    def fig(self, key: str, missing: str, height: float = 95) -> None:
        self.story.extend(figure(self.s, self.figs.get(key), self.width, height * mm, missing))

    # -- sections --------------------------------------------------------------------
    def cover(self) -> None:
        ev, st, case = self.r.event, self.state, self.doc["case"]
        self.story.append(Paragraph("Case packet", self.s.title))
        self.p(f"{st.case_name}: event {ev.event_id} on {ev.stock}")
        pairs = [("Case", st.case_name), ("Event", f"{ev.event_id} ({ev.description})" if ev.description else ev.event_id),
                 ("Stock", ev.stock), ("PSE date", ev.event_date.isoformat()),
                 ("Reference period", f"{ev.reference_start.isoformat()} to the day before {ev.event_date.isoformat()}"),
                 ("Rewarding direction", ev.direction), ("Offer price", ev.offer_price),
                 ("Investigator", st.investigator or "unknown"),
                 ("Case state as of", st.state_time or "no recorded action"),
                 ("Software version", self.r.software_version), ("Data hash (SHA-256)", self.r.data_hash),
                 ("Parameters hash", case["parameters_hash"]), ("Audit chain hash", st.chain_hash or "none")]
        self.story.append(key_values(self.s, pairs))
        self.story.append(Spacer(1, 4 * mm))
        rows = [(name, st.file_names.get(name, ""), digest) for name, digest in sorted(st.file_hashes.items())]
        self.p("Input files as imported (SHA-256 of each original file):", "small")
        self.story.append(data_table(self.s, ("table", "file", "SHA-256"), rows, (22, 45, 107)))
        self.p("The data hash is recomputed from the stored tables by `verify`; the chain hash identifies "
               "the last audit entry before this export (`verify CASE --packet THIS.pdf`).", "small")
        self.story.append(PageBreak())

    def summary(self) -> None:
        km, svn, opt = self.doc["kmeans"], self.doc["svn"], self.doc["options"]
        self.h("Summary", 0)
        hard = sum(1 for s in km["suspects"] if s["discontinuity"] == "hard")
        n_susp = len(km["suspects"])
        rings = self.r.svn.rings
        suspicious = [g for g in rings if g.suspicious]
        if n_susp == 0:
            self.p("Dynamic k-means: no discontinuous investors found in the rewarding cluster of the last "
                   "window before the PSE.")
        else:
            self.p(f"Dynamic k-means: {n_susp} discontinuous investors in the rewarding cluster "
                   f"({hard} hard, {n_susp - hard} soft) among the investors active in the last window; "
                   f"K = {km['k']}.")
        self.p(f"Validated network ({svn['correction']}, threshold {fmt(svn['threshold'])}): "
               f"{svn['n_investors']} eligible investors, {len(rings)} clusters, {len(suspicious)} suspicious "
               f"(directionality in the rewarding direction at least "
               f"{fmt(self.r.params.svn.suspicious_directionality)}).")
        both = sorted({s.investor_id for s in self.r.kmeans.suspects} & self.in_ring)
        if both:
            self.p(f"Both methods agree on {len(both)} investor(s): {', '.join(both[:30])}"
                   + (" …" if len(both) > 30 else "") + ".")
        if opt.get("available"):
            high = sum(1 for a in opt["alerts"] if a["priority"] == "HIGH")
            self.p(f"Options flow: {len(opt['alerts'])} alert days ({high} HIGH).")
        else:
            self.p(f"Options flow: not analysed ({opt.get('reason', 'no data')}).")
        for s in list(self.r.kmeans.suspects)[:3]:
            self.p(explain_suspect(investor_id=s.investor_id, rank=s.rank, score=s.score,
                                   discontinuity=s.discontinuity, shares=s.shares,
                                   directionality=s.directionality, expected_profit=s.expected_profit,
                                   event=self.r.event, in_ring=s.investor_id in self.in_ring))
        for g in suspicious[:3]:
            self.p(explain_ring(cluster_id=g.cluster_id, rank=g.rank, members=list(g.member_ids),
                                mean_directionality=g.mean_directionality,
                                mean_expected_profit=g.mean_expected_profit, event=self.r.event,
                                suspects=[s.investor_id for s in self.r.kmeans.suspects],
                                params=self.r.params.svn, active_members=g.active_members))
        self.story.append(PageBreak())

    def kmeans(self) -> None:
        km = self.doc["kmeans"]
        self.h("Dynamic k-means: single suspects", 0)
        self.fig("cube", "The feature cube figure was not rendered for this packet.")
        self.h("Significance of the rewarding cluster", 1)
        self.story.extend(significance_story(self.s, km))
        self.h("Baselines", 1)
        base = km["baselines"]
        rows: list[tuple[Any, ...]] = [(b["name"], b["jaccard_top_n"] if b["available"] else b["reason"],
                                        b["suspects_in_top_n"]) for b in base["rankings"]]
        self.p(f"Overlap of the top {base['top_n']} of other rankings with the k-means suspects (Jaccard).", "small")
        self.story.append(data_table(self.s, ("ranking", "Jaccard top-n", "suspects in top-n"), rows))
        self.h("Ranked suspects", 1)
        if not km["suspects"]:
            self.p("No discontinuous investors found in the rewarding cluster.")
        else:
            rows = [(s["rank"], s["investor_id"], s["discontinuity"], f"{s['score']:.4f}", s["shares"],
                     s["directionality"], s["expected_profit"], "yes" if s["investor_id"] in self.in_ring else "")
                    for s in km["suspects"]]
            self.story.append(data_table(self.s, ("rank", "investor", "type", "score", "shares (net)",
                                                  "directionality", "expected profit", "in ring"), rows))
        self.story.append(PageBreak())

    def suspect(self, s: Any) -> None:
        inv = s.investor_id
        self.h(f"Suspect {inv} (rank {s.rank})", 1)
        decision = self.state.decisions.get(inv)
        pairs = [("Discontinuity", s.discontinuity), ("Score", f"{s.score:.4f}"), ("Shares (net, reference period)", s.shares),
                 ("Directionality", s.directionality), ("Expected profit", s.expected_profit),
                 ("Member of a suspicious ring", inv in self.in_ring),
                 ("Tags", ", ".join(self.state.tags.get(inv, [])) or "none"),
                 ("Decision", f"{decision[0]}: {decision[1]} ({decision[2]})" if decision else "none recorded")]
        self.story.append(key_values(self.s, pairs))
        self.p(explain_suspect(investor_id=inv, rank=s.rank, score=s.score, discontinuity=s.discontinuity,
                               shares=s.shares, directionality=s.directionality,
                               expected_profit=s.expected_profit, event=self.r.event,
                               in_ring=inv in self.in_ring))
        self.fig(f"suspect:{inv}:path", "Feature path not rendered.", 70)
        self.fig(f"suspect:{inv}:activity", "Activity strip not rendered.", 35)
        self.fig(f"suspect:{inv}:network", "Neighbourhood graph not rendered.", 70)
        self.link_evidence(inv)
        self.options_involvement(inv)
        notes = [n for n in self.state.notes if n.investor_id == inv]
        for n in notes:
            self.p(f"Note (saved {n.updated_at}): {n.text}", "small")

    def link_evidence(self, inv: str) -> None:
        svn = self.r.svn
        i = svn.index_of(inv)
        if i < 0:
            self.p(f"{inv} is not eligible for the validated network (fewer than "
                   f"{self.r.params.svn.min_active_days} active days).", "small")
            return
        links = svn.links()
        mask = (links.a == i) | (links.b == i)
        if not mask.any():
            self.p(f"No validated co-trading link ({svn.correction}).", "small")
            return
        other = np.where(links.a[mask] == i, links.b[mask], links.a[mask])
        rows = sorted(zip(svn.investor_ids[other], (LINK_TYPES[t] for t in links.link_type[mask]),
                          links.cooccurrences[mask].tolist(), (f"1e{v:.2f}" for v in links.log10_p[mask])))
        self.p(f"Validated links ({svn.correction}, p-value threshold {fmt(svn.threshold)}):", "small")
        self.story.append(data_table(self.s, ("neighbour", "link type", "co-occurring days", "p-value"), rows[:60]))
        if len(rows) > 60:
            self.p(f"… and {len(rows) - 60} more links (see the links CSV export).", "small")

    def options_involvement(self, inv: str) -> None:
        hits = [a for a in self.r.options.alerts if any(t.investor_id == inv for t in a.top_accounts)]
        if hits:
            self.p(f"Options: traded the flagged contracts on alert days {', '.join(a.date.isoformat() for a in hits)}.", "small")

    def rings(self) -> None:
        self.h("Validated network: insider rings", 0)
        rings = self.r.svn.rings
        if not rings:
            self.p("No cluster: the validated network has no link under this correction.")
            self.story.append(PageBreak())
            return
        rows = [(g.rank, g.cluster_id, g.size, g.mean_directionality, g.mean_expected_profit,
                 "yes" if g.suspicious else "") for g in rings[:40]]
        self.story.append(data_table(self.s, ("rank", "cluster", "size", "R_C", "π_C", "suspicious"), rows))
        for g in chosen_rings(self.r, self.req):
            self.h(f"Ring {g.cluster_id} (rank {g.rank})", 1)
            self.p(explain_ring(cluster_id=g.cluster_id, rank=g.rank, members=list(g.member_ids),
                                mean_directionality=g.mean_directionality,
                                mean_expected_profit=g.mean_expected_profit, event=self.r.event,
                                suspects=[s.investor_id for s in self.r.kmeans.suspects], params=self.r.params.svn,
                                active_members=g.active_members))
            self.p("Members: " + ", ".join(map(str, g.member_ids)), "small")
            self.fig(f"ring:{g.cluster_id}:raster", "Member raster not rendered.", 60)
            self.fig(f"ring:{g.cluster_id}:network", "Ring graph not rendered.", 70)
            expr = [(e.attribute, e.value, f"{e.observed} of {e.cluster_total}",
                     f"{e.network_with_value} of {e.network_total}", f"1e{e.log10_p_over:.2f}",
                     f"1e{e.log10_p_under:.2f}", f"1e{e.log10_threshold:.2f}",
                     "over" if e.over_expressed else ("under" if e.under_expressed else "neither"))
                    for e in g.expression]
            if expr:
                self.story.append(data_table(self.s, ("attribute", "value", "in cluster", "in network",
                                                      "p over-expressed", "p under-expressed",
                                                      "Bonferroni threshold", "verdict"), expr))
        self.story.append(PageBreak())

    def options(self) -> None:
        fig = figure(self.s, self.figs.get("options"), self.width, 120 * mm,
                     "The options-flow figure was not rendered.")
        self.story.extend(options_section(self.s, self.r.options, self.state.alert_states, fig, self._heading))

    def notes_and_audit(self) -> None:
        self.h("Notes", 0)
        if not self.state.notes:
            self.p("No notes were recorded.")
        for n in self.state.notes:
            who = "Case note" if n.investor_id is None else f"Investor {n.investor_id}"
            self.p(f"{who}, saved {n.updated_at}:", "small")
            self.p(n.text)
        if self.state.annotations:
            self.h("Link-chart annotations", 1)
            for a in self.state.annotations:
                self.p(f"{'Investor' if a.kind == 'node' else 'Link'} {a.target}: {a.text}")
        self.h("Audit trail", 0)
        self.p("Every action that changed the case, oldest first (export entries are not printed). Each entry "
               "carries the hash of the previous one, so any edit, deletion or reordering is detected.", "small")
        rows = [(a.seq, a.time, a.user, a.action, a.details[:300], a.hash[:16]) for a in self.state.audit]
        self.story.append(data_table(self.s, ("#", "time (UTC)", "user", "action", "details", "hash"), rows,
                                     (8, 30, 20, 20, 72, 24)))
        self.story.append(PageBreak())

    def build(self) -> list[Any]:
        self.cover()
        self.summary()
        self.story.extend(method_section(self.s, self.r, self.doc, self._heading))
        self.kmeans()
        chosen = chosen_suspects(self.r, self.req)
        if chosen:
            self.h("Suspects in detail", 0)
            for s in chosen:
                self.suspect(s)
            self.story.append(PageBreak())
        self.rings()
        self.options()
        self.notes_and_audit()
        self.story.extend(appendix_section(self.s, self._heading))
        return self.story

    def _heading(self, text: str, level: int) -> Heading:
        self._keys += 1
        return Heading(escape(text), self.s.h1 if level == 0 else self.s.h2, level, f"k{self._keys}")


def build_packet(result: AnalysisResult, state: CaseState, figures: Mapping[str, ReportFigure],
                 request: PacketRequest = PacketRequest()) -> bytes:
    """The PDF bytes of the case packet."""
    buffer = io.BytesIO()
    ev = result.event
    doc = PacketTemplate(buffer, request.page_size, title=f"Case packet: {state.case_name} / {ev.event_id}",
                         subject=f"Insider-trading case packet, event {ev.event_id} on {ev.stock}",
                         keywords=packet_keywords(result.data_hash, state.chain_hash),
                         header=f"{state.case_name} · event {ev.event_id} · data {result.data_hash[:16]}…")
    builder = _Builder(result, state, figures, request, doc.width)
    doc.build(builder.build())
    return buffer.getvalue()
