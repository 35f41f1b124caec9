"""Numbers, money and dates as the packet prints them: the one formatting module of the packet.

A reader of a court bundle knows 3.2 × 10⁻²³, not ``1e-22.75``; p-values below the float range
are printed as "< 10⁻³⁰⁰" with the base-10 logarithm beside them. Thousands are separated,
money carries the stock's currency when the packet was given one, and dates follow the packet's
date format (ISO 8601 by default).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")

#: date format name -> strftime pattern (the packet's locale setting)
DATE_FORMATS: dict[str, str] = {"iso": "%Y-%m-%d", "dmy": "%d/%m/%Y", "mdy": "%m/%d/%Y", "long": "%d %B %Y"}

#: below this base-10 logarithm a p-value is printed as a bound with its logarithm
LOG10_FLOOR = -300.0


@dataclass(frozen=True)
class Locale:
    """How the packet prints dates and money: a ``DATE_FORMATS`` name and an optional currency code."""

    date_format: str = "iso"
    currency: str | None = None

    def __post_init__(self) -> None:
        if self.date_format not in DATE_FORMATS:
            raise ValueError(f"unknown date format {self.date_format!r}; use one of {', '.join(DATE_FORMATS)}")


def power_of_ten(exponent: int) -> str:
    """10 raised to ``exponent`` in print: ``10⁻²³``."""
    return "10" + str(exponent).translate(_SUPERSCRIPT)


def p_value(p: float | None = None, *, log10: float | None = None) -> str:
    """A p-value given as a probability or as its base-10 logarithm: 0.032, 3.2 × 10⁻²³, < 10⁻³⁰⁰."""
    if log10 is None:
        if p is None or p != p:
            return "unavailable"
        if p <= 0.0:
            return f"< {power_of_ten(-300)}"
        log10 = math.log10(p)
    if log10 != log10:
        return "unavailable"
    if log10 >= -3.0:
        return f"{10.0 ** log10:.3g}"
    if log10 < LOG10_FLOOR:
        return f"< {power_of_ten(int(LOG10_FLOOR))} (log₁₀ p = {log10:,.1f})"
    exponent = math.floor(log10)
    mantissa = 10.0 ** (log10 - exponent)
    if round(mantissa, 1) >= 10.0:
        mantissa, exponent = 1.0, exponent + 1
    return f"{mantissa:.1f} × {power_of_ten(exponent)}"


def number(value: Any, digits: int = 3) -> str:
    """A value as printed: None as 'unavailable', booleans as yes/no, thousands separated,
    floats to ``digits`` significant digits."""
    if value is None:
        return "unavailable"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value != value:
            return "unavailable"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if value != 0.0 and abs(value) < 1e-3:
            exponent = math.floor(math.log10(abs(value)))
            return f"{value / 10.0 ** exponent:.{digits}g} × {power_of_ten(exponent)}"
        return f"{value:.{digits}g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def money(value: float | None, locale: Locale, decimals: int = 0) -> str:
    """An amount with thousands separators (``decimals`` places: 2 for a price) and the currency
    code when the packet has one."""
    if value is None or value != value:
        return "unavailable"
    amount = f"{value:,.{decimals}f}"
    return f"{locale.currency} {amount}" if locale.currency else amount


def date(value: dt.date | str | None, locale: Locale) -> str:
    """A date (or an ISO date string) in the packet's date format."""
    if value is None or value == "":
        return "none"
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    else:
        day = value
    return day.strftime(DATE_FORMATS[locale.date_format])


def timestamp(value: str, locale: Locale) -> str:
    """A stored UTC timestamp (ISO 8601) as "date HH:MM:SS UTC" in the packet's date format."""
    if not value:
        return "none"
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return f"{date(moment.date(), locale)} {moment.strftime('%H:%M:%S')} UTC"
