"""The PDF case packet: evidence, method, parameters, provenance and sign-off of one analysis.

Qt-free: figures arrive as 300 dpi PNG bytes (``ReportFigure``) drawn for paper by the views'
print path, in the colours the investigator sees on screen. Same result + case state + figures -> same bytes
(ReportLab invariant mode; no clock reading; every time printed is a stored time).
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any, Mapping

from reportlab.platypus import Paragraph, Spacer
from reportlab.lib.units import mm

from engine.packet.builder import Builder
from engine.packet.case_pages import audit_pages, notes_pages, signoff_page
from engine.packet.figures import ReportFigure
from engine.narrative.template import explain_ring, explain_suspect
from engine.packet.case_state import CaseState
from engine.packet.doc import ExhibitList, PacketTemplate, contents_styles
from engine.packet.kmeans_evidence import significance_story
from engine.packet.method import method_section, appendix_section
from engine.packet.numbers import Locale, date, money, number, p_value, timestamp
from engine.packet.subject_pages import ring_page, suspect_page
from engine.packet.options_section import options_section
from engine.packet.placebo_section import placebo_pages
from engine.packet.tables import data_table, figure, key_values
from engine.results import AnalysisResult, result_json
from reportlab.platypus.tableofcontents import TableOfContents

DEFAULT_TOP_SUSPECTS = 20
DEFAULT_TOP_RINGS = 5


@dataclass(frozen=True)
class PacketRequest:
    """What to include: suspect ids and ring ids (None = the top ones), the paper size and the
    packet's locale (date format, currency of the stock)."""

    suspects: tuple[str, ...] | None = None
    rings: tuple[int, ...] | None = None
    page_size: str = "A4"
    locale: Locale = field(default_factory=Locale)
    placebo: Any = None              # a PlaceboResult to print (engine.packet.placebo_section), or None


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


class _Packet(Builder):
    """The packet's sections in order (cover, contents, summary, method, evidence, case work, sign-off)."""

    def __init__(self, result: AnalysisResult, state: CaseState, figures: Mapping[str, ReportFigure],
                 request: PacketRequest, width: float, tables: Any) -> None:
        super().__init__(result, state, figures, request.locale, width)
        self.req, self.tables = request, tables
        self.doc = result_json(result, state.file_hashes, state.file_names)
        self.in_ring = result.svn.suspicious_members()

    def overview_figures(self, section: str, missing: str, height: float = 95) -> list[str]:
        """Place the overview figures the views drew for ``section`` (keys ``overview:<section>:<view>``)."""
        keys = [k for k in self.figs if k.startswith(f"overview:{section}:")]
        if not keys:
            self.p(missing, "small")
        return [self.fig(k, missing, height) for k in keys]

    # -- sections --------------------------------------------------------------------
    def cover(self) -> None:
        ev, st, case, loc = self.r.event, self.state, self.doc["case"], self.locale
        self.story.append(Paragraph("Case packet", self.s.title))
        self.p(f"{st.case_name}: event {ev.event_id} on {ev.stock}")
        investigator = (f"{st.investigator}{', ' + st.role if st.role else ''}" if st.investigator
                        else "not recorded in the case settings")
        pairs = [("Case", st.case_name), ("Event", f"{ev.event_id} ({ev.description})" if ev.description else ev.event_id),
                 ("Stock", ev.stock), ("PSE date", date(ev.event_date, loc)),
                 ("Reference period", f"{date(ev.reference_start, loc)} to the day before {date(ev.event_date, loc)}"),
                 ("Rewarding direction", ev.direction),
                 ("Offer price", money(ev.offer_price, loc, 2) if ev.offer_price is not None else "none"),
                 ("Investigator", investigator),
                 ("Case state as of", timestamp(st.state_time, loc) if st.state_time else "no recorded action"),
                 ("Software version", self.r.software_version), ("Data hash (SHA-256)", self.r.data_hash),
                 ("Parameters hash", case["parameters_hash"]), ("Audit chain hash", st.chain_hash or "none")]
        self.story.append(key_values(self.s, pairs))
        self.story.append(Spacer(1, 4 * mm))
        rows = [(name, st.file_names.get(name, ""), digest) for name, digest in sorted(st.file_hashes.items())]
        self.p("Input files as imported (SHA-256 of each original file):", "small")
        self.story.append(data_table(self.s, ("table", "file", "SHA-256"), rows, (22, 45, 107)))
        self.p("The data hash is recomputed from the stored tables by `verify`; the chain hash identifies "
               "the last audit entry before this export (`verify CASE --packet THIS.pdf`).", "small")
        self.page_break()

    def contents(self) -> None:
        """Sections with their pages, then the numbered exhibits with theirs (filled on the second pass)."""
        self.story.append(Paragraph("Contents", self.s.h1))
        toc = TableOfContents(levelStyles=contents_styles(self.s.body), dotsMinLevel=0)
        self.story.append(toc)
        self.story.append(Paragraph("Exhibits", self.s.h1))
        exhibits = ExhibitList(levelStyles=contents_styles(self.s.body), dotsMinLevel=0)
        self.story.append(exhibits)
        self.page_break()

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
            self.p(f"Dynamic k-means: {number(n_susp)} discontinuous investors in the rewarding cluster "
                   f"({number(hard)} hard, {number(n_susp - hard)} soft) among the investors active in the last "
                   f"window; K = {km['k']}.")
        self.p(f"Validated network ({svn['correction']}, p-value threshold {p_value(svn['threshold'])}): "
               f"{number(svn['n_investors'])} eligible investors, {number(len(rings))} clusters, "
               f"{number(len(suspicious))} suspicious (directionality in the rewarding direction at least "
               f"{number(self.r.params.svn.suspicious_directionality)}).")
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
        self.page_break()

    def kmeans(self) -> None:
        km = self.doc["kmeans"]
        self.h("Dynamic k-means: single suspects", 0)
        self.overview_figures("kmeans", "The feature cube figure was not rendered for this packet.")
        self.h("Significance of the rewarding cluster", 1)
        self.story.extend(significance_story(self.s, km))
        self.h("Baselines", 1)
        base = km["baselines"]
        rows = [(b["name"], b["jaccard_top_n"] if b["available"] else b["reason"], b["suspects_in_top_n"])
                for b in base["rankings"]]
        self.p(f"Overlap of the top {base['top_n']} of other rankings with the k-means suspects (Jaccard).", "small")
        self.story.append(data_table(self.s, ("ranking", "Jaccard top-n", "suspects in top-n"), rows))
        self.h("Ranked suspects", 1)
        if not km["suspects"]:
            self.p("No discontinuous investors found in the rewarding cluster.")
        else:
            ranked = [(s["rank"], s["investor_id"], s["discontinuity"], f"{s['score']:.4f}", s["shares"],
                       s["directionality"], money(s["expected_profit"], self.locale),
                       "yes" if s["investor_id"] in self.in_ring else "") for s in km["suspects"]]
            self.table_exhibit(self.next_exhibit(), "Ranked k-means suspects",
                               ("rank", "investor", "type", "score", "shares (net)", "directionality",
                                "expected profit", "in ring"), ranked)
        self.page_break()

    def rings(self) -> None:
        self.h("Validated network: insider rings", 0)
        rings = self.r.svn.rings
        if not rings:
            self.p("No cluster: the validated network has no link under this correction.")
            self.page_break()
            return
        rows = [(g.rank, g.cluster_id, g.size, g.mean_directionality, money(g.mean_expected_profit, self.locale),
                 "yes" if g.suspicious else "") for g in rings[:40]]
        self.story.append(data_table(self.s, ("rank", "cluster", "size", "R_C", "π_C", "suspicious"), rows))
        for g in chosen_rings(self.r, self.req):
            ring_page(self, g, self.tables)
        self.page_break()

    def options(self) -> None:
        keys = [k for k in self.figs if k.startswith("overview:options:")]
        number = self.figure_ref(keys[0]) if keys else ""
        shown = figure(self.s, self.figs.get(keys[0]) if keys else None, self.width, 120 * mm,
                       "The options-flow figure was not rendered.", number)
        self.story.extend(options_section(self.s, self.r.options, self.state.alert_states, shown, self.heading))

    def build(self) -> list[Any]:
        self.cover()
        self.contents()
        self.summary()
        self.story.extend(method_section(self.s, self.r, self.doc, self.heading))
        self.kmeans()
        chosen = chosen_suspects(self.r, self.req)
        if chosen:
            self.h("Suspects in detail", 0)
            for s in chosen:
                suspect_page(self, s, self.in_ring)
            self.page_break()
        self.rings()
        self.options()
        self.story.extend(placebo_pages(self.s, self.req.placebo, [s.investor_id for s in chosen],
                                        [r.cluster_id for r in chosen_rings(self.r, self.req)], self.width,
                                        self.heading))
        notes_pages(self)
        audit_pages(self)
        self.story.extend(appendix_section(self.s, self.heading))
        self.page_break()
        signoff_page(self)
        return self.story


def build_packet(result: AnalysisResult, state: CaseState, figures: Mapping[str, ReportFigure],
                 request: PacketRequest = PacketRequest(), tables: Any = None) -> bytes:
    """The PDF bytes of the case packet (``tables``, when given, adds the ring members' trades)."""
    buffer = io.BytesIO()
    ev = result.event
    doc = PacketTemplate(buffer, request.page_size, title=f"Case packet: {state.case_name} / {ev.event_id}",
                         subject=f"Insider-trading case packet, event {ev.event_id} on {ev.stock}",
                         keywords=packet_keywords(result.data_hash, state.chain_hash),
                         header=f"{state.case_name} · event {ev.event_id} · data {result.data_hash[:16]}…",
                         author=state.investigator or "Investigation workbench", created=state.state_time)
    packet = _Packet(result, state, figures, request, doc.width, tables)
    doc.build_with_contents(packet.build(), buffer)
    return buffer.getvalue()
