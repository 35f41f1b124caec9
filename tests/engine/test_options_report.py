"""Options in the reports: the packet's section on its own (flagged contracts, calibrated p,
accounts, context on separate lines) and the analyze summary line."""
from __future__ import annotations

import io

import pandas as pd
from pypdf import PdfReader
from reportlab.platypus import Paragraph, SimpleDocTemplate

from engine.options.stage import run_options
from engine.packet.doc import make_styles
from engine.packet.options_section import options_section
from engine.params import OptionsParams
from tests.engine.test_options_alerts import DAYS, PLANT, planted


def _pdf_text(result, states) -> str:
    styles = make_styles()
    story = options_section(styles, result, states, [], lambda text, level: Paragraph(text, styles.h1))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build(story)
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(buffer.getvalue())).pages)


def test_options_section_shows_contracts_p_accounts_and_context_apart() -> None:
    tables = planted()
    result = run_options(tables, tables.event(None), OptionsParams(), suspects=frozenset({"X"}))
    day = DAYS[PLANT].date().isoformat()
    text = " ".join(_pdf_text(result, {day: ("ESCALATED", "ana", "")}).split())
    a = result.alerts[0]
    assert f"Alert {day}: HIGH, risk {a.risk_score:.2f}, p = {a.p_value:.3g}" in text
    assert f"(n = {result.n_calibration}), status ESCALATED (ana)" in text
    expiry = (DAYS[PLANT] + pd.Timedelta(days=6)).date().isoformat()
    assert f"call 110 {expiry} 2,500 100 25.0 45.0%" in text
    assert "Accounts trading the flagged contracts (the options table has no buy/sell side)" in text
    assert f"X 2,500 100% call 110.00 exp {expiry} yes" in text
    assert "◦ Context (not part of the risk): the PSE E1" in text
    assert text.index("Evidence:") < text.index("◦ Context")
    assert "Left out for this stock: expiry" in text


def test_unavailable_options_say_why() -> None:
    tables = planted()
    none = run_options(tables.__class__(trades=tables.trades, events=tables.events), tables.event(None),
                       OptionsParams())
    assert "Not analysed: the case has no options table." in _pdf_text(none, {})


def test_analyze_summary_line_gives_high_count_and_calibration() -> None:
    from engine.cli.analyze_cmd import summary_text
    from engine.options.stage import options_section as options_json
    days = DAYS[:100]
    tables = planted(days=days, plants=(90,), ref=80, event_at=94)
    opt = options_json(run_options(tables, tables.event(None), OptionsParams()))
    doc = {"event": {"event_id": "E1", "stock": "ACME", "direction": "buy", "event_date": "d",
                     "reference_start": "r"},
           "kmeans": {"k": 2, "n_windows": 27, "rewarding_cluster": 0, "suspects": []},
           "svn": {"correction": "bonferroni", "threshold": 1e-9, "n_investors": 0, "clusters": []},
           "options": opt, "case": {"sha256": "x"}}
    line = next(ln for ln in summary_text(doc).splitlines() if ln.startswith("options:"))
    assert line.startswith(f"options: {opt['n_alerts']} alerts (0 HIGH), risk calibrated against 70 days")
    assert line.endswith(opt["high_unavailable_reason"])
