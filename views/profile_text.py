"""The investor profile's text sections as HTML (links with evidence, ring, options accounts,
alerts, filings, notes, decision history); investor ids are links the view turns into
selection requests."""
from __future__ import annotations

import html
from collections.abc import Iterator

import pandas as pd

from engine.case.review import CaseWorkSnapshot
from engine.exports.note_html import sanitise_note_html
from engine.viewdata.network import format_p
from engine.viewdata.profile import InvestorProfile

MAX_DATES = 8
LINK_SCHEME = "investor:"


def _inv(investor_id: str) -> str:
    return f'<a href="{LINK_SCHEME}{html.escape(investor_id)}">{html.escape(investor_id)}</a>'


def _rows(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    head = "".join(f"<th align='left'>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table cellspacing='0' cellpadding='2'><tr>{head}</tr>{body}</table>"


def _section(title: str, body: str, empty: str) -> str:
    return f"<h4>{title}</h4>" + (body if body else f"<p><i>{empty}</i></p>")


def headline(p: InvestorProfile, work: CaseWorkSnapshot) -> str:
    """One line: id, type, k-means standing, ring, decision and tags."""
    parts = [f"<b>{html.escape(p.investor_id)}</b>", f"type {html.escape(p.investor_type) or 'unknown'}"]
    s = p.suspect
    if s is not None:
        parts.append(f"k-means suspect #{s.rank} (score {s.score:.2f}, {s.discontinuity})")
    elif p.discontinuity:
        parts.append(f"{p.discontinuity} discontinuity")
    if p.ring is not None:
        parts.append(f"ring {p.ring.cluster_id} (rank {p.ring.rank}{', suspicious' if p.ring.suspicious else ''})")
    d = work.decisions.get(p.investor_id)
    if d is not None:
        parts.append(f"decision <b>{html.escape(d.decision)}</b>")
    tags = work.tags.get(p.investor_id)
    if tags:
        parts.append("tags " + ", ".join(html.escape(t) for t in tags))
    return "  ·  ".join(parts)


def _links(p: InvestorProfile) -> str:
    """One paragraph per link: partner, type, days and p-value, then the co-occurrence days."""
    if not p.eligible:
        return "<p><i>Not in the validated network's sample (active on too few days).</i></p>"
    out = []
    for link in p.links:
        dates = ", ".join(link.dates[:MAX_DATES]) + (" …" if len(link.dates) > MAX_DATES else "")
        out.append(f"<p>{_inv(link.other)} <b>{link.link_type}</b>, {link.cooccurrences} days, "
                   f"p = {format_p(link.log10_p)}<br><small>{dates}</small></p>")
    if p.n_links > len(p.links):
        out.append(f"<p>{p.n_links - len(p.links)} weaker links not listed.</p>")
    return "".join(out)


def _ring(p: InvestorProfile) -> str:
    r = p.ring
    if r is None:
        return ""
    rc = "n/a" if r.directionality is None else f"{r.directionality:+.2f}"
    members = ", ".join(_inv(m) for m in r.members if m != p.investor_id)
    return (f"<p>Ring {r.cluster_id}, rank {r.rank}, {r.size} members, R_C {rc}"
            f"{', suspicious' if r.suspicious else ''}.<br>With {members}</p>")


def _records(frame: pd.DataFrame, columns: tuple[str, ...]) -> Iterator[tuple]:
    """Rows of ``frame``'s ``columns`` as tuples (itertuples built a row class on every call:
    about 1 ms a table, for the few rows of one investor)."""
    return zip(*(frame[c].to_numpy() for c in columns)) if len(frame) else iter(())


def _options(p: InvestorProfile) -> str:
    rows = [(str(date)[:10], str(right), f"{strike:g}", str(expiry)[:10], f"{volume:,.0f}")
            for date, right, strike, expiry, volume in _records(p.options, ("date", "right", "strike", "expiry",
                                                                             "volume"))]
    return _rows(("Date", "Right", "Strike", "Expiry", "Contracts"), rows) if rows else ""


def _alerts(p: InvestorProfile) -> str:
    rows = [(d.isoformat(), pr, f"{risk:.2f}", f"{share:.0%}") for d, pr, risk, share in p.alerts]
    return _rows(("Date", "Priority", "Risk", "Share of day's volume"), rows) if rows else ""


def _filings(p: InvestorProfile) -> str:
    rows = [(str(date)[:10], html.escape(str(form)), html.escape(str(transaction)))
            for date, form, transaction in _records(p.filings, ("date", "form", "transaction"))]
    return _rows(("Date", "Form", "Transaction"), rows) if rows else ""


def _history(p: InvestorProfile, work: CaseWorkSnapshot) -> str:
    rows = [(e.time[:19].replace("T", " "), html.escape(e.user), e.action.replace("_", " "),
             html.escape(e.what), html.escape(e.reason)) for e in work.history_of(p.investor_id)]
    return _rows(("When (UTC)", "Who", "Did", "What", "Reason"), rows) if rows else ""


def details(p: InvestorProfile, work: CaseWorkSnapshot) -> str:
    """Every text section of the profile, in reading order."""
    note = work.notes.get(p.investor_id, "")
    return "".join((
        _section(f"Links with evidence ({p.correction})", _links(p), "No validated link."),
        _section("Ring", _ring(p), "In no ring."),
        _section("Options accounts", _options(p), "No options trades on this account."),
        _section("Options alerts", _alerts(p), "Not a top account of any alert."),
        _section("Filings", _filings(p), "No filing."),
        _section("Notes", sanitise_note_html(note) if note else "", "No note."),
        _section("Decision history", _history(p, work), "No decision or tag yet."),
    ))
