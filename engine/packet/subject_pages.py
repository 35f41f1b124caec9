"""The packet's pages about one suspect or one ring: narrative, scorecard, figures, evidence.

A page shows only its subject: a ring's raster rows, graph and trades are those of its
members; a suspect with no validated co-trading link is told so in words (no empty graph).
Figures come keyed ``suspect:<id>:<view>`` / ``ring:<id>:<view>`` in the order the views are
registered, so a new view's print figure reaches these pages without editing them.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from engine.narrative.template import explain_ring, explain_suspect
from engine.packet.builder import Builder
from engine.packet.numbers import date, money, number, p_value
from engine.packet.tables import key_values
from engine.svn.counts import LINK_TYPES

MAX_LINK_ROWS = 60
#: a subject's figures print at the full text width unless taller than this (a profile's three
#: panels), so their words stay the size of the caption's
FIGURE_HEIGHT_MM = 115


def figure_keys(b: Builder, prefix: str) -> list[str]:
    """Keys of the rendered figures about one subject, in view-registry order."""
    return [k for k, f in b.figs.items() if k.startswith(prefix) and not f.is_empty]


def _links_of(b: Builder, inv: str) -> list[tuple[Any, ...]]:
    """(neighbour, link type, co-occurring days, p-value) of the investor's validated links."""
    svn = b.r.svn
    i = svn.index_of(inv)
    links = svn.links()
    mask = (links.a == i) | (links.b == i)
    other = np.where(links.a[mask] == i, links.b[mask], links.a[mask])
    return sorted(zip(svn.investor_ids[other].astype(str), (LINK_TYPES[t] for t in links.link_type[mask]),
                      links.cooccurrences[mask].tolist(), (p_value(log10=float(v)) for v in links.log10_p[mask])))


def no_link_reason(b: Builder, inv: str) -> str:
    """Why the investor has no graph, in words ("" when it has validated links)."""
    svn = b.r.svn
    if svn.index_of(inv) < 0:
        return (f"No validated link: {inv} was not tested in the validated network (active on fewer than "
                f"{b.r.params.svn.min_active_days} days of the period).")
    if not _links_of(b, inv):
        return (f"No validated link: {inv} was tested against every eligible investor and no pair passed "
                f"the {svn.correction} threshold {p_value(svn.threshold)}.")
    return ""


def suspect_page(b: Builder, s: Any, in_ring: frozenset[str]) -> None:
    """One suspect: scorecard, narrative citing its exhibits, figures, links, options, notes."""
    inv = s.investor_id
    b.h(f"Suspect {inv} (rank {s.rank})", 1)
    decision = b.state.decisions.get(inv)
    pairs = [("Discontinuity", s.discontinuity), ("Score", f"{s.score:.4f}"),
             ("Shares (net, reference period)", number(s.shares)), ("Directionality", number(s.directionality)),
             ("Expected profit", money(s.expected_profit, b.locale)),
             ("Member of a suspicious ring", inv in in_ring),
             ("Tags", ", ".join(b.state.tags.get(inv, [])) or "none"),
             ("Decision", f"{decision[0]}: {decision[1]} ({date(decision[2], b.locale)})" if decision
              else "none recorded")]
    b.story.append(key_values(b.s, pairs))
    no_link = no_link_reason(b, inv)
    keys = figure_keys(b, f"suspect:{inv}:")
    if no_link:
        keys = [k for k in keys if not k.endswith(":network")]
    numbers = [b.figure_ref(k) for k in keys]
    links = [] if no_link else _links_of(b, inv)
    link_exhibit = b.next_exhibit() if links else ""
    b.p(explain_suspect(investor_id=inv, rank=s.rank, score=s.score, discontinuity=s.discontinuity,
                        shares=s.shares, directionality=s.directionality, expected_profit=s.expected_profit,
                        event=b.r.event, in_ring=inv in in_ring) + b.cite(*numbers, link_exhibit))
    for key, num in zip(keys, numbers):
        b.place_figure(key, num, "", FIGURE_HEIGHT_MM)
    if no_link:
        b.p(no_link)
    else:
        svn = b.r.svn
        b.table_exhibit(link_exhibit, f"Validated links of {inv} ({svn.correction}, p-value threshold "
                                      f"{p_value(svn.threshold)})",
                        ("neighbour", "link type", "co-occurring days", "p-value"), links[:MAX_LINK_ROWS])
        if len(links) > MAX_LINK_ROWS:
            b.p(f"… and {len(links) - MAX_LINK_ROWS} more links (see the links CSV export).", "small")
    hits = [a for a in b.r.options.alerts if any(t.investor_id == inv for t in a.top_accounts)]
    if hits:
        b.p(f"Options: among the top accounts on alert days {', '.join(date(a.date, b.locale) for a in hits)}.",
            "small")
    for n in (n for n in b.state.notes if n.investor_id == inv):
        b.p(f"Note (saved {date(n.updated_at, b.locale)}):", "small")
        b.long_text(n.text, "small")


def member_trades(tables: Any, stock: str, members: Sequence[str], start: Any, end: Any) -> list[tuple[Any, ...]]:
    """Per member, trading in ``stock`` from ``start`` up to the day before ``end``: active days,
    shares bought, sold, net, first and last active day."""
    rows: list[tuple[Any, ...]] = []
    trades = tables.trades if tables is not None else None
    if trades is None:
        return rows
    mine = trades[(trades["stock"] == stock).to_numpy(bool) & trades["investor_id"].isin(list(members)).to_numpy(bool)]
    dates = pd.to_datetime(mine["date"]).dt.date      # of the members' rows only: the table is the whole market
    sel = ((dates >= start) & (dates < end)).to_numpy(bool)
    part = mine.loc[sel, ["investor_id", "buy_shares", "sell_shares"]].assign(day=dates[sel])
    part = part[(part["buy_shares"] + part["sell_shares"]) > 0]
    grouped = part.groupby("investor_id", sort=True)
    for inv in sorted(members):
        if inv not in grouped.groups:
            rows.append((inv, 0, 0, 0, 0, "none", "none"))
            continue
        g = grouped.get_group(inv)
        bought, sold = float(g["buy_shares"].sum()), float(g["sell_shares"].sum())
        rows.append((inv, int(g["day"].nunique()), bought, sold, bought - sold, g["day"].min(), g["day"].max()))
    return rows


def ring_page(b: Builder, g: Any, tables: Any) -> None:
    """One ring: narrative citing its exhibits, its members, their raster, graph and trades."""
    b.h(f"Ring {g.cluster_id} (rank {g.rank})", 1)
    members = [str(m) for m in g.member_ids]
    keys = figure_keys(b, f"ring:{g.cluster_id}:")
    numbers = [b.figure_ref(k) for k in keys]
    ev = b.r.event
    trades = member_trades(tables, ev.stock, members, ev.reference_start, ev.event_date)
    trade_exhibit = b.next_exhibit() if trades else ""
    expr_exhibit = b.next_exhibit() if g.expression else ""
    b.p(explain_ring(cluster_id=g.cluster_id, rank=g.rank, members=members,
                     mean_directionality=g.mean_directionality, mean_expected_profit=g.mean_expected_profit,
                     event=ev, suspects=[s.investor_id for s in b.r.kmeans.suspects], params=b.r.params.svn,
                     active_members=g.active_members)
        + b.cite(*numbers, trade_exhibit, expr_exhibit))
    b.p(f"Members ({len(members)}): " + ", ".join(members), "small")
    for key, num in zip(keys, numbers):
        b.place_figure(key, num, "", FIGURE_HEIGHT_MM)
    if trades:
        b.table_exhibit(trade_exhibit, f"Trades of the members of ring {g.cluster_id} in {ev.stock} over the "
                                       f"reference period ({date(ev.reference_start, b.locale)} to the day "
                                       f"before {date(ev.event_date, b.locale)})",
                        ("member", "active days", "shares bought", "shares sold", "net shares",
                         "first trade", "last trade"),
                        [(r[0], r[1], r[2], r[3], r[4], date(r[5], b.locale) if r[1] else "none",
                          date(r[6], b.locale) if r[1] else "none") for r in trades])
    if g.expression:
        b.table_exhibit(expr_exhibit, f"Investor attributes over- or under-expressed in ring {g.cluster_id}",
                        ("attribute", "value", "in cluster", "in network", "p over-expressed", "p under-expressed",
                         "Bonferroni threshold", "verdict"),
                        [(e.attribute, e.value, f"{e.observed} of {e.cluster_total}",
                          f"{e.network_with_value} of {e.network_total}", p_value(log10=e.log10_p_over),
                          p_value(log10=e.log10_p_under), p_value(log10=e.log10_threshold),
                          "over" if e.over_expressed else ("under" if e.under_expressed else "neither"))
                         for e in g.expression])
