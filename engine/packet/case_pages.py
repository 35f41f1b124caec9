"""The investigator's part of the packet: notes, the audit trail as a table, and the sign-off page."""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from engine.packet.audit_text import audit_rows
from engine.packet.builder import Builder
from engine.packet.case_state import escape
from engine.packet.numbers import date, timestamp

SIGNATURE_LINE = "_" * 48


def notes_pages(b: Builder) -> None:
    """Every note, case note first; long notes cost time linear in their length."""
    b.h("Notes", 0)
    if not b.state.notes:
        b.p("No notes were recorded.")
    for n in b.state.notes:
        who = "Case note" if n.investor_id is None else f"Investor {n.investor_id}"
        b.p(f"{who}, saved {timestamp(n.updated_at, b.locale)}:", "small")
        b.long_text(n.text)
    if b.state.annotations:
        b.h("Link-chart annotations", 1)
        for a in b.state.annotations:
            b.p(f"{'Investor' if a.kind == 'node' else 'Link'} {a.target}: {a.text}")


def audit_pages(b: Builder) -> None:
    """The audit trail in words (who, when, what); note saves folded; no JSON, no hashes."""
    b.h("Audit trail", 0)
    rows = audit_rows(b.state.audit)
    number = b.next_exhibit()
    b.p(f"Every action that changed the case, oldest first (Exhibit {number}; exports are not listed). "
        f"The entries form a hash chain, so any edit, deletion or reordering is detected by `verify`; the "
        f"chain head at this packet is given on the cover. Consecutive saves of one note are one row.", "small")
    table_rows = []
    for r in rows:
        when = timestamp(r.first_time, b.locale)
        if r.count > 1:
            when = f"{when} to {timestamp(r.last_time, b.locale)}"
        table_rows.append((when, r.user, r.what + (f" ({r.count} saves)" if r.count > 1 else "")))
    b.table_exhibit(number, "Audit trail of the case", ("when", "who", "what"), table_rows, (48, 24, 102))
    b.page_break()


def signoff_page(b: Builder) -> None:
    """Who vouches for the packet: name and role from the case settings, the case state's date,
    and fields for a handwritten signature."""
    st = b.state
    b.h("Sign-off", 0)
    name = st.investigator or "not recorded in the case settings"
    role = st.role or "not recorded in the case settings"
    b.p(f"I, the investigator named below, prepared this packet from case {st.case_name} as it stood on "
        f"{timestamp(st.state_time, b.locale) if st.state_time else 'its import'} (audit chain head "
        f"{st.chain_hash or 'none'}), from the data with SHA-256 {b.r.data_hash}. The exhibits are reproduced "
        f"by the workbench from that case and data with the parameters listed in this packet.")
    cell = b.s.cell
    rows = [("Investigator", name), ("Role", role),
            ("Date of the case state", date(st.state_time, b.locale) if st.state_time else "none"),
            ("Place and date of signature", SIGNATURE_LINE), ("Signature", "")]
    table = Table([[Paragraph(f"<b>{k}</b>", cell), Paragraph(escape(v), cell)] for k, v in rows],
                  colWidths=[55 * mm, 115 * mm], rowHeights=[None, None, None, 14 * mm, 30 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#888888"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    b.story.append(Spacer(1, 6 * mm))
    b.story.append(table)
    b.p("A digital signature, when the packet carries one, covers every byte of this document; a PDF reader "
        "shows whether it was altered after signing.", "small")
