"""The case packet's options-flow section (METHOD.md §3): per alert its calibrated p-value,
the flagged contracts, the accounts trading them, the evidence, and the context apart."""
from __future__ import annotations

from typing import Any, Callable, Mapping

from reportlab.platypus import PageBreak, Paragraph

from engine.options.alerts import Alert
from engine.options.stage import OptionsResult
from engine.packet.case_state import escape
from engine.packet.doc import Styles
from engine.packet.numbers import p_value
from engine.packet.tables import data_table

HeadingFactory = Callable[[str, int], Any]
CONTRACT_HEADER = ("type", "strike", "expiry", "volume", "open interest", "V/OI", "IV", "IV change")
ACCOUNT_HEADER = ("account", "volume", "share", "contracts", "k-means suspect", "ring member")


def _num(x: float | None, digits: str = ",.0f") -> str:
    return "n/a" if x is None else format(x, digits)


def contract_rows(alert: Alert) -> list[tuple[str, ...]]:
    """One row per flagged contract of ``alert`` (V/OI 'no OI' when the open interest was 0)."""
    return [(c.type, f"{c.strike:g}", c.expiry.isoformat(), _num(c.volume), _num(c.open_interest),
             "no OI" if c.voi is None else f"{c.voi:.1f}", _num(c.implied_vol, ".1%"),
             "n/a" if c.iv_change is None else f"{c.iv_change * 100:+.1f} pts") for c in alert.contracts]


def account_rows(alert: Alert) -> list[tuple[str, ...]]:
    """One row per account trading the flagged contracts."""
    return [(a.investor_id, _num(a.volume), f"{a.share:.0%}", "; ".join(a.contracts),
             "yes" if a.is_suspect else "", "yes" if a.in_ring else "") for a in alert.top_accounts]


def options_section(s: Styles, result: OptionsResult, alert_states: Mapping[str, tuple[str, str, str]],
                    figure: list[Any], heading: HeadingFactory) -> list[Any]:
    """The flowables of the options section; ``figure`` holds the rendered options figure."""
    out: list[Any] = [heading("Options flow", 0)]

    def p(text: str, style: str = "body") -> None:
        out.append(Paragraph(escape(text), getattr(s, style)))

    if not result.available:
        p(f"Not analysed: {result.reason or 'no options data'}.")
        return out + [PageBreak()]
    out.extend(figure)
    p(f"Daily risk = mean of the component scores ({', '.join(result.components or {})}); each day's "
      f"p-value is calibrated against the {result.n_calibration} days before the reference period. "
      "Context (a PSE ahead, filings) is shown beside the evidence and never added to the risk.", "small")
    if result.dropped:
        p("Left out for this stock: " + "; ".join(f"{k} ({why})" for k, why in result.dropped.items()) + ".",
          "small")
    if result.high_unavailable:
        p(result.high_unavailable + ".")
    if not result.alerts:
        p("No day reached the alert threshold.")
    for a in result.alerts:
        status = alert_states.get(a.date.isoformat())
        label = f"{status[0]} ({status[1]}{': ' + status[2] if status[2] else ''})" if status else "NEW"
        out.append(heading(f"Alert {a.date.isoformat()}: {a.priority}, risk {a.risk_score:.2f}, "
                           f"p = {p_value(a.p_value)} (n = {a.n_calibration}), status {label}", 1))
        if a.calibration_note:
            p(a.calibration_note + ".", "small")
        if a.contracts:
            out.append(data_table(s, CONTRACT_HEADER, contract_rows(a)))
        p("Evidence:", "small")
        for reason in a.reasons:
            p(f"• {reason}", "small")
        if a.top_accounts:
            p("Accounts trading the flagged contracts (the options table has no buy/sell side):", "small")
            out.append(data_table(s, ACCOUNT_HEADER, account_rows(a)))
        for line in a.context:
            p(f"◦ {line}", "small")
        if a.explanation:     # its "Observed" sentence repeats the evidence above: print the evidence once
            p(a.explanation.replace(f"Observed: {'; '.join(a.reasons)}.", "Observed: the evidence listed above."),
              "small")
    return out + [PageBreak()]
