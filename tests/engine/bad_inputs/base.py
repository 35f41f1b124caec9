"""A small valid case (all six tables as CSV text) and helpers to write and mutate it.

Row numbers in comments follow the product's convention: header = row 1.
"""
from __future__ import annotations

from pathlib import Path

BASE: dict[str, str] = {
    "trades": (
        "investor_id,stock,date,buy_shares,sell_shares,buy_value,sell_value,n_buy,n_sell,venue\n"
        "00123,AAA,2024-01-02,10,0,100,0,1,0,X\n"      # row 2
        "00123,AAA,2024-01-02,30,5,330,50,2,1,Y\n"     # row 3 (same key, other venue: summed)
        "007,AAA,2024-01-03,0,5,0,50,0,1,X\n"          # row 4
        "007,BBB,2024-01-03,1,0,3,0,1,0,X\n"           # row 5
        "42,AAA,2024-01-04,2,0,22,0,1,0,X\n"           # row 6
        "42,BBB,2024-01-05,0,4,0,12,0,2,X\n"           # row 7
        "42,AAA,2024-01-15,1,0,11,0,1,0,X\n"           # row 8 (the data reaches past both events)
    ),
    "events": (
        "event_id,stock,event_date,reference_start,direction,offer_price,description\n"
        "E1,AAA,2024-01-10,2024-01-03,buy,12.5,takeover bid\n"   # row 2
        "E2,BBB,2024-01-12,2024-01-04,sell,,profit warning\n"   # row 3
    ),
    "investors": (
        "investor_id,investor_type\n"
        "00123,H\n"                 # row 2
        "007,investment firm\n"     # row 3
        "42,l\n"                    # row 4
    ),
    "options": (
        "stock,date,expiry,strike,right,volume,open_interest,implied_vol\n"
        "AAA,2024-01-03,2024-02-16,12,C,100,1000,0.35\n"   # row 2
        "AAA,2024-01-04,2024-02-16,10,put,50,500,\n"       # row 3
    ),
    "prices": (
        "stock,date,close\n"
        "AAA,2024-01-02,10.5\n"     # row 2
        "AAA,2024-01-03,10.0\n"     # row 3
        "BBB,2024-01-03,3.0\n"      # row 4
    ),
    "filings": (
        "investor_id,stock,date,form,transaction\n"
        "00123,AAA,2024-01-05,Form 4,buy\n"   # row 2
    ),
}


def set_cell(text: str, row: int, column: str, value: str) -> str:
    """The CSV text with one cell replaced (row 1 is the header)."""
    lines = text.split("\n")
    col = lines[0].split(",").index(column)
    fields = lines[row - 1].split(",")
    fields[col] = value
    lines[row - 1] = ",".join(fields)
    return "\n".join(lines)


def write_case(folder: Path, overrides: dict[str, str | bytes | None] | None = None,
               tables: tuple[str, ...] = tuple(BASE)) -> dict[str, Path]:
    """Write the base tables (with per-table overrides; ``None`` = leave the file out)."""
    overrides = overrides or {}
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name in tables:
        content = overrides.get(name, BASE[name])
        path = folder / f"{name}.csv"
        if content is None:
            paths[name] = path  # named but never written: a missing file
            continue
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        paths[name] = path
    return paths
