"""The screening table as JSON (``{"events": [...]}``, best first) and as CSV (same columns)."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

from engine.screen.rank import ScreenEntry

COLUMNS: tuple[str, ...] = ("event_id", "rank", "p_value", "n_used", "n_suspects", "suspicious_rings",
                            "high_options_days", "evidence", "error")


def entry_json(e: ScreenEntry) -> dict[str, Any]:
    """One event of ``screen --json``; a failed event carries its error and no rank."""
    if e.error:
        return {"event_id": e.event_id, "rank": None, "error": e.error}
    return {"event_id": e.event_id, "rank": e.rank, "p_value": e.p_value, "n_used": e.n_used,
            "n_suspects": e.n_suspects, "suspicious_rings": e.suspicious_rings,
            "high_options_days": e.high_options_days, "evidence": list(e.evidence)}


def screen_json(entries: list[ScreenEntry], data_hash: str, parameters_hash: str) -> bytes:
    """The JSON document: deterministic, no clock time."""
    doc = {"case": {"sha256": data_hash, "parameters_hash": parameters_hash},
           "events": [entry_json(e) for e in entries]}
    return (json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


def screen_csv(entries: list[ScreenEntry]) -> bytes:
    """The CSV table, evidence joined by "; "."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for e in entries:
        writer.writerow([e.event_id, "" if e.rank is None else e.rank, "" if e.p_value is None else repr(e.p_value),
                         e.n_used, e.n_suspects, e.suspicious_rings, e.high_options_days,
                         "; ".join(e.evidence), e.error])
    return out.getvalue().encode("utf-8")
